"""Reads run on every request, written once: the SQL of a read that never changes shape is made
on first use and then only run, and its rows become model instances as the ORM would make them
(the database's values converted by the fields' converters; the fields not read are deferred,
read if touched). Building the same query through the ORM on every call costs more than running
it (the API's fixed cost per call: bench/api_cost.py)."""

from django.db import connection
from django.db.models import Model


class Columns:
    """Some fields of a model as they come back from a SELECT: the columns to write (under a
    table alias) and the instance to make from their values."""

    def __init__(self, model: type[Model], names: tuple[str, ...]):
        wanted = {model._meta.pk.name, *names}
        # In the model's order: Model.from_db expects the values in that order.
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.name in wanted]
        unknown = wanted - {f.name for f in self.fields}
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        self.attnames = [f.attname for f in self.fields]
        self._converters: list | None = None

    def __len__(self) -> int:
        return len(self.fields)

    def sql(self, alias: str) -> str:
        q = connection.ops.quote_name
        return ", ".join(f"{alias}.{q(f.column)}" for f in self.fields)

    def make(self, values) -> Model:
        if self._converters is None:
            self._converters = []
            for f in self.fields:
                col = f.get_col(self.model._meta.db_table)
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                self._converters.append((found, col))
        values = list(values)
        for i, (converters, col) in enumerate(self._converters):
            for convert in converters:
                values[i] = convert(values[i], col, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


class ReadByKey:
    """`fields` of a model, and `related_fields` of the row its foreign key `related` points to
    (cached on the instance, as select_related would), by primary key: one statement made once.
    A call returns the instance or None."""

    def __init__(
        self,
        model: type[Model],
        fields: tuple[str, ...],
        *,
        related: str = "",
        related_fields: tuple[str, ...] = (),
    ):
        self.own = Columns(model, fields)
        self.link = model._meta.get_field(related) if related else None
        self.other = Columns(self.link.related_model, related_fields) if self.link else None
        self._statement: str | None = None

    def _sql(self) -> str:
        if self._statement is None:
            q = connection.ops.quote_name
            meta = self.own.model._meta
            columns, source = self.own.sql("a"), f"{q(meta.db_table)} a"
            if self.link is not None:
                other = self.link.related_model._meta
                columns += ", " + self.other.sql("b")
                source += (
                    f" INNER JOIN {q(other.db_table)} b"
                    f" ON b.{q(self.link.target_field.column)} = a.{q(self.link.column)}"
                )
            self._statement = f"SELECT {columns} FROM {source} WHERE a.{q(meta.pk.column)} = %s"
        return self._statement

    def __call__(self, pk: int) -> Model | None:
        with connection.cursor() as cursor:
            cursor.execute(self._sql(), [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        instance = self.own.make(row[: len(self.own)])
        if self.link is not None:
            self.link.set_cached_value(instance, self.other.make(row[len(self.own) :]))
        return instance


def which_exist(**queries) -> dict[str, bool]:
    """Whether each queryset has a row, asked in one statement (`SELECT EXISTS(…), EXISTS(…)`):
    a page that shows several things most records do not have (a transfer, an award) asks once
    which of them to read, instead of reading each."""
    if not queries:
        return {}
    parts, params = [], []
    for qs in queries.values():
        sql, part_params = qs.order_by().values("pk").query.sql_with_params()
        parts.append(f"EXISTS({sql})")
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(queries, map(bool, row), strict=True))

"""Inserting many rows fast: one INSERT statement per model, sent with executemany.

`Model.objects.bulk_create` compiles a new multi-row statement for every batch and passes each
value through the query compiler; for an import of 100,000 members that compiling costs more
than the database's own work. `insert_rows` prepares each value as the compiler would
(`pre_save`, so auto_now fields are filled, then `get_db_prep_save`) and sends the rows with one
statement: COPY on PostgreSQL (psycopg adapts the values), an INSERT built once and sent with
executemany on SQLite.

What it does not do, unlike bulk_create: set the objects' primary keys (read them back by a
unique column when they are needed), send signals, or handle multi-table inheritance.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from django.db import connections, models, router
from django.db.models import Model
from django.utils import timezone


def insert_rows(
    model: type[Model], objs: Iterable[Model], *, batch_size: int = 2000, using: str | None = None
) -> int:
    """INSERT the objects (all of `model`, primary key left to the database unless set on every
    object); returns how many rows were written."""
    using = using or router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    if meta.parents:
        raise ValueError("insert_rows() does not handle multi-table inheritance")
    objs = list(objs)
    if not objs:
        return 0
    fields = [
        f
        for f in meta.concrete_fields
        if not (f.primary_key and getattr(objs[0], f.attname) is None)
    ]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    prepare = [_preparer(f, connection) for f in fields]
    if connection.vendor == "postgresql":
        # COPY: a statement per row, even pipelined, is parsed and planned row by row.
        columns = ", ".join(quote(f.column) for f in fields)
        statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for obj in objs:
                copy.write_row(tuple(p(obj) for p in prepare))
        return len(objs)
    written = 0
    with connection.cursor() as cursor:
        for first in range(0, len(objs), batch_size):
            batch: Sequence[Model] = objs[first : first + batch_size]
            rows = [tuple(p(obj) for p in prepare) for obj in batch]
            cursor.executemany(sql, rows)
            written += len(rows)
    return written


def _preparer(field, connection) -> Callable[[Model], Any]:
    """A function giving the field's database value for an object. A value of the field's own
    plain type (str for text, bool, int for integers and foreign keys, a date for a DateField
    without auto_now) or None goes as it is, or through the backend's date adapter: that is all
    the field would do with it. Times set automatically (auto_now, auto_now_add) are the same
    moment for every row. Any other value or field takes the compiler's way: pre_save
    (auto_now, ...), then get_db_prep_save."""
    attname = field.attname

    def full(obj):
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    kind = type(field)
    if kind in (models.CharField, models.TextField):
        plain = str
    elif kind is models.BooleanField:
        plain = bool
    elif kind in (models.IntegerField, models.BigIntegerField, models.ForeignKey):
        plain = int
    elif kind is models.DateField and not (field.auto_now or field.auto_now_add):
        adapt = connection.ops.adapt_datefield_value

        def day(obj):
            value = getattr(obj, attname)
            return adapt(value) if value is None or type(value) is date else full(obj)

        return day
    elif kind is models.DateTimeField and (field.auto_now or field.auto_now_add):
        # One moment for the whole insert (bulk_create takes one per object).
        now = timezone.now()
        stamp = field.get_db_prep_save(now, connection)

        def moment(obj):
            setattr(obj, attname, now)
            return stamp

        return moment
    else:
        return full

    def as_is(obj):
        value = getattr(obj, attname)
        return value if value is None or type(value) is plain else full(obj)

    return as_is

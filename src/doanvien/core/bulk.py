"""Inserting many rows fast: one INSERT statement per model, sent with executemany.

`Model.objects.bulk_create` compiles a new multi-row statement for every batch and passes each
value through the query compiler; for an import of 100,000 members that compiling costs more
than the database's own work. `insert_rows` prepares each value as the compiler would
(`pre_save`, so auto_now fields are filled, then `get_db_prep_save`) and sends the rows with one
statement: COPY on PostgreSQL (psycopg adapts the values), an INSERT built once and sent with
executemany on SQLite.

What it does not do, unlike bulk_create: set the objects' primary keys (take them beforehand
with `reserve_ids` on PostgreSQL, or read them back by a unique column), send signals, or
handle multi-table inheritance.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from functools import partial
from operator import attrgetter
from types import SimpleNamespace
from typing import Any

from django.db import connections, models, router
from django.db.models import Model
from django.utils import timezone

from .fields import TreePathField


def insert_rows(
    model: type[Model],
    objs: Iterable[Model],
    *,
    batch_size: int = 2000,
    using: str | None = None,
    ignore_conflicts: bool = False,
    only: Iterable[str] | None = None,
) -> int:
    """INSERT the objects (all of `model`, primary key left to the database unless set on every
    object); returns how many rows were sent. `ignore_conflicts`: a row that would break a
    unique constraint is left out (ON CONFLICT DO NOTHING; sent with executemany, not COPY).
    `only`: the fields written (by name); the others take their default in the database
    (`db_default`), which makes a table of many counters cheap to fill with a few of them."""
    connection = connections[using or router.db_for_write(model)]
    meta = model._meta
    if meta.parents:
        raise ValueError("insert_rows() does not handle multi-table inheritance")
    objs = list(objs)
    if not objs:
        return 0
    fields = [
        f
        for f in meta.concrete_fields
        if not (f.primary_key and getattr(objs[0], f.attname, None) is None)
    ]
    if only is not None:
        named = set(only)
        fields = [f for f in fields if f.name in named or f.primary_key]
        left = [f.name for f in meta.concrete_fields if f not in fields and not f.primary_key]
        if missing := [n for n in left if not meta.get_field(n).has_db_default()]:
            raise ValueError(f"insert_rows(only=…) leaves out fields with no db_default: {missing}")
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    row = _row_maker(fields, connection)
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    elif connection.vendor == "postgresql":
        # COPY: a statement per row, even pipelined, is parsed and planned row by row.
        columns = ", ".join(quote(f.column) for f in fields)
        statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(statement) as copy,
        ):
            for obj in objs:
                copy.write_row(row(obj))
        return len(objs)
    written = 0
    with connection.cursor() as cursor:
        for first in range(0, len(objs), batch_size):
            batch: Sequence[Model] = objs[first : first + batch_size]
            rows = [row(obj) for obj in batch]
            cursor.executemany(sql, rows)
            written += len(rows)
    return written


def reserve_ids(model: type[Model], count: int, *, using: str | None = None) -> list[int] | None:
    """`count` primary keys taken from the table's sequence in one query, on PostgreSQL, to
    set on objects before insert_rows (which then writes them): no reading the keys back
    afterwards. None on other databases (SQLite has no sequence to take them from)."""
    connection = connections[using or router.db_for_write(model)]
    if connection.vendor != "postgresql" or count <= 0:
        return None
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            # The sequence is found once, not for each id.
            "SELECT array_agg(nextval(found.seq)) FROM generate_series(1, %s), "
            "(SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) AS found",
            [count, connection.ops.quote_name(meta.db_table), meta.pk.column],
        )
        return cursor.fetchone()[0]


class GrowingTable:
    """Keeps PostgreSQL's statistics of a table true while an import fills it.

    The planner sizes a table by its last ANALYZE. A table that was small then, filled by an
    import that also looks rows up in it (its checks for each chunk of rows), keeps being
    read whole for every lookup instead of through its unique indexes: the import slows down
    with the square of its size. `grew(rows)` runs ANALYZE inside the transaction writing
    (it counts that transaction's new rows and those of the chunks committed before) each
    time the rows added since the last one reach the count it found, from 5,000 rows on: a
    few times while an empty table gets 100,000 rows, never for one already large."""

    FIRST = 5000

    def __init__(self, model: type[Model], *, using: str | None = None):
        self.connection = connections[using or router.db_for_write(model)]
        self.table = model._meta.db_table
        # Statistics of the columns the lookups use (those of unique indexes): the table's
        # size is counted whatever the columns, and fewer columns make a quicker ANALYZE.
        quote = self.connection.ops.quote_name
        self.columns = ", ".join(
            quote(f.column) for f in model._meta.concrete_fields if f.unique or f.primary_key
        )
        self.active = self.connection.vendor == "postgresql"
        self.counted = 0.0
        self.added = 0
        if self.active:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                    [self.connection.ops.quote_name(self.table)],
                )
                row = cursor.fetchone()
            self.counted = max(row[0] if row else 0.0, 0.0)  # -1: never analyzed

    def grew(self, rows: int) -> None:
        if not self.active:
            return
        self.added += rows
        if self.added >= max(self.counted, self.FIRST):
            with self.connection.cursor() as cursor:
                table = self.connection.ops.quote_name(self.table)
                cursor.execute(f"ANALYZE {table} ({self.columns})")
            self.counted += self.added
            self.added = 0


def record_maker(model: type[Model]) -> Callable[[dict[str, Any]], SimpleNamespace]:
    """A maker of light stand-ins for unsaved objects of `model`, for insert_rows: each has
    every field's attribute, from the values given (by attname, e.g. "member_id") or else the
    field's default. A model instance costs several times more to make, which counts at a
    hundred thousand rows."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # A new value for each row (dict, ...); `default` is a class, also callable, when unset.
    made = [f for f in fields if f.has_default() and callable(f.default)]
    fixed = {f.attname: f.get_default() for f in fields if f not in made}

    def make(given: dict[str, Any]) -> SimpleNamespace:
        row = SimpleNamespace(**fixed)
        for f in made:
            if f.attname not in given:
                setattr(row, f.attname, f.get_default())
        row.__dict__.update(given)
        return row

    return make


def records(model: type[Model], values: Iterable[dict[str, Any]]) -> Iterator[SimpleNamespace]:
    """record_maker(model) applied to each of `values`."""
    return map(record_maker(model), values)


def _row_maker(fields, connection) -> Callable[[Model], list]:
    """A function giving an object's row: every attribute read at once, then each value put in
    its database form. A value of its field's plain type (str for text, bool, int for integers
    and foreign keys) or None goes as it is: that is all the field would do with it. Dates go
    through the backend's date adapter (not called where it gives the date back as it is);
    times set automatically (auto_now, auto_now_add) are one moment for the whole insert
    (bulk_create takes one per object). A dict or list for a JSON field is written as JSON
    text, which both databases read as JSON (on SQLite it is what the field does). Any other
    value or field takes the compiler's way: pre_save, then get_db_prep_save."""
    getter = attrgetter(*(f.attname for f in fields))
    plain: list[tuple[int, type, Callable]] = []
    days: list[tuple[int, Callable]] = []
    stamps: list[tuple[int, str, Any, Any]] = []
    other: list[tuple[int, Callable]] = []
    jsons: list[tuple[int, Any, Callable]] = []
    adapt_day = connection.ops.adapt_datefield_value
    probe = date(2000, 1, 1)
    if adapt_day(probe) is probe:  # PostgreSQL: the driver writes dates
        adapt_day = None
    now = timezone.now()
    for i, field in enumerate(fields):
        kind = type(field)
        full = partial(_full, field, connection)
        if kind in (models.CharField, models.TextField, models.EmailField, TreePathField):
            plain.append((i, str, full))
        elif kind is models.BooleanField:
            plain.append((i, bool, full))
        elif kind in (
            models.IntegerField,
            models.BigIntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.PositiveBigIntegerField,
            models.ForeignKey,
            models.AutoField,
            models.BigAutoField,
        ):
            plain.append((i, int, full))
        elif kind is models.DateField and not (field.auto_now or field.auto_now_add):
            days.append((i, full))
        elif kind is models.DateTimeField and (field.auto_now or field.auto_now_add):
            stamps.append((i, field.attname, now, field.get_db_prep_save(now, connection)))
        elif kind is models.JSONField:
            jsons.append((i, field.encoder, full))
        else:
            other.append((i, full))
    single = len(fields) == 1

    def row(obj) -> list:
        values = [getter(obj)] if single else list(getter(obj))
        for i, kind, full in plain:
            value = values[i]
            if value is not None and value.__class__ is not kind:
                values[i] = full(obj)
        for i, full in days:
            value = values[i]
            if value is not None and value.__class__ is not date:
                values[i] = full(obj)
            elif adapt_day is not None:
                values[i] = adapt_day(value)
        for i, encoder, full in jsons:
            value = values[i]
            if value.__class__ is dict or value.__class__ is list:
                values[i] = json.dumps(value, cls=encoder)
            else:
                values[i] = full(obj)
        for i, attname, moment, stamp in stamps:
            setattr(obj, attname, moment)
            values[i] = stamp
        for i, full in other:
            values[i] = full(obj)
        return values

    return row


def _full(field, connection, obj):
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def update_from_values(
    table: str,
    keys: Sequence[str],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    add: bool = False,
    batch_size: int = 1000,
    using: str = "default",
) -> None:
    """Write many rows' `columns` (or, with `add`, add to them), each row found by its `keys`:
    one UPDATE per batch joined to a list of values, `rows` giving each row's keys then its
    columns. bulk_update's CASE per column costs seconds per thousand rows on PostgreSQL."""
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(table)
    names = ", ".join(quote(c) for c in (*keys, *columns))
    sets = ", ".join(
        f"{quote(c)} = {f'{table}.{quote(c)} + ' if add else ''}v.{quote(c)}" for c in columns
    )
    where = " AND ".join(f"{table}.{quote(k)} = v.{quote(k)}" for k in keys)
    one = "(" + ", ".join(["%s"] * (len(keys) + len(columns))) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            cursor.execute(
                f"WITH v ({names}) AS (VALUES {', '.join([one] * len(batch))}) "
                f"UPDATE {table} SET {sets} FROM v WHERE {where}",
                [value for row in batch for value in row],
            )


def write_fields(
    model: type[Model],
    objects: Sequence[Model],
    fields: Sequence[str],
    *,
    batch_size: int = 1000,
    using: str = "default",
) -> None:
    """What `model.objects.bulk_update(objects, fields)` does (each object's `fields` written
    to its row, found by its primary key), as update_from_values statements: bulk_update
    builds a CASE of every object for every field, whose compiling takes seconds per thousand
    rows of a roll-up table with 40 counters. Each value is prepared as a save would prepare
    it (a JSON field's value goes typed as JSON on PostgreSQL)."""
    connection = connections[using]
    meta = model._meta
    written = [meta.get_field(name) for name in fields]
    rows = [
        (obj.pk, *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in written))
        for obj in objects
    ]
    update_from_values(
        meta.db_table,
        (meta.pk.column,),
        [f.column for f in written],
        rows,
        batch_size=batch_size,
        using=using,
    )

"""Inserting many rows fast: one INSERT statement per model, sent with executemany.

`Model.objects.bulk_create` compiles a new multi-row statement for every batch and passes each
value through the query compiler; for an import of 100,000 members that compiling costs more
than the database's own work. `insert_rows` prepares each value exactly as the compiler would
(`pre_save`, so auto_now fields are filled, then `get_db_prep_save`), builds the statement once,
and lets the driver send the rows (sqlite3's executemany; psycopg's, which pipelines them).

What it does not do, unlike bulk_create: set the objects' primary keys (read them back by a
unique column when they are needed), send signals, or handle multi-table inheritance.
"""

from collections.abc import Iterable, Sequence

from django.db import connections, router
from django.db.models import Model


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
    written = 0
    with connection.cursor() as cursor:
        for first in range(0, len(objs), batch_size):
            batch: Sequence[Model] = objs[first : first + batch_size]
            rows = [
                tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
                for obj in batch
            ]
            cursor.executemany(sql, rows)
            written += len(rows)
    return written

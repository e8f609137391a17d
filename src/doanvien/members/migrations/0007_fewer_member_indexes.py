"""Fewer indexes on the member table: each one costs every insert, and an import inserts a
hundred thousand members at once.

- The folded name is searched by "contains", which a plain index does not answer (the trigram
  index of 0002 does, on PostgreSQL).
- The branch is the first column of member_branch_status, which serves what its own index did.
- On PostgreSQL, Django adds a second index (varchar_pattern_ops, for LIKE 'x%') to each
  unique text field; nothing looks up the member identifier, the ID number or the card number
  by their beginning, so those three are dropped (exact lookups and card ranges use the
  unique indexes).
"""

import django.db.models.deletion
from django.db import migrations, models

PREFIX_INDEXED = ("member_code", "id_number", "card_number")


def _prefix_indexes(schema_editor) -> dict[str, str]:
    """Column → name of its varchar_pattern_ops index on members_member."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'members_member'"
        )
        found = {}
        for name, definition in cursor.fetchall():
            for column in PREFIX_INDEXED:
                if f"({column} varchar_pattern_ops)" in definition:
                    found[column] = name
        return found


def drop_prefix_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _prefix_indexes(schema_editor).values():
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_prefix_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    have = _prefix_indexes(schema_editor)
    for column in PREFIX_INDEXED:
        if column not in have:
            schema_editor.execute(
                f'CREATE INDEX "members_member_{column}_like" ON members_member '
                f'("{column}" varchar_pattern_ops)'
            )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_attachments"),
        ("units", "0003_unit_children_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="member",
            name="branch",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="members",
                to="units.unit",
                verbose_name="branch",
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="name_folded",
            field=models.CharField(editable=False, max_length=120),
        ),
        migrations.RunPython(drop_prefix_indexes, create_prefix_indexes),
    ]

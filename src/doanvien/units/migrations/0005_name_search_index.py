"""On PostgreSQL, a trigram index answers the unit chooser's "name contains" searches
(units.selectors.units_matching) without reading every unit of the subtree. Other databases keep
the plain index of the folded name."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS unit_name_trgm ON units_unit USING gin (name_folded gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS unit_name_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("units", "0004_member_count_deltas")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]

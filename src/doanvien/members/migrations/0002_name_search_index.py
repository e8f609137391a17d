"""On PostgreSQL, a trigram index answers "name contains" searches without scanning members.
Other databases keep the plain index of the folded name."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS member_name_trgm ON members_member "
    "USING gin (name_folded gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS member_name_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]

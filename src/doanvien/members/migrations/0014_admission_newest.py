"""The index admission_newest (proposed_at, id): a list of admission proposals, newest first,
reads its page from it (keyset paging: core.pagination.keyset_page, members.selectors.
ADMISSION_ORDER) instead of sorting every proposal of a province or of the nation, which
grows by about a million a year.

On PostgreSQL it is built CONCURRENTLY, so that proposals can be written while it is built (the
migration is therefore not atomic)."""

from django.db import migrations, models

INDEX = models.Index(fields=["proposed_at", "id"], name="admission_newest")


def _options(schema_editor) -> dict:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


def create(apps, schema_editor):
    admission = apps.get_model("members", "AdmissionRequest")
    schema_editor.add_index(admission, INDEX, **_options(schema_editor))


def drop(apps, schema_editor):
    admission = apps.get_model("members", "AdmissionRequest")
    schema_editor.remove_index(admission, INDEX, **_options(schema_editor))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("members", "0013_search_and_list_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="admissionrequest", index=INDEX)],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]

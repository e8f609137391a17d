"""The index registration_year_path (unit_path, year, state): the list of a subtree's
registrations of a year (training.selectors.registrations_listed), in the order of the tree then
of the members' names, reads a page from it, from the page's cursor on, instead of sorting every
registration of a province or of the nation (about six million a year). The path comes first:
led by the year, SQLite (which keeps no statistics unless told) took it for every query of a
year's registrations, the branches' counts among them, and read the whole year for each.

On PostgreSQL it is built CONCURRENTLY, so that registrations can be written while it is built
(the migration is therefore not atomic)."""

from django.db import migrations, models

INDEX = models.Index(fields=["unit_path", "year", "state"], name="registration_year_path")


def _options(schema_editor) -> dict:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


def create(apps, schema_editor):
    registration = apps.get_model("training", "Registration")
    schema_editor.add_index(registration, INDEX, **_options(schema_editor))


def drop(apps, schema_editor):
    registration = apps.get_model("training", "Registration")
    schema_editor.remove_index(registration, INDEX, **_options(schema_editor))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("training", "0017_pending_branches")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="registration", index=INDEX)],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]

from django.db import migrations

from doanvien.activities import defaults


def install(apps, schema_editor):
    defaults.install(apps.get_model("activities", "ActivityKind"))


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

from django.db import migrations

from doanvien.units.levels import ensure_default_levels


def add_levels(apps, schema_editor):
    ensure_default_levels(apps.get_model("units", "Level"))


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(add_levels, migrations.RunPython.noop)]

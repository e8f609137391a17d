from django.db import migrations

from doanvien.dues import defaults


def install(apps, schema_editor):
    defaults.install(apps.get_model("dues", "Rate"), apps.get_model("dues", "CategoryDefault"))


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

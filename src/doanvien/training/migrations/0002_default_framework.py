from django.db import migrations

from doanvien.training import default_framework


def install(apps, schema_editor):
    default_framework.install(
        apps.get_model("training", "Phase"),
        apps.get_model("training", "Framework"),
        apps.get_model("training", "ContentArea"),
        apps.get_model("training", "Criterion"),
    )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

from django.db import migrations

from doanvien.evaluations import default_schemes


def install(apps, schema_editor):
    default_schemes.install(
        apps.get_model("evaluations", "Scheme"),
        apps.get_model("evaluations", "SchemeGroup"),
        apps.get_model("evaluations", "SchemeItem"),
        apps.get_model("evaluations", "DefaultEvaluationDeadline"),
        codes=("unit_rating",),
    )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0006_unit_rating")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

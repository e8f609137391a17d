from django.db import migrations

from doanvien.member_stats.defaults import install


def forwards(apps, schema_editor):
    install(apps.get_model("member_stats", "AgeBand"), apps.get_model("member_stats", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("member_stats", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

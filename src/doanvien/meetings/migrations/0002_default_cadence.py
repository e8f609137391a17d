"""The default cadence: at least one monthly meeting in each calendar month (union-rules §8,
[confirmed]); editable data, a unit's own row overrides it for its subtree."""

from django.db import migrations


def forwards(apps, schema_editor):
    CadenceRule = apps.get_model("meetings", "CadenceRule")
    if not CadenceRule.objects.filter(unit=None).exists():
        CadenceRule.objects.create(unit=None, per_month=1)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""The default campaigns (half year due 30/6, year due 30/11) and the nine statistics forms,
as editable data (returns/default_forms.py: the layouts are placeholders)."""

from django.db import migrations

from doanvien.returns.default_forms import install


def forwards(apps, schema_editor):
    install(apps.get_model("returns", "PeriodDefault"), apps.get_model("returns", "FormDefinition"))


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

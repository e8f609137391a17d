from django.db import migrations

# The levels of the Union's tree (see the glossary); more can be added as data.
LEVELS = [
    ("central", "Trung ương", 0),
    ("province", "Tỉnh, thành đoàn và tương đương", 1),
    ("district", "Quận, huyện, thị đoàn và tương đương", 2),
    ("base", "Đoàn cơ sở, chi đoàn cơ sở", 3),
    ("branch", "Chi đoàn", 4),
]


def add_levels(apps, schema_editor):
    Level = apps.get_model("units", "Level")
    for code, name, rank in LEVELS:
        Level.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(add_levels, migrations.RunPython.noop)]

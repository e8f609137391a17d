"""The default term lengths and committee sizes, as editable data (union-rules §8):
- school branches and base unions: 1 year [C2]; agency, enterprise (and university) base
  unions: twice in 5 years, 30 months [C1]; commune/ward base unions and district level and
  above: 5 years [C1]; other branches: 1 year [placeholder]. The product's sectors do not tell a
  university from a school: a university's base union sets its own row or its term's end.
- a branch's committee: at most 3 people up to 50 members, 5 above [placeholder, C1]."""

from django.db import migrations

TERMS = [
    ("branch", "", 12),
    ("base", "school", 12),
    ("base", "workers", 30),
    ("base", "public_admin", 30),
    ("base", "armed_forces", 30),
    ("base", "overseas", 30),
    ("base", "residential", 60),
    ("base", "", 60),
    ("district", "", 60),
    ("province", "", 60),
    ("central", "", 60),
]
SIZES = [("branch", 50, 3), ("branch", None, 5)]


def forwards(apps, schema_editor):
    Level = apps.get_model("units", "Level")
    TermLength = apps.get_model("committees", "TermLength")
    SizeLimit = apps.get_model("committees", "SizeLimit")
    levels = {level.code: level for level in Level.objects.all()}
    for code, sector, months in TERMS:
        if code in levels:
            TermLength.objects.get_or_create(
                level=levels[code], sector=sector, defaults={"months": months}
            )
    for code, up_to, size in SIZES:
        if code in levels:
            SizeLimit.objects.get_or_create(
                level=levels[code], up_to_members=up_to, defaults={"max_size": size}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0001_initial"),
        ("units", "0002_default_levels"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

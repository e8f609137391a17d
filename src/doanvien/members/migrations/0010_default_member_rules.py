"""The national default of the age rules (docs/domain.md §6): admission from a full 15 years and
1 day to the end of the age of 30 (Hướng dẫn 22-HD/TWĐTN of 28/6/2013 on the Charter), maturing
out from the year a member turns 30, kept by the branch up to the end of the age of 35 (the
Charter, art. 4). Editable in the admin; a unit may have its own rows for its subtree."""

from datetime import date

from django.db import migrations

DEFAULT = {
    "unit": None,
    "valid_from": date(2013, 6, 28),
    "admission_min_years": 15,
    "admission_min_days": 1,
    "admission_max_age": 30,
    "maturing_age": 30,
    "keep_max_age": 35,
    "source": "Hướng dẫn 22-HD/TWĐTN (28/6/2013); Điều lệ Đoàn, Điều 4",
}


def add_default(apps, schema_editor):
    rules = apps.get_model("members", "MemberRules")
    if not rules.objects.filter(unit__isnull=True).exists():
        rules.objects.create(**DEFAULT)


def remove_default(apps, schema_editor):
    rules = apps.get_model("members", "MemberRules")
    rules.objects.filter(unit__isnull=True, valid_from=DEFAULT["valid_from"]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0009_age_rules_and_staying_past_the_limit")]
    operations = [migrations.RunPython(add_default, remove_default)]

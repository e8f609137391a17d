from django.db import migrations

# The indicators the evaluations now give a figure for (evaluations/statistics_indicators.py):
# those still typed take it; an indicator an installation pointed elsewhere keeps its source.
# Figures typed for them before stay in the table, no longer shown.
COMPUTED = {
    "strong_bases": "strong_bases_share",
    "members_good": "members_good_share",
    "recommended_party": "introduced_to_party_in_year",
}


def forwards(apps, schema_editor):
    Indicator = apps.get_model("member_stats", "Indicator")
    for code, source in COMPUTED.items():
        Indicator.objects.filter(code=code, source="").update(source=source)


def backwards(apps, schema_editor):
    Indicator = apps.get_model("member_stats", "Indicator")
    for code, source in COMPUTED.items():
        Indicator.objects.filter(code=code, source=source).update(source="")


class Migration(migrations.Migration):
    dependencies = [("member_stats", "0003_delta_sector")]

    operations = [migrations.RunPython(forwards, backwards)]

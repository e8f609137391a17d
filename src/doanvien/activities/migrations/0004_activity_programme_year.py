"""An activity's (and a campaign's) year becomes the programme year of its start for its unit's
sector, as the training programme counts it: a school unit's activities from June (the month in
training.ProgrammeCalendar) count in the next year. An activity someone signed up for, took part
in or linked to a criterion keeps its year, as the services keep it (activities/services.py
`_check_change`; a link needs the registration's year). The figures of the years changed are
counted again (activities.rollup.fix, the recount of `manage.py recompute_stats`)."""

from django.db import migrations
from django.utils import timezone


def _year(day, sector, month):
    if sector == "school" and day.month >= month:
        return day.year + 1
    return day.year


def to_programme_years(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    Campaign = apps.get_model("activities", "Campaign")
    Unit = apps.get_model("units", "Unit")
    Calendar = apps.get_model("training", "ProgrammeCalendar")
    row = Calendar.objects.first()
    month = row.school_year_start_month if row else 6
    schools = Unit.objects.filter(sector="school").values("pk")
    changed = 0
    untouched = Activity.objects.filter(
        unit__in=schools, participations=None, criterion_links=None
    ).distinct()
    for activity in untouched.iterator():
        year = _year(timezone.localtime(activity.starts_at).date(), "school", month)
        if year != activity.year:
            Activity.objects.filter(pk=activity.pk).update(year=year)
            changed += 1
    for campaign in Campaign.objects.filter(unit__in=schools).iterator():
        year = _year(campaign.starts_on, "school", month)
        if year != campaign.year:
            Campaign.objects.filter(pk=campaign.pk).update(year=year)
    if changed:
        # The roll-ups' own recount (it reads the models as they are at this migration).
        from doanvien.activities import rollup

        rollup.fix()


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0003_campaigns"),
        ("training", "0014_yearstats_deltas"),
        ("units", "0006_code_prefix_index"),
    ]

    operations = [migrations.RunPython(to_programme_years, migrations.RunPython.noop)]

"""Campaigns become records (a unit, dates, a description) that activities point to; the
campaign names typed on activities so far become a campaign of the activity's unit each (one per
unit and name, its dates those of its activities)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone



def names_to_campaigns(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    Campaign = apps.get_model("activities", "Campaign")
    groups: dict[tuple[int, str], list] = {}
    for activity in Activity.objects.exclude(campaign_name="").order_by("pk").iterator():
        groups.setdefault((activity.unit_id, activity.campaign_name), []).append(activity)
    for (unit_id, name), activities in groups.items():
        starts = min(timezone.localtime(a.starts_at).date() for a in activities)
        ends = max(timezone.localtime(a.ends_at).date() for a in activities)
        campaign = Campaign.objects.create(
            unit_id=unit_id,
            unit_path=activities[0].unit_path,
            title=name,
            starts_on=starts,
            ends_on=ends,
            year=starts.year,
        )
        Activity.objects.filter(pk__in=[a.pk for a in activities]).update(campaign=campaign)


def campaigns_to_names(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    for activity in Activity.objects.exclude(campaign=None).select_related("campaign"):
        activity.campaign_name = activity.campaign.title
        activity.save(update_fields=["campaign_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_default_kinds"),
        ("units", "0004_member_count_deltas"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Campaign",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("unit_path", models.CharField(editable=False, max_length=255)),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("starts_on", models.DateField(verbose_name="starts on")),
                ("ends_on", models.DateField(verbose_name="ends on")),
                ("year", models.PositiveSmallIntegerField(editable=False)),
                (
                    "description",
                    models.TextField(blank=True, default="", verbose_name="description"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="units.unit",
                        verbose_name="run by",
                    ),
                ),
            ],
            options={"verbose_name": "campaign", "verbose_name_plural": "campaigns"},
        ),
        migrations.AddIndex(
            model_name="campaign",
            index=models.Index(
                fields=["unit_path"], name="campaign_path", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="campaign",
            index=models.Index(fields=["unit", "year"], name="campaign_unit_year"),
        ),
        migrations.RenameField(model_name="activity", old_name="campaign", new_name="campaign_name"),
        migrations.AddField(
            model_name="activity",
            name="campaign",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="activities.campaign",
                verbose_name="campaign",
            ),
        ),
        migrations.RunPython(names_to_campaigns, campaigns_to_names),
        migrations.RemoveField(model_name="activity", name="campaign_name"),
    ]

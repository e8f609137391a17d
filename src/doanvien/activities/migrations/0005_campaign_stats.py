"""A campaign's totals kept per unit on the write path (activities/campaign_stats.py), filled
here from the activities and participations recorded so far."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Q


def fill(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    Participation = apps.get_model("activities", "Participation")
    CampaignStats = apps.get_model("activities", "CampaignStats")
    Unit = apps.get_model("units", "Unit")
    live = Activity.objects.exclude(campaign=None).filter(cancelled_at=None)
    found = {}

    def row(campaign_id, unit_id):
        return found.setdefault(
            (campaign_id, unit_id),
            {"activities": 0, "signed_up": 0, "participations": 0, "participants": 0},
        )

    for r in live.values("campaign_id", "unit_id").annotate(n=Count("id")).order_by():
        row(r["campaign_id"], r["unit_id"])["activities"] = r["n"]
    attended = ~Q(attended_at=None)
    for r in (
        Participation.objects.filter(activity__in=live.values("pk"))
        .values("activity__campaign_id", "member__branch_id")
        .annotate(
            s=Count("id", filter=~Q(signed_up_at=None)),
            p=Count("id", filter=attended),
            m=Count("member_id", filter=attended, distinct=True),
        )
        .order_by()
    ):
        row(r["activity__campaign_id"], r["member__branch_id"]).update(
            signed_up=r["s"], participations=r["p"], participants=r["m"]
        )
    paths = dict(Unit.objects.filter(pk__in={u for _c, u in found}).values_list("pk", "path"))
    CampaignStats.objects.bulk_create(
        [
            CampaignStats(campaign_id=c, unit_id=u, unit_path=paths[u], **values)
            for (c, u), values in sorted(found.items())
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0004_activity_programme_year'),
        ('units', '0006_code_prefix_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='CampaignStats',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit_path', models.CharField(max_length=255)),
                ('activities', models.IntegerField(default=0)),
                ('signed_up', models.IntegerField(default=0)),
                ('participations', models.IntegerField(default=0)),
                ('participants', models.IntegerField(default=0)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stats', to='activities.campaign')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='units.unit')),
            ],
            options={
                'indexes': [models.Index(fields=['campaign', 'unit_path'], name='campaign_stats_path', opclasses=['int8_ops', 'varchar_pattern_ops'])],
                'constraints': [models.UniqueConstraint(fields=('campaign', 'unit'), name='one_campaign_stats_row')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

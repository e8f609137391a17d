"""The age rules of membership as data (MemberRules), and what keeps a member past the age
limit: his branch's decision (kept_until) or his continuing as a cadre (continues_as)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_movement_from_reports"),
        ("units", "0003_unit_children_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="continues_as",
            field=models.CharField(
                blank=True,
                choices=[
                    ("elected", "Elected to a Union committee"),
                    ("full_time", "Works full-time for the Union"),
                ],
                default="",
                editable=False,
                max_length=12,
                verbose_name="continues past the age limit as",
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="continues_reason",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=255,
                verbose_name="why he continues",
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="kept_reason",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=255,
                verbose_name="why the branch keeps him",
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="kept_until",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="kept by the branch until"
            ),
        ),
        migrations.CreateModel(
            name="MemberRules",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("valid_from", models.DateField(verbose_name="in force from")),
                (
                    "admission_min_years",
                    models.PositiveSmallIntegerField(
                        default=15, verbose_name="admission from the age of (full years)"
                    ),
                ),
                (
                    "admission_min_days",
                    models.PositiveSmallIntegerField(
                        default=1,
                        help_text="15 years and 1 day: a youth is admitted from the day after his 15th birthday.",
                        verbose_name="and days past that birthday",
                    ),
                ),
                (
                    "admission_max_age",
                    models.PositiveSmallIntegerField(
                        default=30,
                        help_text="30: refused from the 31st birthday.",
                        verbose_name="admission up to the end of the age of",
                    ),
                ),
                (
                    "maturing_age",
                    models.PositiveSmallIntegerField(
                        default=30, verbose_name="members mature out from the year they turn"
                    ),
                ),
                (
                    "keep_max_age",
                    models.PositiveSmallIntegerField(
                        default=35,
                        verbose_name="the branch may keep a member up to the end of the age of",
                    ),
                ),
                (
                    "source",
                    models.CharField(blank=True, default="", max_length=200, verbose_name="source"),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        help_text="The rules cover this unit's subtree; leave empty for the national default.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="units.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "membership age rules",
                "verbose_name_plural": "membership age rules",
                "ordering": ["unit_id", "-valid_from"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("unit__isnull", False)),
                        fields=("unit", "valid_from"),
                        name="member_rules_one_per_unit_and_date",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("unit__isnull", True)),
                        fields=("valid_from",),
                        name="member_rules_one_default_per_date",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("admission_min_years__lte", models.F("admission_max_age")),
                            ("admission_min_days__lte", 365),
                            ("maturing_age__lte", models.F("keep_max_age")),
                        ),
                        name="member_rules_consistent",
                        violation_error_message="The youngest admission age cannot be above the oldest, the days past the birthday are at most 365, and the age limit cannot be above the age the branch may keep a member to.",
                    ),
                ],
            },
        ),
    ]

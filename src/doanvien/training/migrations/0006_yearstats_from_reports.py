"""YearStats moves here from the reports app: the table stays as it is (its old name), only
Django's record of which app holds the model changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_movement_ledger"),
        ("training", "0005_recognised_late"),
        ("units", "0003_unit_children_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="YearStats",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField()),
                        ("unit_path", models.CharField(max_length=255)),
                        ("depth", models.PositiveSmallIntegerField()),
                        ("members", models.IntegerField(blank=True, null=True)),
                        ("registered", models.IntegerField(default=0)),
                        ("assessed", models.IntegerField(default=0)),
                        ("not_classified", models.IntegerField(default=0)),
                        ("excellent", models.IntegerField(default=0)),
                        ("good", models.IntegerField(default=0)),
                        ("complete", models.IntegerField(default=0)),
                        ("incomplete", models.IntegerField(default=0)),
                        ("waiting", models.IntegerField(default=0)),
                        ("recognised", models.IntegerField(default=0)),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="year_stats",
                                to="units.unit",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_yearstats",
                        "indexes": [
                            models.Index(
                                fields=["year", "depth", "unit_path"],
                                name="stats_year_depth_path",
                                opclasses=["int2_ops", "int2_ops", "varchar_pattern_ops"],
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("unit", "year"), name="one_stats_row")
                        ],
                    },
                ),
            ],
        ),
    ]

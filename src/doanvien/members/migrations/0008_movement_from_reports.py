"""Movement moves here from the reports app: the table stays as it is (its old name), only
Django's record of which app holds the model changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_movement_ledger"),
        ("members", "0007_fewer_member_indexes"),
        ("units", "0003_unit_children_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Movement",
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
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("admitted", "Admitted"),
                                    ("transfer_in", "Transferred in"),
                                    ("transfer_out", "Transferred out"),
                                    ("removed", "Removed from the roll"),
                                    ("expelled", "Expelled"),
                                    ("matured_out", "Matured out"),
                                    ("reinstated", "Reinstated"),
                                ],
                                max_length=20,
                                verbose_name="movement",
                            ),
                        ),
                        ("on", models.DateField(verbose_name="date")),
                        ("unit_path", models.CharField(max_length=255)),
                        ("other_path", models.CharField(blank=True, default="", max_length=255)),
                        (
                            "reason",
                            models.CharField(
                                blank=True, default="", max_length=255, verbose_name="reason"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "branch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="units.unit",
                            ),
                        ),
                        (
                            "member",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="movements",
                                to="members.member",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_movement",
                        "indexes": [
                            models.Index(
                                fields=["kind", "on", "unit_path"],
                                name="movement_kind_on_path",
                                opclasses=[
                                    "varchar_pattern_ops",
                                    "date_ops",
                                    "varchar_pattern_ops",
                                ],
                            )
                        ],
                    },
                ),
            ],
        ),
    ]

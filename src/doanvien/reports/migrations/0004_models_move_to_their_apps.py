"""YearStats now lives in training and Movement in members (their tables keep their names): the
reports app forgets them without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_movement_ledger"),
        ("members", "0008_movement_from_reports"),
        ("training", "0006_yearstats_from_reports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Movement"),
                migrations.DeleteModel(name="YearStats"),
            ],
        ),
    ]

"""How many months before the evaluation deadline assessments open: data on each framework,
two months by default (the product's default framework included)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0007_branchresult_reopen"),
    ]

    operations = [
        migrations.AddField(
            model_name="framework",
            name="assessment_opens_months_before",
            field=models.PositiveSmallIntegerField(
                default=2,
                verbose_name="months before the evaluation deadline that assessment opens",
            ),
        ),
    ]

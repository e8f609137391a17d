"""Member groups in the training programme (docs/domain.md, "Member groups").

- A criterion's "for whom" was free text shown next to it; it becomes the member group the
  criterion is offered to, or empty for every member. Each criterion gets the group its text
  names by known words (training/audiences.py: "Học sinh, sinh viên" → pupils and students,
  "Cán bộ, giáo viên, giảng viên" → school staff and teachers, "Cán bộ Đoàn" → Union cadres),
  or, when that text is empty, the group its wording names in brackets (the default framework's
  "… (đối với cán bộ Đoàn)"); any other text: every member.
- A framework may set its own minimum number of criteria for a member group; without one, the
  group has the framework's minimum (as every member had until now)."""

from django.db import migrations, models

from doanvien.training.audiences import criterion_audience


def mark_criteria(apps, schema_editor):
    Criterion = apps.get_model("training", "Criterion")
    changed = []
    for criterion in Criterion.objects.only("pk", "audience", "text").iterator():
        group = criterion_audience(audience_text=criterion.audience, text=criterion.text)
        if group != criterion.audience:
            criterion.audience = group
            changed.append(criterion)
    Criterion.objects.bulk_update(changed, ["audience"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("training", "0009_framework_reference")]

    operations = [
        migrations.RunPython(mark_criteria, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="criterion",
            name="audience",
            field=models.CharField(
                blank=True,
                choices=[
                    ("student", "Pupil or student"),
                    ("teacher", "School staff, teacher or lecturer"),
                    ("cadre", "Union cadre"),
                ],
                default="",
                max_length=12,
                verbose_name="for",
            ),
        ),
        migrations.AddField(
            model_name="framework",
            name="min_criteria_by_audience",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="minimum criteria by member group"
            ),
        ),
    ]

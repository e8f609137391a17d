"""A member's group for the training programme (docs/domain.md, "Member groups"): the criteria
marked for pupils and students, for teachers or for Union cadres are offered only to them.

Every member is given the group he would have by default (members/audiences.py): a Union cadre
when he holds a position on the branch committee, else the group his occupation names ("Học
sinh", "Sinh viên", "Giáo viên"...), else the general group. The branch may change it."""

from django.db import migrations, models

from doanvien.members.audiences import derived_audience

COMMITTEE = ("committee", "deputy", "secretary")
CHUNK = 500


def set_groups(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    Member.objects.filter(position__in=COMMITTEE).update(audience="cadre")
    others = Member.objects.exclude(position__in=COMMITTEE)
    # The occupations are few distinct texts: each is read once, then one update per group.
    occupations = others.exclude(occupation="").order_by().values_list("occupation", flat=True)
    by_group: dict[str, list[str]] = {}
    for occupation in occupations.distinct().iterator():
        group = derived_audience(position="member", occupation=occupation)
        if group != "general":
            by_group.setdefault(group, []).append(occupation)
    for group, names in by_group.items():
        for start in range(0, len(names), CHUNK):
            others.filter(occupation__in=names[start : start + CHUNK]).update(audience=group)


class Migration(migrations.Migration):
    dependencies = [("members", "0010_default_member_rules")]

    operations = [
        migrations.AddField(
            model_name="member",
            name="audience",
            field=models.CharField(
                choices=[
                    ("general", "Member (no particular group)"),
                    ("student", "Pupil or student"),
                    ("teacher", "School staff, teacher or lecturer"),
                    ("cadre", "Union cadre"),
                ],
                default="general",
                max_length=12,
                verbose_name="member group",
            ),
        ),
        migrations.RunPython(set_groups, migrations.RunPython.noop),
    ]

"""The members' free-text awards and discipline become records: one record per member and
field, holding the text as its note, without a date or a decision number (the text never said
them reliably); the member's field is then emptied, so the member list writes the text once
(from the record). Reversed, the text goes back to the field."""

from django.db import migrations

FIELDS = (("awards", "Award"), ("discipline", "Discipline"))


def forwards(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    for field, model_name in FIELDS:
        model = apps.get_model("honours", model_name)
        rows = Member.objects.exclude(**{field: ""}).values_list("pk", "unit_path", field)
        batch = []
        for pk, path, text in rows.iterator(chunk_size=2000):
            batch.append(model(member_id=pk, unit_path=path, form="other", note=text.strip()))
            if len(batch) == 2000:
                model.objects.bulk_create(batch)
                batch = []
        model.objects.bulk_create(batch)
        Member.objects.exclude(**{field: ""}).update(**{field: ""})


def backwards(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    for field, model_name in FIELDS:
        model = apps.get_model("honours", model_name)
        moved = model.objects.filter(date=None, decision_no="", form="other")
        for record in moved.iterator(chunk_size=2000):
            Member.objects.filter(pk=record.member_id).update(**{field: record.note})
        moved.delete()


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]

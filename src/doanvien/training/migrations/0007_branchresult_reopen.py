"""A branch result keeps who wrote its comment (a return or a reopening, and the unit acting) and
its last reopening (who, when, why, for which unit). Reopenings and returns recorded before
are read back from the audit trail: the person, the time and the reason are known there; the
unit the person acted for is not, and stays empty."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def from_the_audit_trail(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    BranchResult = apps.get_model("training", "BranchResult")
    events = AuditEvent.objects.filter(
        target_type="branchresult", action__in=["results.return", "results.reopen"]
    ).order_by("target_id", "at", "id")
    last_note, last_reopen = {}, {}
    for event in events.iterator():
        last_note[event.target_id] = event
        if event.action == "results.reopen":
            last_reopen[event.target_id] = event
    for result in BranchResult.objects.filter(pk__in=list(last_note)).iterator():
        note = last_note[result.pk]
        result.comment_action = note.action.removeprefix("results.")
        reopen = last_reopen.get(result.pk)
        if reopen is not None:
            result.reopened_at = reopen.at
            result.reopened_by_id = reopen.actor_id
            # The summary keeps 300 characters; the comment keeps the whole reason when the
            # reopening is the last note.
            result.reopen_reason = result.comment if reopen is note else reopen.summary
        result.save(
            update_fields=["comment_action", "reopened_at", "reopened_by", "reopen_reason"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("training", "0006_yearstats_from_reports"),
        ("units", "0003_unit_children_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="branchresult",
            name="comment_action",
            field=models.CharField(
                blank=True,
                choices=[("return", "return"), ("reopen", "reopen")],
                default="",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="branchresult",
            name="comment_by_unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="units.unit",
            ),
        ),
        migrations.AddField(
            model_name="branchresult",
            name="reopen_reason",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="branchresult",
            name="reopened_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="branchresult",
            name="reopened_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="branchresult",
            name="reopened_by_unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="units.unit",
            ),
        ),
        migrations.RunPython(from_the_audit_trail, migrations.RunPython.noop),
    ]

"""Events written before 0005 named the person they are about and held his values: rewrite
them as events are written now (core/audit_legacy.py). It depends on every app holding a
person or a row about one, so that their models are in the registry it reads."""

from django.db import migrations


def forward(apps, schema_editor):
    from doanvien.core.audit_legacy import make_impersonal

    make_impersonal(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_import_chunks"),
        ("accounts", "0002_session"),
        ("activities", "0003_campaigns"),
        ("committees", "0004_postchange"),
        ("directives", "0002_drafts"),
        ("dues", "0003_removal_rule"),
        ("evaluations", "0011_waiting_indexes"),
        ("honours", "0002_free_text_moved"),
        ("jobs", "0006_alter_job_kind"),
        ("meetings", "0004_trainingstep"),
        ("member_accounts", "0001_initial"),
        ("member_stats", "0003_delta_sector"),
        ("members", "0016_member_photo"),
        ("notifications", "0004_directive_replied"),
        ("profiles", "0001_initial"),
        ("reports", "0004_models_move_to_their_apps"),
        ("returns", "0004_return_document"),
        ("training", "0014_yearstats_deltas"),
        ("units", "0006_code_prefix_index"),
        ("yearly_reports", "0001_initial"),
        ("youth", "0006_survey_members_and_report_levels"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]

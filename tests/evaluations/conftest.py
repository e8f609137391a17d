import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doanvien.evaluations import services
from doanvien.evaluations.selectors import items_for
from tests.factories import make_user

YEAR = 2026


@pytest.fixture
def district_cadre(world):
    return make_user("district", role="cadre", unit=world.district)


def full_points(evaluation, value=None) -> dict:
    """Every item of the evaluation's scheme at its maximum (or at `value`)."""
    items = items_for(evaluation.scheme, evaluation.unit)
    return {str(i.pk): str(value if value is not None else i.max_points) for i in items}


def give_evidence(evaluation, actor=None) -> None:
    for item in items_for(evaluation.scheme, evaluation.unit):
        if item.evidence_required:
            services.evidence_add(
                actor=actor,
                evaluation=evaluation,
                item_id=item.pk,
                file=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 invented"),
                note="Biên bản",
            )


def submitted(unit, code="strong_branch", year=YEAR, actor=None):
    evaluation = services.evaluation_register(actor=actor, unit=unit, year=year, scheme_code=code)
    services.self_assessment_record(
        actor=actor, evaluation=evaluation, items=full_points(evaluation), comment="Tự chấm"
    )
    give_evidence(evaluation, actor)
    return services.evaluation_submit(actor=actor, evaluation=evaluation)


def recognised(unit, code="strong_branch", year=YEAR, actor=None):
    evaluation = submitted(unit, code, year, actor)
    services.assessment_record(actor=actor, evaluation=evaluation, items=full_points(evaluation))
    return services.evaluation_recognise(actor=actor, evaluation=evaluation)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

"""The evaluation pages: a unit's evaluations (its own and its children's, with the roll-up
figures), a scheme, one evaluation with its self-assessment and evidence or the recognising
unit's scoring, and the recognising unit's queue. Each view is scoped on its first line."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.core.forms import apply_errors

from .. import configuration, indicators, report, rollup, services, workflow
from ..access import (
    can_publish,
    can_recognise,
    can_reopen,
    is_own_committee,
    recogniser_of,
    scheme_applies,
)
from ..forms import CommentForm, EvidenceForm, PointsForm, ReasonForm
from ..models import RatingLevel, SchemeCode
from ..selectors import (
    children_evaluations,
    evaluation_of,
    grouped,
    items_for,
    queue,
    scheme_for,
    unit_evaluations,
    waiting,
)
from .ratings import collective_context


def _code(scheme: str) -> str:
    if scheme not in SchemeCode.values:
        raise Http404
    return scheme


def _crumbs(request, unit):
    return visible_ancestors(request.user, unit, and_unit=True)


@login_required
def unit_evaluations_page(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    own = {e.scheme_code: e for e in unit_evaluations(unit, year)}
    offers = []
    for code, label in SchemeCode.choices:
        if scheme_applies(unit, code):
            offers.append(
                {
                    "code": code,
                    "label": label,
                    "evaluation": own.get(code),
                    "can_register": code not in own and is_own_committee(request.user, unit),
                }
            )
    figures = rollup.figures_of(unit, year)
    return render(
        request,
        "evaluations/unit.html",
        {
            "unit": unit,
            "year": year,
            "offers": offers,
            "children": children_evaluations(unit, year),
            "figure_groups": report.figure_groups(figures),
            "queue_size": waiting(unit).filter(year=year).count() if not unit.is_branch else 0,
            "breadcrumbs": _crumbs(request, unit),
            "levels": RatingLevel.choices,
            **collective_context(request.user, unit, year),
        },
    )


@login_required
def queue_page(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    return render(
        request,
        "evaluations/queue.html",
        {
            "unit": unit,
            "year": year,
            "waiting": queue(unit, year),
            "breadcrumbs": _crumbs(request, unit),
        },
    )


@login_required
def scheme_page(request, unit_id: int, year: int, scheme: str):
    unit = get_unit_for(request.user, unit_id)
    found = scheme_for(unit, _code(scheme), year)
    if found is None:
        raise Http404
    items = items_for(found, unit)
    labels = {i.code: i.label for i in indicators.registered()}
    for item in items:
        item.indicator_label = labels.get(item.indicator, item.indicator)
    return render(
        request,
        "evaluations/scheme.html",
        {
            "unit": unit,
            "year": year,
            "scheme": found,
            "groups": grouped(items),
            "total": sum(i.max_points for i in items),
            "can_publish": can_publish(request.user, unit) and found.unit_id != unit.pk,
            "recogniser": recogniser_of(unit, found) if scheme_applies(unit, scheme) else None,
            "breadcrumbs": _crumbs(request, unit),
        },
    )


def _context(request, unit, year, code, evaluation, **forms):
    scheme = evaluation.scheme if evaluation else scheme_for(unit, code, year)
    items = items_for(scheme, unit) if scheme else []
    own = is_own_committee(request.user, unit)
    recognises = bool(evaluation) and can_recognise(request.user, unit, scheme)
    editable = own and workflow.allowed(evaluation, "self_assess")
    evidence = {}
    if evaluation:
        for e in evaluation.evidence.all():
            evidence.setdefault(e.item_id, []).append(e)
    if editable and "points_form" not in forms:
        forms["points_form"] = PointsForm(
            items=items,
            initial_points=evaluation.self_points,
            initial={"comment": evaluation.self_comment},
            prefix="self",
        )
    if editable and "evidence_form" not in forms:
        forms["evidence_form"] = EvidenceForm(items=items, prefix="ev")
    scoring = recognises and workflow.allowed(evaluation, "assess")
    if scoring and "assessment_form" not in forms:
        forms["assessment_form"] = PointsForm(
            items=items,
            initial_points=evaluation.points or evaluation.self_points,
            initial={"comment": evaluation.comment},
            required=True,
            prefix="score",
        )
    rows = [
        {
            "item": item,
            "self": (evaluation.self_points.get(str(item.pk)) if evaluation else None),
            "points": (evaluation.points.get(str(item.pk)) if evaluation else None),
            "indicator": (evaluation.indicator_values.get(str(item.pk)) if evaluation else None),
            "evidence": evidence.get(item.pk, []),
        }
        for item in items
    ]
    return {
        "unit": unit,
        "year": year,
        "code": code,
        "scheme": scheme,
        "evaluation": evaluation,
        "groups": grouped(rows_as_items(rows)),
        "rows": rows,
        "own": own,
        "can_register": evaluation is None and own and scheme_applies(unit, code),
        "can_submit": own and workflow.allowed(evaluation, "submit") and bool(evaluation),
        "recognises": recognises,
        "can_recognise": recognises and workflow.allowed(evaluation, "recognise"),
        "can_return": recognises and workflow.allowed(evaluation, "return"),
        "can_reopen": bool(evaluation)
        and workflow.allowed(evaluation, "reopen")
        and can_reopen(request.user, unit, scheme),
        "return_form": forms.pop("return_form", CommentForm(prefix="ret")),
        "reopen_form": forms.pop("reopen_form", ReasonForm(prefix="re")),
        "breadcrumbs": _crumbs(request, unit),
        **forms,
    }


class _Row:
    """An item with its figures, grouped like the items (selectors.grouped reads group_id)."""

    def __init__(self, row):
        self.__dict__.update(row)
        self.group = row["item"].group
        self.group_id = row["item"].group_id


def rows_as_items(rows):
    return [_Row(r) for r in rows]


@login_required
def evaluation_page(request, unit_id: int, year: int, scheme: str):
    unit = get_unit_for(request.user, unit_id)
    code = _code(scheme)
    evaluation = evaluation_of(unit, code, year)
    return render(
        request, "evaluations/evaluation.html", _context(request, unit, year, code, evaluation)
    )


def _found(request, unit_id, year, scheme):
    unit = get_unit_for(request.user, unit_id)
    evaluation = evaluation_of(unit, _code(scheme), year)
    if evaluation is None:
        raise Http404
    return unit, evaluation


def evidence_response(evaluation, evidence_id: int) -> FileResponse:
    """The file of one evidence of this evaluation, read through the storage (404 for another
    evaluation's, a link, or a file gone from the storage), as a download: the browser never
    shows an uploaded file inline."""
    found = evaluation.evidence.filter(pk=evidence_id).exclude(file="").first()
    if found is None:
        raise Http404
    try:
        handle = default_storage.open(found.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=found.file.name.rsplit("/", 1)[-1])


@login_required
@require_GET
def evidence_file(request, unit_id: int, year: int, scheme: str, evidence_id: int):
    """Whoever may see the unit (its own committee, the units above it) downloads its
    evidence; nobody else learns that it exists (404)."""
    _unit, evaluation = _found(request, unit_id, year, scheme)
    return evidence_response(evaluation, evidence_id)


def _back(unit, year, scheme):
    return redirect("evaluations:evaluation", unit_id=unit.pk, year=year, scheme=scheme)


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _tried(request, call, done) -> None:
    """Call the service: its refusal, or `done`, as a message."""
    try:
        call()
    except ValidationError as e:
        _refused(request, e)
    else:
        messages.success(request, str(done))


def _own_committee(user, unit, evaluation) -> bool:
    return is_own_committee(user, unit)


def _recogniser(user, unit, evaluation) -> bool:
    return can_recognise(user, unit, evaluation.scheme)


def _reopener(user, unit, evaluation) -> bool:
    return can_reopen(user, unit, evaluation.scheme)


def _evaluation_post(may, call, done, *, form=None, form_name: str = ""):
    """A POST view on one evaluation: scoped (404 outside the user's units or without the
    evaluation), `may(user, unit, evaluation)` or 403, then the service
    `call(user, evaluation[, form])`, `done` as a message and back to the evaluation.
    Without `form`, a refusal is a message too. With it (`form(request, unit, evaluation)` makes
    the bound form), an invalid form or a refusal shows the evaluation page again with the errors
    on the form, under `form_name` in the context, with status 400."""

    @login_required
    @require_POST
    def view(request, unit_id: int, year: int, scheme: str):
        unit, evaluation = _found(request, unit_id, year, scheme)
        require(may(request.user, unit, evaluation))
        if form is None:
            _tried(request, lambda: call(request.user, evaluation), done)
            return _back(unit, year, scheme)
        bound = form(request, unit, evaluation)
        if bound.is_valid():
            try:
                call(request.user, evaluation, bound)
            except ValidationError as e:
                apply_errors(bound, e)
            else:
                messages.success(request, str(done))
                return _back(unit, year, scheme)
        context = _context(request, unit, year, scheme, evaluation, **{form_name: bound})
        return render(request, "evaluations/evaluation.html", context, status=400)

    return view


@login_required
@require_POST
def register(request, unit_id: int, year: int, scheme: str):
    unit = get_unit_for(request.user, unit_id)
    code = _code(scheme)
    require(is_own_committee(request.user, unit))
    _tried(
        request,
        lambda: services.evaluation_register(
            actor=request.user, unit=unit, year=year, scheme_code=code
        ),
        _("Registered."),
    )
    return _back(unit, year, code)


def _points_form(prefix: str, **options):
    def make(request, unit, evaluation):
        items = items_for(evaluation.scheme, unit)
        return PointsForm(request.POST, items=items, prefix=prefix, **options)

    return make


def _evidence_form(request, unit, evaluation):
    items = items_for(evaluation.scheme, unit)
    return EvidenceForm(request.POST, request.FILES, items=items, prefix="ev")


def _evidence_add(user, evaluation, form):
    data = form.cleaned_data
    services.evidence_add(
        actor=user,
        evaluation=evaluation,
        item_id=data["item"],
        file=data["file"],
        link=data["link"],
        note=data["note"],
    )


self_assessment = _evaluation_post(
    _own_committee,
    lambda user, evaluation, form: services.self_assessment_record(
        actor=user, evaluation=evaluation, items=form.points(), comment=form.cleaned_data["comment"]
    ),
    gettext_lazy("Self-assessment saved."),
    form=_points_form("self"),
    form_name="points_form",
)

evidence = _evaluation_post(
    _own_committee,
    _evidence_add,
    gettext_lazy("Evidence added."),
    form=_evidence_form,
    form_name="evidence_form",
)

submit = _evaluation_post(
    _own_committee,
    lambda user, evaluation: services.evaluation_submit(actor=user, evaluation=evaluation),
    gettext_lazy("Submitted for recognition."),
)

assessment = _evaluation_post(
    _recogniser,
    lambda user, evaluation, form: services.assessment_record(
        actor=user, evaluation=evaluation, items=form.points(), comment=form.cleaned_data["comment"]
    ),
    gettext_lazy("Score saved."),
    form=_points_form("score", required=True),
    form_name="assessment_form",
)

recognise = _evaluation_post(
    _recogniser,
    lambda user, evaluation: services.evaluation_recognise(actor=user, evaluation=evaluation),
    gettext_lazy("Recognised."),
)

return_ = _evaluation_post(
    _recogniser,
    lambda user, evaluation, form: services.evaluation_return(
        actor=user, evaluation=evaluation, comment=form.cleaned_data["comment"]
    ),
    gettext_lazy("Returned to the unit."),
    form=lambda request, unit, evaluation: CommentForm(request.POST, prefix="ret"),
    form_name="return_form",
)

reopen = _evaluation_post(
    _reopener,
    lambda user, evaluation, form: services.evaluation_reopen(
        actor=user, evaluation=evaluation, reason=form.cleaned_data["reason"]
    ),
    gettext_lazy("Reopened."),
    form=lambda request, unit, evaluation: ReasonForm(request.POST, prefix="re"),
    form_name="reopen_form",
)


@login_required
@require_POST
def scheme_publish(request, unit_id: int, year: int, scheme: str):
    unit = get_unit_for(request.user, unit_id)
    code = _code(scheme)
    require(can_publish(request.user, unit))
    _tried(
        request,
        lambda: configuration.scheme_publish(actor=request.user, unit=unit, code=code, year=year),
        _("Published: the units below use this scheme from now on."),
    )
    return redirect("evaluations:scheme", unit_id=unit.pk, year=year, scheme=code)

"""The training programme seen from a base union and above (seed 000 IV.1–3): progress per unit
below, recognition of the branches' results, and the configuration a unit publishes for its
subtree (framework, custom criteria, deadlines). Thin doors into progress.py and the services,
each scoped on its first line."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, scope_of, visible_ancestors
from doanvien.core import audit
from doanvien.core.forms import apply_errors
from doanvien.core.models import AuditEvent
from doanvien.core.pagination import keyset_page_for, paginate
from doanvien.evaluations import report as evaluation_report
from doanvien.evaluations import rollup as evaluation_rollup
from doanvien.reports.charts import progress_bars
from doanvien.training.selectors import year_closed
from doanvien.training.services.configuration import (
    criterion_add,
    criterion_remove,
    criterion_update,
    deadline_set,
    framework_publish,
    framework_update,
)
from doanvien.training.services.results import (
    branch_results_recognise,
    branch_results_reopen,
    branch_results_return,
)
from doanvien.units.models import Sector, Unit
from doanvien.units.selectors import parent_names

from .. import access as training_access
from .. import lateness
from ..forms.configuration import CriterionForm, DeadlineForm, FrameworkForm
from ..forms.registrations import RegistrationExportForm
from ..models import CRITERION_AUDIENCES, Criterion, Deadline, Framework, Registration
from ..progress import (
    UnitProgress,
    box_ticking_flags_for,
    children_progress,
    pending_recognitions,
)
from ..rules import programme_year_of, programme_year_span
from ..selectors import (
    REGISTRATION_LIST_ORDER,
    criteria_applying,
    criteria_usage,
    deadlines_listed,
    earlier_framework,
    framework_for,
    level_counts,
    own_criteria,
    recognised_results,
    registrations_listed,
    reopened_results,
)

PAGE_SIZE = 50
RECOGNISED_SHOWN = 50

LEVELS = {
    "excellent": gettext_lazy("Excellent"),
    "good": gettext_lazy("Good"),
    "complete": gettext_lazy("Complete"),
    "incomplete": gettext_lazy("Incomplete"),
    "not_classified": gettext_lazy("Not classified"),
}

ACTIONS = {
    "framework.published": gettext_lazy("published the framework"),
    "framework.updated": gettext_lazy("changed the framework"),
    "criterion.added": gettext_lazy("added a criterion"),
    "criterion.updated": gettext_lazy("changed a criterion"),
    "criterion.removed": gettext_lazy("removed a criterion"),
    "deadline.set": gettext_lazy("set a deadline"),
}
FRAMEWORK_ACTIONS = [a for a in ACTIONS if not a.startswith("deadline.")]

CHANGE_LABELS = {
    "copied_from": gettext_lazy("copied from"),
    "name": gettext_lazy("name"),
    "band_excellent": gettext_lazy("excellent from"),
    "band_good": gettext_lazy("good from"),
    "band_complete": gettext_lazy("complete from"),
    "min_criteria": gettext_lazy("minimum criteria"),
    "eligibility_months": gettext_lazy("months of membership before classification"),
    "assessment_opens_months_before": gettext_lazy(
        "assessment opens, months before the evaluation deadline"
    ),
    "text": gettext_lazy("criterion"),
    "area_code": gettext_lazy("area"),
    "sector": gettext_lazy("sector"),
    "audience": gettext_lazy("only for the member group"),
    "mandatory": gettext_lazy("mandatory"),
    "due_on": gettext_lazy("due on"),
    "extended_to": gettext_lazy("extended to"),
    "allow_late": gettext_lazy("late actions allowed"),
}
_AREA_CHANGE = re.compile(r"^areas\.(?P<code>[^.]+)\.(?P<what>name|max_points)$")
_GROUP_MINIMUM = re.compile(r"^min_criteria\.(?P<group>\w+)$")
GROUPS = dict(CRITERION_AUDIENCES)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


# --- Shared pieces ----------------------------------------------------------------------------


def branch_page_url(branch: Unit, year: int) -> str:
    """The branch's own training page."""
    return reverse("training:branch-training", kwargs={"unit_id": branch.pk, "year": year})


def _visible_parent(user, unit: Unit) -> Unit | None:
    parent = unit.parent()
    if parent and scope_of(user).sees_path(parent.path):
        return parent
    return None


def _header(request, unit: Unit, year: int, page: str) -> dict:
    """What every page of the set shows on top: the path, the years, the tabs."""
    current = programme_year_of(timezone.localdate(), unit.sector)
    first, last = min(year, current) - 2, max(year, current) + 1
    url_name = {
        "progress": "training:training-progress",
        "framework": "training:training-framework",
        "deadlines": "training:training-deadlines",
        "late": "training:training-late",
        "registrations": "training:training-registrations",
    }[page]
    return {
        "unit": unit,
        "year": year,
        "page": page,
        "url_name": url_name,
        "breadcrumbs": visible_ancestors(request.user, unit),
        "years": [
            (y, reverse(url_name, kwargs={"unit_id": unit.pk, "year": y}))
            for y in range(first, last + 1)
        ],
        "current_year": current,
        "parent": _visible_parent(request.user, unit),
        "can_publish": training_access.can_publish(request.user, unit),
    }


def _change_label(key: str) -> str:
    match = _AREA_CHANGE.match(key)
    if match:
        if match["what"] == "name":
            return _("area %(code)s") % {"code": match["code"]}
        return _("points of area %(code)s") % {"code": match["code"]}
    match = _GROUP_MINIMUM.match(key)
    if match:
        group = GROUPS.get(match["group"], match["group"])
        return _("minimum criteria: %(group)s") % {"group": group}
    return str(CHANGE_LABELS.get(key, key))


def _change_value(key: str, value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or value in ("True", "False"):
        return _("yes") if value in (True, "True") else _("no")
    if key == "sector":
        return str(Sector(value).label) if value in Sector.values else value
    if key == "audience":
        return str(GROUPS.get(value, value))
    if isinstance(value, str) and _ISO_DATE.match(value):
        y, m, d = _ISO_DATE.match(value).groups()
        return f"{d}/{m}/{y}"
    return value


def _history(unit: Unit, actions) -> list[AuditEvent]:
    events = audit.unit_events(unit.pk, actions)
    for e in events:
        e.label = ACTIONS.get(e.action, e.action)
        e.rows = [
            (_change_label(k), _change_value(k, pair[0]), _change_value(k, pair[1]))
            for k, pair in (e.details or {}).items()
            if isinstance(pair, list) and len(pair) == 2
        ]
    return events


def _level_counts(branch_ids, year: int) -> dict[int, list[tuple[str, int]]]:
    """Per branch, how many active members reached each level (in the order of the levels)."""
    return {
        branch: [(str(LEVELS[level]), found.get(level, 0)) for level in LEVELS]
        for branch, found in level_counts(branch_ids, year).items()
    }


# --- Progress ---------------------------------------------------------------------------------


LATE_ORDERS = {"late": gettext_lazy("Most days late first"), "name": gettext_lazy("By name")}


@login_required
def training_late(request, unit_id: int, year: int):
    """Every branch of the subtree that is late for a deadline of the year, with how many days:
    filtered by what it is late for, sorted by days late or by name, a page at a time (by
    keyset: previous and next by cursor, counted up to 1,000)."""
    unit = get_unit_for(request.user, unit_id)
    kind = request.GET.get("kind", "")
    kind = kind if kind in lateness.KINDS else ""
    order = request.GET.get("order", "late")
    order = order if order in LATE_ORDERS else "late"
    page = keyset_page_for(
        request, lateness.late_rows(unit, year, kind=kind), keys=lateness.LATE_ORDERS[order]
    )
    items = lateness.as_items(page.object_list)
    parents = parent_names([Unit(path=i.path) for i in items])
    parents.pop(unit.path, None)  # the page's own unit goes without saying
    for item in items:
        item.parent_name = parents.get(item.path[: -Unit.steplen], "")
        item.url = branch_page_url(Unit(pk=item.unit_id), year)
    context = _header(request, unit, year, "late")
    context.update(
        page=page,
        items=items,
        kind=kind,
        kinds=[(k, Deadline.Kind(k).label) for k in lateness.KINDS],
        order=order,
        orders=list(LATE_ORDERS.items()),
        query=urlencode({k: v for k, v in (("kind", kind), ("order", order)) if v}),
    )
    return render(request, "training/upper/late.html", context)


@login_required
def training_registrations(request, unit_id: int, year: int):
    """The year's registrations of every branch under the unit, of the members the user sees,
    in the order of the tree then of the members' names: filtered by state, a page at a time
    (by keyset: previous and next by cursor, counted up to 1,000)."""
    unit = get_unit_for(request.user, unit_id)
    state = request.GET.get("state", "")
    state = state if state in Registration.State.values else ""
    page = keyset_page_for(
        request,
        registrations_listed(user=request.user, unit=unit, year=year, state=state),
        keys=REGISTRATION_LIST_ORDER,
    )
    rows = page.object_list
    parents = parent_names([r.branch for r in rows])
    parents.pop(unit.path, None)  # the page's own unit goes without saying
    for row in rows:
        row.parent_name = parents.get(row.branch.path[: -Unit.steplen], "")
        row.level_label = LEVELS.get(row.level, "")  # the short names: a column on a phone
    context = _header(request, unit, year, "registrations")
    context.update(
        page=page,
        rows=rows,
        state=state,
        states=Registration.State.choices,
    )
    return render(request, "training/upper/registrations.html", context)


@login_required
def training_progress(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    context = _header(request, unit, year, "progress")
    context["export_form"] = RegistrationExportForm(auto_id="export-%s")
    if unit.is_branch:
        context["branch_page"] = branch_page_url(unit, year)
        return render(request, "training/upper/progress.html", context)

    rows = children_progress(unit, year)
    pending = paginate(request, pending_recognitions(unit, year), PAGE_SIZE)
    waiting = list(pending.object_list)
    flags = box_ticking_flags_for(
        [r.unit for r in rows if r.unit.is_branch] + [r.branch for r in waiting], year
    )
    for row in rows:
        if row.unit.is_branch:
            row.url = branch_page_url(row.unit, year)
            row.flags = flags[row.unit.pk]
        else:
            row.url = reverse(
                "training:training-progress", kwargs={"unit_id": row.unit.pk, "year": year}
            )
            row.flags = []
    total = UnitProgress(unit=unit, members=sum(r.members for r in rows))
    for name in ("registered", "waiting_review", "assessed", "branches", "branches_recognised"):
        setattr(total, name, sum(getattr(r, name) for r in rows))

    recognised_all = recognised_results(unit, year)
    recognised = list(recognised_all[:RECOGNISED_SHOWN])
    reopened_all = reopened_results(unit, year)
    reopened = list(reopened_all[:RECOGNISED_SHOWN])
    branches = [r.branch for r in waiting + recognised + reopened]
    levels = _level_counts([b.pk for b in branches], year)
    parents = parent_names(branches)
    parents.pop(unit.path, None)  # the page's own unit goes without saying
    for result in waiting + recognised + reopened:
        branch = result.branch
        result.url = branch_page_url(branch, year)
        result.parent_name = parents.get(branch.path[: -Unit.steplen], "")
        result.levels = levels.get(branch.pk, [])
    for result in waiting:
        result.flags = flags[result.branch_id]
        result.can_recognise = training_access.can_recognise(request.user, result.branch)
    for result in recognised:
        result.can_reopen = training_access.can_reopen(request.user, result.branch)

    context.update(
        rows=rows,
        chart=progress_bars(rows) if rows else "",
        mixed=len({r.unit.is_branch for r in rows}) > 1,
        total=total,
        pending=pending,
        waiting=waiting,
        recognised=recognised,
        recognised_count=len(recognised)
        if len(recognised) < RECOGNISED_SHOWN
        else recognised_all.count(),
        reopened=reopened,
        reopened_count=len(reopened) if len(reopened) < RECOGNISED_SHOWN else reopened_all.count(),
        here=request.get_full_path(),
        evaluation_figures=evaluation_report.figure_groups(
            evaluation_rollup.figures_of(unit, year)
        ),
    )
    return render(request, "training/upper/progress.html", context)


def _back(request, branch: Unit, year: int):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    parent = branch.parent()
    if parent and scope_of(request.user).sees_path(parent.path):
        return redirect("training:training-progress", unit_id=parent.pk, year=year)
    return redirect(branch_page_url(branch, year))


def _results_action(request, unit_id: int, year: int, *, allowed, apply, done: str):
    branch = get_unit_for(request.user, unit_id)
    require(allowed(request.user, branch))
    if not branch.is_branch:
        raise Http404
    try:
        apply(branch, year)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, done % {"branch": branch.name, "year": year})
    return _back(request, branch, year)


@login_required
@require_POST
def results_recognise_view(request, unit_id: int, year: int):
    return _results_action(
        request,
        unit_id,
        year,
        allowed=training_access.can_recognise,
        apply=lambda branch, year: branch_results_recognise(
            actor=request.user, branch=branch, year=year
        ),
        done=_("The results of %(branch)s for %(year)s are recognised."),
    )


@login_required
@require_POST
def results_return_view(request, unit_id: int, year: int):
    return _results_action(
        request,
        unit_id,
        year,
        allowed=training_access.can_recognise,
        apply=lambda branch, year: branch_results_return(
            actor=request.user, branch=branch, year=year, comment=request.POST.get("comment", "")
        ),
        done=_("The results of %(branch)s are returned to the branch."),
    )


@login_required
@require_POST
def results_reopen_view(request, unit_id: int, year: int):
    return _results_action(
        request,
        unit_id,
        year,
        allowed=training_access.can_reopen,
        apply=lambda branch, year: branch_results_reopen(
            actor=request.user, branch=branch, year=year, reason=request.POST.get("reason", "")
        ),
        done=_("The results of %(branch)s for %(year)s are reopened."),
    )


# --- Framework and custom criteria ------------------------------------------------------------


def _criterion_for(unit: Unit, year: int, raw_id) -> Criterion:
    try:
        pk = int(raw_id)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(own_criteria(unit, year), pk=pk)


def _criterion_initial(criterion: Criterion) -> dict:
    return {
        "area_code": criterion.area_code,
        "text": criterion.text,
        "sector": criterion.sector,
        "audience": criterion.audience,
        "mandatory": criterion.mandatory,
    }


def _framework_page(
    request,
    unit: Unit,
    year: int,
    *,
    framework_form: FrameworkForm | None = None,
    criterion_form: CriterionForm | None = None,
    criterion: Criterion | None = None,
    custom: bool = False,
):
    context = _header(request, unit, year, "framework")
    framework = framework_for(unit, year)
    own = framework if framework and framework.unit_id == unit.pk else None
    closed = year_closed(unit, year)
    editable = context["can_publish"] and not closed
    context.update(framework=framework, own=own, closed=closed, editable=editable)
    if framework is None:
        return render(request, "training/upper/framework.html", context)

    areas = list(framework.areas.all())
    if editable:
        get = request.GET
        if framework_form is None and own and get.get("edit"):
            framework_form = FrameworkForm(framework=own)
        if criterion_form is None and get.get("criterion"):
            criterion = _criterion_for(unit, year, get["criterion"])
            criterion_form = CriterionForm(initial=_criterion_initial(criterion), areas=areas)
        elif criterion_form is None and get.get("add") in ("framework", "custom"):
            custom = get["add"] == "custom"
            if custom or own:
                criterion_form = CriterionForm(
                    initial={"area_code": get.get("area", ""), "sector": ""}, areas=areas
                )
    if criterion is not None:
        custom = criterion.framework_id is None

    criteria = list(criteria_applying(unit, year, framework).select_related("unit"))
    usage = {}
    if editable:
        ids = [c.pk for c in criteria if (own and c.framework_id == own.pk) or c.unit_id == unit.pk]
        usage = criteria_usage(ids)
    for c in criteria:
        c.custom = c.framework_id is None
        c.editable = editable and (c.unit_id == unit.pk if c.custom else own is not None)
        c.used = usage.get(c.pk, 0)
    target = request.GET.get("area") or (
        criterion_form.data.get("area_code") if criterion_form and criterion_form.is_bound else ""
    )
    for area in areas:
        area.criteria_list = [c for c in criteria if c.area_code == area.code]
        area.mandatory = sum(1 for c in area.criteria_list if c.mandatory)
        area.custom = sum(1 for c in area.criteria_list if c.custom)
        area.open = area.code == target

    earlier = None
    if editable and own is None:
        earlier = earlier_framework(unit, year)
    own_minimums = framework.min_criteria_by_audience or {}
    context.update(
        areas=areas,
        group_minimums=[
            (label, own_minimums[group])
            for group, label in CRITERION_AUDIENCES
            if own_minimums.get(group)
        ],
        total_points=sum((a.max_points for a in areas), 0),
        custom_count=sum(1 for c in criteria if c.custom and c.unit_id == unit.pk),
        framework_form=framework_form,
        criterion_form=criterion_form,
        criterion=criterion,
        custom=custom,
        earlier=earlier,
        history=_history(unit, FRAMEWORK_ACTIONS),
    )
    return render(request, "training/upper/framework.html", context)


@login_required
def training_framework(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    return _framework_page(request, unit, year)


def _framework_redirect(unit: Unit, year: int, area: str = ""):
    url = reverse("training:training-framework", kwargs={"unit_id": unit.pk, "year": year})
    if area:
        url += "?" + urlencode({"area": area}) + f"#area-{area}"
    return redirect(url)


@login_required
@require_POST
def framework_publish_view(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    require(training_access.can_publish(request.user, unit))
    source = None
    if request.POST.get("source"):
        source = Framework.objects.filter(unit=unit, pk=request.POST["source"]).first()
        if source is None:
            raise Http404
    try:
        framework = framework_publish(actor=request.user, unit=unit, year=year, source=source)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("%(name)s is published: the units below use it from now on.")
            % {"name": framework.name},
        )
    return _framework_redirect(unit, year)


@login_required
@require_POST
def framework_save_view(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    require(training_access.can_publish(request.user, unit))
    framework = get_object_or_404(Framework, unit=unit, year=year)
    form = FrameworkForm(request.POST, framework=framework)
    if form.is_valid():
        try:
            framework_update(actor=request.user, framework=framework, **form.service_arguments())
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Changes saved."))
            return _framework_redirect(unit, year)
    return _framework_page(request, unit, year, framework_form=form)


@login_required
@require_POST
def criterion_save_view(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    require(training_access.can_publish(request.user, unit))
    criterion = _criterion_for(unit, year, request.POST["id"]) if request.POST.get("id") else None
    custom = criterion.framework_id is None if criterion else request.POST.get("custom") == "1"
    framework = framework_for(unit, year)
    if framework is None:
        raise Http404
    form = CriterionForm(request.POST, areas=framework.areas.all())
    if form.is_valid():
        try:
            if criterion:
                saved = criterion_update(
                    actor=request.user, criterion=criterion, **form.cleaned_data
                )
            else:
                saved = criterion_add(
                    actor=request.user, unit=unit, year=year, custom=custom, **form.cleaned_data
                )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("Changes saved.") if criterion else _("The criterion is added.")
            )
            return _framework_redirect(unit, year, saved.area_code)
    return _framework_page(
        request, unit, year, criterion_form=form, criterion=criterion, custom=custom
    )


@login_required
@require_POST
def criterion_remove_view(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    require(training_access.can_publish(request.user, unit))
    criterion = _criterion_for(unit, year, request.POST.get("id"))
    try:
        criterion_remove(actor=request.user, criterion=criterion)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The criterion is removed."))
    return _framework_redirect(unit, year, criterion.area_code)


# --- Deadlines --------------------------------------------------------------------------------


def _deadlines_page(request, unit: Unit, year: int, *, form: DeadlineForm | None = None):
    context = _header(request, unit, year, "deadlines")
    deadlines = deadlines_listed(unit, year)
    for d in deadlines:
        d.own = d.unit_id == unit.pk
    editing = None
    if form is None and context["can_publish"]:
        kind, sector = request.GET.get("kind", ""), request.GET.get("sector", "")
        editing = next(
            (d for d in deadlines if d.own and (d.kind, d.sector) == (kind, sector)), None
        )
        initial = {"allow_late": True}
        if editing:
            initial = {
                "kind": editing.kind,
                "sector": editing.sector,
                "due_on": editing.due_on.strftime("%d/%m/%Y"),
                "extended_to": editing.extended_to.strftime("%d/%m/%Y")
                if editing.extended_to
                else "",
                "allow_late": editing.allow_late,
            }
        form = DeadlineForm(initial=initial)
    first, last = programme_year_span(year, unit.sector)
    context.update(
        deadlines=deadlines,
        form=form,
        editing=editing,
        span=(first, last),
        history=_history(unit, ["deadline.set"]),
    )
    return render(request, "training/upper/deadlines.html", context)


@login_required
def training_deadlines(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    return _deadlines_page(request, unit, year)


@login_required
@require_POST
def deadline_save_view(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    require(training_access.can_publish(request.user, unit))
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            deadline_set(actor=request.user, unit=unit, year=year, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The deadline is saved."))
            return redirect("training:training-deadlines", unit_id=unit.pk, year=year)
    return _deadlines_page(request, unit, year, form=form)

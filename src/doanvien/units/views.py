import csv
import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doanvien.accounts.access import (
    can_add_children,
    can_manage_unit,
    can_search_audit,
    get_unit_for,
    grantable_roles,
    require,
    units_visible_to,
    visible_ancestors,
)
from doanvien.accounts.forms import RoleGrantForm
from doanvien.accounts.models import RoleGrant
from doanvien.actions.todo import todo_for
from doanvien.actions.units import unit_merge, unit_move, unit_update
from doanvien.core import audit
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import paginate
from doanvien.jobs.models import Job
from doanvien.jobs.views import import_page
from doanvien.meetings.selectors import cadence
from doanvien.member_accounts.access import can_issue_codes
from doanvien.members.access import can_edit_members, can_settle_duplicates
from doanvien.members.selectors import duplicate_reports
from doanvien.training.selectors import year_with_work

from . import member_counts, services
from .exports import audit_xlsx, safe_csv, tree_template_xlsx, tree_xlsx
from .forms import AuditSearchForm, UnitCodeForm, UnitEditForm, UnitForm
from .models import Level, Unit
from .selectors import CHOOSER_LIMIT, units_chosen, units_matching, with_parents


@login_required
def unit_detail(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    unit.member_count = member_counts.now(unit)
    children = unit.children().select_related("level").order_by("-is_active", "name")
    children = paginate(request, member_counts.with_counts(children), 100)
    grantable = grantable_roles(request.user, unit)
    context = {
        "unit": unit,
        # What waits for the signed-in person, at the top of his first page (actions/todo.py).
        "todo": todo_for(request.user),
        "breadcrumbs": visible_ancestors(request.user, unit),
        "children": children,
        "can_manage": can_manage_unit(request.user, unit),
        "can_add_children": can_add_children(request.user, unit),
        "can_search_audit": can_search_audit(request.user, unit),
        "can_edit_members": can_edit_members(request.user, unit),
        # The duplicate ID numbers this unit (or one under it) is to settle, for its cadres.
        "duplicates_open": (
            duplicate_reports(unit).count()
            if not unit.is_branch and can_settle_duplicates(request.user, unit)
            else None
        ),
        "can_issue_codes": can_issue_codes(request.user, unit),
        "grantable": grantable,
        "grant_form": RoleGrantForm(roles=grantable) if grantable else None,
        "grants": RoleGrant.objects.filter(unit=unit).select_related("user").order_by("role"),
        "history": audit.history_shown(unit),
        # The year with work still open at the unit (an ended year's recognitions included).
        "training_year": year_with_work(unit),
        # A branch's months of this year without its monthly meeting (meetings/selectors.py).
        "months_without_meeting": (
            cadence(unit, timezone.localdate().year, timezone.localdate())["missing"]
            if unit.is_branch
            else None
        ),
    }
    return render(request, "units/detail.html", context)


def _default_level(parent: Unit) -> Level | None:
    return Level.objects.filter(rank__gt=parent.level.rank).order_by("rank").first()


@login_required
def unit_create_view(request, unit_id: int):
    parent = get_unit_for(request.user, unit_id)
    require(can_add_children(request.user, parent))
    initial = {"level": _default_level(parent), "sector": parent.sector}
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Unit %(name)s created.") % {"name": unit.name})
            return redirect("units:unit-detail", unit_id=unit.pk)
    return render(request, "units/form.html", {"form": form, "unit": parent, "creating": True})


@login_required
def unit_edit(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_manage_unit(request.user, unit))
    initial = {"name": unit.name, "code": unit.code, "level": unit.level, "sector": unit.sector}
    form = UnitEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("units:unit-detail", unit_id=unit.pk)
    return render(request, "units/form.html", {"form": form, "unit": unit})


def _set_active(request, unit_id: int, service, done: str):
    unit = get_unit_for(request.user, unit_id)
    require(can_manage_unit(request.user, unit))
    try:
        service(actor=request.user, unit=unit)
        messages.success(request, done)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("units:unit-detail", unit_id=unit.pk)


@login_required
@require_POST
def unit_deactivate_view(request, unit_id: int):
    return _set_active(request, unit_id, services.unit_deactivate, _("The unit is deactivated."))


@login_required
@require_POST
def unit_reactivate_view(request, unit_id: int):
    return _set_active(request, unit_id, services.unit_reactivate, _("The unit is active again."))


def _destination(request, form: UnitCodeForm) -> Unit | None:
    code = form.cleaned_data["code"].strip().upper()
    target = units_visible_to(request.user).filter(code=code).first()
    if target is None:
        form.add_error("code", _("No unit with the code %(code)s in your units.") % {"code": code})
    return target


def _tree_change_view(request, unit_id: int, *, template: str, apply):
    unit = get_unit_for(request.user, unit_id)
    require(can_manage_unit(request.user, unit))
    form = UnitCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = _destination(request, form)
        if target is not None:
            try:
                result = apply(unit, target)
            except ValidationError as e:
                apply_errors(form, e, default_field="code")
            else:
                messages.success(request, _("Done."))
                return redirect("units:unit-detail", unit_id=result.pk)
    return render(request, template, {"unit": unit, "form": form})


@login_required
def unit_move_view(request, unit_id: int):
    def apply(unit, target):
        require(can_add_children(request.user, target))
        return unit_move(actor=request.user, unit=unit, new_parent=target)

    return _tree_change_view(request, unit_id, template="units/move.html", apply=apply)


@login_required
def unit_merge_view(request, unit_id: int):
    def apply(unit, target):
        require(can_manage_unit(request.user, target))
        return unit_merge(actor=request.user, source=unit, target=target)

    return _tree_change_view(request, unit_id, template="units/merge.html", apply=apply)


# --- the tree in and out of Excel --------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def unit_tree_import(request, unit_id: int):
    """Upload a unit list to import under this unit: checked in the background, previewed on
    the job's page, then confirmed (units/imports.py)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_add_children(request.user, unit))
    return import_page(
        request,
        unit=unit,
        kind=Job.Kind.UNITS_IMPORT,
        template="units/tree_import.html",
        breadcrumbs=visible_ancestors(request.user, unit),
    )


@login_required
def unit_tree_template(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_add_children(request.user, unit))
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-don-vi-{unit.code}.xlsx"'
    tree_template_xlsx(unit=unit, out=response)
    return response


@login_required
def unit_tree_export(request, unit_id: int):
    """The units under this one in the import's columns, with their member counts."""
    unit = get_unit_for(request.user, unit_id)
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="don-vi-{unit.code}.xlsx"'
    tree_xlsx(unit=unit, out=response)
    return response


# --- the audit trail of a subtree ---------------------------------------------------------------

AUDIT_PAGE = 50
# The most events one export writes (a narrower search exports the rest).
AUDIT_EXPORT_LIMIT = 100_000
AUDIT_COLUMNS = ("id", "at", "actor", "action", "target_type", "target_id", "summary", "changes")


def _audit_rows(events):
    batch = []
    for e in events.iterator(chunk_size=2000):
        batch.append(e)
        if len(batch) == 2000:
            yield from _audit_batch(batch)
            batch = []
    yield from _audit_batch(batch)


def _audit_batch(events):
    for e in audit.shown(events):
        yield (
            e.pk,
            timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"),
            e.actor.username if e.actor else "",
            e.action,
            e.target_type,
            e.target_id,
            e.text,
            json.dumps(e.details, ensure_ascii=False) if e.details else "",
        )


@login_required
def unit_audit(request, unit_id: int):
    """The events of the subtree, newest first, searched by person, action, object and period;
    the reads of full ID numbers apart (`id_number_reads`); 50 a page by keyset (`cursor`: the
    last event of the page before); `format=csv` or `xlsx` exports the search."""
    unit = get_unit_for(request.user, unit_id)
    require(can_search_audit(request.user, unit))
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reads = filters.get("reads") or ""
    target_type, target_id = filters.get("object") or ("", None)
    events = audit.search(
        unit_path=unit.path,
        actor=filters.get("actor", ""),
        action=filters.get("action", ""),
        since=filters.get("since"),
        until=filters.get("until"),
        id_number_reads={"only": True, "without": False}.get(reads),
        target_type=target_type,
        target_id=target_id,
    )
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        rows = _audit_rows(events[:AUDIT_EXPORT_LIMIT])
        name = f"nhat-ky-{unit.code}.{export}"
        if export == "csv":
            response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv")
        else:
            response = HttpResponse(content_type=XLSX)
            audit_xlsx(rows, AUDIT_COLUMNS, response)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    cursor = request.GET.get("cursor", "")
    if cursor.isdigit():
        events = events.filter(id__lt=int(cursor))
    found = list(events[: AUDIT_PAGE + 1])
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("format", None)
    return render(
        request,
        "units/audit.html",
        {
            "unit": unit,
            "breadcrumbs": visible_ancestors(request.user, unit),
            "form": form,
            "events": audit.shown(found[:AUDIT_PAGE]),
            "next_cursor": found[AUDIT_PAGE - 1].pk if len(found) > AUDIT_PAGE else None,
            "query": query.urlencode(),
        },
    )


class _Echo:
    def write(self, value):
        return value


def _csv_lines(rows):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(AUDIT_COLUMNS)
    for row in rows:
        yield writer.writerow([safe_csv(v) for v in row])


# --- the unit chooser ---------------------------------------------------------------------------

# The name of the chooser's field in the form that holds it (its inputs and element ids).
CHOOSER_NAME = re.compile(r"[a-z][a-z_]{0,29}")


@login_required
@require_GET
def unit_choose(request, unit_id: int):
    """The unit chooser's pieces, for htmx (units/_chooser.html): the units under the unit that
    match `unit_q`, or, with `pick`, the chosen unit as a ticked box. The units already chosen
    (the boxes `name` sent along) are marked, and a unit picked twice is not added again. The
    unit is the chooser's root: the user must see it (404 otherwise), and only units under it
    are found."""
    root = get_unit_for(request.user, unit_id)
    name = request.GET.get("name", "units")
    if not CHOOSER_NAME.fullmatch(name):
        raise Http404
    chosen = set(request.GET.getlist(name))
    if "pick" in request.GET:
        if request.GET["pick"] in chosen:
            return HttpResponse("")
        picked = units_chosen(root, [request.GET["pick"]])
        return render(
            request,
            "units/_chooser_items.html",
            {"name": name, "chosen": with_parents(picked)},
        )
    term = request.GET.get("unit_q", "")
    return render(
        request,
        "units/_chooser_results.html",
        {
            "root": root,
            "name": name,
            "term": term,
            "results": with_parents(units_matching(root, term)),
            "chosen_ids": {int(v) for v in chosen if v.isdigit()},
            "limit": CHOOSER_LIMIT,
        },
    )

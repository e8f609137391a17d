"""Member movements of a unit over a period: the table per unit under it with drill-down, the
entries behind each figure, and the entries in Excel."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.accounts.access import get_unit_for, visible_ancestors
from doanvien.core.dates import parse_date
from doanvien.core.pagination import paginate
from doanvien.members.models import Movement

from ..movements import KINDS, events, movement_report
from ..spreadsheets import movements_xlsx


def _period(request) -> tuple[date, date, list[str]]:
    """The period asked for (dd/mm/yyyy), by default this calendar year so far."""
    today = timezone.localdate()
    errors, values = [], {}
    for name, default in (("from", date(today.year, 1, 1)), ("to", today)):
        raw = request.GET.get(name, "")
        try:
            values[name] = parse_date(raw) or default
        except ValueError:
            errors.append(_("“%(value)s” is not a date: write dd/mm/yyyy.") % {"value": raw})
            values[name] = default
    start, end = values["from"], values["to"]
    if start > end:
        errors.append(_("The period starts after it ends."))
        start, end = end, start
    return start, end, errors


@login_required
def unit_movements(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    start, end, errors = _period(request)
    rows = movement_report(unit, start, end)
    return render(
        request,
        "reports/movements.html",
        {
            "unit": unit,
            "breadcrumbs": visible_ancestors(request.user, unit),
            "start": start,
            "end": end,
            "errors": errors,
            "own": rows[0],
            "children": rows[1:],
            "kinds": [(k, Movement.Kind(k).label) for k in KINDS],
            "query": request.GET.urlencode(),
        },
    )


@login_required
def unit_movement_list(request, unit_id: int, kind: str):
    unit = get_unit_for(request.user, unit_id)
    if kind not in KINDS:
        raise Http404
    start, end, errors = _period(request)
    rows = events(unit, start, end, kind).select_related("member", "branch").order_by("-on", "-id")
    page = paginate(request, rows)
    for movement in page.object_list:
        # Members who have since left the unit are named, not linked.
        movement.linked = movement.member.unit_path.startswith(unit.path)
    return render(
        request,
        "reports/movement_list.html",
        {
            "unit": unit,
            "breadcrumbs": visible_ancestors(request.user, unit),
            "kind": Movement.Kind(kind),
            "start": start,
            "end": end,
            "errors": errors,
            "page": page,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def unit_movements_xlsx(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    start, end, _errors = _period(request)
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"bien-dong-doan-vien-{unit.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    movements_xlsx(unit=unit, start=start, end=end, out=response)
    return response

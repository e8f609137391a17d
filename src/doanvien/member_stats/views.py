"""The member statistics page ("Số liệu đoàn viên") with its Excel file, and the yearly
indicators page with the targets the unit above sets. Each view is scoped on its first line
(404 outside the user's subtree)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors

from . import exports, services
from .access import can_set_targets_for, can_type_figures_of
from .indicators import children_targets, indicator_rows
from .models import Indicator
from .selectors import DIMENSIONS, BadQuery, parse_by, parse_on, statistics


def _query(request):
    """(by, on, error): the breakdown asked for, or sex today with the error's message."""
    today = timezone.localdate()
    by = [request.GET.get("by", "sex")]
    if "," not in by[0] and request.GET.get("by2"):
        by = [by[0], request.GET["by2"]]
    try:
        return parse_by(",".join(by)), parse_on(request.GET.get("on", ""), today), ""
    except BadQuery as e:
        return ["sex"], today, str(e)


@login_required
@require_GET
def member_statistics(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    by, on, error = _query(request)
    today = timezone.localdate()
    table = statistics(unit, by, on, today)
    keys = table.combinations()
    rows = [
        {
            "unit": u,
            "cells": [table.counts.get(u.pk, {}).get(k, 0) for k in keys],
            "total": table.total(u.pk),
        }
        for u in [unit, *table.children]
    ]
    query = f"by={','.join(by)}" + (f"&on={on.isoformat()}" if on != today else "")
    return render(
        request,
        "member_stats/statistics.html",
        {
            "unit": unit,
            "ancestors": visible_ancestors(request.user, unit),
            "table": table,
            "titles": exports.column_titles(table),
            "own": rows[0],
            "rows": rows[1:],
            "dimensions": DIMENSIONS.items(),
            "by1": by[0],
            "by2": by[1] if len(by) > 1 else "",
            "on": on,
            "today": today,
            "error": error,
            "query": query,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def member_statistics_xlsx(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    by, on, _error = _query(request)
    table = statistics(unit, by, on, timezone.localdate())
    return HttpResponse(
        exports.statistics_xlsx(table),
        content_type=exports.XLSX_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, exports.filename(table))},
    )


# --- Indicators -------------------------------------------------------------------------------


def _indicator_page(request, unit, year: int, errors: dict | None = None, status: int = 200):
    today = timezone.localdate()
    rows = indicator_rows(unit, year, today)
    children, targets = ([], {}) if unit.is_branch else children_targets(unit, year)
    may_target = bool(children) and can_set_targets_for(request.user, children[0])
    indicators = [r.indicator for r in rows]
    grid = [
        {
            "unit": child,
            "cells": [
                {
                    "name": f"target-{child.pk}-{i.code}",
                    "value": targets.get((child.pk, i.pk), ""),
                    "error": (errors or {}).get(f"target-{child.pk}-{i.code}", ""),
                }
                for i in indicators
            ],
        }
        for child in children
    ]
    return render(
        request,
        "member_stats/indicators.html",
        {
            "unit": unit,
            "year": year,
            "ancestors": visible_ancestors(request.user, unit),
            "rows": rows,
            "years": [f.year for f in rows[0].years] if rows else [],
            "indicators": indicators,
            "grid": grid,
            "may_target": may_target,
            "may_type": can_type_figures_of(request.user, unit),
            "errors": errors or {},
        },
        status=status,
    )


@login_required
def unit_indicators(request, unit_id: int, year: int):
    """The unit's indicators in the year: target, actual and the last three years; its own
    cadres type the typed indicators' figures here (POST)."""
    unit = get_unit_for(request.user, unit_id)
    if request.method == "POST":
        require(can_type_figures_of(request.user, unit))
        typed = Indicator.objects.filter(is_active=True, source="")
        values = [(i, request.POST.get(f"value-{i.code}", "")) for i in typed]
        try:
            services.values_set(actor=request.user, unit=unit, year=year, values=values)
        except ValidationError as e:
            return _indicator_page(request, unit, year, e.message_dict, status=400)
        messages.success(request, _("The figures are saved."))
        return redirect("member_stats:unit-indicators", unit.pk, year)
    return _indicator_page(request, unit, year)


@login_required
@require_POST
def unit_indicator_targets(request, unit_id: int, year: int):
    """The year's targets of the units under the unit, set by a cadre above them."""
    unit = get_unit_for(request.user, unit_id)
    children, _targets = children_targets(unit, year)
    require(bool(children) and can_set_targets_for(request.user, children[0]))
    indicators = list(Indicator.objects.filter(is_active=True))
    targets = [
        (child, i, request.POST.get(f"target-{child.pk}-{i.code}", ""))
        for child in children
        for i in indicators
        if f"target-{child.pk}-{i.code}" in request.POST
    ]
    try:
        services.targets_set(actor=request.user, unit=unit, year=year, targets=targets)
    except ValidationError as e:
        return _indicator_page(request, unit, year, e.message_dict, status=400)
    messages.success(request, _("The targets are saved."))
    return redirect("member_stats:unit-indicators", unit.pk, year)

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from doanvien.accounts import access
from doanvien.units.views import _breadcrumbs

from .charts import children_bars, level_distribution
from .selectors import LEVELS, report, year_over_year


@login_required
def unit_report(request, unit_id: int, year: int):
    unit = access.get_unit_for(request.user, unit_id)
    rows = report(unit, year)
    return render(
        request,
        "reports/unit_report.html",
        {
            "unit": unit,
            "year": year,
            "years": range(year - 2, year + 2),
            "breadcrumbs": _breadcrumbs(request.user, unit),
            "own": rows[0],
            "children": rows[1:],
            "level_names": LEVELS,
            "levels_chart": level_distribution(rows[0]),
            "children_chart": children_bars(rows[1:]) if rows[1:] else "",
            "history": year_over_year(unit, [year - 2, year - 1, year]),
        },
    )

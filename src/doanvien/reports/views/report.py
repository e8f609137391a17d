from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from doanvien.accounts.access import get_unit_for, visible_ancestors
from doanvien.evaluations import report as evaluation_report
from doanvien.jobs.models import Job
from doanvien.jobs.services import job_start

from .. import exports
from ..charts import children_bars, level_distribution, progress_chart
from ..selectors import LEVELS, report, year_over_year

# Longest report number and place accepted from the query string.
FIELD_MAX = 60


@login_required
def unit_report(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    rows = report(unit, year)
    return render(
        request,
        "reports/unit_report.html",
        {
            "unit": unit,
            "year": year,
            "years": range(year - 2, year + 2),
            "breadcrumbs": visible_ancestors(request.user, unit),
            "own": rows[0],
            "children": rows[1:],
            "level_names": LEVELS,
            # Before the evaluation date the levels are not results yet: no level charts.
            "levels_chart": "" if rows[0].pending else level_distribution(rows[0]),
            "children_chart": (children_bars(rows[1:]) if rows[1:] and not rows[0].pending else ""),
            "progress_chart": progress_chart(unit, year) if rows[1:] else "",
            "history": year_over_year(unit, [year - 2, year - 1, year]),
            "evaluations": evaluation_report.rows([r.unit for r in rows], year),
            "evaluation_groups": evaluation_report.groups(),
        },
    )


def _figures(unit, year: int) -> dict:
    rows = report(unit, year)
    return {
        "unit": unit,
        "year": year,
        "rows": rows,
        "history": year_over_year(unit, [year - 2, year - 1, year]),
        "evaluations": evaluation_report.rows([r.unit for r in rows], year),
    }


def _query(request, name: str) -> str:
    """?number= (the report's number) and ?place= (the place in the date line), both optional."""
    return request.GET.get(name, "").strip()[:FIELD_MAX]


def _document(request, unit, year: int) -> dict:
    """All a document needs: the figures, the number and place asked for, today's date."""
    return {
        **_figures(unit, year),
        "number": _query(request, "number"),
        "place": _query(request, "place"),
        "on": timezone.localdate(),
    }


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


@login_required
@require_GET
def unit_report_print(request, unit_id: int, year: int):
    """The report as an official A4 document, to print from the browser (the PDF is the same)."""
    unit = get_unit_for(request.user, unit_id)
    return HttpResponse(exports.report_html(request=request, **_document(request, unit, year)))


@login_required
@require_GET
def unit_report_xlsx(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    return _download(
        exports.report_xlsx(
            **_figures(unit, year), number=_query(request, "number"), on=timezone.localdate()
        ),
        exports.XLSX_TYPE,
        exports.filename(unit, year, "xlsx"),
    )


@login_required
@require_GET
def unit_report_pdf(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    return _download(
        exports.report_pdf(**_document(request, unit, year)),
        exports.PDF_TYPE,
        exports.filename(unit, year, "pdf"),
    )


@login_required
@require_POST
def unit_report_subtree(request, unit_id: int, year: int):
    """Every unit of the subtree with its figures, in Excel, built in the background."""
    unit = get_unit_for(request.user, unit_id)
    job = job_start(
        actor=request.user, kind=Job.Kind.REPORT_EXPORT, unit=unit, params={"year": year}
    )
    return redirect("jobs:job-detail", job_id=job.pk)

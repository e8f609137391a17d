"""The yearly report pages: the draft (figures from the data, the prose edited on the page by
the unit's cadres), its print view, PDF and Word files, its submission to the level above and
reopening, the pull of a child's good model, and the good-model list. Each view is scoped on
its first line (404 outside the user's units)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import paginate

from . import exports, services
from .access import (
    can_pull,
    can_read,
    can_reopen,
    can_write,
    get_good_model_for,
    is_own,
)
from .forms import HEADER_FIELDS, GoodModelForm, YearlyReportForm, field_for, initial_from
from .models import YearlyReport
from .selectors import (
    children_reports,
    editable_keys,
    good_models_of,
    pulled_sources,
    report_of,
)
from .workflow import STATES


def _readable(request, unit, year):
    """The unit's saved report if the user may read it; else the answer to give (403: a
    report not submitted yet, for the levels above)."""
    saved = report_of(unit, year)
    if can_read(request.user, unit, saved):
        return saved, None
    page = render(
        request,
        "yearly_reports/not_submitted.html",
        {"unit": unit, "year": year, "breadcrumbs": visible_ancestors(request.user, unit)},
        status=403,
    )
    return saved, page


def _put_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for key, messages_ in error.message_dict.items():
            name = field_for(key)
            for message in messages_:
                form.add_error(name if name in form.fields else None, message)
    else:
        apply_errors(form, error)


@login_required
def yearly_report(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    saved, refused = _readable(request, unit, year)
    if refused:
        return refused
    writer = can_write(request.user, unit)
    submitted = saved is not None and saved.state == YearlyReport.State.SUBMITTED
    keys = editable_keys(unit, year)
    form = None
    if writer and not submitted:
        form = YearlyReportForm(
            request.POST if request.method == "POST" else None,
            keys=keys,
            initial=initial_from(saved, keys),
        )
    if request.method == "POST":
        require(writer)
        if form is None:
            messages.error(request, _("The report was submitted: reopen it to change it."))
            return redirect("yearly_reports:yearly-report", unit.pk, year)
        if form.is_valid():
            try:
                services.yearly_report_save(
                    actor=request.user, unit=unit, year=year, data=form.data_for_service()
                )
            except ValidationError as e:
                _put_errors(form, e)
            else:
                messages.success(request, _("The report is saved."))
                return redirect("yearly_reports:yearly-report", unit.pk, year)
    d = exports.draft_for_document(unit, year)
    for s in d.sections:
        if form and s.paragraph_key:
            name = f"paragraph_{s.paragraph_key}"
            form.fields[name].label = _("Text of “%(section)s”") % {"section": s.heading}
            s.form_field = form[name]
    parent = unit.parent()
    puller = (
        submitted
        and parent is not None
        and can_write(request.user, parent)
        and not is_own(request.user, unit)
    )
    return render(
        request,
        "yearly_reports/report.html",
        {
            "unit": unit,
            "year": year,
            "years": range(year - 2, year + 2),
            "breadcrumbs": visible_ancestors(request.user, unit),
            "draft": d,
            "saved": saved,
            "state_label": STATES[saved.state if saved else None],
            "form": form,
            "header_fields": [form[n] for n in HEADER_FIELDS] if form else [],
            "writer": writer,
            "own": is_own(request.user, unit),
            "can_submit": writer and not submitted,
            "can_reopen": submitted and can_reopen(request.user, unit),
            "parent": parent,
            "puller": puller,
            "pulled": pulled_sources(parent, year) if puller else set(),
            "children_reports": children_reports(unit, year) if is_own(request.user, unit) else [],
            "figure_titles": exports.document.figure_titles(),
            "level_titles": exports.document.level_titles(),
        },
    )


@login_required
@require_POST
def yearly_report_submit(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_write(request.user, unit))
    try:
        services.yearly_report_submit(actor=request.user, unit=unit, year=year)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The report is submitted to the level above."))
    return redirect("yearly_reports:yearly-report", unit.pk, year)


@login_required
@require_POST
def yearly_report_reopen(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    saved, refused = _readable(request, unit, year)
    if refused:
        return refused
    require(can_reopen(request.user, unit))
    try:
        services.yearly_report_reopen(actor=request.user, unit=unit, year=year)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The report is a draft again."))
    return redirect("yearly_reports:yearly-report", unit.pk, year)


@login_required
@require_POST
def yearly_report_pull(request, unit_id: int, year: int, good_model_id: int):
    """Copy a good model of a child's submitted report into the unit's own list."""
    unit = get_unit_for(request.user, unit_id)
    good_model = get_good_model_for(request.user, good_model_id)
    source_report = report_of(good_model.unit, good_model.year)
    require(good_model.year == year and can_pull(request.user, unit, good_model, source_report))
    try:
        services.good_model_pull(actor=request.user, unit=unit, source=good_model)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("“%(title)s” is in the good models of %(unit)s.")
            % {"title": good_model.title, "unit": unit.name},
        )
    return redirect("yearly_reports:yearly-report", good_model.unit_id, year)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


@login_required
@require_GET
def yearly_report_print(request, unit_id: int, year: int):
    """The report as an official A4 document, to print from the browser (the PDF is the same)."""
    unit = get_unit_for(request.user, unit_id)
    _saved, refused = _readable(request, unit, year)
    if refused:
        return refused
    d = exports.draft_for_document(unit, year)
    return HttpResponse(exports.report_html(d, request=request))


@login_required
@require_GET
def yearly_report_pdf(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    _saved, refused = _readable(request, unit, year)
    if refused:
        return refused
    d = exports.draft_for_document(unit, year)
    return _download(exports.report_pdf(d), exports.PDF_TYPE, exports.filename(unit, year, "pdf"))


@login_required
@require_GET
def yearly_report_docx(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    _saved, refused = _readable(request, unit, year)
    if refused:
        return refused
    d = exports.draft_for_document(unit, year)
    return _download(
        exports.report_docx(d), exports.DOCX_TYPE, exports.filename(unit, year, "docx")
    )


# --- Good models ------------------------------------------------------------------------------


@login_required
def good_models(request, unit_id: int, year: int):
    """The unit's good models of the year, and the form that records one (its cadres)."""
    unit = get_unit_for(request.user, unit_id)
    require(is_own(request.user, unit))
    writer = can_write(request.user, unit)
    form = GoodModelForm(request.POST or None, initial={"year": year}) if writer else None
    if request.method == "POST":
        require(writer)
        if form.is_valid():
            try:
                created = services.good_model_create(
                    actor=request.user, unit=unit, data=form.cleaned_data
                )
            except ValidationError as e:
                if not hasattr(e, "error_dict"):  # the year's report is submitted
                    messages.error(request, " ".join(e.messages))
                    return redirect("yearly_reports:good-models", unit.pk, year)
                apply_errors(form, e)
            else:
                messages.success(request, _("The good model is recorded."))
                return redirect("yearly_reports:good-models", unit.pk, created.year)
    saved = report_of(unit, year)
    return render(
        request,
        "yearly_reports/good_models.html",
        {
            "unit": unit,
            "year": year,
            "breadcrumbs": visible_ancestors(request.user, unit),
            "page": paginate(request, good_models_of(unit, year).select_related("source__unit")),
            "form": form,
            "writer": writer,
            "locked": saved is not None and saved.state == YearlyReport.State.SUBMITTED,
        },
    )


@login_required
def good_model_edit(request, good_model_id: int):
    good_model = get_good_model_for(request.user, good_model_id)
    require(can_write(request.user, good_model.unit))
    initial = {
        "year": good_model.year,
        "title": good_model.title,
        "description": good_model.description,
        "result": good_model.result,
    }
    form = GoodModelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.good_model_update(
                actor=request.user, good_model=good_model, data=form.cleaned_data
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Changes saved."))
            year = form.cleaned_data["year"]
            return redirect("yearly_reports:good-models", good_model.unit_id, year)
    return render(
        request,
        "yearly_reports/good_model_form.html",
        {
            "unit": good_model.unit,
            "good_model": good_model,
            "form": form,
            "breadcrumbs": visible_ancestors(request.user, good_model.unit, and_unit=True),
        },
    )


@login_required
@require_POST
def good_model_delete(request, good_model_id: int):
    good_model = get_good_model_for(request.user, good_model_id)
    require(can_write(request.user, good_model.unit))
    try:
        services.good_model_delete(actor=request.user, good_model=good_model)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The good model is deleted."))
    return redirect("yearly_reports:good-models", good_model.unit_id, good_model.year)

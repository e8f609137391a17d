"""The "1+1" pages (seed 003): a unit's youths and groups, a branch's referrals and plan, a
member's own referrals, a referral's steps, and the yearly report with its drill-down and Excel.
Each view is scoped on its first line (404 outside the user's subtree)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import paginate
from doanvien.jobs.models import Job
from doanvien.jobs.views import import_page
from doanvien.members.access import get_member_for
from doanvien.training.forms.registrations import NoteForm

from . import exports, lateness, services
from .access import (
    can_keep_youths,
    can_move_referral,
    can_refer_for,
    get_referral_for,
    get_youth_for,
    groups_under_visible_to,
)
from .forms import (
    ExtensionForm,
    GroupForm,
    IntroduceForm,
    ProgressForm,
    SurveyForm,
    YouthForm,
    YouthSearchForm,
)
from .models import ReviewNote, Survey
from .selectors import branch_plan, branch_referrals, member_referrals, report_rows, youth_search


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def youth_list(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    search = YouthSearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    form = YouthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            youth = services.youth_create(actor=request.user, unit=unit, data=form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The youth is recorded."))
            return redirect("youth:youth-detail", youth.pk)
    return render(
        request,
        "youth/youths.html",
        {
            "unit": unit,
            "ancestors": visible_ancestors(request.user, unit),
            "search": search,
            "page": paginate(request, youth_search(unit, q), 50),
            "form": form,
        },
    )


@login_required
def youth_detail(request, youth_id: int):
    youth = get_youth_for(request.user, youth_id)
    return render(
        request,
        "youth/youth_detail.html",
        {
            "youth": youth,
            "referrals": youth.referrals.select_related("member", "branch").order_by("-pk"),
            "can_keep": can_keep_youths(request.user, youth.unit),
        },
    )


@login_required
@require_POST
def youth_erase(request, youth_id: int):
    youth = get_youth_for(request.user, youth_id)
    require(can_keep_youths(request.user, youth.unit))
    try:
        services.youth_erase(actor=request.user, youth=youth)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The youth's personal data are erased; the counts stay."))
    return redirect("youth:youth-detail", youth.pk)


@login_required
def group_list(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_create(actor=request.user, unit=unit, data=form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The group is recorded."))
            return redirect("youth:group-list", unit.pk)
    groups = groups_under_visible_to(request.user, unit).select_related("unit").order_by("name")
    return render(
        request,
        "youth/groups.html",
        {"unit": unit, "page": paginate(request, groups, 50), "form": form},
    )


@login_required
@require_GET
def unit_referrals(request, unit_id: int):
    """The referrals followed in the unit's subtree; on a branch, the plan: who has introduced
    fewer youths this year than the target (data, default 1)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    year = _year(request)
    target, short = branch_plan(unit, year) if unit.is_branch else (None, [])
    return render(
        request,
        "youth/unit_referrals.html",
        {
            "unit": unit,
            "year": year,
            "target": target,
            "short": short,
            "page": paginate(request, branch_referrals(unit), 50),
        },
    )


@login_required
def member_referrals_page(request, member_id: int):
    """The member's own referrals, and the form to introduce a youth (in his own name, or by
    the branch committee for him)."""
    member = get_member_for(request.user, member_id)
    require(can_refer_for(request.user, member))
    form = IntroduceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note", "")
        try:
            referral = services.referral_create(
                actor=request.user, member=member, youth_data=data, note=note
            )
        except ValidationError as e:
            apply_errors(form, e, default_field="full_name")
        else:
            messages.success(request, _("The youth is introduced."))
            return redirect("youth:referral-detail", referral.pk)
    return render(
        request,
        "youth/member_referrals.html",
        {"member": member, "referrals": member_referrals(member), "form": form},
    )


@login_required
def referral_detail(request, referral_id: int):
    referral = get_referral_for(request.user, referral_id)
    can_move = can_move_referral(request.user, referral)
    form = ProgressForm(
        request.POST or None, initial={"on": timezone.localdate().strftime("%d/%m/%Y")}
    )
    if request.method == "POST":
        require(can_move)
        if form.is_valid():
            try:
                services.referral_progress(
                    actor=request.user,
                    referral=referral,
                    step=form.cleaned_data["step"],
                    on=form.cleaned_data["on"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as e:
                apply_errors(form, e, default_field="step")
            else:
                messages.success(request, _("The step is recorded."))
                return redirect("youth:referral-detail", referral.pk)
    return render(
        request,
        "youth/referral_detail.html",
        {
            "referral": referral,
            "steps": referral.steps.select_related("by"),
            "form": form if can_move else None,
            "can_propose": can_move and referral.state in ("taking_part", "proposed"),
        },
    )


# Late units listed on a report page (the count says how many there are in all).
LATE_SHOWN = 200


@login_required
@require_GET
def referral_report(request, unit_id: int, year: int):
    """The yearly "1+1" report (seed 003 Bước 4, §4.2): the unit and each unit under it, each
    row opening that unit's own report and flagged with the late reports under it; the unit's
    own deadline and whether it sent its report; the late units of the subtree."""
    unit = get_unit_for(request.user, unit_id)
    return render(request, "youth/report.html", _report_context(request, unit, year))


def _report_context(request, unit, year: int, extend_form=None, note_form=None) -> dict:
    due, extension, sent = lateness.deadline_of(unit, year)
    rows = report_rows(unit, year)
    late = lateness.late_flags(unit, year, shown=LATE_SHOWN)
    width = len(unit.path) + unit.steplen
    for row in rows[1:]:
        row.late = late.under.get(row.unit.path[:width], 0)
    can_keep = can_keep_youths(request.user, unit)
    reports = services.sends_report(unit)
    return {
        "unit": unit,
        "year": year,
        "rows": rows,
        "ancestors": visible_ancestors(request.user, unit),
        "deadline": due.strftime("%d/%m/%Y"),
        "extension": extension,
        "sent": sent,
        "reports": reports,
        "can_send": can_keep and reports and not sent,
        "late": late.first,
        "late_count": late.count,
        "reviews": services.holds_reviews(unit),
        "notes": ReviewNote.objects.filter(unit=unit, year=year).select_related("author")[:100],
        "note_form": (note_form or NoteForm()) if can_keep else None,
        "extend_form": (extend_form or ExtensionForm())
        if can_keep and not unit.is_branch
        else None,
    }


@login_required
@require_POST
def referral_report_send(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    try:
        services.report_send(actor=request.user, unit=unit, year=year)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The report is sent to the level above."))
    return redirect("youth:referral-report", unit.pk, year)


@login_required
@require_POST
def referral_report_extend(request, unit_id: int, year: int):
    """A unit above grants a unit under it that sends the report more time for the year's."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            services.report_extend(actor=request.user, above=unit, year=year, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e, default_field="code")
        else:
            messages.success(request, _("The deadline is extended."))
            return redirect("youth:referral-report", unit.pk, year)
    context = _report_context(request, unit, year, extend_form=form)
    return render(request, "youth/report.html", context, status=200)


@login_required
@require_GET
def referral_report_xlsx(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    content = exports.report_xlsx(unit=unit, year=year, rows=report_rows(unit, year))
    return HttpResponse(
        content,
        content_type=exports.XLSX_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(True, exports.filename(unit, year))
        },
    )


@login_required
def youth_import(request, unit_id: int):
    """Upload a survey list of youths and groups: checked in the background, previewed on the
    job's page, then confirmed (youth/imports.py)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    return import_page(
        request,
        unit=unit,
        kind=Job.Kind.YOUTHS_IMPORT,
        template="youth/import.html",
        breadcrumbs=visible_ancestors(request.user, unit),
    )


@login_required
@require_GET
def youth_import_template(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    response = HttpResponse(content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"mau-nhap-thanh-nien-{unit.code}.xlsx"
    )
    exports.template_xlsx(unit=unit, out=response)
    return response


def _document(request, unit, year: int) -> dict:
    """The report's figures and what the document's header takes from the query: ?number= (the
    report's number) and ?place= (the place in the date line)."""
    return {
        "unit": unit,
        "year": year,
        "rows": report_rows(unit, year),
        "number": request.GET.get("number", "").strip()[:40],
        "place": request.GET.get("place", "").strip()[:80],
        "on": timezone.localdate(),
    }


@login_required
@require_GET
def referral_report_print(request, unit_id: int, year: int):
    """The "1+1" report as an official A4 document, to print from the browser (the PDF is the
    same)."""
    unit = get_unit_for(request.user, unit_id)
    return HttpResponse(exports.report_html(request=request, **_document(request, unit, year)))


@login_required
@require_GET
def referral_report_pdf(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    return HttpResponse(
        exports.report_pdf(**_document(request, unit, year)),
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(
                True, exports.pdf_filename(unit, year)
            )
        },
    )


@login_required
def survey(request, unit_id: int, year: int):
    """The branch's survey of its area for the year (seed 003 Bước 1), and the rate it gives."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    found = Survey.objects.filter(unit=unit, year=year).first()
    # A new survey: its members prefilled with the branch's members today (or on the last day
    # of a past year).
    day = min(timezone.localdate(), date(year, 12, 31))
    initial = {"members": services.members_on(unit, day) if unit.is_branch else 0}
    if found is not None:
        initial = {name: getattr(found, name) for name in (*services.SURVEY_COUNTS, "members")}
        initial |= {"surveyed_on": found.surveyed_on.strftime("%d/%m/%Y"), "notes": found.notes}
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_save(actor=request.user, unit=unit, year=year, data=form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e, default_field="surveyed_on")
        else:
            messages.success(request, _("The survey is recorded."))
            return redirect("youth:survey", unit.pk, year)
    return render(
        request,
        "youth/survey.html",
        {
            "unit": unit,
            "year": year,
            "survey": found,
            "row": report_rows(unit, year)[0] if found else None,
            "form": form,
        },
    )


@login_required
@require_POST
def review_note(request, unit_id: int, year: int):
    """A note of the six-monthly review, on the base union's or the district's report page."""
    unit = get_unit_for(request.user, unit_id)
    require(can_keep_youths(request.user, unit))
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.review_note_add(
                actor=request.user,
                unit=unit,
                year=year,
                text=form.cleaned_data["text"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Note added."))
            return redirect(reverse("youth:referral-report", args=[unit.pk, year]) + "#notes")
    return render(
        request, "youth/report.html", _report_context(request, unit, year, note_form=form)
    )

"""Pages of member accounts: the branch's codes (issue, print, export), the bulk job of a base
union, the public activation page, the member's first-log-in notice with "this was not me",
and the base union's list of those reports."""

import math
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import paginate

from .access import can_issue_codes, can_issue_in_bulk, can_see_not_me_reports
from .activation import ActivationLocked, activate, activate_url
from .exports import codes_xlsx, slips_of, slips_pdf
from .forms import ActivateForm, NotMeCloseForm
from .jobs import issue_codes_start
from .models import NotMeReport
from .selectors import (
    branch_members_for_codes,
    member_of,
    members_without_account,
    not_me_reports_under,
    notice_pending,
)
from .services import codes_check, codes_issue, not_me_close, not_me_report, notice_acknowledge

BACKEND = "doanvien.accounts.backends.AccountBackend"


@login_required
def unit_codes(request, unit_id: int):
    """A branch: its members on the roll, who has an account or an open code; issue codes for
    the chosen ones (or all without an account). A union: the bulk job."""
    unit = get_unit_for(request.user, unit_id)
    require(can_issue_codes(request.user, unit))
    context = {"unit": unit, "breadcrumbs": visible_ancestors(request.user, unit)}
    if not unit.is_branch:
        context["without_account"] = members_without_account(unit).count()
        context["can_bulk"] = can_issue_in_bulk(request.user, unit)
        return render(request, "member_accounts/union_codes.html", context)
    if request.method == "POST":
        chosen = request.POST.getlist("members") if request.POST.get("which") == "chosen" else None
        if chosen is not None and not chosen:
            messages.error(request, _("Choose at least one member."))
        else:
            try:
                issued = codes_issue(actor=request.user, branch=unit, member_ids=chosen)
            except (ValidationError, ValueError) as e:
                messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
            else:
                if not issued:
                    messages.info(request, _("Every member of the branch already has an account."))
                else:
                    return render(
                        request,
                        "member_accounts/issued.html",
                        {**context, "issued": issued, "activate_url": activate_url(request)},
                    )
    context["members"] = branch_members_for_codes(unit)
    return render(request, "member_accounts/branch_codes.html", context)


def _checked_slips(request, unit):
    return slips_of(codes_check(unit=unit, typed=request.POST.getlist("codes")[:2000]))


@login_required
@require_POST
def codes_pdf(request, unit_id: int):
    """The sheet of slips for codes just issued (sent back by the page that showed them; only
    codes still open, of members of this unit, are printed)."""
    unit = get_unit_for(request.user, unit_id)
    require(can_issue_codes(request.user, unit))
    slips = _checked_slips(request, unit)
    if not slips:
        raise Http404
    response = HttpResponse(
        slips_pdf(slips, activate_url=activate_url(request)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="phieu-kich-hoat-{unit.code}.pdf"'
    return response


@login_required
@require_POST
def codes_sheet(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_issue_codes(request.user, unit))
    slips = _checked_slips(request, unit)
    if not slips:
        raise Http404
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "codes.xlsx"
        codes_xlsx(slips, path, activate_url=activate_url(request))
        content = path.read_bytes()
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="ma-kich-hoat-{unit.code}.xlsx"'
    return response


@login_required
@require_POST
def codes_bulk(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_issue_in_bulk(request.user, unit))
    job = issue_codes_start(actor=request.user, unit=unit, activate_url=activate_url(request))
    return redirect("jobs:job-detail", job_id=job.pk)


# --- The member -------------------------------------------------------------------------------


def activate_view(request):
    """Public: code + date of birth → login and password; then logged in."""
    if request.user.is_authenticated:
        return redirect("home")
    form = ActivateForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = activate(
                request,
                code=data["code"],
                date_of_birth=data["date_of_birth"],
                username=data["username"],
                password=data["password1"],
            )
        except ActivationLocked as locked:
            minutes = max(1, math.ceil(locked.wait.total_seconds() / 60))
            form.add_error(
                None,
                _("Too many wrong attempts. Wait %(minutes)s minutes and try again.")
                % {"minutes": minutes},
            )
            status = 429
        except ValidationError as e:
            apply_errors(form, e, default_field=None)
        else:
            login(request, user, backend=BACKEND)
            return redirect("member_accounts:notice")
    return render(request, "member_accounts/activate.html", {"form": form}, status=status)


@login_required
def notice_view(request):
    """The member's first log-in: who issued his code, and when; "this was not me". Only for a
    member on the roll (404 for anyone else)."""
    member = member_of(request.user)
    if member is None:
        raise Http404
    code = notice_pending(request.user)
    if request.method == "POST" and code is not None:
        if request.POST.get("answer") == "not-me":
            not_me_report(user=request.user, code=code)
            logout(request)
            return render(request, "member_accounts/locked.html")
        notice_acknowledge(user=request.user, code=code)
        return redirect("home")
    return render(request, "member_accounts/notice.html", {"code": code, "member": member})


# --- The base union's list -----------------------------------------------------------------------


@login_required
def not_me_list(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_see_not_me_reports(request.user, unit))
    state = request.GET.get("state", "open")
    reports = not_me_reports_under(unit)
    if state == "open":
        reports = reports.filter(closed_at__isnull=True)
    page = paginate(request, reports)
    return render(
        request,
        "member_accounts/not_me_list.html",
        {
            "unit": unit,
            "page": page,
            "state": state,
            "form": NotMeCloseForm(),
            "breadcrumbs": visible_ancestors(request.user, unit),
        },
    )


@login_required
@require_POST
def not_me_close_view(request, not_me_id: int):
    report = get_object_or_404(NotMeReport.objects.select_related("member"), pk=not_me_id)
    unit = get_unit_for(request.user, report.unit_id)
    require(can_see_not_me_reports(request.user, unit))
    form = NotMeCloseForm(request.POST)
    if form.is_valid():
        try:
            not_me_close(actor=request.user, report=report, note=form.cleaned_data["note"])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("The item is closed."))
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect("member_accounts:not-me-list", unit_id=unit.pk)

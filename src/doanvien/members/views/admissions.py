"""Admission pages: a unit's proposals, the proposal form, one proposal with its approve /
reject / withdraw / annul forms. Each view resolves its object in the user's scope on its first
line (404 outside it), then checks the action (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.actions.admissions import admission_annul, admission_approve, admission_propose
from doanvien.core import audit
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import keyset_page_for
from doanvien.members.access import (
    can_decide_admission,
    can_propose_admission,
    can_withdraw_admission,
    get_admission_for,
    members_visible_to,
)
from doanvien.members.selectors import ADMISSION_ORDER, covering_ranges, unit_admissions
from doanvien.members.services.admissions import (
    PROPOSAL_FIELDS,
    admission_reject,
    admission_withdraw,
    next_state,
    record_value,
)
from doanvien.youth.access import get_referral_for

from ..forms.admissions import (
    AdmissionAnnulForm,
    AdmissionApproveForm,
    AdmissionProposeForm,
    AdmissionRejectForm,
    AdmissionStateFilterForm,
    AdmissionWithdrawForm,
)
from ..models import AdmissionRequest, Member

A = AdmissionRequest.State


# --- Admissions -------------------------------------------------------------------------------


@login_required
def admission_list(request, unit_id: int):
    """A branch's proposals (all states by default); above a branch, the open proposals of the
    whole subtree, waiting for a decision."""
    unit = get_unit_for(request.user, unit_id)
    default_state = "" if unit.is_branch else A.PROPOSED
    form = AdmissionStateFilterForm({"state": request.GET.get("state", default_state)})
    state = form.cleaned_data["state"] if form.is_valid() else default_state
    # By keyset, counted up to "more than 1,000" (core.pagination).
    page = keyset_page_for(
        request, unit_admissions(request.user, unit, state), keys=ADMISSION_ORDER
    )
    context = {
        "unit": unit,
        "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
        "form": form,
        "state": state,
        "page": page,
        "can_propose": unit.is_active and can_propose_admission(request.user, unit),
    }
    return render(request, "members/admissions/unit.html", context)


@login_required
def admission_create(request, unit_id: int):
    branch = get_unit_for(request.user, unit_id)
    require(can_propose_admission(request.user, branch))
    # From a "1+1" referral (?referral=id): the form fills from the youth's record and names
    # the member who introduced him; the approval marks the referral admitted.
    referral = None
    if request.GET.get("referral"):
        referral = get_referral_for(request.user, request.GET["referral"])
        if referral.branch_id != branch.pk:
            raise Http404
    initial = {"sex": "", "category": "main"}
    if referral is not None:
        youth = referral.youth
        initial.update(
            full_name=youth.full_name,
            date_of_birth=youth.date_of_birth.strftime("%d/%m/%Y") if youth.date_of_birth else "",
            sex=youth.sex,
            phone=youth.phone,
            federation_member=bool(youth.federation_joined_on),
            introducer_name=referral.member.full_name if referral.member_id else "",
        )
    form = AdmissionProposeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            admission = admission_propose(
                actor=request.user,
                branch=branch,
                data=form.youth_data(),
                introducer_name=form.cleaned_data["introducer_name"],
                introducer_is_member=form.cleaned_data["introducer_is_member"],
                course_name=form.cleaned_data["course_name"],
                course_date=form.cleaned_data["course_date"],
                note=form.cleaned_data["note"],
                youth=referral.youth if referral else None,
                introducer=referral.member if referral else None,
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The admission of %(name)s is proposed to the level above.")
                % {"name": admission.full_name},
            )
            return redirect("members:admission-detail", admission_id=admission.pk)
    context = {
        "unit": branch,
        "breadcrumbs": visible_ancestors(request.user, branch, and_unit=True),
        "form": form,
    }
    return render(request, "members/admissions/propose.html", context)


def _record_rows(admission: AdmissionRequest) -> list[tuple[str, object]]:
    rows = []
    for name in PROPOSAL_FIELDS:
        if name in ("full_name", "id_number"):
            continue
        field = Member._meta.get_field(name)
        value = record_value(admission, name)
        if field.choices and value:
            value = dict(field.choices).get(value, value)
        rows.append((field.verbose_name, value))
    return rows


def _detail_context(request, admission: AdmissionRequest, **forms) -> dict:
    user = request.user
    can_decide = can_decide_admission(user, admission)
    is_open = admission.is_open
    approved = admission.state == A.APPROVED
    covering = covering_ranges(admission.branch) if is_open else []
    return {
        "admission": admission,
        "breadcrumbs": visible_ancestors(user, admission.branch, and_unit=True),
        "rows": _record_rows(admission),
        "can_decide": is_open and can_decide,
        "can_withdraw": is_open and can_withdraw_admission(user, admission),
        "can_annul": approved and can_decide,
        "member_visible": admission.member_id is not None
        and members_visible_to(user).filter(pk=admission.member_id).exists(),
        "approve_form": forms.get("approve_form")
        or (AdmissionApproveForm(ranges_cover=bool(covering)) if is_open and can_decide else None),
        "reject_form": forms.get("reject_form")
        or (AdmissionRejectForm() if is_open and can_decide else None),
        "withdraw_form": forms.get("withdraw_form") or AdmissionWithdrawForm(),
        "annul_form": forms.get("annul_form")
        or (AdmissionAnnulForm() if approved and can_decide else None),
        "covering": covering[:1],
        "history": audit.history_shown(admission),
    }


@login_required
def admission_detail(request, admission_id: int):
    admission = get_admission_for(request.user, admission_id)
    return render(request, "members/admissions/detail.html", _detail_context(request, admission))


def _illegal(request, admission: AdmissionRequest, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return redirect("members:admission-detail", admission_id=admission.pk)


def _act(request, admission, action: str, form, call, done: str, form_name: str):
    """Check the transition, validate the form, call the service; on a refusal show the page
    again with the form's errors (400)."""
    try:
        next_state(admission, action)
    except ValidationError as e:
        return _illegal(request, admission, e)
    if form.is_valid():
        try:
            result = call(form)
        except ValidationError as e:
            if getattr(e, "code", None) == "illegal_transition":
                return _illegal(request, admission, e)
            apply_errors(form, e)
        else:
            messages.success(request, done)
            return result
    context = _detail_context(request, admission, **{form_name: form})
    return render(request, "members/admissions/detail.html", context, status=400)


@login_required
@require_POST
def admission_approve_view(request, admission_id: int):
    admission = get_admission_for(request.user, admission_id)
    require(can_decide_admission(request.user, admission))

    def call(form):
        done = admission_approve(
            actor=request.user,
            admission=admission,
            resolution_no=form.cleaned_data["resolution_no"],
            resolution_date=form.cleaned_data["resolution_date"],
            **form.card_args(),
        )
        return redirect("members:member-detail", member_id=done.member_id)

    return _act(
        request,
        admission,
        "approve",
        AdmissionApproveForm(request.POST, ranges_cover=bool(covering_ranges(admission.branch))),
        call,
        _("%(name)s is admitted to %(branch)s.")
        % {"name": admission.full_name, "branch": admission.branch.name},
        "approve_form",
    )


@login_required
@require_POST
def admission_reject_view(request, admission_id: int):
    admission = get_admission_for(request.user, admission_id)
    require(can_decide_admission(request.user, admission))

    def call(form):
        admission_reject(
            actor=request.user, admission=admission, reason=form.cleaned_data["reason"]
        )
        return redirect("members:admission-detail", admission_id=admission.pk)

    return _act(
        request,
        admission,
        "reject",
        AdmissionRejectForm(request.POST),
        call,
        _("The proposal is rejected."),
        "reject_form",
    )


@login_required
@require_POST
def admission_withdraw_view(request, admission_id: int):
    admission = get_admission_for(request.user, admission_id)
    require(can_withdraw_admission(request.user, admission))

    def call(form):
        admission_withdraw(actor=request.user, admission=admission, note=form.cleaned_data["note"])
        return redirect("members:admission-detail", admission_id=admission.pk)

    return _act(
        request,
        admission,
        "withdraw",
        AdmissionWithdrawForm(request.POST),
        call,
        _("The proposal is withdrawn."),
        "withdraw_form",
    )


@login_required
@require_POST
def admission_annul_view(request, admission_id: int):
    admission = get_admission_for(request.user, admission_id)
    require(can_decide_admission(request.user, admission))

    def call(form):
        admission_annul(actor=request.user, admission=admission, reason=form.cleaned_data["reason"])
        return redirect("members:admission-detail", admission_id=admission.pk)

    return _act(
        request,
        admission,
        "annul",
        AdmissionAnnulForm(request.POST),
        call,
        _("The admission is annulled and the member taken off the roll."),
        "annul_form",
    )

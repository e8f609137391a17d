"""Admission pages (a unit's proposals, the proposal form, one proposal with its approve / reject
/ withdraw / annul forms) and member-card pages (a unit's card-number ranges, a member's card).
Each view resolves its object in the user's scope on its first line (404 outside it), then
checks the action (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts import access
from doanvien.accounts.models import Role
from doanvien.core import audit
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import paginate
from doanvien.units.models import Unit
from doanvien.units.views import _breadcrumbs

from . import admissions as services
from . import cards
from .forms_admissions import (
    AdmissionAnnulForm,
    AdmissionApproveForm,
    AdmissionProposeForm,
    AdmissionRejectForm,
    AdmissionStateFilterForm,
    AdmissionWithdrawForm,
    CardAssignForm,
    CardRangeAllocateForm,
    CardRangeReleaseForm,
)
from .models import AdmissionRequest, Member

A = AdmissionRequest.State

# Members without a card number listed on a branch's card page.
WITHOUT_CARD_LIMIT = 50


# --- Admissions -------------------------------------------------------------------------------


@login_required
def unit_admissions(request, unit_id: int):
    """A branch's proposals (all states by default); above a branch, the open proposals of the
    whole subtree, waiting for a decision."""
    unit = access.get_unit_for(request.user, unit_id)
    default_state = "" if unit.is_branch else A.PROPOSED
    form = AdmissionStateFilterForm({"state": request.GET.get("state", default_state)})
    state = form.cleaned_data["state"] if form.is_valid() else default_state
    page = paginate(request, services.unit_admissions(request.user, unit, state))
    context = {
        "unit": unit,
        "breadcrumbs": _breadcrumbs(request.user, unit) + [unit],
        "form": form,
        "state": state,
        "page": page,
        "can_propose": unit.is_active and services.can_propose_admission(request.user, unit),
    }
    return render(request, "members/admissions/unit.html", context)


@login_required
def admission_create(request, unit_id: int):
    branch = access.get_unit_for(request.user, unit_id)
    access.require(services.can_propose_admission(request.user, branch))
    form = AdmissionProposeForm(request.POST or None, initial={"sex": "", "category": "main"})
    if request.method == "POST" and form.is_valid():
        try:
            admission = services.admission_propose(
                actor=request.user,
                branch=branch,
                data=form.youth_data(),
                introducer_name=form.cleaned_data["introducer_name"],
                introducer_is_member=form.cleaned_data["introducer_is_member"],
                course_name=form.cleaned_data["course_name"],
                course_date=form.cleaned_data["course_date"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The admission of %(name)s is proposed to the level above.")
                % {"name": admission.full_name},
            )
            return redirect("admission-detail", admission_id=admission.pk)
    context = {
        "unit": branch,
        "breadcrumbs": _breadcrumbs(request.user, branch) + [branch],
        "form": form,
    }
    return render(request, "members/admissions/propose.html", context)


def _record_rows(admission: AdmissionRequest) -> list[tuple[str, object]]:
    rows = []
    for name in services.PROPOSAL_FIELDS:
        if name in ("full_name", "id_number"):
            continue
        field = Member._meta.get_field(name)
        value = services.record_value(admission, name)
        if field.choices and value:
            value = dict(field.choices).get(value, value)
        rows.append((field.verbose_name, value))
    return rows


def _detail_context(request, admission: AdmissionRequest, **forms) -> dict:
    user = request.user
    can_decide = services.can_decide_admission(user, admission)
    is_open = admission.is_open
    approved = admission.state == A.APPROVED
    return {
        "admission": admission,
        "breadcrumbs": _breadcrumbs(user, admission.branch) + [admission.branch],
        "rows": _record_rows(admission),
        "can_decide": is_open and can_decide,
        "can_withdraw": is_open and services.can_withdraw_admission(user, admission),
        "can_annul": approved and can_decide,
        "member_visible": admission.member_id is not None
        and access.members_visible_to(user).filter(pk=admission.member_id).exists(),
        "approve_form": forms.get("approve_form")
        or (AdmissionApproveForm() if is_open and can_decide else None),
        "reject_form": forms.get("reject_form")
        or (AdmissionRejectForm() if is_open and can_decide else None),
        "withdraw_form": forms.get("withdraw_form") or AdmissionWithdrawForm(),
        "annul_form": forms.get("annul_form")
        or (AdmissionAnnulForm() if approved and can_decide else None),
        "covering": cards.covering_ranges(admission.branch)[:1] if is_open else [],
        "history": audit.history(admission)[:50],
    }


@login_required
def admission_detail(request, admission_id: int):
    admission = services.get_admission_for(request.user, admission_id)
    return render(request, "members/admissions/detail.html", _detail_context(request, admission))


def _illegal(request, admission: AdmissionRequest, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return redirect("admission-detail", admission_id=admission.pk)


def _act(request, admission, action: str, form, call, done: str, form_name: str):
    """Check the transition, validate the form, call the service; on a refusal show the page
    again with the form's errors (400)."""
    try:
        services.next_state(admission, action)
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
    admission = services.get_admission_for(request.user, admission_id)
    access.require(services.can_decide_admission(request.user, admission))

    def call(form):
        done = services.admission_approve(
            actor=request.user,
            admission=admission,
            resolution_no=form.cleaned_data["resolution_no"],
            resolution_date=form.cleaned_data["resolution_date"],
            **form.card_args(),
        )
        return redirect("member-detail", member_id=done.member_id)

    return _act(
        request,
        admission,
        "approve",
        AdmissionApproveForm(request.POST),
        call,
        _("%(name)s is admitted to %(branch)s.")
        % {"name": admission.full_name, "branch": admission.branch.name},
        "approve_form",
    )


@login_required
@require_POST
def admission_reject_view(request, admission_id: int):
    admission = services.get_admission_for(request.user, admission_id)
    access.require(services.can_decide_admission(request.user, admission))

    def call(form):
        services.admission_reject(
            actor=request.user, admission=admission, reason=form.cleaned_data["reason"]
        )
        return redirect("admission-detail", admission_id=admission.pk)

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
    admission = services.get_admission_for(request.user, admission_id)
    access.require(services.can_withdraw_admission(request.user, admission))

    def call(form):
        services.admission_withdraw(
            actor=request.user, admission=admission, note=form.cleaned_data["note"]
        )
        return redirect("admission-detail", admission_id=admission.pk)

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
    admission = services.get_admission_for(request.user, admission_id)
    access.require(services.can_decide_admission(request.user, admission))

    def call(form):
        services.admission_annul(
            actor=request.user, admission=admission, reason=form.cleaned_data["reason"]
        )
        return redirect("admission-detail", admission_id=admission.pk)

    return _act(
        request,
        admission,
        "annul",
        AdmissionAnnulForm(request.POST),
        call,
        _("The admission is annulled and the member taken off the roll."),
        "annul_form",
    )


# --- Member-card numbers ----------------------------------------------------------------------


def _allocatable_units(user, unit: Unit):
    """The units this user may give a range from this page: the unit itself (from its parent's
    range, or a new block for a root unit) and the unions right under it."""
    q = Q(pk__in=[])
    if cards.can_allocate_range(user, unit):
        q |= Q(pk=unit.pk)
    scope = access.scope_of(user)
    if not unit.is_branch and (scope.is_superuser or Role.CADRE in scope.roles_at(unit.path)):
        q |= Q(
            path__startswith=unit.path,
            depth=unit.depth + 1,
            kind=Unit.Kind.UNION,
            is_active=True,
        )
    return Unit.objects.filter(q).filter(is_active=True).order_by("depth", "name")


def _card_or_none(number: int | None) -> str | None:
    return None if number is None else cards.format_card(number)


def _range_rows(user, ranges) -> list[dict]:
    rows = []
    for r in ranges:
        children = list(r.children.filter(is_active=True).select_related("unit").order_by("first"))
        rows.append(
            {
                "range": r,
                "used": cards.used_count(r),
                "next": _card_or_none(cards.first_free(r)),
                "free_blocks": [
                    (cards.format_card(f), cards.format_card(la)) for f, la in cards.free_blocks(r)
                ],
                "children": [
                    {
                        "range": c,
                        "release_form": CardRangeReleaseForm(auto_id=f"rel{c.pk}_%s")
                        if cards.can_allocate_range(user, c.unit)
                        else None,
                    }
                    for c in children
                ],
                "release_form": CardRangeReleaseForm(auto_id=f"rel{r.pk}_%s")
                if cards.can_allocate_range(user, r.unit)
                else None,
            }
        )
    return rows


@login_required
def unit_card_ranges(request, unit_id: int):
    """The unit's ranges with what was handed down from them, where its numbers come from, and
    (for a branch) its members still without a card number."""
    unit = access.get_unit_for(request.user, unit_id)
    units = _allocatable_units(request.user, unit)
    can_allocate = units.exists()
    form = CardRangeAllocateForm(request.POST or None, units=units) if can_allocate else None
    if request.method == "POST":
        access.require(can_allocate)
        if form.is_valid():
            try:
                card_range = cards.card_range_allocate(
                    actor=request.user,
                    unit=form.cleaned_data["unit"],
                    first=form.cleaned_data["first"],
                    last=form.cleaned_data["last"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(
                    request,
                    _("Card numbers %(range)s allocated to %(unit)s.")
                    % {"range": card_range, "unit": card_range.unit.name},
                )
                return redirect("unit-card-ranges", unit_id=unit.pk)
    scope = access.scope_of(request.user)
    covering = [r for r in cards.covering_ranges(unit) if r.unit_id != unit.pk]
    without_card = None
    can_assign = unit.is_branch and cards.can_assign_cards(request.user, unit)
    if unit.is_branch:
        without_card = list(
            cards.members_without_card(unit).order_by("sort_key", "pk")[: WITHOUT_CARD_LIMIT + 1]
        )
    context = {
        "unit": unit,
        "breadcrumbs": _breadcrumbs(request.user, unit) + [unit],
        "ranges": _range_rows(request.user, cards.ranges_of(unit)),
        "covering": [
            {"range": r, "unit_name": r.unit.name if scope.sees_path(r.unit.path) else None}
            for r in covering
        ],
        "form": form,
        "without_card": without_card[:WITHOUT_CARD_LIMIT] if without_card is not None else None,
        "without_card_more": without_card is not None and len(without_card) > WITHOUT_CARD_LIMIT,
        "can_assign": can_assign,
        "limit": WITHOUT_CARD_LIMIT,
        "digits": cards.CARD_DIGITS,
    }
    return render(
        request, "members/cards/unit.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def card_range_release_view(request, range_id: int):
    card_range = cards.get_range_for(request.user, range_id)
    access.require(cards.can_allocate_range(request.user, card_range.unit))
    back = card_range.parent.unit if card_range.parent_id else card_range.unit
    if not access.scope_of(request.user).sees_path(back.path):
        back = card_range.unit
    form = CardRangeReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for releasing the range."))
    else:
        try:
            cards.card_range_release(
                actor=request.user, card_range=card_range, reason=form.cleaned_data["reason"]
            )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(
                request,
                _("Card numbers %(range)s released by %(unit)s.")
                % {"range": card_range, "unit": card_range.unit.name},
            )
    return redirect("unit-card-ranges", unit_id=back.pk)


@login_required
def member_card(request, member_id: int):
    """A member's card number: assign one (automatically or by hand) if he has none."""
    member = access.get_member_for(request.user, member_id)
    can_assign = cards.can_assign_cards(request.user, member.branch) and not member.card_number
    form = CardAssignForm(request.POST or None) if can_assign else None
    if request.method == "POST":
        access.require(cards.can_assign_cards(request.user, member.branch))
        if form is None:
            messages.error(request, _("This member already has a card number."))
            return redirect("member-card", member_id=member.pk)
        if form.is_valid():
            try:
                cards.card_assign(
                    actor=request.user,
                    member=member,
                    number=form.card_args()["card_number"],
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                member.refresh_from_db()
                messages.success(
                    request,
                    _("%(name)s has the member card number %(number)s.")
                    % {"name": member.full_name, "number": member.card_number},
                )
                return redirect("member-detail", member_id=member.pk)
    covering = cards.covering_ranges(member.branch)
    scope = access.scope_of(request.user)
    context = {
        "member": member,
        "breadcrumbs": _breadcrumbs(request.user, member.branch) + [member.branch],
        "form": form,
        "covering": [
            {"range": r, "unit_name": r.unit.name if scope.sees_path(r.unit.path) else None}
            for r in covering[:3]
        ],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "members/cards/member.html", context, status=status)

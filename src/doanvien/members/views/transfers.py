"""Transfer pages: the request on the member's page, the requests in and out of a unit, one
request with its accept / reject / cancel forms. Each view resolves its object in the user's
scope on its first line (404 outside it), then checks the action (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.actions.transfers import transfer_accept
from doanvien.core import audit
from doanvien.core.forms import apply_errors
from doanvien.members.access import (
    can_cancel_transfer,
    can_decide_transfer,
    can_end_attachment,
    can_request_transfer,
    get_member_for,
    get_transfer_for,
    members_visible_to,
    transfers_visible_to,
)
from doanvien.members.selectors import (
    attached_members,
    incoming_transfers,
    open_transfer_of,
    outgoing_transfers,
)
from doanvien.members.services.transfers import (
    attachment_end,
    next_state,
    transfer_cancel,
    transfer_reject,
    transfer_request,
)
from doanvien.units.selectors import CHOOSER_LIMIT, units_matching_anywhere, with_parents

from ..forms.transfers import TransferAcceptForm, TransferRejectForm, TransferRequestForm
from ..models import Transfer

# Rows shown per list on a unit's transfer page.
LIST_LIMIT = 100


@login_required
def member_transfer(request, member_id: int):
    """Request a transfer for the member (the member himself, his committee, cadres above)."""
    member = get_member_for(request.user, member_id)
    require(can_request_transfer(request.user, member))
    open_transfer = open_transfer_of(member)
    form = TransferRequestForm(request.POST or None)
    looking_up = "find" in request.POST or "pick_unit" in request.POST
    if looking_up:
        form.look_up()
    elif request.method == "POST" and open_transfer is None and form.is_valid():
        try:
            transfer = transfer_request(
                actor=request.user,
                member=member,
                to_unit=form.cleaned_data["to_unit"],
                reason=form.cleaned_data["reason"],
                kind=form.cleaned_data["kind"] or Transfer.Kind.TRANSFER,
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            unit = transfer.to_unit
            messages.success(
                request,
                _("Transfer to %(name)s (%(code)s, %(level)s) requested.")
                % {"name": unit.name, "code": unit.code, "level": unit.level},
            )
            return redirect("members:transfer-detail", transfer_id=transfer.pk)
    context = {
        "member": member,
        "form": form,
        "open_transfer": open_transfer,
        "limit": CHOOSER_LIMIT,
        "transfers": member.transfers.select_related("to_unit", "to_branch"),
    }
    return render(request, "members/transfers/request.html", context)


@login_required
@require_GET
def transfer_units_found(request, member_id: int):
    """The transfer form's list of units matching what is typed (htmx): any active unit in the
    country, for whoever may request this member's transfer."""
    member = get_member_for(request.user, member_id)
    require(can_request_transfer(request.user, member))
    term = request.GET.get("to_unit", "")
    found = with_parents(units_matching_anywhere(term))
    return render(
        request,
        "members/transfers/_units_found.html",
        {"found": found, "term": term, "limit": CHOOSER_LIMIT},
    )


def _detail_context(request, transfer: Transfer, **forms) -> dict:
    user = request.user
    can_decide = transfer.is_open and can_decide_transfer(user, transfer)
    return {
        "transfer": transfer,
        "can_decide": can_decide,
        "can_cancel": transfer.is_open and can_cancel_transfer(user, transfer),
        "can_end": transfer.is_active_attachment and can_end_attachment(user, transfer),
        "member_visible": members_visible_to(user).filter(pk=transfer.member_id).exists(),
        "accept_form": forms.get("accept_form")
        or (TransferAcceptForm(transfer=transfer) if can_decide else None),
        "reject_form": forms.get("reject_form") or (TransferRejectForm() if can_decide else None),
        "history": audit.history_shown(transfer),
    }


@login_required
def transfer_detail(request, transfer_id: int):
    transfer = get_transfer_for(request.user, transfer_id)
    return render(request, "members/transfers/detail.html", _detail_context(request, transfer))


def _illegal(request, transfer: Transfer, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return redirect("members:transfer-detail", transfer_id=transfer.pk)


@login_required
@require_POST
def transfer_accept_view(request, transfer_id: int):
    transfer = get_transfer_for(request.user, transfer_id)
    require(can_decide_transfer(request.user, transfer))
    try:
        next_state(transfer, "accept")
    except ValidationError as e:
        return _illegal(request, transfer, e)
    form = TransferAcceptForm(request.POST, transfer=transfer)
    if form.is_valid():
        try:
            transfer_accept(
                actor=request.user,
                transfer=transfer,
                branch=form.cleaned_data["branch"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as e:
            if getattr(e, "code", None) == "illegal_transition":
                return _illegal(request, transfer, e)
            apply_errors(form, e)
        else:
            if transfer.is_attachment:
                messages.success(
                    request,
                    _("%(name)s now takes part in the activity of %(branch)s.")
                    % {"name": transfer.member.full_name, "branch": form.cleaned_data["branch"]},
                )
                return redirect("members:transfer-detail", transfer_id=transfer.pk)
            messages.success(
                request,
                _("%(name)s is now a member of %(branch)s.")
                % {"name": transfer.member.full_name, "branch": form.cleaned_data["branch"]},
            )
            return redirect("members:member-detail", member_id=transfer.member_id)
    context = _detail_context(request, transfer, accept_form=form)
    return render(request, "members/transfers/detail.html", context, status=400)


@login_required
@require_POST
def transfer_reject_view(request, transfer_id: int):
    transfer = get_transfer_for(request.user, transfer_id)
    require(can_decide_transfer(request.user, transfer))
    try:
        next_state(transfer, "reject")
    except ValidationError as e:
        return _illegal(request, transfer, e)
    form = TransferRejectForm(request.POST)
    if form.is_valid():
        try:
            transfer_reject(
                actor=request.user, transfer=transfer, reason=form.cleaned_data["reason"]
            )
        except ValidationError as e:
            if getattr(e, "code", None) == "illegal_transition":
                return _illegal(request, transfer, e)
            apply_errors(form, e)
        else:
            messages.success(request, _("The transfer request is rejected."))
            return redirect("members:transfer-detail", transfer_id=transfer.pk)
    context = _detail_context(request, transfer, reject_form=form)
    return render(request, "members/transfers/detail.html", context, status=400)


@login_required
@require_POST
def transfer_cancel_view(request, transfer_id: int):
    transfer = get_transfer_for(request.user, transfer_id)
    require(can_cancel_transfer(request.user, transfer))
    try:
        transfer_cancel(actor=request.user, transfer=transfer)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The transfer request is cancelled."))
    return redirect("members:transfer-detail", transfer_id=transfer.pk)


@login_required
@require_POST
def attachment_end_view(request, transfer_id: int):
    transfer = get_transfer_for(request.user, transfer_id)
    require(can_end_attachment(request.user, transfer))
    try:
        attachment_end(actor=request.user, transfer=transfer)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The activity in the other unit has ended."))
    return redirect("members:transfer-detail", transfer_id=transfer.pk)


@login_required
def unit_transfers(request, unit_id: int):
    """Requests into and out of the unit's subtree: the open ones, then recent decisions."""
    unit = get_unit_for(request.user, unit_id)
    open_state = Transfer.State.REQUESTED
    incoming = list(
        incoming_transfers(request.user, unit).filter(state=open_state)[: LIST_LIMIT + 1]
    )
    outgoing = list(
        outgoing_transfers(request.user, unit).filter(state=open_state)[: LIST_LIMIT + 1]
    )
    rows = []
    for t in incoming[:LIST_LIMIT]:
        can_decide = can_decide_transfer(request.user, t)
        rows.append(
            {
                "transfer": t,
                "can_decide": can_decide,
                "accept_form": TransferAcceptForm(transfer=t, auto_id=f"t{t.pk}_%s")
                if can_decide
                else None,
                "reject_form": TransferRejectForm(auto_id=f"r{t.pk}_%s") if can_decide else None,
            }
        )
    decided = (
        transfers_visible_to(request.user)
        .filter(Q(to_path__startswith=unit.path) | Q(unit_path__startswith=unit.path))
        .exclude(state=open_state)
        .order_by("-decided_at", "-pk")[:30]
    )
    context = {
        "unit": unit,
        "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
        "incoming": rows,
        "incoming_more": len(incoming) > LIST_LIMIT,
        "outgoing": [
            {"transfer": t, "can_cancel": can_cancel_transfer(request.user, t)}
            for t in outgoing[:LIST_LIMIT]
        ],
        "outgoing_more": len(outgoing) > LIST_LIMIT,
        "decided": decided,
        "attached": attached_members(request.user, unit)[:LIST_LIMIT],
        "limit": LIST_LIMIT,
    }
    return render(request, "members/transfers/unit.html", context)

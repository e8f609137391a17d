"""The ledger page of a unit (any level): its figures per period of its schedule, its children
with theirs, the remittances it sent (and a form to send one), those its children sent it
(with confirm / not received); and the exemption of a member by the base union."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.members.access import get_member_for

from .. import rules, services
from ..access import can_confirm, can_send_for, exempting_unit, get_remittance_for
from ..models import Remittance
from ..selectors import ledger_of


@login_required
def unit_ledger(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    found = ledger_of(unit, year)
    sent = Remittance.objects.filter(from_unit=unit, year=year).order_by("-sent_at")[:50]
    incoming = (
        Remittance.objects.filter(to_unit=unit, year=year)
        .select_related("from_unit")
        .order_by("state", "-sent_at")[:100]
    )
    may_confirm = bool(incoming) and can_confirm(request.user, incoming[0])
    context = {
        "unit": unit,
        "year": year,
        "ledger": found,
        "sent": sent,
        "incoming": incoming,
        "may_send": found.remits and can_send_for(request.user, unit),
        "may_confirm": may_confirm,
        "periods": [label for label, _f in found.periods],
        "suggest": next((f.outstanding for _l, f in found.periods if f.outstanding > 0), 0),
        "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
    }
    return render(request, "dues/ledger.html", context)


@login_required
@require_POST
def remittance_send(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_send_for(request.user, unit))
    try:
        amount = int(request.POST.get("amount", "").replace(".", "").strip() or 0)
        services.remittance_send(
            actor=request.user,
            unit=unit,
            period=request.POST.get("period", ""),
            amount=amount,
            note=request.POST.get("note", ""),
        )
    except ValueError:
        messages.error(request, _("Write the amount in đồng, a whole number above 0."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The remittance was recorded as sent."))
    return redirect(reverse("dues:unit-ledger", args=[unit.pk, year]))


@login_required
@require_POST
def remittance_decide(request, remittance_id: int):
    remittance = get_remittance_for(request.user, remittance_id)
    require(can_confirm(request.user, remittance))
    action = request.POST.get("action", "")
    if action not in ("confirm", "reject"):
        action = "confirm"
    try:
        services.remittance_decide(actor=request.user, remittance=remittance, action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("dues:unit-ledger", args=[remittance.to_unit_id, remittance.year]))


@login_required
def member_exemption(request, member_id: int):
    member = get_member_for(request.user, member_id)
    unit = exempting_unit(request.user, member.branch)
    require(unit is not None)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            months = int(request.POST.get("months", "0") or 0)
        except ValueError:
            months = 0
        try:
            services.exemption_grant(
                actor=request.user,
                unit=unit,
                member=member,
                first_month=request.POST.get("first_month", ""),
                months=months,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("The exemption was recorded."))
            return redirect(reverse("members:member-detail", args=[member.pk]))
    context = {
        "unit": member.branch,
        "member": member,
        "deciding": unit,
        "errors": errors,
        "data": request.POST,
        "max_months": rules.MAX_EXEMPTION_MONTHS,
        "breadcrumbs": visible_ancestors(request.user, member.branch, and_unit=True),
    }
    return render(request, "dues/exemption.html", context)

"""The branch's dues page: every active member of the branch on one screen (a 360 px phone),
tick who paid, the month(s) and the amount pre-filled from his rate; and a payment's
cancellation with a reason. All the ticked payments are saved together or none is."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanvien.accounts.access import get_branch_for, get_unit_for, require, visible_ancestors
from doanvien.meetings.selectors import present_at

from .. import rules, services
from ..access import can_take_dues
from ..models import Payment, Profile
from ..selectors import branch_members


@dataclass
class Row:
    member: object
    owed: list
    paid: list
    monthly: int
    quarterly: bool
    month: str
    count: int
    amount: str
    checked: bool = False
    error: str = ""


class _Refused(Exception):
    pass


def _rows(branch, year: int) -> list[Row]:
    today = timezone.localdate()
    found = branch_members(branch, year, today)
    profiles = {
        p.member_id: p for p in Profile.objects.filter(member__in=[m.member for m in found])
    }
    rows = []
    for m in found:
        quarterly = bool(profiles.get(m.member.pk) and profiles[m.member.pk].pays_quarterly)
        first = m.owed[0] if m.owed else date(year, today.month if year == today.year else 1, 1)
        try:
            monthly = services.rate_on(services.category_of(m.member), first).monthly_amount
        except ValidationError:
            monthly = 0
        count = min(3, max(1, len(m.owed))) if quarterly else 1
        rows.append(
            Row(
                member=m.member,
                owed=m.owed,
                paid=m.paid,
                monthly=monthly,
                quarterly=quarterly,
                month=rules.month_label(first),
                count=count,
                amount=str(monthly * count),
            )
        )
    return rows


def _month_choices(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


@login_required
def branch_dues(request, unit_id: int, year: int):
    branch = get_branch_for(request.user, unit_id)
    may_take = can_take_dues(request.user, branch)
    rows = _rows(branch, year)
    failed = False
    meeting = None
    named = request.GET.get("meeting", "")
    if request.method == "GET" and may_take and named.isdigit():
        # From a meeting's page: the members present who owe a month come ticked.
        found = present_at(branch, int(named))
        if found is not None:
            meeting, present = found
            for row in rows:
                row.checked = row.member.pk in present and bool(row.owed)
    if request.method == "POST":
        require(may_take)
        chosen = set(request.POST.getlist("member"))
        for row in rows:
            key = str(row.member.pk)
            row.checked = key in chosen
            row.month = request.POST.get(f"month-{key}", row.month)
            try:
                row.count = max(1, min(3, int(request.POST.get(f"count-{key}", row.count))))
            except ValueError:
                row.count = 1
            row.amount = request.POST.get(f"amount-{key}", row.amount).strip()
        picked = [r for r in rows if r.checked]
        if not picked:
            messages.error(request, _("Tick the members who paid."))
        else:
            try:
                with transaction.atomic():
                    for row in picked:
                        _take(request.user, branch, row)
                    if any(r.error for r in picked):
                        raise _Refused
            except _Refused:
                failed = True
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s payment recorded.", "%(count)s payments recorded.", len(picked)
                    )
                    % {"count": len(picked)},
                )
                return redirect(reverse("dues:branch-dues", args=[branch.pk, year]))
    payments = Payment.objects.filter(unit=branch, year=year).select_related("member")
    context = {
        "unit": branch,
        "branch": branch,
        "year": year,
        "rows": rows,
        "failed": failed,
        "meeting": meeting,
        "ticked": sum(1 for r in rows if r.checked),
        "may_take": may_take,
        "months": _month_choices(year),
        "payments": payments.order_by("-receipt_seq")[:30],
        "breadcrumbs": visible_ancestors(request.user, branch, and_unit=True),
    }
    return render(request, "dues/branch.html", context)


def _take(user, branch, row: Row) -> None:
    """Record one ticked row; a refusal is written on the row (the caller rolls all back)."""
    first = rules.parse_month(row.month)
    try:
        amount = int(row.amount.replace(".", "").replace(",", "").replace(" ", ""))
    except ValueError:
        row.error = _("Write the amount in đồng, a whole number above 0.")
        return
    if first is None:
        row.error = _("Write the month as YYYY-MM, e.g. 2026-01.")
        return
    months = [rules.month_label(rules.add_months(first, k)) for k in range(row.count)]
    try:
        services.payment_record(
            actor=user, branch=branch, member=row.member, months=months, amount=amount
        )
    except ValidationError as exc:
        row.error = " ".join(exc.messages)


@login_required
def payment_cancel(request, payment_id: int):
    payment = get_object_or_404(Payment.objects.select_related("member"), pk=payment_id)
    branch = get_unit_for(request.user, payment.unit_id)
    require(can_take_dues(request.user, branch))
    error = ""
    if request.method == "POST":
        try:
            services.payment_cancel(
                actor=request.user, payment=payment, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The payment was cancelled; it stays on record."))
            return redirect(reverse("dues:branch-dues", args=[branch.pk, payment.year]))
    context = {
        "unit": branch,
        "payment": payment,
        "error": error,
        "reason": request.POST.get("reason", ""),
        "breadcrumbs": visible_ancestors(request.user, branch, and_unit=True),
    }
    return render(request, "dues/cancel.html", context)

"""Writes of the dues app: keyword-only, atomic (core.transactions), audited, the ledger written
in the same transaction (dues/ledger.py). A refusal is a ValidationError naming the rule."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.members.models import Member, Status
from doanvien.units.models import Unit

from . import ledger, rules
from .models import (
    Category,
    CategoryDefault,
    Exemption,
    PaidMonth,
    Payment,
    Profile,
    Rate,
    ReceiptBook,
    Remittance,
)
from .workflow import next_state


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


# --- Categories and rates --------------------------------------------------------------------


def category_of(member: Member) -> str:
    """The member's category: set by hand, else guessed from his occupation and his branch's
    sector (CategoryDefault, data)."""
    profile = Profile.objects.filter(member=member).first()
    if profile and profile.category:
        return profile.category
    defaults = CategoryDefault.objects.values_list("match", "value", "category")
    return rules.category_for(member.occupation, member.branch.sector, defaults)


def rate_on(category: str, day: date) -> Rate:
    rate = (
        Rate.objects.filter(category=category, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    if rate is None:
        raise ValidationError(
            _("No dues rate is set for this category on %(day)s.") % {"day": f"{day:%d/%m/%Y}"},
            code="no_rate",
        )
    return rate


@atomic
def profile_set(*, actor, member: Member, category: str, pays_quarterly: bool) -> Profile:
    if category and category not in Category.values:
        raise ValidationError({"category": _("Choose a dues category from the list.")})
    profile, _created = Profile.objects.get_or_create(member=member)
    before = audit.snapshot(profile, ["category", "pays_quarterly"])
    profile.category, profile.pays_quarterly = category, pays_quarterly
    profile.save()
    audit.record(
        actor=actor,
        action="dues.profile",
        target=member,
        unit_path=member.branch.path,
        changes=audit.diff(before, audit.snapshot(profile, ["category", "pays_quarterly"])),
    )
    return profile


# --- Payments --------------------------------------------------------------------------------

MONTH_FAULTS = {
    "no_months": lambda: _("Choose at least one month."),
    "repeated_month": lambda: _("A month is listed twice."),
    "monthly_only": lambda: _(
        "This member pays month by month: paying several months at once needs the branch "
        "committee's agreement (set “pays every 3 months”)."
    ),
    "three_months_at_most": lambda: _("A payment covers at most 3 months."),
}


def _months(texts: list[str]) -> list[date]:
    months = [rules.parse_month(t) for t in texts]
    if any(m is None for m in months):
        raise ValidationError({"months": _("Write each month as YYYY-MM, e.g. 2026-01.")})
    return months


def _next_receipt(branch: Unit, year: int) -> int:
    """The branch's next receipt number in the year, its book row locked (by this branch's
    payments only)."""
    ReceiptBook.objects.bulk_create([ReceiptBook(unit=branch, year=year)], ignore_conflicts=True)
    book = ReceiptBook.objects.select_for_update().get(unit=branch, year=year)
    book.last_no += 1
    book.save(update_fields=["last_no"])
    return book.last_no


@atomic
def payment_record(
    *,
    actor,
    branch: Unit,
    member: Member,
    months: list[str],
    amount: int,
    received_on: date | None = None,
) -> Payment:
    """Record what a member paid his branch for these months; the amount must be the rate of
    his category × the months (an overseas member may pay more: 07-NQ/TWĐTN). The branch's
    ledger row for the month received takes the amount."""
    received_on = received_on or timezone.localdate()
    branch = ledger.hold_branch(branch)  # its path as it stands, no move until we commit
    if member.branch_id != branch.pk or member.status != Status.ACTIVE:
        raise ValidationError({"member": _("This person is not an active member of the branch.")})
    paid = _months(months)
    profile = Profile.objects.filter(member=member).first()
    fault = rules.months_fault(paid, pays_quarterly=bool(profile and profile.pays_quarterly))
    if fault:
        raise ValidationError({"months": ValidationError(MONTH_FAULTS[fault](), code=fault)})
    # The branch's receipt book is locked first: the branch's payments pass one at a time, so
    # the check of months already paid below cannot race another payment of the branch.
    seq = _next_receipt(branch, received_on.year)
    taken = PaidMonth.objects.filter(member=member, month__in=paid, valid=True)
    if taken.exists():
        listed = ", ".join(
            sorted(rules.month_label(m) for m in taken.values_list("month", flat=True))
        )
        raise ValidationError({"months": _("Already paid: %(months)s.") % {"months": listed}})
    category = category_of(member)
    rate = rate_on(category, min(paid))
    if not isinstance(amount, int) or amount <= 0:
        raise ValidationError({"amount": _("Write the amount in đồng, a whole number above 0.")})
    fault = rules.amount_fault(
        amount, monthly=rate.monthly_amount, months=len(paid), may_pay_more=rate.may_pay_more
    )
    if fault:
        expected = _money(rules.expected_amount(rate.monthly_amount, len(paid)))
        values = {
            "rate": _money(rate.monthly_amount),
            "months": len(paid),
            "expected": expected,
            "category": Category(category).label,
        }
        message = (
            _(
                "Rule “rate × months”: %(category)s pays %(rate)s a month, so %(months)s "
                "month(s) make %(expected)s."
            )
            if fault == "rate_times_months"
            else _(
                "Rule “at least the rate”: %(category)s pays at least %(rate)s a month, so at "
                "least %(expected)s for %(months)s month(s)."
            )
        ) % values
        raise ValidationError({"amount": ValidationError(message, code=fault)})
    payment = Payment.objects.create(
        unit=branch,
        unit_path=branch.path,
        member=member,
        received_on=received_on,
        amount=amount,
        category=category,
        year=received_on.year,
        receipt_seq=seq,
        receipt_no=f"{branch.code}/{received_on.year}/{seq:05d}",
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    PaidMonth.objects.bulk_create(
        [PaidMonth(payment=payment, member=member, month=m) for m in sorted(paid)]
    )
    ledger.collect(branch, received_on.year, received_on.month, amount)
    audit.record(
        actor=actor,
        action="dues.payment",
        target=payment,
        unit_path=branch.path,
        summary=f"{payment.receipt_no} {member.full_name} {amount}",
    )
    return payment


@atomic
def payment_cancel(*, actor, payment: Payment, reason: str) -> Payment:
    """Cancel a payment with a reason: it stays on record (and its receipt number used), its
    months are owed again, its branch's ledger gives the amount back in the month received."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.state != Payment.State.VALID:
        raise ValidationError(_("This payment is already cancelled."), code="illegal_transition")
    branch = ledger.hold_branch(Unit(pk=payment.unit_id))
    payment.state = Payment.State.CANCELLED
    payment.cancel_reason = reason[:300]
    payment.cancelled_at = timezone.now()
    payment.save(update_fields=["state", "cancel_reason", "cancelled_at"])
    PaidMonth.objects.filter(payment=payment).update(valid=False)
    ledger.collect(branch, payment.received_on.year, payment.received_on.month, -payment.amount)
    audit.record(
        actor=actor,
        action="dues.payment_cancel",
        target=payment,
        unit_path=branch.path,
        summary=f"{payment.receipt_no}: {reason}"[:300],
    )
    return payment


# --- Exemptions ------------------------------------------------------------------------------


@atomic
def exemption_grant(
    *, actor, unit: Unit, member: Member, first_month: str, months: int, reason: str
) -> Exemption:
    """The base union (`unit`, above the member's branch) exempts a member in hardship for up to
    6 months, with a reason (union-rules §5, thcsnamcao/tinhdoanbinhthuan)."""
    errors = {}
    first = rules.parse_month(first_month)
    if first is None:
        errors["first_month"] = _("Write the month as YYYY-MM, e.g. 2026-01.")
    if not isinstance(months, int) or not 1 <= months <= rules.MAX_EXEMPTION_MONTHS:
        errors["months"] = _("An exemption lasts from 1 to %(n)s months.") % {
            "n": rules.MAX_EXEMPTION_MONTHS
        }
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the exemption.")
    # The member and his branch as they stand, held until this commits: a transfer or a move
    # of his branch cannot take him from under the union between the check and the write.
    member = Member.objects.select_for_update().get(pk=member.pk)
    member.branch = ledger.hold_branch(Unit(pk=member.branch_id))
    unit = ledger.hold_branch(unit)
    if unit.is_branch or not member.branch.path.startswith(unit.path):
        errors["member"] = _("Only a union above the member's branch exempts him.")
    if errors:
        raise ValidationError(errors)
    exemption = Exemption.objects.create(
        member=member,
        unit=unit,
        first_month=first,
        months=months,
        reason=reason.strip()[:300],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="dues.exemption",
        target=member,
        unit_path=member.branch.path,
        summary=f"{first_month} +{months}: {reason}"[:300],
    )
    return exemption


# --- Remittances -----------------------------------------------------------------------------


@atomic
def remittance_send(*, actor, unit: Unit, period: str, amount: int, note: str = "") -> Remittance:
    """The unit records money sent to the level above for a period of its schedule (rules.
    SCHEDULE: a branch monthly, base and district quarterly, a province yearly)."""
    unit = ledger.hold_branch(unit)  # its path and the unit above as they stand, until commit
    if not rules.remits_to_parent(unit.depth, unit.sector):
        raise ValidationError(_("This unit remits nothing to a level above."), code="no_remittance")
    found = rules.parse_period(period)
    kind = rules.schedule_of(unit.level.code)
    if found is None or found.kind != kind:
        example = rules.periods_of(kind, timezone.localdate().year)[0].label
        message = _(
            "Rule “remittance schedule”: this unit remits by %(kind)s; write the period like "
            "%(example)s."
        ) % {"kind": SCHEDULE_NAMES[kind](), "example": example}
        raise ValidationError({"period": ValidationError(message, code="schedule")})
    if not isinstance(amount, int) or amount <= 0:
        raise ValidationError({"amount": _("Write the amount in đồng, a whole number above 0.")})
    parent = Unit.objects.get(path=unit.path[: -Unit.steplen])
    remittance = Remittance.objects.create(
        from_unit=unit,
        from_path=unit.path,
        to_unit=parent,
        year=found.year,
        period=found.label,
        amount=amount,
        note=(note or "")[:300],
        sent_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="dues.remittance_send",
        target=remittance,
        unit_path=unit.path,
        summary=f"{found.label} {amount}",
    )
    return remittance


SCHEDULE_NAMES = {
    "month": lambda: _("month"),
    "quarter": lambda: _("quarter"),
    "year": lambda: _("year"),
}


@atomic
def remittance_decide(*, actor, remittance: Remittance, action: str, note: str = "") -> Remittance:
    """The unit above confirms the money arrived ("confirm") or says it did not ("reject")."""
    remittance = Remittance.objects.select_for_update().get(pk=remittance.pk)
    remittance.state = next_state(remittance, action)
    remittance.decided_at = timezone.now()
    remittance.decided_by = actor if getattr(actor, "pk", None) else None
    if note:
        remittance.note = note[:300]
    remittance.save(update_fields=["state", "decided_at", "decided_by", "note"])
    audit.record(
        actor=actor,
        action=f"dues.remittance_{action}",
        target=remittance,
        unit_path=remittance.to_unit.path,
        summary=f"{remittance.period} {remittance.amount}",
    )
    return remittance

"""Dues (đoàn phí): the rate table, members' dues profiles, payments with their months,
exemptions, remittances to the level above and the ledger rows (docs/domain.md; the rules and
their sources: union-rules §5, resolution 07-NQ/TWĐTN of 25/11/2010). Dues work is one of the
member-management measures of seed 004 II.2."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField


class Category(models.TextChoices):
    NO_SALARY = "no_salary", _("Without a salary")
    SALARIED = "salaried", _("With a salary")
    OVERSEAS = "overseas", _("Overseas")


class Rate(models.Model):
    """A monthly rate of a category from a date on (versioned: a new rate is a new row)."""

    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    effective_from = models.DateField(_("from"))
    monthly_amount = models.PositiveIntegerField(_("monthly amount (đồng)"))
    # Overseas members pay at least the rate and may pay more (07-NQ/TWĐTN).
    may_pay_more = models.BooleanField(_("may pay more"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "effective_from"], name="dues_rate_once")
        ]
        ordering = ["category", "-effective_from"]
        verbose_name = _("dues rate")
        verbose_name_plural = _("dues rates")

    def __str__(self) -> str:
        return f"{self.category} {self.effective_from}: {self.monthly_amount}"


class CategoryDefault(models.Model):
    """How a member's category is guessed when none was set: a word in his occupation, else his
    branch's sector (data: the armed-forces default is a placeholder, union-rules §5)."""

    class Match(models.TextChoices):
        OCCUPATION = "occupation", _("a word of the occupation")
        SECTOR = "sector", _("the branch's sector")

    match = models.CharField(_("match on"), max_length=12, choices=Match.choices)
    value = models.CharField(_("value"), max_length=60)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("dues category default")
        verbose_name_plural = _("dues category defaults")

    def __str__(self) -> str:
        return f"{self.match}={self.value} → {self.category}"


class Profile(models.Model):
    """A member's dues category when set by hand, and whether the branch committee lets him
    pay every 3 months."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="dues_profile"
    )
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, blank=True, default=""
    )
    pays_quarterly = models.BooleanField(_("pays every 3 months"), default=False)

    class Meta:
        verbose_name = _("dues profile")
        verbose_name_plural = _("dues profiles")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.category}"


class ReceiptBook(models.Model):
    """The last receipt number a branch gave in a year: one row per branch and year, locked by
    that branch's payments only (no counter shared by the country)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_no = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="dues_receipt_book")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last_no}"


class Payment(models.Model):
    """What a member paid his branch, for which months. Never deleted: a mistake is cancelled
    with a reason, and the receipt number stays used."""

    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = TreePathField()
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="dues_payments"
    )
    received_on = models.DateField(_("received on"))
    amount = models.PositiveIntegerField(_("amount (đồng)"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    year = models.PositiveSmallIntegerField()
    receipt_seq = models.PositiveIntegerField()
    receipt_no = models.CharField(_("receipt number"), max_length=60)
    state = models.CharField(max_length=10, choices=State.choices, default=State.VALID)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "receipt_seq"], name="dues_receipt_once"
            )
        ]
        indexes = [models.Index(fields=["unit", "received_on"], name="dues_payment_unit_day")]
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")

    def __str__(self) -> str:
        return self.receipt_no


class PaidMonth(models.Model):
    """A month a payment covers; a month is paid once (while its payment is valid)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="paid_months")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    valid = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "month"], condition=Q(valid=True), name="dues_month_paid_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m}"


class Exemption(models.Model):
    """A member in hardship exempted by the base-union committee, for up to 6 months."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    first_month = models.DateField(_("from month"))
    months = models.PositiveSmallIntegerField(_("months"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dues exemption")
        verbose_name_plural = _("dues exemptions")

    def __str__(self) -> str:
        return f"{self.member_id} {self.first_month:%Y-%m} +{self.months}"


class Remittance(models.Model):
    """Money a unit sends to the level above for a period; the unit above confirms receiving it
    (the legal moves: dues/workflow.py)."""

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Not received")

    from_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    from_path = TreePathField()
    to_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    period = models.CharField(_("period"), max_length=10)
    amount = models.PositiveIntegerField(_("amount (đồng)"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    sent_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["from_unit", "year"], name="dues_remit_from"),
            models.Index(fields=["to_unit", "year"], name="dues_remit_to"),
        ]
        verbose_name = _("remittance")
        verbose_name_plural = _("remittances")

    def __str__(self) -> str:
        return f"{self.from_unit_id}→{self.to_unit_id} {self.period}: {self.amount}"


class LedgerRow(models.Model):
    """What a unit collected in a month: a branch, its members' payments; a unit above, what
    its units below owe it (their third). Kept = collected − due up, due up = collected // 3
    (dues/rules.py), so only `collected` is stored. A branch's row is written by its payments;
    the rows above by the folder, from LedgerDelta (dues/ledger.py)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_path = TreePathField()
    depth = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    collected = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="dues_ledger_once")
        ]
        indexes = [
            models.Index(
                fields=["year", "depth", "unit_path"],
                name="dues_ledger_depth_path",
                opclasses=["int2_ops", "int2_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["unit_path"], name="dues_ledger_path", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.year}-{self.month}: {self.collected}"


class LedgerDelta(models.Model):
    """A change of what the unit at `unit_path` owes its parent in a month (its due up), not yet
    added to the parent's row by the folder."""

    unit_path = TreePathField()
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    amount = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["unit_path"], name="dues_delta_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.year}-{self.month}: {self.amount}"


class RemovalRule(models.Model):
    """How many months of a calendar year without attending the branch's meetings or without
    paying dues make a member a removal candidate: data (union-rules §5: 3 months, Hướng dẫn
    22HD/TWĐTN section V [C2]; "the 3-month count is a setting"). The rule of the nearest unit
    up the tree applies; the row without a unit is the default."""

    unit = models.OneToOneField(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    months = models.PositiveSmallIntegerField(_("months missed in a year"), default=3)

    class Meta:
        verbose_name = _("removal rule")
        verbose_name_plural = _("removal rules")
        constraints = [
            models.UniqueConstraint(
                fields=["months"], condition=models.Q(unit=None), name="one_default_removal_rule"
            ),
            models.CheckConstraint(
                condition=models.Q(months__gte=1, months__lte=12), name="removal_months_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit or '—'}: {self.months}"

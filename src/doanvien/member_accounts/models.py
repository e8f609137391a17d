"""Accounts for members (issue 14): activation codes, their rules, and the reports of a member
who says an activation was not his."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField

# Issue 14, "Accounts for members": a code expires after 30 days. Data, not a constant: the
# value is AccountRules.code_days (editable in the admin); this is its default.
DEFAULT_CODE_DAYS = 30


class AccountRules(models.Model):
    """The rules of member accounts, editable data (one row; without it the defaults apply)."""

    code_days = models.PositiveSmallIntegerField(
        _("days an activation code stays valid"), default=DEFAULT_CODE_DAYS
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member account rules")
        verbose_name_plural = _("member account rules")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


def account_rules() -> AccountRules:
    return AccountRules.objects.order_by("pk").first() or AccountRules()


class ActivationCode(models.Model):
    """A one-time code with which a member opens his account (or, issued while he has one,
    sets a new password: `for_reset`). Only its HMAC is stored (codes.py)."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="activation_codes",
    )
    digest = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("code issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    for_reset = models.BooleanField(default=False)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # The account the code opened (or reset).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activation_codes",
    )
    # When the member saw, at his first log-in, who issued the code and when.
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")

    def __str__(self) -> str:
        return f"{self.member_id} · {self.issued_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None


class NotMeReport(models.Model):
    """A member said that the activation of his account was not his: the account was locked,
    and this item waits on the base union's list until a cadre closes it."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("base union"),
        on_delete=models.CASCADE,
        related_name="not_me_reports",
    )
    # A copy of the base union's path: the list of a unit above reads its subtree.
    unit_path = TreePathField(editable=False)
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="not_me_reports"
    )
    code = models.ForeignKey(ActivationCode, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("“this was not me” report")
        verbose_name_plural = _("“this was not me” reports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["unit_path"], name="not_me_subtree", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

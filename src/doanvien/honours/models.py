"""A member's awards and discipline as dated decisions (decision number, issuing unit, level,
form), counted per unit and year (seed 004: awards and discipline are a measure of a base
organisation; the national member list has the columns "Khen thưởng" and "Kỷ luật", written
from these records)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField


class IssuerLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    BASE = "base", _("Base")
    BRANCH = "branch", _("Branch")
    OTHER = "other", _("Other body")


class Decision(models.Model):
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    # The member's branch path when the decision was recorded: counted there.
    unit_path = TreePathField(editable=False)
    decision_no = models.CharField(_("decision number"), max_length=60, blank=True, default="")
    # Empty only for the records moved from the old free-text fields.
    date = models.DateField(_("date"), null=True, blank=True)
    issued_by = models.ForeignKey(
        "units.Unit",
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_by_name = models.CharField(_("issued by"), max_length=200, blank=True, default="")
    level = models.CharField(
        _("level"), max_length=10, choices=IssuerLevel.choices, blank=True, default=""
    )
    note = models.TextField(_("note"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def text(self) -> str:
        """One line for the member list's column."""
        parts = [self.get_form_display()]
        if self.decision_no:
            parts.append(self.decision_no)
        if self.date:
            parts.append(self.date.strftime("%d/%m/%Y"))
        if self.issued_by_name:
            parts.append(self.issued_by_name)
        if self.note:
            parts.append(self.note)
        return ", ".join(parts)


class Award(Decision):
    class Form(models.TextChoices):
        MERIT = "merit", _("Certificate of merit")
        COMMENDATION = "commendation", _("Certificate of commendation")
        BADGE = "badge", _("Badge")
        OTHER = "other", _("Other form")

    form = models.CharField(_("form"), max_length=14, choices=Form.choices)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        indexes = [
            models.Index(
                fields=["unit_path", "date"],
                name="award_subtree_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["member", "date"], name="award_member"),
        ]

    def __str__(self) -> str:
        return self.text()


class Discipline(Decision):
    class Form(models.TextChoices):
        REPRIMAND = "reprimand", _("Reprimand")
        WARNING = "warning", _("Warning")
        REMOVAL = "removal", _("Removal")
        OTHER = "other", _("Other form")

    form = models.CharField(_("form"), max_length=14, choices=Form.choices)

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("discipline")
        indexes = [
            models.Index(
                fields=["unit_path", "date"],
                name="discipline_subtree_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["member", "date"], name="discipline_member"),
        ]

    def __str__(self) -> str:
        return self.text()

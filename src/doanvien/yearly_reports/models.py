"""The yearly report a unit sends to the level above, drafted from the data (seed 002): the prose
its cadres write around the figures, kept per unit and year, and the "good models" ("mô hình
hay") units record through the year for its section 4.

The figures are never stored here: they are read from the roll-ups each time the report is
shown or exported (selectors.draft), so a change to the data shows in the next rendering while
the prose stays as written."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GoodModel(models.Model):
    """A good model or effective solution a unit recorded for a year: what it is, what came of
    it. A unit above may pull one from a child's submitted report into its own list: the copy
    keeps the record it came from (`source`) and the unit that practised it (`origin`)."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    result = models.TextField(_("result"), blank=True, default="")
    source = models.ForeignKey(
        "self",
        verbose_name=_("pulled from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    origin = models.ForeignKey(
        "units.Unit",
        verbose_name=_("practised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("good model")
        verbose_name_plural = _("good models")
        indexes = [models.Index(fields=["unit", "year"], name="good_model_unit_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "source"],
                condition=models.Q(source__isnull=False),
                name="one_copy_of_a_good_model",
            )
        ]

    def __str__(self) -> str:
        return self.title


class YearlyReport(models.Model):
    """The prose of a unit's yearly report (one paragraph text per section key, rules.py), its
    number, date and signer, and its state: a draft, or submitted to the level above."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # Section key → the text the cadres wrote (several paragraphs separated by line breaks).
    paragraphs = models.JSONField(_("paragraphs"), default=dict, blank=True)
    number = models.CharField(_("report number"), max_length=60, blank=True, default="")
    dated = models.DateField(_("date of the report"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=60, blank=True, default="")
    signer_role = models.CharField(_("signer's role"), max_length=60, blank=True, default="")
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True, default="")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_yearly_report")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year}"

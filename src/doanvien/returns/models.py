"""Statistics returns ("báo cáo số liệu", union-rules §9): campaigns per year, the forms as
data, and each unit's return of a campaign.

- `PeriodDefault`: the default campaigns of every year (half year due 30/6, year due 30/11 in
  the national software, [C1]); editable rows, read when a year's campaign is first needed.
  Each has its status reset day (31/12 for the half year, 31/10 for the year, [C1]): the day
  every unit's return of the coming period reads "not reported" again (services.
  campaigns_reset, run by the daily job).
- `Campaign`: one year's period (the defaults) or a campaign a unit adds for its subtree (a
  one-off survey); its deadline, its late policy and the forms it asks for.
- `FormDefinition`: a form's rows, columns and cells. A cell is computed (a source of
  `sources.py` with its parameters) or typed by the unit that reports. The layouts shipped are
  placeholders ([C1] titles; the column layouts were not found) that a province may edit.
- `Return`: a unit's return of a campaign: its typed values, the reasons of its overrides of the
  children's sums, and, once submitted, the frozen snapshot of every cell."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField


class LatePolicy(models.TextChoices):
    MARK = "mark", _("Accepted and marked late")
    REFUSE = "refuse", _("Refused after the deadline")


class PeriodDefault(models.Model):
    """A campaign every year gets by default (editable data). Dates are month and day in the
    campaign's year."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    starts_month = models.PositiveSmallIntegerField(_("figures from (month)"), default=1)
    starts_day = models.PositiveSmallIntegerField(_("figures from (day)"), default=1)
    ends_month = models.PositiveSmallIntegerField(_("figures until (month)"))
    ends_day = models.PositiveSmallIntegerField(_("figures until (day)"))
    due_month = models.PositiveSmallIntegerField(_("due (month)"))
    due_day = models.PositiveSmallIntegerField(_("due (day)"))
    late_policy = models.CharField(
        _("after the deadline"), max_length=10, choices=LatePolicy.choices, default=LatePolicy.MARK
    )
    # The status reset day (month and day): the last such day before the deadline opens the
    # period (31/12 of the year before for the half year, 31/10 for the year). Blank: no reset.
    resets_month = models.PositiveSmallIntegerField(
        _("status reset (month)"), null=True, blank=True
    )
    resets_day = models.PositiveSmallIntegerField(_("status reset (day)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("default campaign")
        verbose_name_plural = _("default campaigns")

    def __str__(self) -> str:
        return self.title


class FormDefinition(models.Model):
    """A statistics form as data.

    `rows` and `columns`: lists of {"key", "label"}. `cells`: {"<row>:<col>": spec}, a spec being
    {"source": "<name>", "params": {...}} for a computed cell (sources.py) or {"typed": true}
    for a cell the reporting unit types. A row and column pair not in `cells` is left blank.
    `checks`: the totals a return must add up to, [{"total": "<row>:<col>", "parts": [...]}],
    flagged before submitting."""

    number = models.PositiveSmallIntegerField(_("form number"))
    # A form of a campaign a unit added (a one-off survey); empty for the shared forms 1–9.
    owner = models.ForeignKey(
        "units.Unit",
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=300)
    rows = models.JSONField(_("rows"), default=list)
    columns = models.JSONField(_("columns"), default=list)
    cells = models.JSONField(_("cells"), default=dict)
    checks = models.JSONField(_("totals checks"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True, default="")

    class Meta:
        verbose_name = _("statistics form")
        verbose_name_plural = _("statistics forms")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=models.Q(owner=None), name="one_shared_form_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Campaign(models.Model):
    """A year's reporting period. The default periods (`PeriodDefault`) have no owner; a unit's
    own campaign is seen by its subtree only."""

    year = models.PositiveSmallIntegerField(_("year"))
    period = models.SlugField(_("period"), max_length=20)
    owner = models.ForeignKey(
        "units.Unit",
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    owner_path = TreePathField(blank=True, default="")
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("figures from"))
    ends_on = models.DateField(_("figures until"))
    due_on = models.DateField(_("due on"))
    late_policy = models.CharField(
        _("after the deadline"), max_length=10, choices=LatePolicy.choices, default=LatePolicy.MARK
    )
    forms = models.ManyToManyField(FormDefinition, verbose_name=_("forms"), related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A closed campaign takes no more figures: its returns are read, no longer saved or
    # submitted (services.campaign_close).
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The status reset day of a default period (PeriodDefault.resets_*): a return submitted
    # before it goes back to draft on that day and must be submitted again (union-rules §9: a
    # unit that updated earlier must still save before the deadline). None: no reset (a unit's
    # own campaign is open from its creation). `reset_at`: when the daily job did it.
    opens_on = models.DateField(_("status reset on"), null=True, blank=True)
    reset_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reporting campaign")
        verbose_name_plural = _("reporting campaigns")
        constraints = [
            models.UniqueConstraint(fields=["year", "period"], name="one_campaign_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.year}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Return(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="returns")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_path = TreePathField()
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    # {"<form number>": {"<row>:<col>": int}}: what the unit typed (or its overrides).
    typed = models.JSONField(default=dict)
    # {"<form number>": {"<row>:<col>": "reason"}}: why a typed value differs from the sum of
    # the children's accepted returns.
    reasons = models.JSONField(default=dict)
    # The return as submitted: every form with every cell's value (selectors.return_forms),
    # frozen; later changes of the data do not alter it.
    snapshot = models.JSONField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    late = models.BooleanField(_("late"), default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True, default="")
    # The document sent up (its PDF's header and signature block, like the yearly report's):
    # entered when submitting, or later on the return's page; blank parts print as the official
    # form has them (dots for the number and place, "on behalf of the standing committee", the
    # secretary, room for the name).
    doc_number = models.CharField(_("document number"), max_length=60, blank=True, default="")
    doc_place = models.CharField(_("place"), max_length=60, blank=True, default="")
    signer_on_behalf = models.CharField(
        _("signing on behalf of"), max_length=100, blank=True, default=""
    )
    signer_role = models.CharField(_("signer's title"), max_length=100, blank=True, default="")
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("statistics return")
        verbose_name_plural = _("statistics returns")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_return_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.campaign}"

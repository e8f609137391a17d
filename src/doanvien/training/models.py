"""The member training programme (seed 000): frameworks of content areas and criteria, each
member's yearly registration, the assessments and the classification, and each branch's results
on their way to recognition."""

import time
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField
from doanvien.members.models import Audience
from doanvien.units.models import Sector

# The groups a criterion may be marked for (members.models.Audience but the general one): it is
# then offered only to the members of that group; unmarked, to everyone.
CRITERION_AUDIENCES = [
    (code, label) for code, label in Audience.choices if code != Audience.GENERAL
]


class ResultLevel(models.TextChoices):
    """The classification of a member for a year (seed 000, IV.3, step 3)."""

    EXCELLENT = "excellent", _("Excellent (completed duties excellently)")
    GOOD = "good", _("Good (completed duties well)")
    COMPLETE = "complete", _("Complete (completed duties)")
    INCOMPLETE = "incomplete", _("Incomplete (did not complete duties)")
    NOT_CLASSIFIED = "not_classified", _("Not classified (membership too short)")


class Phase(models.Model):
    name = models.CharField(_("name"), max_length=40)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))

    class Meta:
        ordering = ["first_year"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return self.name


class Framework(models.Model):
    """Five content areas with their criteria, published by a unit for its subtree and a year.
    The product's default (seed 000) has no unit and serves every year of its phase."""

    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="frameworks")
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="frameworks"
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    # The scoring scheme and the rules, as data (seed 000; defaults in the migration).
    band_excellent = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal(90))
    band_good = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal(80))
    band_complete = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal(70))
    min_criteria = models.PositiveSmallIntegerField(_("minimum criteria"), default=10)
    # The minimum of a member group that has its own (seed 000 IV.1 has the framework fix the
    # number of items per group of members): {"student": 8}; a group not named here has
    # `min_criteria` (min_criteria_for).
    min_criteria_by_audience = models.JSONField(
        _("minimum criteria by member group"), default=dict, blank=True
    )
    eligibility_months = models.PositiveSmallIntegerField(
        _("months of membership before classification"), default=6
    )

    class Reference(models.TextChoices):
        """The date a year's members are counted on (training/counting.py)."""

        EVALUATION_DEADLINE = "evaluation_deadline", _("The evaluation deadline")
        YEAR_END = "year_end", _("The end of the calendar year")

    reference = models.CharField(
        _("members counted on"),
        max_length=20,
        choices=Reference.choices,
        default=Reference.EVALUATION_DEADLINE,
    )
    # Assessments (the branch's and the member's own) are accepted from this many months before
    # the evaluation deadline that applies to the branch (seed 000 IV.3 step 3 assesses at the
    # year's end; how early is not said: data, default 2).
    assessment_opens_months_before = models.PositiveSmallIntegerField(
        _("months before the evaluation deadline that assessment opens"), default=2
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_framework_per_unit_year")
        ]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def area_list(self) -> list["ContentArea"]:
        return list(self.areas.all())

    @property
    def total_points(self) -> Decimal:
        return sum((a.max_points for a in self.area_list), Decimal(0))

    def min_criteria_for(self, audience: str) -> int:
        """How many criteria a member of the group chooses at least."""
        own = (self.min_criteria_by_audience or {}).get(audience)
        return int(own) if own else self.min_criteria


class ContentArea(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    max_points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=1, default=Decimal(20)
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("content area")
        verbose_name_plural = _("content areas")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="one_area_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Criterion(models.Model):
    """A criterion of a framework's area, or a custom criterion a unit adds for its subtree and a
    year (then `framework` is empty and `area_code` names the area)."""

    framework = models.ForeignKey(
        Framework, null=True, blank=True, on_delete=models.CASCADE, related_name="criteria"
    )
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="criteria"
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    area_code = models.CharField(_("area"), max_length=10)
    text = models.TextField(_("criterion"))
    # Only members of this sector see it (e.g. the professional criteria of schools).
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, blank=True, default=""
    )
    # Only members of this group see it (members.models.Audience, e.g. the cadres' own
    # criterion); empty: every member.
    audience = models.CharField(
        _("for"), max_length=12, choices=CRITERION_AUDIENCES, blank=True, default=""
    )
    mandatory = models.BooleanField(_("mandatory"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["area_code", "order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_referral_programme(self) -> bool:
        """The criterion of the "1+1" programme ("Thực hiện chủ trương 1+1", seed 000 and 003):
        the member's page shows his real referrals of the year beside it (youth app)."""
        return "1+1" in self.text.replace(" ", "")


class Deadline(models.Model):
    """A deadline a unit sets for its subtree and a year, optionally for one sector."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        NEW_MEMBER_REGISTRATION = "new_member_registration", _("Registration of new members")
        EVALUATION = "evaluation", _("Evaluation")
        RECOGNITION = "recognition", _("Recognition")

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="deadlines")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("deadline"), max_length=30, choices=Kind.choices)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, blank=True, default=""
    )
    due_on = models.DateField(_("due on"))
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    allow_late = models.BooleanField(_("late actions allowed"), default=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "kind", "sector"], name="one_deadline_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.effective_date:%d/%m/%Y}"

    @property
    def effective_date(self):
        return self.extended_to or self.due_on


class DefaultDeadline(models.Model):
    """The deadline of a kind that applies, every programme year, where no unit has set one
    (seed 000 II.2's dates by default): day and month, and the year they fall in counted from
    the programme year (-1: the year before). Edited by the administrator; a unit's own
    Deadline for a year and sector wins over it."""

    kind = models.CharField(_("deadline"), max_length=30, choices=Deadline.Kind.choices)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, blank=True, default=""
    )
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    year_offset = models.SmallIntegerField(_("year (from the programme year)"), default=0)
    source = models.CharField(_("source"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("default deadline")
        verbose_name_plural = _("default deadlines")
        constraints = [
            models.UniqueConstraint(fields=["kind", "sector"], name="one_default_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day:02d}/{self.month:02d} ({self.year_offset:+d})"

    def for_year(self, year: int) -> Deadline:
        """The deadline this default gives for a programme year: not saved, no unit."""
        return Deadline(
            year=year,
            kind=self.kind,
            sector=self.sector,
            due_on=date(year + self.year_offset, self.month, self.day),
            allow_late=True,
        )


class ProgrammeCalendar(models.Model):
    """The programme's calendar as data (one row): the month the school programme year starts
    in (seed 000 II.2 dates the schools' deadlines 15/5; that their programme year starts on
    1 June is this product's reading, so it is editable)."""

    school_year_start_month = models.PositiveSmallIntegerField(
        _("month the school programme year starts"), default=6
    )

    class Meta:
        verbose_name = _("programme calendar")
        verbose_name_plural = _("programme calendar")

    def __str__(self) -> str:
        return f"{self.school_year_start_month}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        school_year_start_month.cache_clear()


# Read once a minute at most: every process sees an edit within that time.
CALENDAR_TTL = 60.0
_calendar: dict[str, float] = {}


def school_year_start_month() -> int:
    now = time.monotonic()
    if now - _calendar.get("read_at", -CALENDAR_TTL) >= CALENDAR_TTL:
        row = ProgrammeCalendar.objects.first()
        _calendar.update(month=row.school_year_start_month if row else 6, read_at=now)
    return int(_calendar["month"])


school_year_start_month.cache_clear = _calendar.clear


class Registration(models.Model):
    """A member's registration for a programme year, its review, assessments and result."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")
        # Still a draft or returned when the programme year closed (services/closing.py).
        MISSED = "missed", _("Not submitted by the year's close")

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="registrations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    # The branch that runs it now (it follows the member on a transfer), and its path copy.
    branch = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = TreePathField()
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    entered_by_secretary = models.BooleanField(_("entered by the branch"), default=False)
    review_comment = models.TextField(_("review comment"), blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_late = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Self-assessment: points per area code, and a comment.
    self_points = models.JSONField(default=dict, blank=True)
    self_comment = models.TextField(_("self-assessment comment"), blank=True, default="")
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    # Branch assessment (the one that counts): points per area code, comment, result.
    branch_points = models.JSONField(default=dict, blank=True)
    branch_comment = models.TextField(_("branch comment"), blank=True, default="")
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessed_late = models.BooleanField(default=False)
    # The number of the last save from the assessment screen that was applied: the screen numbers
    # each row's saves in order, and a save that arrives after a later one changes nothing.
    assessment_seq = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    level = models.CharField(
        _("classification"), max_length=16, choices=ResultLevel.choices, blank=True, default=""
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="one_registration_a_year")
        ]
        indexes = [
            models.Index(fields=["branch", "year", "state"], name="registration_branch_year"),
            # The year's registrations of a subtree in the order of the tree (selectors.
            # registrations_listed): a page is read from here from its cursor on, the state
            # checked on the index entry. Migration 0018.
            models.Index(fields=["unit_path", "year", "state"], name="registration_year_path"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.year}"


class RegistrationItem(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    plan = models.TextField(_("plan"))
    # Empty only in a draft: submitting requires it.
    target_date = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
        ordering = ["id"]  # the order the member gave them: error messages name positions
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "criterion"], name="one_item_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} · {self.criterion_id}"


class ProgressNote(models.Model):
    """A dated note of the six-monthly review: on a member's registration, or on the branch."""

    branch = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    on = models.DateField(_("date"))
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on} · {self.text[:40]}"


class BranchResult(models.Model):
    """A branch's results for a year on their way to recognition by the base union."""

    class State(models.TextChoices):
        OPEN = "open", _("Being assessed")
        SUBMITTED = "submitted", _("Submitted to the base union")
        RECOGNISED = "recognised", _("Recognised")

    branch = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="results")
    year = models.PositiveSmallIntegerField()
    unit_path = TreePathField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    comment = models.TextField(blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)
    recognised_at = models.DateTimeField(null=True, blank=True)
    recognised_late = models.BooleanField(default=False)
    # Who wrote `comment` (a return comment or a reopening reason): the action and the unit
    # the person acted for (empty for a superuser without a role above the branch).
    comment_action = models.CharField(
        max_length=12,
        choices=[("return", _("return")), ("reopen", _("reopen"))],
        blank=True,
        default="",
    )
    comment_by_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The last reopening, kept after the results are submitted and recognised again.
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_by_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="one_result_per_branch_year")
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.year} · {self.state}"


# What lateness depends on, kept on the roll-up rows (training/lateness.py reads them): a branch
# with members in the year, active and not recognised yet, counts 1 in one of these four states,
# under its sector (the deadlines depend on it). "open": its results are being assessed; "sent":
# submitted, not recognised; "short": some of its members of the year have not registered.
PENDING_STATES = ("open_short", "open_full", "sent_short", "sent_full")
PENDING_SECTORS = ("", *Sector.values)


def pending_field(state: str, sector: str) -> str:
    return f"{state}_{sector or 'unset'}"


PENDING = tuple(pending_field(state, s) for s in PENDING_SECTORS for state in PENDING_STATES)

COUNTERS = (
    "members",
    "registered",
    "assessed",
    "not_classified",
    "excellent",
    "good",
    "complete",
    "incomplete",
    "waiting",
    "recognised",
    "branches",
    *PENDING,
)


class Counters(models.Model):
    """The figures of a roll-up row (COUNTERS), on the row and on a delta of the ledger."""

    # Members of the year (membership spans covering the year's reference date).
    members = models.IntegerField(default=0)
    # Registrations submitted or approved.
    registered = models.IntegerField(default=0)
    # Assessed by the branch, and the level it gave.
    assessed = models.IntegerField(default=0)
    not_classified = models.IntegerField(default=0)
    excellent = models.IntegerField(default=0)
    good = models.IntegerField(default=0)
    complete = models.IntegerField(default=0)
    incomplete = models.IntegerField(default=0)
    # Registrations submitted and waiting for the committee's review.
    waiting = models.IntegerField(default=0)
    # Branches whose results the base union has recognised.
    recognised = models.IntegerField(default=0)
    # Branch rows under the unit in that year (1 on a branch's own row): all of them recognised
    # means the unit's figures are final.
    branches = models.IntegerField(default=0)

    class Meta:
        abstract = True


for _name in PENDING:  # the branches pending, by state and sector (PENDING above)
    Counters.add_to_class(_name, models.IntegerField(default=0))


class YearStats(Counters):
    """Roll-up counters for the yearly report (seed 002's appendix table), per unit and programme
    year, kept exact by the services in the same transaction as each change (rollup.py): a
    report reads a unit's row and its children's rows, never the members.

    A branch's row holds its figures as counted by counting.py; every other unit's row is the
    sum of the branch rows under it. The row keeps the unit's place in the tree and its name as
    they were in that year: a unit that moves, merges or is renamed after the year ended leaves
    the year's rows as they were (docs/domain.md, "Counting a programme year")."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="year_stats")
    year = models.PositiveSmallIntegerField()
    # The unit's path, depth and name in that year: subtree and children reads need no join. Not a
    # TreePathField: a unit move rewrites only the rows of years that have not ended.
    unit_path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    unit_name = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        db_table = "reports_yearstats"  # the name it had in the reports app
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_stats_row")]
        # A report reads one year's children of a unit: year, depth, then a path prefix.
        indexes = [
            models.Index(
                fields=["year", "depth", "unit_path"],
                name="stats_year_depth_path",
                opclasses=["int2_ops", "int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year}"


class YearStatsDelta(Counters):
    """A change of a branch's figures not yet added to its ancestors' roll-up rows (rollup.py).

    A write updates its branch's row and appends the difference here, in its own transaction:
    no writer locks a row it shares with writers of other branches (a province's, the
    centre's). The folder (`manage.py fold_rollups`, beside the server) adds these rows to the
    ancestors' rows a batch at a time and deletes them, in one transaction; whoever reads an
    ancestor's row adds the rows still here under it (rollup.add_unfolded), so the figures are
    exact at any moment, folded or not."""

    year = models.PositiveSmallIntegerField()
    # The branch's path in the year (its row's unit_path): the delta belongs to every unit above.
    unit_path = models.CharField(max_length=255)

    class Meta:
        # A read adds the deltas under a unit's path for a year: year, then a path prefix.
        indexes = [
            models.Index(
                fields=["year", "unit_path"],
                name="delta_year_path",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} · {self.year}"


class YearClose(models.Model):
    """A programme year closed by the daily job once it has ended (services/closing.py): the
    schools' year (June to May) and every other sector's (the calendar year) end on different
    days, so each closes apart. What was left undone at the close is kept as it stood then:
    registrations never submitted (marked missed), and the figures and late branches below."""

    class Calendar(models.TextChoices):
        SCHOOLS = "schools", _("Schools (the school year)")
        OTHERS = "others", _("Other sectors (the calendar year)")

    year = models.PositiveSmallIntegerField(_("year"))
    calendar = models.CharField(_("calendar"), max_length=10, choices=Calendar.choices)
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    # The day the close was run for: lateness is counted to it.
    closed_on = models.DateField(_("closed on"))
    registrations_missed = models.PositiveIntegerField(default=0)
    registrations_waiting = models.PositiveIntegerField(default=0)
    results_not_submitted = models.PositiveIntegerField(default=0)
    results_waiting = models.PositiveIntegerField(default=0)
    late_branches = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("programme year closed")
        verbose_name_plural = _("programme years closed")
        constraints = [
            models.UniqueConstraint(fields=["year", "calendar"], name="one_close_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.calendar}"


class LateAtClose(models.Model):
    """A branch late for a deadline when its programme year closed, frozen: what the branch
    does later (a late recognition) changes the live late list, never this one."""

    close = models.ForeignKey(YearClose, on_delete=models.CASCADE, related_name="late")
    branch = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    # The branch's path at the close (the tree as it stood).
    unit_path = TreePathField()
    kind = models.CharField(max_length=30, choices=Deadline.Kind.choices)
    due_on = models.DateField()
    days_late = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["close", "branch", "kind"], name="one_late_at_close_per_kind"
            )
        ]
        indexes = [
            models.Index(
                fields=["close", "unit_path"],
                name="late_at_close_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} · {self.kind}"

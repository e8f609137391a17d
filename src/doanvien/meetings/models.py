"""Branch meetings (sinh hoạt chi đoàn): the meeting, who attended it, the monthly themes upper
levels publish, and the cadence rule the meetings are checked against (union-rules §8; seed 000:
registration and assessment happen at the branch meeting; seed 004 §2.2: regular meetings are a
measure of a base organisation's quality)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField


class Kind(models.TextChoices):
    REGULAR = "regular", _("Regular monthly meeting")
    THEMED = "themed", _("Themed meeting")
    CONGRESS = "congress", _("Congress")
    EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")
    JOINT = "joint", _("Joint meeting of small branches")


# The kinds that are a branch's monthly meeting for the cadence check: a themed meeting and a
# joint meeting of small branches are held in place of the monthly one (union-rules §8: the
# monthly meeting also carries the month's theme).
CADENCE_KINDS = (Kind.REGULAR, Kind.THEMED, Kind.JOINT)


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class CadenceRule(models.Model):
    """How many monthly meetings a unit's branches must hold in each calendar month: data.
    The rule of the nearest unit up the tree applies; the row without a unit is the default
    (1 a month: union-rules §8 [confirmed]; some schools ask 2 [C1])."""

    unit = models.OneToOneField(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    per_month = models.PositiveSmallIntegerField(_("regular meetings a month"), default=1)

    class Meta:
        verbose_name = _("meeting cadence")
        verbose_name_plural = _("meeting cadences")
        constraints = [
            models.UniqueConstraint(
                fields=["per_month"],
                condition=models.Q(unit=None),
                name="one_default_cadence",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit or '—'}: {self.per_month}"


class Theme(models.Model):
    """A monthly theme an upper level publishes for the branches under it (union-rules §8:
    e.g. March, the Union's tradition)."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("published by"), on_delete=models.CASCADE, related_name="+"
    )
    unit_path = TreePathField(editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    title = models.CharField(_("theme"), max_length=200)
    note = models.TextField(_("note"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("monthly theme")
        verbose_name_plural = _("monthly themes")
        indexes = [models.Index(fields=["year", "month", "unit_path"], name="theme_month")]

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year} · {self.title}"


class Meeting(models.Model):
    """A meeting of a branch (attendance is its members'), or of a union's committee
    (attendance is of the people holding its committee's posts: CommitteeAttendance)."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # meeting_unit_date serves
    )
    unit_path = TreePathField(editable=False)
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("published theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    theme_text = models.CharField(_("theme"), max_length=200, blank=True, default="")
    minutes = models.TextField(_("minutes"), blank=True, default="")
    minutes_file = models.FileField(
        _("minutes file"), upload_to="meetings/minutes/%Y/", blank=True, default=""
    )
    decisions = models.TextField(_("decisions"), blank=True, default="")
    # Attendance was taken (its rows exist); until then the meeting counts in no rate.
    attendance_taken = models.BooleanField(default=False, editable=False)
    # A meeting recorded in error or not held after all is cancelled with a reason, never
    # deleted: it stays on the list, marked, and counts nowhere (cadence, rates, roll-ups).
    cancelled = models.BooleanField(_("cancelled"), default=False, editable=False)
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=300, blank=True, default="", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["unit", "date"], name="meeting_unit_date"),
            models.Index(
                fields=["unit_path", "date"],
                name="meeting_subtree_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()}"

    @property
    def theme_label(self) -> str:
        return self.theme.title if self.theme_id else self.theme_text

    @property
    def roll_taken(self) -> bool:
        """Its attendance stands: taken, and the meeting not cancelled."""
        return self.attendance_taken and not self.cancelled


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    presence = models.CharField(
        _("attendance"), max_length=8, choices=Presence.choices, default=Presence.PRESENT
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_each")
        ]
        indexes = [models.Index(fields=["member", "meeting"], name="attendance_member")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.member_id} · {self.presence}"


class CommitteeAttendance(models.Model):
    """Attendance at a meeting of a union's committee: one row for each person who held a
    post of the unit's committee on the meeting's date (a member or not: a cadre record).
    Kept apart from the branches' attendance: it counts in no branch figure or removal list."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="committee_attendance"
    )
    cadre = models.ForeignKey(
        "committees.CadreRecord", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    presence = models.CharField(
        _("attendance"), max_length=8, choices=Presence.choices, default=Presence.PRESENT
    )

    class Meta:
        verbose_name = _("committee meeting attendance")
        verbose_name_plural = _("committee meeting attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "cadre"], name="one_committee_attendance")
        ]
        indexes = [models.Index(fields=["cadre", "meeting"], name="committee_attendance_cadre")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.cadre_id} · {self.presence}"


# The figures a unit's MeetingStats row holds for a year (rollup.py): meetings held by kind and
# by month, the active branches' months that met the cadence, attendance of the meetings whose
# attendance was taken. `branches` (active branches) is kept on the rows of year 0 only: it
# does not depend on the year.
MONTHS = tuple(range(1, 13))
KIND_COUNTERS = tuple(f"kind_{k}" for k in Kind.values)
HELD_COUNTERS = tuple(f"held_{m:02d}" for m in MONTHS)
COVERED_COUNTERS = tuple(f"covered_{m:02d}" for m in MONTHS)
COUNTERS = (
    "branches",
    "meetings",
    *KIND_COUNTERS,
    *HELD_COUNTERS,
    *COVERED_COUNTERS,
    "present",
    "excused",
    "expected",
)
STANDING_YEAR = 0  # the year of the rows holding `branches`


def _counter_fields() -> dict:
    # A default in the database too: a bulk insert may name only the counters it sets (the
    # new branches of a tree import: rollup._first_count).
    return {name: models.IntegerField(default=0, db_default=0) for name in COUNTERS}


class MeetingStats(models.Model):
    """A unit's meeting figures for a calendar year (year 0: the active branches): its own
    (a branch's meetings, a union's committee meetings) plus those folded from below;
    meetings/rollup.py keeps it on the roll-ups' write path."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    unit_path = TreePathField()
    locals().update(_counter_fields())
    # The unit's own figures (rollup.count_units): a recount compares with these.
    own = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_meeting_stats_row")
        ]
        indexes = [
            models.Index(
                fields=["year", "unit_path"],
                name="meeting_stats_year_path",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} · {self.year}"


class MeetingStatsDelta(models.Model):
    """A unit's own meeting figures changed by these differences, not yet added above."""

    year = models.PositiveSmallIntegerField()
    unit_path = TreePathField()
    locals().update(_counter_fields())

    class Meta:
        indexes = [
            models.Index(
                fields=["unit_path"], name="meeting_delta_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} · {self.year}"


class TrainingStep(models.Model):
    """A step of the training programme the branch committee took at a meeting of the branch
    (seed 000: registration and assessment happen at the branch meeting): a member's
    registration reviewed, or the branch's results assessed and submitted. One row per
    registration and per branch result: done again, the step is tied to the later meeting."""

    class Step(models.TextChoices):
        REVIEW = "review", _("Registration reviewed")
        RESULTS = "results", _("Results assessed and submitted")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="training_steps"
    )
    step = models.CharField(_("step"), max_length=8, choices=Step.choices)
    registration = models.OneToOneField(
        "training.Registration",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    result = models.OneToOneField(
        "training.BranchResult",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("training step at a meeting")
        verbose_name_plural = _("training steps at meetings")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(step="review", registration__isnull=False, result__isnull=True)
                    | models.Q(step="results", registration__isnull=True, result__isnull=False)
                ),
                name="training_step_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.get_step_display()}"

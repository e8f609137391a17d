"""Unit evaluations (seed 001; union-rules.md §1–2): the "strong branch" (Chi đoàn mạnh) and the
"3-proactive base union" (Đoàn cơ sở 3 chủ động) schemes as versioned data, each unit's yearly
evaluation on its way to recognition, and the roll-ups of their results.

A scheme is published by a unit for its subtree and a year (like a training framework); the
product's defaults have no unit and serve every year. Its groups hold items with maximum
points, evidence required and an optional sector; its pass mark, level bands, who recognises
and the precondition are data of the scheme, never constants in code."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField
from doanvien.units.models import Sector


class SchemeCode(models.TextChoices):
    STRONG_BRANCH = "strong_branch", _("Strong branch")
    THREE_PROACTIVE = "three_proactive", _("3-proactive base union")
    # The yearly rating of an organisation (a branch, a base union or a union above), union-rules
    # §3: a scorecard on the same engine whose level bands give one of the four levels.
    UNIT_RATING = "unit_rating", _("Yearly rating of the organisation")


class UnitKind(models.TextChoices):
    """Which units an item of a scheme is for (with its sector): a check item such as "recognised
    strong branch" only fits a branch."""

    BRANCH = "branch", _("Branches")
    BASE = "base", _("Base unions")
    ABOVE = "above", _("Unions above the base")


class Scheme(models.Model):
    """A scorecard: groups → items, a pass mark and optional level bands."""

    code = models.CharField(_("scheme"), max_length=20, choices=SchemeCode.choices)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    # The item list and points are not in any source reachable (union-rules §1, §2: [U]): the
    # shipped ones are placeholders until a unit publishes its own, and say so on the page.
    is_placeholder = models.BooleanField(_("placeholder"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True, default="")
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=1, default=Decimal(80)
    )
    # Optional levels: [{"min": "90", "label": "..."}], highest first; empty: recognised or not
    # (union-rules §1: "keep a configurable level table in case a province uses levels").
    level_bands = models.JSONField(_("level bands"), default=list, blank=True)
    # Who recognises: the nearest ancestor at this level (a level code), or the parent when
    # empty or when no ancestor has that level (trees without districts, union-rules §2 [I]).
    recogniser_level = models.CharField(
        _("recognised by the level"), max_length=20, blank=True, default=""
    )
    # Seed 001 II, item 3: a base union is 3-proactive only if 100 % of its branches are strong.
    requires_all_branches_strong = models.BooleanField(
        _("every branch must be recognised strong first"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "unit", "year"], name="one_scheme_per_unit_year"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def bands_shown(self) -> list[dict]:
        """The level bands with a readable label (one of the four rating levels by its name)."""
        return [
            {**band, "label": level_label(str(band.get("label", "")))}
            for band in self.level_bands or []
        ]


def level_label(level: str) -> str:
    """A level code as read: one of the four levels, or "assessed, not classified"."""
    return str(MemberLevel(level).label) if level in MemberLevel.values else level


class SchemeGroup(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class SchemeItem(models.Model):
    group = models.ForeignKey(SchemeGroup, on_delete=models.CASCADE, related_name="items")
    text = models.TextField(_("item"))
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=1)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    # Only units of this sector are scored on it (seed 001: criteria by sector); empty: all.
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, blank=True, default=""
    )
    # Only units of this kind are scored on it; empty: all.
    unit_kind = models.CharField(
        _("units"), max_length=10, choices=UnitKind.choices, blank=True, default=""
    )
    # A named indicator (indicators.py) whose figure is shown beside the item when scoring.
    indicator = models.CharField(_("indicator"), max_length=60, blank=True, default="")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class DeadlineKind(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    DOSSIER = "dossier", _("Recognition dossier")


class EvaluationDeadline(models.Model):
    """A deadline a unit sets for its subtree, a scheme and a year, optionally for one sector
    (the training programme's Deadline, per scheme)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    scheme = models.CharField(_("scheme"), max_length=20, choices=SchemeCode.choices)
    kind = models.CharField(_("deadline"), max_length=20, choices=DeadlineKind.choices)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, blank=True, default=""
    )
    due_on = models.DateField(_("due on"))
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    allow_late = models.BooleanField(_("late actions allowed"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "scheme", "kind", "sector"],
                name="one_evaluation_deadline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.kind} {self.year}: {self.effective_date:%d/%m/%Y}"

    @property
    def effective_date(self):
        return self.extended_to or self.due_on


class DefaultEvaluationDeadline(models.Model):
    """The deadline that applies every year where no unit set one (seed 001's dates by
    default): day and month, and the year they fall in counted from the evaluation year."""

    scheme = models.CharField(_("scheme"), max_length=20, choices=SchemeCode.choices)
    kind = models.CharField(_("deadline"), max_length=20, choices=DeadlineKind.choices)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, blank=True, default=""
    )
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    year_offset = models.SmallIntegerField(_("year (from the evaluation year)"), default=0)
    source = models.CharField(_("source"), max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "kind", "sector"], name="one_default_evaluation_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.kind} {self.day:02d}/{self.month:02d} ({self.year_offset:+d})"


class Evaluation(models.Model):
    """A unit's evaluation under a scheme for a year: registration, self-assessment, the
    recognising unit's assessment and recognition (workflow.py)."""

    class State(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        SUBMITTED = "submitted", _("Submitted for recognition")
        RETURNED = "returned", _("Returned for changes")
        RECOGNISED = "recognised", _("Recognised")

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="evaluations")
    unit_path = TreePathField()
    year = models.PositiveSmallIntegerField(_("year"))
    scheme_code = models.CharField(_("scheme"), max_length=20, choices=SchemeCode.choices)
    # The scheme version it registered under (kept when a newer one is published).
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.REGISTERED
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    registered_late = models.BooleanField(default=False)
    # The unit's own points per item id, its comment and the figures of the named indicators
    # at the time (item id → value).
    self_points = models.JSONField(default=dict, blank=True)
    self_comment = models.TextField(_("self-assessment comment"), blank=True, default="")
    self_total = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    indicator_values = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_late = models.BooleanField(default=False)
    # The recognising unit's points (the ones that count), comment and result.
    points = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True, default="")
    total = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(null=True)
    level = models.CharField(_("level"), max_length=100, blank=True, default="")
    assessed_at = models.DateTimeField(null=True, blank=True)
    recognised_at = models.DateTimeField(null=True, blank=True)
    recognised_by_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_comment = models.TextField(blank=True, default="")
    reopen_reason = models.TextField(blank=True, default="")
    reopened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "scheme_code"], name="one_evaluation_per_unit_year"
            )
        ]
        indexes = [
            models.Index(
                fields=["year", "scheme_code", "unit_path"],
                name="evaluation_year_path",
                opclasses=["int2_ops", "varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            # The evaluations waiting for recognition in a subtree (the queue and its count),
            # read without going through the subtree's other evaluations.
            models.Index(
                fields=["year", "unit_path"],
                name="evaluation_submitted_path",
                condition=models.Q(state="submitted"),
                opclasses=["int2_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.scheme_code} · {self.year}"

    @property
    def level_display(self) -> str:
        """The level as read: one of the four rating levels by its name, else the band's label."""
        return (
            str(RatingLevel(self.level).label) if self.level in RatingLevel.values else self.level
        )


def evidence_path(instance, filename: str) -> str:
    return f"evaluations/{instance.evaluation.year}/{instance.evaluation.unit_id}/{filename}"


class Evidence(models.Model):
    """A file or a link a unit gives for one item of its self-assessment."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(SchemeItem, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True, max_length=300)
    link = models.URLField(_("link"), blank=True, default="", max_length=500)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.note or self.link or self.file.name


COUNTERS = (
    "branches_registered",
    "branches_submitted",
    "branches_strong",
    "bases_registered",
    "bases_submitted",
    "bases_proactive",
    "units_excellent",
    "units_good",
    "units_complete",
    "units_incomplete",
    "collectives_excellent",
    "collectives_good",
    "collectives_complete",
    "collectives_incomplete",
    "ratings_excellent",
    "ratings_good",
    "ratings_complete",
    "ratings_incomplete",
    "ratings_not_classified",
    "introductions_proposed",
    "introductions_introduced",
    "introductions_admitted",
)


class EvaluationCounters(models.Model):
    # Strong-branch evaluations registered (any state), submitted or beyond, recognised.
    branches_registered = models.IntegerField(default=0)
    branches_submitted = models.IntegerField(default=0)
    branches_strong = models.IntegerField(default=0)
    # The same for the 3-proactive evaluations of base unions.
    bases_registered = models.IntegerField(default=0)
    bases_submitted = models.IntegerField(default=0)
    bases_proactive = models.IntegerField(default=0)
    # Organisations' yearly ratings recognised by the level above, per level (union-rules §3).
    units_excellent = models.IntegerField(default=0)
    units_good = models.IntegerField(default=0)
    units_complete = models.IntegerField(default=0)
    units_incomplete = models.IntegerField(default=0)
    # Leadership collectives' (units' committees) yearly ratings approved by the level above.
    collectives_excellent = models.IntegerField(default=0)
    collectives_good = models.IntegerField(default=0)
    collectives_complete = models.IntegerField(default=0)
    collectives_incomplete = models.IntegerField(default=0)
    # Members' yearly ratings approved by the base union, per level (union-rules §3; YUM form 3).
    ratings_excellent = models.IntegerField(default=0)
    ratings_good = models.IntegerField(default=0)
    ratings_complete = models.IntegerField(default=0)
    ratings_incomplete = models.IntegerField(default=0)
    # Members admitted too recently to be classified (the policy's months before the year's end,
    # union-rules §3): assessed and commented on, approved, counted apart from the four levels.
    ratings_not_classified = models.IntegerField(default=0)
    # Outstanding members proposed to the Party by their branch, introduced by the base-union
    # committee (Mẫu 4-KNĐ), admitted as probationary members (union-rules §7; YUM form 2).
    introductions_proposed = models.IntegerField(default=0)
    introductions_introduced = models.IntegerField(default=0)
    introductions_admitted = models.IntegerField(default=0)

    class Meta:
        abstract = True


class EvaluationStats(EvaluationCounters):
    """A unit's evaluation figures for a year (rollup.py): its own evaluations' counts plus,
    once folded, those of every unit under it; a read adds the deltas below not folded yet."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_evaluation_stats_row")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year}"


class EvaluationStatsDelta(EvaluationCounters):
    """A change of a unit's own evaluation figures not yet added to its ancestors' rows."""

    year = models.PositiveSmallIntegerField()
    unit_path = TreePathField()

    class Meta:
        indexes = [
            models.Index(
                fields=["year", "unit_path"],
                name="evaluation_delta_year_path",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} · {self.year}"


class RatingLevel(models.TextChoices):
    """The four levels of the yearly rating (union-rules §3, [C2])."""

    EXCELLENT = "excellent", _("Completed duties excellently")
    GOOD = "good", _("Completed duties well")
    COMPLETE = "complete", _("Completed duties")
    INCOMPLETE = "incomplete", _("Did not complete duties")


class MemberLevel(models.TextChoices):
    """What a member's yearly rating records: one of the four levels, or "assessed, not
    classified" for a member with less than the policy's months of membership at the year's end
    (union-rules §3, [confirmed]; the training programme's ResultLevel.NOT_CLASSIFIED)."""

    EXCELLENT = "excellent", _("Completed duties excellently")
    GOOD = "good", _("Completed duties well")
    COMPLETE = "complete", _("Completed duties")
    INCOMPLETE = "incomplete", _("Did not complete duties")
    NOT_CLASSIFIED = "not_classified", _("Assessed, not classified")


class RatingPolicy(models.Model):
    """How a unit's subtree rates its members (union-rules §4): by default the training
    programme's level proposes the member's level and the branch may lower it with a reason
    [I]; a province may switch to "member level = programme level" (seed 000's district does,
    [C1]). The nearest ancestor's policy applies; without any, the defaults."""

    unit = models.OneToOneField(
        "units.Unit", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    level_equals_programme = models.BooleanField(
        _("member level = training programme level"), default=False
    )
    eligibility_months = models.PositiveSmallIntegerField(
        _("months of membership before rating"), default=6
    )
    # Optional quota "excellent ≤ N % of those rated well or better" in each branch (union-rules
    # §3: [U] for the Union, placeholder; the Party uses 20 %). Empty: no quota (the default).
    excellent_quota_percent = models.PositiveSmallIntegerField(
        _("at most this % rated excellent (of those rated well or better)"), null=True, blank=True
    )

    def __str__(self) -> str:
        return f"{self.unit_id}"


class MemberRating(models.Model):
    """A member's yearly rating (kiểm điểm, xếp loại đoàn viên): a record apart from the
    training programme's result (union-rules §4, [C2]). The branch proposes, the base union
    approves or rejects with a reason; approved, it is locked."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed by the branch")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    branch = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = TreePathField()
    level = models.CharField(_("level"), max_length=16, choices=MemberLevel.choices)
    programme_level = models.CharField(max_length=16, blank=True, default="")
    reason = models.TextField(_("reason"), blank=True, default="")
    # Why a member is assessed, not classified (level "not_classified"), as it stood when the
    # branch proposed: his admission date and the policy's months before the year's end.
    joined_union_on = models.DateField(null=True, blank=True)
    eligibility_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # A member transferred in less than the policy's months before the year's end is rated by
    # the new branch with the old branch's comments (union-rules §3, [C2]).
    previous_branch = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_comment = models.TextField(_("the previous branch's comments"), blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="one_rating_per_member_year")
        ]
        indexes = [
            # The ratings waiting for a union's decision (its subtree's proposed ones, oldest
            # first), read without going through the subtree's approved ones: by path for a
            # small subtree, in their order for a large one (the first 200 of a province's or
            # the nation's without sorting them all).
            models.Index(
                fields=["year", "unit_path"],
                name="rating_proposed_year_path",
                condition=models.Q(state="proposed"),
                opclasses=["int2_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["year", "proposed_at", "id"],
                name="rating_proposed_order",
                condition=models.Q(state="proposed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.year} · {self.level}"

    @property
    def programme_level_display(self) -> str:
        return level_label(self.programme_level)

    @property
    def not_classified(self) -> bool:
        return self.level == MemberLevel.NOT_CLASSIFIED

    @property
    def not_classified_reason(self) -> str:
        """Why he is not classified ("" when he is classified)."""
        if not self.not_classified or self.joined_union_on is None:
            return ""
        return _(
            "Admitted on %(date)s, less than %(n)s months before the year's end: assessed, "
            "not classified."
        ) % {"date": self.joined_union_on.strftime("%d/%m/%Y"), "n": self.eligibility_months}


class CollectiveRating(models.Model):
    """The yearly rating of a unit's leadership collective (tập thể lãnh đạo: its committee),
    union-rules §3: assessed on carrying out the Party's lines, the State's law and the upper
    levels' decisions, the year's targets, the collective's leadership and the fixing of earlier
    shortcomings [C1]. The unit's committee proposes its level with its self-assessment; the
    level above approves or rejects with a reason; approved, it is locked."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed by the unit")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_path = TreePathField()
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=12, choices=RatingLevel.choices)
    reason = models.TextField(_("self-assessment"), blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_collective_rating_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year} · {self.level}"


class IntroductionState(models.TextChoices):
    """How far a Party introduction has gone: the last step recorded (the steps are recorded in
    order, introductions.STEPS), derived from its dates, never stored apart."""

    PROPOSED = "proposed", _("Proposed by the branch")
    INTRODUCED = "introduced", _("Introduced to the Party")
    COURSE = "course", _("Party course attended")
    PROBATIONARY = "probationary", _("Probationary Party member")
    OFFICIAL = "official", _("Official Party member")


class PartyIntroduction(models.Model):
    """An outstanding member introduced to the Party (union-rules §7): the branch's proposal
    (resolution, votes), the base-union committee's introduction (Mẫu 4-KNĐ), then the
    outcomes. Chosen from members rated "completed duties excellently" that year, or with a
    reason."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    branch = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = TreePathField()
    branch_resolution_no = models.CharField(_("branch resolution number"), max_length=50)
    branch_resolution_date = models.DateField(_("branch resolution date"))
    votes_for = models.PositiveIntegerField(_("votes for"))
    present = models.PositiveIntegerField(_("members present"))
    override_reason = models.TextField(_("reason (not rated excellent)"), blank=True, default="")
    introduction_no = models.CharField(
        _("introduction resolution number"), max_length=50, blank=True, default=""
    )
    introduced_on = models.DateField(_("introduced on"), null=True, blank=True)
    course_on = models.DateField(_("Party course on"), null=True, blank=True)
    probationary_on = models.DateField(
        _("admitted as probationary member on"), null=True, blank=True
    )
    official_on = models.DateField(_("official member on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"], name="one_introduction_per_member_year"
            )
        ]
        indexes = [
            models.Index(
                fields=["year", "unit_path"],
                name="introduction_year_path",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.year}"

    @property
    def state(self) -> str:
        """The last step recorded (IntroductionState)."""
        if self.official_on:
            return IntroductionState.OFFICIAL
        if self.probationary_on:
            return IntroductionState.PROBATIONARY
        if self.course_on:
            return IntroductionState.COURSE
        if self.introduced_on:
            return IntroductionState.INTRODUCED
        return IntroductionState.PROPOSED

    @property
    def state_label(self) -> str:
        return str(IntroductionState(self.state).label)

"""The "1+1" referral programme (seed 003): young people around a branch and their groups, the
referrals members make of them, and the yearly counters of its report.

A youth is not a member: his record holds only what the programme needs (seed 003 Bước 1: who
he is, how to reach him, where he lives, studies or works, his group, his Federation
membership); no ID number. It is visible inside its unit's subtree like a member. A record
that led to no admission is erased on request or after the retention period: its personal
fields are blanked and `erased_at` set, the row and its referrals stay for the anonymous
counts, and the audit trail names it by id only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField


class Situation(models.TextChoices):
    STUDYING = "studying", _("Studying")
    WORKING = "working", _("Working")
    NEITHER = "neither", _("Neither studying nor working")


class YouthSex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Group(models.Model):
    """A club, team or group of young people (seed 003: "bộ – tổ – đội – nhóm")."""

    class Kind(models.TextChoices):
        CLUB = "club", _("Club")
        TEAM = "team", _("Team")
        GROUP = "group", _("Group")
        SPONTANEOUS = "spontaneous", _("Spontaneous group")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.GROUP)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = TreePathField(editable=False)
    contact = models.CharField(_("contact person"), max_length=200, blank=True, default="")
    # Attached to the Union's activities since (seed 003 Bước 3); empty: not attached.
    attached_on = models.DateField(
        _("attached to the Union's activities on"), null=True, blank=True
    )
    members = models.ManyToManyField(
        "members.Member", verbose_name=_("members"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("youth group")
        verbose_name_plural = _("youth groups")
        indexes = [
            models.Index(
                fields=["unit_path"], name="youth_group_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return self.name


class Youth(models.Model):
    """A young person around a branch (not a member)."""

    full_name = models.CharField(_("full name"), max_length=120, blank=True, default="")
    name_folded = models.CharField(max_length=120, editable=False, default="")
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=YouthSex.choices, blank=True)
    phone = models.CharField(_("phone or contact"), max_length=60, blank=True, default="")
    place = models.CharField(
        _("where he lives, studies or works"), max_length=200, blank=True, default=""
    )
    situation = models.CharField(
        _("situation"), max_length=10, choices=Situation.choices, blank=True, default=""
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = TreePathField(editable=False)
    group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="youths",
    )
    federation_joined_on = models.DateField(_("joined the Federation on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, default="")
    # The member record he became (his admission approved): the record is then his history.
    member = models.OneToOneField(
        "members.Member",
        verbose_name=_("member record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="youth_record",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("youth")
        verbose_name_plural = _("youths")
        indexes = [
            models.Index(fields=["unit_path"], name="youth_path", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self) -> str:
        return self.full_name if not self.erased_at else f"#{self.pk}"


class Referral(models.Model):
    """A member (or a collective) introduces a youth to the Union or the Federation. Its state
    moves as `workflow.TRANSITIONS` allows; each step is a dated ReferralStep with a note."""

    class State(models.TextChoices):
        INTRODUCED = "introduced", _("Introduced")
        TAKING_PART = "taking_part", _("Taking part")
        PROPOSED = "proposed", _("Proposed for admission")
        ADMITTED = "admitted", _("Admitted")
        DROPPED = "dropped", _("Dropped")

    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="referrals")
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("introduced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    # A collective that introduced instead of a member (a Federation cell, a Pioneer unit).
    collective = models.CharField(_("introducing collective"), max_length=200, blank=True)
    # The branch that follows him: the introducing member's while the referral is open.
    branch = models.ForeignKey(
        "units.Unit", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = TreePathField(editable=False)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.INTRODUCED
    )
    introduced_on = models.DateField(_("introduced on"))
    taking_part_on = models.DateField(_("taking part since"), null=True, blank=True)
    federation_on = models.DateField(_("joined the Federation on"), null=True, blank=True)
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    dropped_on = models.DateField(_("dropped on"), null=True, blank=True)
    admission = models.ForeignKey(
        "members.AdmissionRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(
                fields=["unit_path"], name="referral_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["branch", "introduced_on"], name="referral_branch_date"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.get_state_display()}"


class ReferralStep(models.Model):
    """One dated step of a referral, with its note (seed 003 Bước 3: the branch follows each
    youth's participation)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=20)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True, default="")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id} · {self.step} · {self.on}"

    @property
    def label(self) -> str:
        """The step as the pages name it."""
        if self.step == "joined_federation":
            return str(_("Joined the Federation"))
        return str(dict(Referral.State.choices).get(self.step, self.step))


class ReferralSettings(models.Model):
    """The programme's parameters for a unit's subtree (the nearest ancestor's row applies; the
    field defaults apply where no unit has one). Data, never constants (union-rules.md)."""

    unit = models.OneToOneField(
        "units.Unit", on_delete=models.CASCADE, related_name="referral_settings"
    )
    # Seed 003 §2.2: each member introduces at least one youth a year.
    target_per_member = models.PositiveSmallIntegerField(
        _("referrals per member a year"), default=1
    )
    # Seed 003 §4.2: the yearly report reaches the district before 15/10.
    report_day = models.PositiveSmallIntegerField(_("report deadline: day"), default=15)
    report_month = models.PositiveSmallIntegerField(_("report deadline: month"), default=10)
    # Issue 18: a youth record that led to no admission is erased after 3 years.
    retention_years = models.PositiveSmallIntegerField(_("years a youth record is kept"), default=3)
    # Seed 003 §4.2: the base unions ("cơ sở Đoàn trực thuộc") send the yearly report to the
    # district; the code of the level (units.Level) whose units send it under this unit.
    report_level = models.CharField(
        _("level that sends the yearly report (level code)"), max_length=20, default="base"
    )
    # Seed 003 Bước 4: "Định kỳ 06 tháng các cơ sở Đoàn, Quận Đoàn tổ chức đánh giá": the codes
    # of the levels whose units hold the six-monthly review, separated by commas.
    review_levels = models.CharField(
        _("levels that hold the six-monthly review (level codes, separated by commas)"),
        max_length=200,
        default="base,district",
    )

    class Meta:
        verbose_name = _("“1+1” settings")
        verbose_name_plural = _("“1+1” settings")

    def __str__(self) -> str:
        return str(self.unit)

    @property
    def review_level_codes(self) -> set[str]:
        return {c.strip() for c in self.review_levels.split(",") if c.strip()}


COUNTERS = (
    "youths_referred",
    "members_referring",
    "joined_federation",
    "proposed",
    "admitted",
    "groups_attached",
    # From the branches' surveys of the year (Survey): the youth-gathering rate's parts (the
    # members counted are those of the branches that surveyed, not every member).
    "youths_surveyed",
    "members_surveyed",
    "federation_surveyed",
    "groups_found",
)


class ReferralStats(models.Model):
    """A unit's "1+1" figures for a calendar year. A unit's row holds its own figures (the
    referrals of a branch, the groups attached to the unit) plus those folded from below;
    youth/rollup.py keeps it (the training roll-ups' write path)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    unit_path = TreePathField()
    youths_referred = models.IntegerField(default=0)
    members_referring = models.IntegerField(default=0)
    joined_federation = models.IntegerField(default=0)
    proposed = models.IntegerField(default=0)
    admitted = models.IntegerField(default=0)
    groups_attached = models.IntegerField(default=0)
    youths_surveyed = models.IntegerField(default=0)
    members_surveyed = models.IntegerField(default=0)
    federation_surveyed = models.IntegerField(default=0)
    groups_found = models.IntegerField(default=0)
    # The unit's own figures (counted by rollup.count_units), which the counters above hold
    # together with what was folded from below: a recount compares with these.
    own = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_referral_stats_row")
        ]
        indexes = [
            models.Index(
                fields=["year", "unit_path"],
                name="referral_stats_year_path",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} · {self.year}"


class ReferralStatsDelta(models.Model):
    """A unit's own figures changed by these differences, not yet added to the rows above."""

    year = models.PositiveSmallIntegerField()
    unit_path = TreePathField()
    youths_referred = models.IntegerField(default=0)
    members_referring = models.IntegerField(default=0)
    joined_federation = models.IntegerField(default=0)
    proposed = models.IntegerField(default=0)
    admitted = models.IntegerField(default=0)
    groups_attached = models.IntegerField(default=0)
    youths_surveyed = models.IntegerField(default=0)
    members_surveyed = models.IntegerField(default=0)
    federation_surveyed = models.IntegerField(default=0)
    groups_found = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["unit_path"], name="referral_delta_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} · {self.year}"


class ReportSent(models.Model):
    """A unit's yearly "1+1" report sent to the level above (seed 003 §4.2: the base unions
    report to the district's standing committee by the deadline of their ReferralSettings)."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sent_on = models.DateField(_("sent on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("“1+1” report sent")
        verbose_name_plural = _("“1+1” reports sent")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_referral_report_sent")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year}"


class ReportExtension(models.Model):
    """More time for a unit's yearly "1+1" report, granted by a unit above it: the deadline of
    that unit and year is `extended_to` instead of the settings' day."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    extended_to = models.DateField(_("extended to"))
    reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("“1+1” report extension")
        verbose_name_plural = _("“1+1” report extensions")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_referral_report_extension")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year} · {self.extended_to}"


class Survey(models.Model):
    """A branch's survey of the young people in its area for a year (seed 003 Bước 1: "khảo
    sát nắm lại tình hình thanh niên, số lượng thanh niên, cấu trúc bộ – tổ – đội – nhóm"):
    the youths counted (members included) by age band and by situation, the Union members and
    the Federation members among them, and the clubs, teams and groups found. Its totals go to
    the "1+1" roll-ups: the youth-gathering rate is (members + Federation members) / youths
    surveyed, over the branches that surveyed only."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = TreePathField(editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    # Age bands of the Youth Law's 16–30 (counted on the survey's day).
    age_16_18 = models.PositiveIntegerField(_("aged 16–18"), default=0)
    age_19_24 = models.PositiveIntegerField(_("aged 19–24"), default=0)
    age_25_30 = models.PositiveIntegerField(_("aged 25–30"), default=0)
    studying = models.PositiveIntegerField(_("studying"), default=0)
    working = models.PositiveIntegerField(_("working"), default=0)
    neither = models.PositiveIntegerField(_("neither studying nor working"), default=0)
    # The Union members among the youths counted (prefilled with the branch's members on the
    # survey's day; the branch corrects it).
    members = models.PositiveIntegerField(_("Union members"), default=0)
    federation_members = models.PositiveIntegerField(_("Federation members"), default=0)
    groups_found = models.PositiveIntegerField(_("clubs, teams and groups found"), default=0)
    surveyed_on = models.DateField(_("surveyed on"))
    notes = models.TextField(_("notes"), blank=True, default="")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("youth survey")
        verbose_name_plural = _("youth surveys")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_youth_survey")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year}"

    @property
    def total(self) -> int:
        return self.age_16_18 + self.age_19_24 + self.age_25_30


class ReviewNote(models.Model):
    """A dated note of the six-monthly review of the programme at a base union or a district
    (seed 003 Bước 4: "Định kỳ 06 tháng các cơ sở Đoàn, Quận Đoàn tổ chức đánh giá, rút kinh
    nghiệm"), as the training programme's progress notes are."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_path = TreePathField(editable=False)
    year = models.PositiveSmallIntegerField()
    on = models.DateField(_("date"))
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["unit", "year"], name="youth_review_unit_year")]

    def __str__(self) -> str:
        return f"{self.on} · {self.text[:40]}"

    @property
    def half(self) -> int:
        """1: the first six months of the year, 2: the second (from the note's date)."""
        return 1 if self.on.month <= 6 else 2

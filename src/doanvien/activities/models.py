"""Activities a unit holds for the members of its subtree or of chosen units, and who took part
(seed 000 IV.3: the branch gives its members the activities of the branch and the levels above to
choose from; members take part in activities and in "công trình, phần việc thanh niên"; seed 002
counts them: "3.875 cuộc, 151.031 lượt").

An activity's year is the programme year of its start for its unit's sector (the training
programme's: a school's runs from June to May; training.rules.programme_year_of), the year of the
yearly report's figures. A member's
participation is counted in the branch he belongs to now (his participations follow him on a
move), so a member is one distinct participant however many units' activities he attends."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField


class ActivityKind(models.Model):
    """A kind of activity (data: the shipped kinds are a default, a site may add its own)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # "Công trình, phần việc thanh niên": counted apart, with their value where given.
    is_work = models.BooleanField(_("a youth work project"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("kind of activity")
        verbose_name_plural = _("kinds of activity")

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A campaign a unit runs for its subtree (a month of youth, a summer of volunteering): a
    title, dates and a description, grouping the activities the unit and the units under it
    publish inside it. Offered to every unit under it."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = TreePathField(editable=False)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    year = models.PositiveSmallIntegerField(editable=False)
    description = models.TextField(_("description"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [
            models.Index(
                fields=["unit_path"], name="campaign_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["unit", "year"], name="campaign_unit_year"),
        ]

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    class Audience(models.TextChoices):
        SUBTREE = "subtree", _("The unit and every unit under it")
        CHOSEN = "chosen", _("Chosen units")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = TreePathField(editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.ForeignKey(ActivityKind, verbose_name=_("kind"), on_delete=models.PROTECT)
    # The campaign (of its unit or a unit above) the activity is part of, if any.
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    year = models.PositiveSmallIntegerField(editable=False)
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    audience = models.CharField(
        _("invited"), max_length=10, choices=Audience.choices, default=Audience.SUBTREE
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    organiser = models.CharField(_("organised by"), max_length=200, blank=True, default="")
    # The value of a youth work project, in đồng (seed 002 counts them "trị giá …").
    value = models.BigIntegerField(_("value (VND)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True, default="")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(
                fields=["unit_path"], name="activity_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["unit", "year"], name="activity_unit_year"),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityArea(models.Model):
    """A content area of the training programme the activity serves (its code: "1" … "5")."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "code"], name="one_activity_area")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} · {self.code}"


class ActivityInvite(models.Model):
    """A unit invited to an activity whose audience is "chosen" (with the units under it)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="invites")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_path = TreePathField(editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "unit"], name="one_activity_invite")
        ]
        indexes = [
            models.Index(
                fields=["unit_path"], name="activity_invite_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} · {self.unit_path}"


class Participation(models.Model):
    """A member and an activity: signed up, and/or attended (only attendance is counted)."""

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Signed up")
        SCAN = "scan", _("Card scanned")
        LIST = "list", _("Ticked on the list")
        IMPORT = "import", _("Recorded from a file")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="activity_participations"
    )
    signed_up_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SIGNUP)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="one_participation")
        ]
        indexes = [models.Index(fields=["member", "activity"], name="participation_member")]

    def __str__(self) -> str:
        return f"{self.activity_id} · {self.member_id}"


class CheckinScan(models.Model):
    """A scan sent by an organiser's phone, by the id the phone gave it: a scan kept offline and
    sent again is answered as the first time and counted once."""

    scan_id = models.CharField(max_length=64, unique=True)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counted = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.scan_id


COUNTERS = ("activities", "participations", "participants", "works", "works_value")
OWN = tuple(f"own_{k}" for k in COUNTERS)


class ActivityStats(models.Model):
    """A unit's activity figures for a programme year: the total (`key` ""), per kind
    ("kind:<code>") and per content area ("area:<code>"). A row holds the unit's own figures
    (activities it held, participations of its members) plus those folded from below
    (activities/rollup.py, the training roll-ups' write path)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=60, default="", blank=True)
    unit_path = TreePathField()
    activities = models.IntegerField(default=0)
    participations = models.IntegerField(default=0)
    participants = models.IntegerField(default=0)
    works = models.IntegerField(default=0)
    works_value = models.BigIntegerField(default=0)
    # The unit's own figures (counted by rollup.count_units), which the counters above hold
    # together with what was folded from below: a recount compares with these.
    own_activities = models.IntegerField(default=0)
    own_participations = models.IntegerField(default=0)
    own_participants = models.IntegerField(default=0)
    own_works = models.IntegerField(default=0)
    own_works_value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "key"], name="one_activity_stats_row")
        ]
        indexes = [
            models.Index(
                fields=["year", "unit_path"],
                name="activity_stats_year_path",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} · {self.year} · {self.key}"


class ActivityStatsDelta(models.Model):
    """A unit's own figures changed by these differences, not yet added to the rows above."""

    year = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=60, default="", blank=True)
    unit_path = TreePathField()
    activities = models.IntegerField(default=0)
    participations = models.IntegerField(default=0)
    participants = models.IntegerField(default=0)
    works = models.IntegerField(default=0)
    works_value = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["unit_path"], name="activity_delta_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} · {self.year} · {self.key}"


class CriterionLink(models.Model):
    """A criterion of a member's registration for the programme linked to an activity that
    serves it (seed 000 IV.3: the member chooses among the activities of the branch and the levels
    above when he registers). Evidence for the assessment, never a score."""

    registration = models.ForeignKey(
        "training.Registration", on_delete=models.CASCADE, related_name="activity_links"
    )
    criterion = models.ForeignKey("training.Criterion", on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="criterion_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "criterion", "activity"], name="one_criterion_link"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} · {self.criterion_id} · {self.activity_id}"


CAMPAIGN_COUNTERS = ("activities", "signed_up", "participations", "participants")


class CampaignStats(models.Model):
    """A campaign's totals kept per unit on the write path (activities/campaign_stats.py): the
    activities of the campaign the unit held (not cancelled), and the sign-ups, participations
    and distinct participants of the members whose branch it is, at those activities. A member
    is counted in his branch of now (as in ActivityStats), so the campaign's distinct
    participants are the sum of its rows. A row is written only by a write that locks it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stats")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_path = TreePathField()
    activities = models.IntegerField(default=0)
    signed_up = models.IntegerField(default=0)
    participations = models.IntegerField(default=0)
    participants = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_campaign_stats_row")
        ]
        indexes = [
            models.Index(
                fields=["campaign", "unit_path"],
                name="campaign_stats_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.unit_path}"

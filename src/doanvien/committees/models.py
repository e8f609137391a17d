"""A unit's committee (ban chấp hành) for a term, the posts in it, and the records of the
cadres who hold them (union-rules §8; seed 004 §2.1: the quality of branch and base cadres by
age, education, political theory and training).

A committee of a base union or above goes to the unit above for approval (the national
software's queue: waiting, approved, not approved with a reason); a branch's committee is in
office once recorded."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import TreePathField
from doanvien.members.models import Sex


class TermLength(models.Model):
    """The default length of a committee's term for units of a level (and sector): data
    (union-rules §8 [C1–C2, editable]). A row without a sector applies to every sector."""

    level = models.ForeignKey("units.Level", verbose_name=_("level"), on_delete=models.CASCADE)
    sector = models.CharField(_("sector"), max_length=20, blank=True, default="")
    months = models.PositiveSmallIntegerField(_("term in months"))

    class Meta:
        verbose_name = _("term length")
        verbose_name_plural = _("term lengths")
        constraints = [models.UniqueConstraint(fields=["level", "sector"], name="one_term_length")]

    def __str__(self) -> str:
        return f"{self.level} {self.sector or '*'}: {self.months}"


class SizeLimit(models.Model):
    """The most people a committee of a unit of this level may have, for units with up to
    `up_to_members` members (no bound: any size). Placeholder data (union-rules §8: 3 for a
    branch of up to 50 members, 5 above [C1])."""

    level = models.ForeignKey("units.Level", verbose_name=_("level"), on_delete=models.CASCADE)
    up_to_members = models.PositiveIntegerField(_("for units of up to"), null=True, blank=True)
    max_size = models.PositiveSmallIntegerField(_("most people on the committee"))

    class Meta:
        verbose_name = _("committee size limit")
        verbose_name_plural = _("committee size limits")

    def __str__(self) -> str:
        return f"{self.level} ≤ {self.up_to_members or '∞'}: {self.max_size}"


class Committee(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("In office")
        REJECTED = "rejected", _("Not approved")
        ENDED = "ended", _("Term ended")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = TreePathField(editable=False)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    elected_on = models.DateField(_("elected on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        indexes = [
            models.Index(
                fields=["unit_path", "state"],
                name="committee_subtree",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.term_start:%Y}–{self.term_end:%Y}"


class CadreRecord(models.Model):
    """A person who holds (or held) a post: a member (his record's fields copied when the
    record is made, then kept here) or someone who is not a member of that unit (a cadre over
    30). Education, political theory and qualification feed the cadre indicators."""

    member = models.OneToOneField(
        "members.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre_record",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    full_name = models.CharField(_("full name"), max_length=120)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True, default="")
    education_level = models.CharField(_("education"), max_length=60, blank=True, default="")
    political_theory_level = models.CharField(
        _("political theory"), max_length=60, blank=True, default=""
    )
    professional_qualification = models.CharField(
        _("professional qualification"), max_length=120, blank=True, default=""
    )

    class Meta:
        verbose_name = _("cadre record")
        verbose_name_plural = _("cadre records")

    def __str__(self) -> str:
        return self.full_name


class Course(models.Model):
    """A Union training course a cadre attended."""

    class Level(models.TextChoices):
        CENTRAL = "central", _("Central")
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        BASE = "base", _("Base")

    cadre = models.ForeignKey(CadreRecord, on_delete=models.CASCADE, related_name="courses")
    name = models.CharField(_("course"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    class Kind(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY = "deputy", _("Deputy secretary")
        STANDING = "standing", _("Standing committee member")
        MEMBER = "member", _("Committee member")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="posts")
    cadre = models.ForeignKey(
        CadreRecord, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="posts"
    )
    post = models.CharField(_("post"), max_length=10, choices=Kind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=255, blank=True, default="")
    # The role this post granted its holder's account (accounts.RoleGrant): revoked when the
    # post ends, unless another post of his in office gives the same role on the same unit.
    granted_role = models.CharField(max_length=20, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["cadre", "ended_on"], name="post_cadre")]

    def __str__(self) -> str:
        return f"{self.get_post_display()} · {self.cadre}"


class PostChange(models.Model):
    """A change mid-term to a committee in office, dated: a post added, ended, or handed to
    another person. A branch's change takes effect once recorded; a base union's or above goes
    to the unit above (the same queue as the committees: waiting, approved, not approved with
    a reason), and the posts and their roles change on approval only."""

    class Kind(models.TextChoices):
        ADD = "add", _("A post added")
        END = "end", _("A post ended")
        REPLACE = "replace", _("A post handed to another person")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="changes")
    unit_path = TreePathField(editable=False)
    kind = models.CharField(_("change"), max_length=8, choices=Kind.choices)
    # The post that ends (end, replace).
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    # The person who takes a post (add, replace) and which.
    cadre = models.ForeignKey(
        CadreRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post_kind = models.CharField(_("post"), max_length=10, choices=Post.Kind.choices, blank=True)
    on = models.DateField(_("from"))
    reason = models.CharField(_("reason"), max_length=255, blank=True, default="")
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("change to a committee")
        verbose_name_plural = _("changes to committees")
        indexes = [
            models.Index(
                fields=["unit_path", "state"],
                name="post_change_subtree",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.on:%d/%m/%Y}"

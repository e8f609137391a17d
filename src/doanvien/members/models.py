from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doanvien.core.fields import ImportIdField, TreePathField


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    REMOVED = "removed", _("Removed from the roll")
    MATURED_OUT = "matured_out", _("Matured out")


class Category(models.TextChoices):
    MAIN = "main", _("Main")
    RESIDENCE = "residence", _("Residence-based")
    TEMPORARY = "temporary", _("Temporary activity")


class Position(models.TextChoices):
    MEMBER = "member", _("Member")
    COMMITTEE = "committee", _("Committee member")
    DEPUTY = "deputy", _("Deputy secretary")
    SECRETARY = "secretary", _("Secretary")


class Audience(models.TextChoices):
    """The group a member belongs to for the training programme: the criteria sets name pupils
    and students, school staff, teachers and lecturers, and Union cadres from branch level up
    (seed 000 I.2 and III.1; docs/domain.md, "Member groups"). A criterion marked for a group
    is offered only to its members; every other criterion to everyone."""

    GENERAL = "general", _("Member (no particular group)")
    STUDENT = "student", _("Pupil or student")
    TEACHER = "teacher", _("School staff, teacher or lecturer")
    CADRE = "cadre", _("Union cadre")


# The positions that make a member a Union cadre of his branch (the default of his group).
COMMITTEE_POSITIONS = frozenset({Position.COMMITTEE, Position.DEPUTY, Position.SECRETARY})


class Continuation(models.TextChoices):
    """Why a member past the age limit continues in the Union (the Charter, art. 4;
    docs/domain.md §6): he was elected to a Union committee, or works full-time for the Union."""

    ELECTED = "elected", _("Elected to a Union committee")
    FULL_TIME = "full_time", _("Works full-time for the Union")


class Member(models.Model):
    """A member's record: the national column set. Belongs to exactly one branch at a time."""

    full_name = models.CharField(_("full name"), max_length=120)
    # Searched by "contains": the trigram index of migration 0002 answers it on PostgreSQL; a
    # plain index would not be used.
    name_folded = models.CharField(max_length=120, editable=False)
    sort_key = models.CharField(max_length=120, editable=False)
    member_code = models.CharField(_("member identifier"), max_length=20, unique=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=40, blank=True, default="")
    religion = models.CharField(_("religion"), max_length=40, blank=True, default="")
    home_town = models.CharField(_("home town"), max_length=200, blank=True, default="")
    permanent_address = models.CharField(
        _("permanent address"), max_length=255, blank=True, default=""
    )
    id_number = models.CharField(_("ID card number"), max_length=12, unique=True)
    id_issued_on = models.DateField(_("ID card issued on"), null=True, blank=True)
    id_issued_place = models.CharField(
        _("ID card issued by"), max_length=200, blank=True, default=""
    )
    education_level = models.CharField(
        _("general education"), max_length=40, blank=True, default=""
    )
    professional_qualification = models.CharField(
        _("professional qualification"), max_length=100, blank=True, default=""
    )
    political_theory_level = models.CharField(
        _("political theory"), max_length=60, blank=True, default=""
    )
    it_level = models.CharField(_("IT level"), max_length=60, blank=True, default="")
    foreign_language_level = models.CharField(
        _("foreign language"), max_length=100, blank=True, default=""
    )
    joined_union_on = models.DateField(_("date joined the Union"))
    admission_resolution_no = models.CharField(
        _("admission resolution number"), max_length=40, blank=True, default=""
    )
    card_number = models.CharField(
        _("member card number"), max_length=20, null=True, blank=True, unique=True
    )
    joined_party_on = models.DateField(_("date joined the Party"), null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=120, blank=True, default="")
    category = models.CharField(
        _("member category"), max_length=12, choices=Category.choices, default=Category.MAIN
    )
    position = models.CharField(
        _("position in the branch"),
        max_length=12,
        choices=Position.choices,
        default=Position.MEMBER,
    )
    # Which criteria of the training programme he is offered, and his minimum number of them
    # (training/selectors.py, Framework.min_criteria_for). Editable; by default derived from
    # his position and occupation (members/audiences.py).
    audience = models.CharField(
        _("member group"), max_length=12, choices=Audience.choices, default=Audience.GENERAL
    )
    federation_member = models.BooleanField(_("Federation member"), default=False)
    honorary = models.BooleanField(_("honorary member"), default=False)
    awards = models.TextField(_("awards"), blank=True, default="")
    discipline = models.TextField(_("discipline"), blank=True, default="")
    email = models.EmailField(_("e-mail"), blank=True, default="")
    phone = models.CharField(_("phone"), max_length=15, blank=True, default="")
    branch = models.ForeignKey(
        "units.Unit",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,  # the index member_branch_status (branch, status) serves
    )
    # A copy of the branch's tree path, so that subtree filters need no join.
    unit_path = TreePathField(editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    # When the member left the roll (removal, maturing out): years that ended before still
    # count him in their reports.
    # The card's photo, a name in default_storage (members/services/photos.py), if any.
    photo = models.CharField(_("photo"), max_length=200, blank=True, default="", editable=False)
    left_on = models.DateField(_("left on"), null=True, blank=True, editable=False)
    # Past the age limit (docs/domain.md §6), each set by a recorded act with its reason
    # (services/lifecycle.py), never with the record: he continues as an elected or full-time
    # cadre, or his branch keeps him until a date (at most the end of the age MemberRules
    # allows).
    continues_as = models.CharField(
        _("continues past the age limit as"),
        max_length=12,
        choices=Continuation.choices,
        blank=True,
        default="",
        editable=False,
    )
    continues_reason = models.CharField(
        _("why he continues"), max_length=255, blank=True, default="", editable=False
    )
    kept_until = models.DateField(
        _("kept by the branch until"), null=True, blank=True, editable=False
    )
    kept_reason = models.CharField(
        _("why the branch keeps him"), max_length=255, blank=True, default="", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            models.Index(
                fields=["unit_path", "sort_key"],
                name="member_subtree",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["branch", "status"], name="member_branch_status"),
            # Member lists in their order (selectors.MEMBER_ORDER), a page at a time; and the
            # exact look-ups of a search (selectors._identifier_matches): the member code in any
            # case, the phone (card and ID numbers have their unique indexes). Migration 0013.
            models.Index(fields=["sort_key", "id"], name="member_sort"),
            models.Index(Upper("member_code"), name="member_code_upper"),
            models.Index(fields=["phone"], name="member_phone"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


def mask_id_number(value: str) -> str:
    """Keep the last three digits: 001203004567 → •••••••••567."""
    if not value:
        return ""
    return "•" * (len(value) - 3) + value[-3:]


class Membership(models.Model):
    """A dated span of a member in a branch, so a past year can be reported as it was."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    branch = models.ForeignKey(
        "units.Unit", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=120, blank=True, default="")

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("membership span")
        verbose_name_plural = _("membership spans")

    def __str__(self) -> str:
        return f"{self.member_id} · {self.branch_id} · {self.started_on}–{self.ended_on or ''}"


class Transfer(models.Model):
    """A request to move a member to another unit anywhere in the country. The member stays in
    his branch until the receiving side accepts and chooses the branch he joins."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("Transfer")
        # Attachments: the member takes part in another unit's activity (where he lives, or for
        # a while) without leaving his home branch (domain.md).
        RESIDENCE = "residence", _("Residence-based activity")
        TEMPORARY = "temporary", _("Temporary activity")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        # An attachment that has come to its end.
        ENDED = "ended", _("Ended")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TRANSFER)
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_branch = models.ForeignKey(
        "units.Unit", verbose_name=_("from branch"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="+"
    )
    to_branch = models.ForeignKey(
        "units.Unit",
        verbose_name=_("receiving branch"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.REQUESTED
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, default="")
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # Path copies: the outgoing side (the from branch) and the incoming side (the receiving unit)
    # each see the request through their own subtree.
    unit_path = TreePathField(editable=False)
    to_path = TreePathField(editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(state="requested"),
                name="transfer_one_open_per_member",
            )
        ]
        indexes = [
            models.Index(
                fields=["unit_path"], name="transfer_out_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["to_path"], name="transfer_in_path", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.to_unit}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.REQUESTED

    @property
    def is_attachment(self) -> bool:
        return self.kind != self.Kind.TRANSFER

    @property
    def is_active_attachment(self) -> bool:
        return self.is_attachment and self.state == self.State.ACCEPTED


class AdmissionRequest(models.Model):
    """A branch's proposal to admit a youth (kết nạp đoàn viên). The level above the branch
    approves it with the admission resolution's number and date (the member record is created
    then) or rejects it with a reason; the proposing side may withdraw it while it is open. An
    approval is undone only by a recorded annulment, which takes the member off the roll."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ANNULLED = "annulled", _("Annulled")

    branch = models.ForeignKey(
        "units.Unit", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PROPOSED
    )
    # The youth, as the future member record: a few fields as columns (lists, uniqueness), all
    # of them in `record`, in the form `clean_member_data` reads (dates as YYYY-MM-DD).
    full_name = models.CharField(_("full name"), max_length=120)
    date_of_birth = models.DateField(_("date of birth"))
    id_number = models.CharField(_("ID card number"), max_length=12)
    record = models.JSONField(_("record"), default=dict)
    introducer_name = models.CharField(_("introducer"), max_length=120)
    introducer_is_member = models.BooleanField(_("the introducer is a member"), default=True)
    course_name = models.CharField(_("course attended"), max_length=200)
    course_date = models.DateField(_("course date"))
    note = models.TextField(_("note"), blank=True, default="")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    resolution_no = models.CharField(
        _("admission resolution number"), max_length=40, blank=True, default=""
    )
    resolution_date = models.DateField(_("admission resolution date"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, default="")
    member = models.OneToOneField(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="admission",
    )
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)
    annul_reason = models.TextField(_("reason for the annulment"), blank=True, default="")

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        constraints = [
            # One open proposal per person in the whole country.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(state="proposed"),
                name="admission_one_open_per_id_number",
            )
        ]
        indexes = [
            models.Index(fields=["branch", "state"], name="admission_branch_state"),
            # Lists newest first, a page at a time (selectors.ADMISSION_ORDER). Migration 0014.
            models.Index(fields=["proposed_at", "id"], name="admission_newest"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_open(self) -> bool:
        return self.state == self.State.PROPOSED

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


# A card number is a string of CARD_DIGITS digits, zero-padded, compared as a number.
CARD_DIGITS = 10


def format_card(number: int) -> str:
    return f"{number:0{CARD_DIGITS}d}"


class CardRange(models.Model):
    """A block of member-card numbers [first, last] held by a unit (see members/cards.py). The
    root's blocks have no parent; every other block is carved out of a block of the unit's
    parent. Blocks never overlap except by nesting. `next_free` is where automatic assignment
    looks next: numbers below it are used, or inside a block handed down."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="card_ranges"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("allocated from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    first = models.BigIntegerField(_("first number"))
    last = models.BigIntegerField(_("last number"))
    next_free = models.BigIntegerField(_("next free number"))
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("allocated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    allocated_at = models.DateTimeField(_("allocated at"), default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    release_reason = models.TextField(_("reason for the release"), blank=True, default="")

    class Meta:
        ordering = ["first", "id"]
        verbose_name = _("member-card number range")
        verbose_name_plural = _("member-card number ranges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first__gte=1)
                & models.Q(last__gte=models.F("first"))
                & models.Q(next_free__gte=models.F("first"))
                & models.Q(next_free__lte=models.F("last") + 1),
                name="card_range_bounds",
            )
        ]
        indexes = [models.Index(fields=["first", "last"], name="card_range_numbers")]

    def __str__(self) -> str:
        return f"{format_card(self.first)}–{format_card(self.last)}"

    @property
    def size(self) -> int:
        return self.last - self.first + 1


class Movement(models.Model):
    """One entry of the member movement ledger (admissions, transfers in and out, removals,
    matured out, reinstatements), written by the member services in the same transaction as the
    change. The movement report of a unit and period counts these rows; nothing else is read."""

    class Kind(models.TextChoices):
        ADMITTED = "admitted", _("Admitted")
        TRANSFER_IN = "transfer_in", _("Transferred in")
        TRANSFER_OUT = "transfer_out", _("Transferred out")
        REMOVED = "removed", _("Removed from the roll")
        EXPELLED = "expelled", _("Expelled")
        MATURED_OUT = "matured_out", _("Matured out")
        REINSTATED = "reinstated", _("Reinstated")

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(_("movement"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"))
    # The branch where it happened (path copied for subtree counts), and for a transfer the
    # branch at the other end: a move inside a unit is not a transfer in or out of that unit.
    branch = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = TreePathField()
    other_path = TreePathField(blank=True, default="")
    reason = models.CharField(_("reason"), max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # The import that moved the member, if one did: an import that cannot be finished takes
    # its movements back (core/spreadsheets/importing.py: undo_import).
    import_id = ImportIdField()

    class Meta:
        db_table = "reports_movement"  # the name it had in the reports app
        indexes = [
            models.Index(
                fields=["kind", "on", "unit_path"],
                name="movement_kind_on_path",
                opclasses=["varchar_pattern_ops", "date_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["import_id"],
                name="movement_import",
                condition=models.Q(import_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.on:%d/%m/%Y}"


class MemberRules(models.Model):
    """The age rules of membership as data, for a unit's subtree (or, without a unit, the
    national default), from a date on (docs/domain.md §6; the values are editable because
    provinces vary and the Charter may change). The rules of a unit on a day are those of the
    nearest unit above it (itself included) that has a row in force on that day, else the
    national default's, else the built-in values (members/rules.py: `member_rules`).

    Admission: from a full `admission_min_years` years and `admission_min_days` days of age up
    to the end of the age of `admission_max_age` (refused from the next birthday), counted on
    the admission date. Maturing out: from the year a member turns `maturing_age`; his branch
    may keep him up to the end of the age of `keep_max_age`."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The rules cover this unit's subtree; leave empty for the national default."),
    )
    valid_from = models.DateField(_("in force from"))
    admission_min_years = models.PositiveSmallIntegerField(
        _("admission from the age of (full years)"), default=15
    )
    admission_min_days = models.PositiveSmallIntegerField(
        _("and days past that birthday"),
        default=1,
        help_text=_(
            "15 years and 1 day: a youth is admitted from the day after his 15th birthday."
        ),
    )
    admission_max_age = models.PositiveSmallIntegerField(
        _("admission up to the end of the age of"),
        default=30,
        help_text=_("30: refused from the 31st birthday."),
    )
    maturing_age = models.PositiveSmallIntegerField(
        _("members mature out from the year they turn"), default=30
    )
    keep_max_age = models.PositiveSmallIntegerField(
        _("the branch may keep a member up to the end of the age of"), default=35
    )
    source = models.CharField(_("source"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["unit_id", "-valid_from"]
        verbose_name = _("membership age rules")
        verbose_name_plural = _("membership age rules")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "valid_from"],
                condition=models.Q(unit__isnull=False),
                name="member_rules_one_per_unit_and_date",
            ),
            models.UniqueConstraint(
                fields=["valid_from"],
                condition=models.Q(unit__isnull=True),
                name="member_rules_one_default_per_date",
            ),
            models.CheckConstraint(
                condition=models.Q(admission_min_years__lte=models.F("admission_max_age"))
                & models.Q(admission_min_days__lte=365)
                & models.Q(maturing_age__lte=models.F("keep_max_age")),
                name="member_rules_consistent",
                violation_error_message=_(
                    "The youngest admission age cannot be above the oldest, the days past the "
                    "birthday are at most 365, and the age limit cannot be above the age the "
                    "branch may keep a member to."
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit.name if self.unit_id else _("national default")
        return f"{scope} · {self.valid_from:%d/%m/%Y}"


class DuplicateIdReport(models.Model):
    """An ID number entered for a person (a new record, a change, an admission, an import) while
    a record that the person entering it may not see already holds it. The entry was refused
    without naming that record; this is the to-do of the lowest unit that sees both sides: find
    out whether they are one person (moved without a transfer, a typing error) and settle it.
    The same number entered again in the same unit counts on the same open report."""

    class Source(models.TextChoices):
        RECORD = "record", _("Member record")
        ADMISSION = "admission", _("Admission")
        IMPORT = "import", _("Import")

    # The lowest unit above both sides (null when they lie in two separate trees: then only
    # the administrators see it), and its path, so that reports are scoped like the rest.
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit_path = TreePathField(blank=True, default="")
    id_number = models.CharField(_("ID card number"), max_length=12)
    # Who holds the number: a member record, or an open admission proposal.
    holder = models.ForeignKey(
        Member,
        verbose_name=_("record holding the number"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    holder_proposal = models.ForeignKey(
        AdmissionRequest,
        verbose_name=_("proposal holding the number"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Where it was entered: the unit, the record being changed (if any), the name given.
    entered_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("entered in"), on_delete=models.PROTECT, related_name="+"
    )
    entered_member = models.ForeignKey(
        Member,
        verbose_name=_("record being changed"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    entered_name = models.CharField(_("name entered"), max_length=120, blank=True, default="")
    source = models.CharField(_("entered through"), max_length=12, choices=Source.choices)
    hits = models.PositiveIntegerField(_("times entered"), default=1)
    first_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_at = models.DateTimeField(_("first entered at"), default=timezone.now)
    last_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_at = models.DateTimeField(_("last entered at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(_("how it was settled"), blank=True, default="")

    class Meta:
        ordering = ["-last_at", "-id"]
        verbose_name = _("duplicate ID number")
        verbose_name_plural = _("duplicate ID numbers")
        indexes = [
            models.Index(fields=["unit_path", "resolved_at"], name="duplicate_id_unit_open"),
            models.Index(fields=["id_number"], name="duplicate_id_number"),
        ]

    def __str__(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def holder_branch(self):
        if self.holder_id:
            return self.holder.branch
        return self.holder_proposal.branch if self.holder_proposal_id else None

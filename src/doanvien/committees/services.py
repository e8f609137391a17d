"""Writes of committees: record a committee with its posts (a branch's is in office at once; a
base union's or above waits for the unit above), approve or reject it, change posts mid-term
(dated), and the role grants that follow the posts. Keyword-only, one transaction each,
audited."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.accounts.models import RoleGrant, User
from doanvien.accounts.services import role_grant, role_revoke
from doanvien.core import audit
from doanvien.core.dates import parse_date
from doanvien.core.text import normalize
from doanvien.core.transactions import atomic
from doanvien.members.models import Member, Sex
from doanvien.units.models import Unit

from . import rules, workflow
from .models import CadreRecord, Committee, Course, Post, PostChange, SizeLimit, TermLength

DEFAULT_TERM_MONTHS = 12  # union-rules §8: other branches [placeholder 1 year]


def _day(value, field: str, *, required: bool = True) -> date | None:
    try:
        day = parse_date(value)
    except (ValueError, TypeError):
        raise ValidationError({field: _("Enter a date as dd/mm/yyyy or YYYY-MM-DD.")}) from None
    if day is None and required:
        raise ValidationError({field: _("This field is required.")})
    return day


def term_months(unit: Unit) -> int:
    """The term length for the unit: its level and sector's row, else its level's row."""
    rows = dict(
        TermLength.objects.filter(level_id=unit.level_id, sector__in=[unit.sector, ""]).values_list(
            "sector", "months"
        )
    )
    return rows.get(unit.sector) or rows.get("") or DEFAULT_TERM_MONTHS


def size_limit(unit: Unit) -> int | None:
    for row in SizeLimit.objects.filter(level_id=unit.level_id).order_by(
        "up_to_members"
    ):  # bounded rows first on both databases: NULL (no bound) sorts last below
        if row.up_to_members is not None and unit.member_count <= row.up_to_members:
            return row.max_size
    unbounded = SizeLimit.objects.filter(level_id=unit.level_id, up_to_members=None).first()
    return unbounded.max_size if unbounded else None


def account_of(cadre: CadreRecord):
    """The account of the post's holder: his own, or his member record's (an account made
    after the cadre record is found too)."""
    if cadre.user_id is None and cadre.member_id:
        user = User.objects.filter(member_id=cadre.member_id).first()
        if user is not None:
            CadreRecord.objects.filter(pk=cadre.pk).update(user=user)
            cadre.user = user
    return cadre.user


def cadre_for_member(member: Member) -> CadreRecord:
    """The member's cadre record, made from his member record the first time."""
    record = CadreRecord.objects.filter(member=member).first()
    if record:
        return record
    return CadreRecord.objects.create(
        member=member,
        user=getattr(member, "user", None),
        full_name=member.full_name,
        date_of_birth=member.date_of_birth,
        education_level=member.education_level,
        political_theory_level=member.political_theory_level,
        professional_qualification=member.professional_qualification,
    )


def _account(value, accounts, field: str):
    """The account linked to a holder who is not a member: a username (or id) among
    `accounts` (those the actor sees), not a member's own account."""
    if value in (None, ""):
        return None
    if accounts is None:
        raise ValidationError({field: _("No account you may link was found.")})
    text = str(value).strip()
    found = accounts.filter(username__iexact=text).first()
    if found is None and text.isdigit():
        found = accounts.filter(pk=int(text)).first()
    if found is None:
        raise ValidationError(
            {field: _("No account “%(name)s” among those you see.") % {"name": text}}
        )
    if found.member_id:
        raise ValidationError(
            {field: _("This account is a member's: name him by his member identifier instead.")}
        )
    return found


def _holder(
    item: dict, members, index: int, accounts=None, *, full: bool = False, prefix: str | None = None
):
    """The person of one post: `member` (an id among the members the caller sees: of any
    unit), or a person who is not a member (`full_name`, optional `date_of_birth`, `sex`,
    `account` among `accounts` …). `full`: the non-member's date of birth and sex are
    required (the committee page's form asks them)."""
    at = f"posts.{index}." if prefix is None else prefix
    field = f"{at}member"
    if item.get("member") not in (None, ""):
        try:
            member = members.get(pk=int(item["member"]))
        except (Member.DoesNotExist, ValueError, TypeError):
            raise ValidationError(
                {field: _("No member with id %(id)s.") % {"id": item["member"]}}
            ) from None
        return cadre_for_member(member)
    name = normalize(item.get("full_name") or "")
    if not name:
        raise ValidationError(
            {field: _("Give the member's id, or the full name of a person who is not a member.")}
        )
    errors = {}
    born = _day(item.get("date_of_birth"), f"{at}date_of_birth", required=full)
    if born and born >= timezone.localdate():
        errors[f"{at}date_of_birth"] = _("A date of birth is before today.")
    sex = item.get("sex") or ""
    if sex not in ("", *Sex.values) or (full and not sex):
        errors[f"{at}sex"] = _("Choose male or female.")
    if errors:
        raise ValidationError(errors)
    account = _account(item.get("account"), accounts, f"{at}account")
    return CadreRecord.objects.create(
        full_name=name[:120],
        date_of_birth=born,
        sex=sex,
        user=account,
        education_level=normalize(item.get("education_level") or "")[:60],
        political_theory_level=normalize(item.get("political_theory_level") or "")[:60],
        professional_qualification=normalize(item.get("professional_qualification") or "")[:120],
    )


def _check_posts(unit: Unit, kinds: list[str], holders: list[CadreRecord]) -> None:
    for i, kind in enumerate(kinds):
        if kind not in Post.Kind.values:
            raise ValidationError({f"posts.{i}.post": _("Choose a post from the list.")})
        if kind == Post.Kind.STANDING and unit.is_branch:
            raise ValidationError({f"posts.{i}.post": _("A branch has no standing committee.")})
    if kinds.count(Post.Kind.SECRETARY) > 1:
        raise ValidationError({"posts": _("A committee has one secretary.")})
    ids = [h.pk for h in holders]
    if len(set(ids)) != len(ids):
        raise ValidationError(
            {
                "posts": _(
                    "A person holds one post in a committee (the secretaries are of the "
                    "standing committee)."
                )
            }
        )
    limit = size_limit(unit)
    if limit is not None and len(ids) > limit:
        raise ValidationError(
            {"posts": _("A committee of this unit has at most %(n)s people.") % {"n": limit}}
        )


@atomic
def committee_create(
    *,
    actor,
    unit: Unit,
    members,
    term_start,
    term_end=None,
    elected_on=None,
    posts=(),
    accounts=None,
) -> Committee:
    """Record the committee elected for a term. `members` is the queryset of members the
    actor may name; `posts` a list of {"member" or "full_name", "post"}. term_end defaults to
    the unit's term length (TermLength). A branch's committee is in office at once (the one
    before it ends); a committee of a base union or above waits for the unit above."""
    if not unit.is_active:
        raise ValidationError(_("This unit is inactive."))
    start = _day(term_start, "term_start")
    end = _day(term_end, "term_end", required=False) or rules.default_term_end(
        start, term_months(unit)
    )
    if end <= start:
        raise ValidationError({"term_end": _("The term must end after it starts.")})
    elected = _day(elected_on, "elected_on", required=False) or start
    if Committee.objects.filter(unit=unit, state=Committee.State.SUBMITTED).exists():
        raise ValidationError(
            _("A committee of this unit already waits for approval: it is decided first."),
            code="illegal_transition",
        )
    posts = list(posts or [])
    if not posts:
        raise ValidationError({"posts": _("List the committee's posts.")})
    kinds = [(p or {}).get("post") or "" for p in posts]
    holders = [_holder(p or {}, members, i, accounts) for i, p in enumerate(posts)]
    _check_posts(unit, kinds, holders)
    state = Committee.State.APPROVED if unit.is_branch else Committee.State.SUBMITTED
    committee = Committee.objects.create(
        unit=unit,
        unit_path=unit.path,
        term_start=start,
        term_end=end,
        elected_on=elected,
        state=state,
        created_by=actor,
    )
    Post.objects.bulk_create(
        Post(committee=committee, cadre=h, post=k, started_on=start)
        for h, k in zip(holders, kinds, strict=True)
    )
    audit.record(
        actor=actor,
        action="committee.created",
        target=committee,
        unit_path=unit.path,
        summary=f"{unit.name} · {committee} · {len(holders)}",
        changes={"state": [None, state]},
    )
    if state == Committee.State.APPROVED:
        _take_office(actor, committee)
    return committee


def _take_office(actor, committee: Committee) -> None:
    """The committee in office: the unit's committee before it ends on the new term's start
    (its posts end; their roles pass to the new posts that give the same ones)."""
    for old in Committee.objects.filter(
        unit_id=committee.unit_id, state=Committee.State.APPROVED
    ).exclude(pk=committee.pk):
        old.state = workflow.next_state(old, "end")
        old.ended_on = committee.term_start
        old.save(update_fields=["state", "ended_on"])
        for post in old.posts.filter(ended_on=None):
            _end_post(actor, post, committee.term_start, _("the term ended"))


def _decide(actor, committee: Committee, action: str, note: str = "") -> Committee:
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    before = committee.state
    committee.state = workflow.next_state(committee, action)
    committee.decision_note = note
    committee.decided_at = timezone.now()
    committee.decided_by = actor if getattr(actor, "pk", None) else None
    committee.save()
    audit.record(
        actor=actor,
        action=f"committee.{action}",
        target=committee,
        unit_path=committee.unit_path,
        summary=note or str(committee),
        changes={"state": [before, committee.state]},
    )
    return committee


@atomic
def committee_approve(*, actor, committee: Committee, note: str = "") -> Committee:
    committee = _decide(actor, committee, "approve", normalize(note or ""))
    _take_office(actor, committee)
    return committee


@atomic
def committee_reject(*, actor, committee: Committee, reason: str) -> Committee:
    reason = normalize(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Give the reason for not approving.")})
    return _decide(actor, committee, "reject", reason)


@atomic
def committee_resubmit(*, actor, committee: Committee) -> Committee:
    return _decide(actor, committee, "resubmit")


# --- Posts and the roles that follow them ------------------------------------------------------


def role_offers(committee: Committee) -> list[tuple[Post, str]]:
    """Posts in office whose holder has an account without the role the post gives."""
    if committee.state != Committee.State.APPROVED:
        return []
    unit = committee.unit
    held = set(RoleGrant.objects.filter(unit=unit).values_list("user_id", "role"))
    offers = []
    for post in committee.posts.filter(ended_on=None).select_related("cadre"):
        role = rules.role_for(post.post, unit.is_branch)
        user = account_of(post.cadre)
        if role and user and (user.pk, role) not in held:
            offers.append((post, role))
    return offers


@atomic
def post_role_grant(*, actor, post: Post) -> RoleGrant:
    """Grant the role the post offers to its holder's account."""
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("committee__unit", "cadre")
        .get(pk=post.pk)
    )
    unit = post.committee.unit
    role = rules.role_for(post.post, unit.is_branch)
    if post.ended_on or post.committee.state != Committee.State.APPROVED:
        raise ValidationError(_("Only a post in office gives a role."))
    user = account_of(post.cadre)
    if not role or user is None:
        raise ValidationError(_("The holder of this post has no account to give a role to."))
    grant = RoleGrant.objects.filter(user=user, unit=unit, role=role).first()
    if grant is None:
        grant = role_grant(actor=actor, user=user, unit=unit, role=role)
    post.granted_role = role
    post.save(update_fields=["granted_role"])
    return grant


def _end_post(actor, post: Post, on: date, reason: str) -> None:
    post.ended_on = on
    post.end_reason = reason[:255]
    role, post.granted_role = post.granted_role, ""
    post.save(update_fields=["ended_on", "end_reason", "granted_role"])
    audit.record(
        actor=actor,
        action="committee.post_ended",
        target=post.committee,
        unit_path=post.committee.unit_path,
        summary=f"{post} · {reason}",
        changes={"post": [str(post), None]},
    )
    if not role or post.cadre.user_id is None:
        return
    unit = post.committee.unit
    # Another post of his in office on the same unit giving the same role keeps the grant.
    for other in Post.objects.filter(
        ended_on=None,
        cadre__user_id=post.cadre.user_id,
        committee__unit_id=unit.pk,
        committee__state=Committee.State.APPROVED,
    ).exclude(pk=post.pk):
        if rules.role_for(other.post, unit.is_branch) == role:
            other.granted_role = role
            other.save(update_fields=["granted_role"])
            return
    grant = RoleGrant.objects.filter(user_id=post.cadre.user_id, unit=unit, role=role).first()
    if grant:
        role_revoke(actor=actor, grant=grant)


def _posts_after(committee: Committee, change_post: Post | None, holder, kind: str) -> None:
    """The committee's posts in office once the change is made keep the post rules."""
    current = [
        p
        for p in committee.posts.filter(ended_on=None).select_related("cadre")
        if change_post is None or p.pk != change_post.pk
    ]
    _check_posts(
        committee.unit, [p.post for p in current] + [kind], [p.cadre for p in current] + [holder]
    )


@atomic
def change_propose(
    *,
    actor,
    committee: Committee,
    kind: str,
    on,
    members=None,
    item: dict | None = None,
    post: Post | None = None,
    reason: str = "",
    accounts=None,
    full: bool = False,
    fields: tuple[str, str] = ("on", "holder."),
) -> PostChange:
    """A change mid-term, dated: `add` a post (`item`: the person and the post), `end` a post
    (`post`, with a reason), or `replace` its holder (`post`, `item`: the new person, the
    reason). A branch's change is made at once; a base union's or above waits for the unit
    above (change_approve / change_reject), the posts and roles unchanged until then.
    `fields`: the names the errors give the date and the holder's fields (a form's own)."""
    on_field, holder_prefix = fields
    committee = Committee.objects.select_for_update().select_related("unit").get(pk=committee.pk)
    if committee.state != Committee.State.APPROVED:
        raise ValidationError(
            _("Posts change mid-term in a committee in office."), code="illegal_transition"
        )
    if kind not in PostChange.Kind.values:
        raise ValidationError({"kind": _("Choose add, end or replace.")})
    day = _day(on, on_field)
    if not committee.term_start <= day <= committee.term_end:
        raise ValidationError({on_field: _("The date must fall within the term.")})
    waiting = committee.changes.filter(state=PostChange.State.SUBMITTED)
    reason = normalize(reason or "")
    if kind != PostChange.Kind.ADD:
        if post is None or post.committee_id != committee.pk:
            raise ValidationError({"post": _("Choose a post of this committee.")})
        post = Post.objects.select_for_update().select_related("cadre").get(pk=post.pk)
        if post.ended_on:
            raise ValidationError(_("This post has already ended."), code="illegal_transition")
        if day < post.started_on:
            raise ValidationError({on_field: _("A post cannot end before it starts.")})
        if waiting.filter(post=post).exists():
            raise ValidationError(
                _("A change of this post already waits for approval: it is decided first."),
                code="illegal_transition",
            )
        if not reason:
            raise ValidationError({"reason": _("Give the reason.")})
    holder, post_kind = None, ""
    if kind != PostChange.Kind.END:
        item = item or {}
        post_kind = post.post if kind == PostChange.Kind.REPLACE else item.get("post") or ""
        holder = _holder(item, members, 0, accounts, full=full, prefix=holder_prefix)
        _posts_after(committee, post, holder, post_kind)
    change = PostChange.objects.create(
        committee=committee,
        unit_path=committee.unit_path,
        kind=kind,
        post=post if kind != PostChange.Kind.ADD else None,
        cadre=holder,
        post_kind=post_kind,
        on=day,
        reason=reason[:255],
        state=PostChange.State.SUBMITTED,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="committee.change_proposed",
        target=committee,
        unit_path=committee.unit_path,
        summary=f"{change} · {holder or post}",
        changes={"change": [None, kind]},
    )
    if committee.unit.is_branch:
        _apply(actor, change)
    return change


def _apply(actor, change: PostChange) -> None:
    """Make the change: the post ends (its role follows), the new post starts."""
    committee = change.committee
    change.new_post = None
    if change.post_id:
        post = Post.objects.select_for_update().select_related("cadre").get(pk=change.post_id)
        if post.ended_on:
            raise ValidationError(_("This post has already ended."), code="illegal_transition")
        post.committee = committee
        _end_post(actor, post, change.on, change.reason)
    if change.cadre_id:
        _posts_after(committee, None, change.cadre, change.post_kind)
        new = Post.objects.create(
            committee=committee, cadre=change.cadre, post=change.post_kind, started_on=change.on
        )
        audit.record(
            actor=actor,
            action="committee.post_added",
            target=committee,
            unit_path=committee.unit_path,
            summary=str(new),
            changes={"post": [None, str(new)]},
        )
        change.new_post = new
    change.state = PostChange.State.APPROVED
    change.save(update_fields=["state"])


def _decide_change(actor, change: PostChange, action: str) -> PostChange:
    change = (
        PostChange.objects.select_for_update(of=("self",))
        .select_related("committee__unit")
        .get(pk=change.pk)
    )
    if change.state != PostChange.State.SUBMITTED:
        raise ValidationError(
            _("Cannot %(action)s this change: it is “%(state)s”.")
            % {"action": workflow.ACTIONS[action], "state": change.get_state_display()},
            code="illegal_transition",
        )
    if action == "approve" and change.committee.state != Committee.State.APPROVED:
        raise ValidationError(
            _("The committee is no longer in office: the change cannot be made."),
            code="illegal_transition",
        )
    return change


def _decided(actor, change: PostChange, action: str, note: str) -> PostChange:
    change.decision_note = note[:500]
    change.decided_at = timezone.now()
    change.decided_by = actor if getattr(actor, "pk", None) else None
    change.save(update_fields=["state", "decision_note", "decided_at", "decided_by"])
    audit.record(
        actor=actor,
        action=f"committee.change_{action}",
        target=change.committee,
        unit_path=change.unit_path,
        summary=note or str(change),
        changes={"change": [PostChange.State.SUBMITTED, change.state]},
    )
    return change


@atomic
def change_approve(*, actor, change: PostChange, note: str = "") -> PostChange:
    """The unit above approves a change: the posts and their roles change now."""
    change = _decide_change(actor, change, "approve")
    _apply(actor, change)
    return _decided(actor, change, "approve", normalize(note or ""))


@atomic
def change_reject(*, actor, change: PostChange, reason: str) -> PostChange:
    reason = normalize(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Give the reason for not approving.")})
    change = _decide_change(actor, change, "reject")
    change.state = PostChange.State.REJECTED
    return _decided(actor, change, "reject", reason)


@atomic
def post_end(*, actor, post: Post, ended_on, reason: str):
    """A change mid-term: the post ends on a date, with a reason; the role it gave ends too,
    unless another post of the holder gives it. For a base union or above the change waits
    for the unit above: the PostChange is returned."""
    post = Post.objects.select_related("committee").get(pk=post.pk)
    change = change_propose(
        actor=actor,
        committee=post.committee,
        kind=PostChange.Kind.END,
        post=post,
        on=ended_on,
        reason=reason,
        fields=("ended_on", ""),
    )
    if change.state == PostChange.State.APPROVED:
        post.refresh_from_db()
        return post
    return change


@atomic
def post_add(
    *, actor, committee: Committee, members, item: dict, started_on, accounts=None, full=False
):
    """A change mid-term: a person takes a post in a committee in office, from a date (the
    new Post; for a base union or above, the PostChange waiting for the unit above)."""
    change = change_propose(
        actor=actor,
        committee=committee,
        kind=PostChange.Kind.ADD,
        members=members,
        item=item,
        on=started_on,
        accounts=accounts,
        full=full,
        fields=("started_on", ""),
    )
    return change.new_post if change.state == PostChange.State.APPROVED else change


@atomic
def course_add(*, actor, cadre: CadreRecord, name: str, level: str, started_on, ended_on=None):
    name = normalize(name or "")
    if not name:
        raise ValidationError({"name": _("Enter the course.")})
    if level not in Course.Level.values:
        raise ValidationError({"level": _("Choose a level from the list.")})
    start = _day(started_on, "started_on")
    end = _day(ended_on, "ended_on", required=False)
    if end and end < start:
        raise ValidationError({"ended_on": _("A course cannot end before it starts.")})
    return Course.objects.create(
        cadre=cadre, name=name, level=level, started_on=start, ended_on=end
    )

"""Writes of activities: campaigns, publishing and changing, signing up, checking in (a card
scanned, a list ticked, a file; by the organiser for everyone invited, by the committee of a unit
the activity is offered to for its own members), cancelling, and the links of a registration's
criteria to the activities that serve them. Each write is atomic, counts again what it changes
(rollup.recount, in its transaction) and writes its audit event."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from doanvien.accounts.access import subtree_q
from doanvien.core import audit
from doanvien.core.dates import parse_date
from doanvien.core.text import normalize, text_fault
from doanvien.core.transactions import atomic
from doanvien.members.card_tokens import BadToken, member_of_token
from doanvien.members.models import Member, Status
from doanvien.training.models import Registration
from doanvien.training.rules import programme_year_of
from doanvien.training.selectors import framework_for
from doanvien.training.services.common import check_unlocked
from doanvien.training.services.registrations import registration_save
from doanvien.units.models import Unit, paths_to

from . import campaign_stats, rollup
from .access import audience_paths, is_offered
from .models import (
    Activity,
    ActivityArea,
    ActivityInvite,
    ActivityKind,
    Campaign,
    CheckinScan,
    CriterionLink,
    Participation,
)

DEFAULT_AREAS = ("1", "2", "3", "4", "5")


def _text(data: dict, name: str, errors: dict, *, limit: int, required: bool = False) -> str:
    value = normalize(str(data.get(name) or ""))
    if fault := text_fault(value):
        errors[name] = fault
    elif required and not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("At most %(n)d characters.") % {"n": limit}
    return value


def _moment(data: dict, name: str, errors: dict, *, end: bool = False) -> datetime | None:
    """A date and time (ISO, or dd/mm/yyyy for the whole day), in the site's time zone."""
    raw = data.get(name)
    if isinstance(raw, datetime):
        value = raw
    else:
        text = str(raw or "").strip()
        value = parse_datetime(text) if text else None
        if value is None and text:
            try:
                day = parse_date(text)
            except ValueError:
                day = None
            if day is not None:
                value = datetime.combine(day, time(23, 59) if end else time(0, 0))
        if value is None:
            errors[name] = (
                _("Give the date and time.")
                if not text
                else _("“%(value)s” is not a date and time.") % {"value": text}
            )
            return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _int(data: dict, name: str, errors: dict, *, least: int) -> int | None:
    raw = data.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw).replace(".", "").replace(" ", ""))
    except ValueError:
        errors[name] = _("Give a whole number.")
        return None
    if value < least:
        errors[name] = _("Give a number of at least %(n)d.") % {"n": least}
    return value


def area_codes(unit: Unit, year: int) -> list[str]:
    """The content areas an activity of the unit may serve: those of the framework that applies
    to it in the year, else the programme's five."""
    framework = framework_for(unit, year)
    codes = list(framework.areas.values_list("code", flat=True)) if framework else []
    return codes or list(DEFAULT_AREAS)


def activity_year(starts: datetime, unit: Unit) -> int:
    """The programme year an activity (or a campaign) of the unit starting then counts in: that
    of the training programme for the unit's sector (training.rules.programme_year_of)."""
    day = timezone.localtime(starts).date() if isinstance(starts, datetime) else starts
    return programme_year_of(day, unit.sector)


def unit_sector_changed(unit: Unit) -> int:
    """The unit's sector changed, and with it the programme year its activities count in (a
    school's runs from June): its activities move to the year of their start for the new sector
    and its campaigns too, but for an activity someone signed up for, took part in or linked to
    a criterion, which keeps its year (as activity_update does). The unit's figures are counted
    again in the years left and joined. Returns how many activities moved."""
    held = Activity.objects.select_for_update().filter(unit=unit)
    untouched = held.exclude(pk__in=Participation.objects.values("activity_id")).exclude(
        pk__in=CriterionLink.objects.values("activity_id")
    )
    moves: dict[int, list[int]] = defaultdict(list)  # new year → activities
    years: set[int] = set()
    for pk, starts_at, was in untouched.order_by("pk").values_list("pk", "starts_at", "year"):
        year = activity_year(starts_at, unit)
        if year != was:
            moves[year].append(pk)
            years |= {was, year}
    for year, pks in moves.items():
        Activity.objects.filter(pk__in=pks).update(year=year)
    campaigns = Campaign.objects.select_for_update().filter(unit=unit)
    for pk, starts_on, was in campaigns.order_by("pk").values_list("pk", "starts_on", "year"):
        if (year := activity_year(starts_on, unit)) != was:
            Campaign.objects.filter(pk=pk).update(year=year)
    if years:
        rollup.recount([unit.pk], years)
    return sum(len(pks) for pks in moves.values())


def clean_activity(data: dict[str, Any], *, unit: Unit) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "title": _text(data, "title", errors, limit=200, required=True),
        "place": _text(data, "place", errors, limit=200),
        "organiser": _text(data, "organiser", errors, limit=200),
        "description": _text(data, "description", errors, limit=4000),
        "starts_at": _moment(data, "starts_at", errors),
        "ends_at": _moment(data, "ends_at", errors, end=True),
        "capacity": _int(data, "capacity", errors, least=1),
        "value": _int(data, "value", errors, least=0),
    }
    kind = ActivityKind.objects.filter(code=str(data.get("kind") or ""), active=True).first()
    if kind is None:
        errors["kind"] = _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(
                ActivityKind.objects.filter(active=True).values_list("code", flat=True)
            )
        }
    clean["kind"] = kind
    starts, ends = clean["starts_at"], clean["ends_at"]
    if starts and ends and ends < starts:
        errors["ends_at"] = _("The end comes before the start.")
    # The programme year of its start, for its unit's sector (a school's runs June to May), as
    # the training programme counts it.
    year = activity_year(starts, unit) if starts else None
    if year is not None and not 2000 <= year <= 2100:
        errors["starts_at"] = _("Give a year between 2000 and 2100.")
    areas = data.get("areas") or []
    if isinstance(areas, str):
        areas = [a for a in areas.replace(";", ",").split(",") if a.strip()]
    areas = sorted({str(a).strip() for a in areas})
    if year is not None and areas:
        allowed = area_codes(unit, year)
        wrong = [a for a in areas if a not in allowed]
        if wrong:
            errors["areas"] = _("Content areas are among: %(choices)s.") % {
                "choices": ", ".join(allowed)
            }
    clean["areas"] = areas
    audience = str(data.get("audience") or Activity.Audience.SUBTREE)
    if audience not in Activity.Audience.values:
        errors["audience"] = _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(Activity.Audience.values)
        }
    clean["audience"] = audience
    invited: list[Unit] = []
    if audience == Activity.Audience.CHOSEN:
        ids = [int(i) for i in data.get("units") or [] if str(i).isdigit()]
        invited = list(Unit.objects.filter(pk__in=ids, path__startswith=unit.path, is_active=True))
        if len(invited) != len(set(ids)):
            errors["units"] = _("Invite units of this unit's subtree.")
    clean["units"] = invited
    if clean["value"] is not None and kind is not None and not kind.is_work:
        errors["value"] = _("A value is given only for a youth work project.")
    clean["campaign"] = _campaign(data.get("campaign"), unit, starts, errors)
    if errors:
        raise ValidationError(errors)
    clean["year"] = year
    return clean


def _campaign(raw, unit: Unit, starts: datetime | None, errors: dict) -> Campaign | None:
    """The campaign an activity of the unit joins: one run by the unit or a unit above it, the
    activity starting within its dates."""
    if isinstance(raw, Campaign):
        raw = raw.pk
    if raw in (None, ""):
        return None
    campaign = None
    if str(raw).isdigit():
        campaign = Campaign.objects.filter(pk=int(raw), unit_path__in=paths_to(unit.path)).first()
    if campaign is None:
        errors["campaign"] = _("Choose a campaign of this unit or of a unit above it.")
        return None
    if starts is not None and not (
        campaign.starts_on <= timezone.localtime(starts).date() <= campaign.ends_on
    ):
        errors["campaign"] = _(
            "The campaign runs from %(start)s to %(end)s: the activity must start within it."
        ) % {
            "start": campaign.starts_on.strftime("%d/%m/%Y"),
            "end": campaign.ends_on.strftime("%d/%m/%Y"),
        }
    return campaign


@atomic
def activity_publish(*, actor, unit: Unit, data: dict[str, Any]) -> Activity:
    """A unit publishes an activity for its subtree or for chosen units under it; the unit's
    figures of the year count it at once."""
    unit = Unit.objects.get(pk=unit.pk)
    clean = clean_activity(data, unit=unit)
    areas, invited = clean.pop("areas"), clean.pop("units")
    activity = Activity.objects.create(
        unit=unit, unit_path=unit.path, created_by=_user(actor), **clean
    )
    ActivityArea.objects.bulk_create([ActivityArea(activity=activity, code=c) for c in areas])
    ActivityInvite.objects.bulk_create(
        [ActivityInvite(activity=activity, unit=u, unit_path=u.path) for u in invited]
    )
    rollup.recount([unit.pk], [activity.year])
    campaign_stats.activity_changed(activity)
    audit.record(
        actor=actor,
        action="activity.published",
        target=activity,
        unit_path=unit.path,
        summary=activity.title,
    )
    return activity


def _current(activity: Activity) -> dict[str, Any]:
    return {
        "title": activity.title,
        "kind": activity.kind.code,
        "areas": list(activity.areas.values_list("code", flat=True)),
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "place": activity.place,
        "audience": activity.audience,
        "units": list(activity.invites.values_list("unit_id", flat=True)),
        "capacity": activity.capacity,
        "organiser": activity.organiser,
        "campaign": activity.campaign_id,
        "value": activity.value,
        "description": activity.description,
    }


@atomic
def activity_update(*, actor, activity: Activity, data: dict[str, Any]) -> Activity:
    """Change an activity (the fields given; the others stay). Its unit's figures, and those of
    the branches of the members who took part, are counted again in the years before and after
    (a date may move it to another year; a kind or an area changes the figures by kind and
    area)."""
    activity = Activity.objects.select_for_update().select_related("kind").get(pk=activity.pk)
    _open(activity)
    before = _current(activity)
    clean = clean_activity({**before, **data}, unit=activity.unit)
    areas, invited = clean.pop("areas"), clean.pop("units")
    _check_change(activity, clean, invited)
    old_year, old_campaign = activity.year, activity.campaign_id
    for name, value in clean.items():
        setattr(activity, name, value)
    activity.save()
    ActivityArea.objects.filter(activity=activity).exclude(code__in=areas).delete()
    have = set(ActivityArea.objects.filter(activity=activity).values_list("code", flat=True))
    ActivityArea.objects.bulk_create(
        [ActivityArea(activity=activity, code=c) for c in areas if c not in have]
    )
    ActivityInvite.objects.filter(activity=activity).exclude(unit__in=invited).delete()
    invited_have = set(
        ActivityInvite.objects.filter(activity=activity).values_list("unit_id", flat=True)
    )
    ActivityInvite.objects.bulk_create(
        [
            ActivityInvite(activity=activity, unit=u, unit_path=u.path)
            for u in invited
            if u.pk not in invited_have
        ]
    )
    branches = _branches_of(activity)
    rollup.recount({activity.unit_id, *branches}, {old_year, activity.year})
    campaign_stats.activity_changed(activity, campaigns=[old_campaign])
    after = _current(activity)
    audit.record(
        actor=actor,
        action="activity.updated",
        target=activity,
        unit_path=activity.unit_path,
        summary=activity.title,
        changes={k: [str(before[k]), str(after[k])] for k in before if before[k] != after[k]},
    )
    return activity


def _check_change(activity: Activity, clean: dict[str, Any], invited: list[Unit]) -> None:
    """What a change may not do once members signed up or took part: move the activity to
    another year (their figures, the assessment's evidence and the criteria linked to it belong
    to its year), make the capacity smaller than the sign-ups, or leave out of the audience the
    units of members already recorded."""
    errors: dict[str, str] = {}
    rows = Participation.objects.filter(activity=activity)
    if clean["year"] != activity.year and (
        rows.exists() or CriterionLink.objects.filter(activity=activity).exists()
    ):
        errors["starts_at"] = _(
            "Members have signed up or taken part, or linked it to their registration: the "
            "activity stays in %(year)d. Cancel it and publish a new one for another year."
        ) % {"year": activity.year}
    signed_up = rows.exclude(signed_up_at=None).count()
    if clean["capacity"] is not None and clean["capacity"] < signed_up:
        errors["capacity"] = _("%(n)d members have signed up: the capacity cannot be smaller.") % {
            "n": signed_up
        }
    if clean["audience"] == Activity.Audience.SUBTREE:
        roots = [activity.unit_path]
    else:
        roots = [u.path for u in invited]
    left_out = list(
        rows.exclude(subtree_q("member__unit_path", roots))
        .select_related("member")
        .order_by("member__sort_key")[:6]
    )
    if left_out:
        errors["audience"] = _(
            "These members have signed up or taken part and would no longer be invited: "
            "%(names)s. Invite their units too."
        ) % {"names": ", ".join(p.member.full_name for p in left_out)}
    if errors:
        raise ValidationError(errors)


@atomic
def activity_cancel(*, actor, activity: Activity) -> Activity:
    """Cancel an activity: it and its participations are no longer counted. Cancelling it
    again is refused (code `illegal_transition`)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _open(activity)
    activity.cancelled_at = timezone.now()
    activity.save(update_fields=["cancelled_at"])
    branches = _branches_of(activity)
    rollup.recount({activity.unit_id, *branches}, [activity.year])
    campaign_stats.activity_changed(activity)
    audit.record(
        actor=actor,
        action="activity.cancelled",
        target=activity,
        unit_path=activity.unit_path,
        summary=activity.title,
    )
    return activity


def _branches_of(activity: Activity) -> set[int]:
    """The branches of the members who signed up or took part (each once: a province-wide
    activity has a participation a member)."""
    return set(
        Participation.objects.filter(activity=activity)
        .order_by()
        .values_list("member__branch_id", flat=True)
        .distinct()
    )


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _open(activity: Activity) -> None:
    if activity.cancelled_at:
        raise ValidationError(_("This activity was cancelled."), code="illegal_transition")


@atomic
def activity_signup(*, actor, activity: Activity, member: Member) -> Participation:
    """A member signs up (for himself): the activity must be offered to his branch, not over,
    with a place left. Signing up twice changes nothing."""
    # Only a capacity makes sign-ups wait for each other (on the activity's row): a
    # province-wide activity without one takes its sign-ups side by side.
    activity = Activity.objects.get(pk=activity.pk)
    if activity.capacity is not None:
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _open(activity)
    if member.status != Status.ACTIVE or not is_offered(activity, member.branch):
        raise ValidationError(
            _("This activity is not offered to your branch."), code="illegal_transition"
        )
    if activity.ends_at < timezone.now():
        raise ValidationError(_("This activity is over."), code="illegal_transition")
    row = Participation.objects.filter(activity=activity, member=member).first()
    if row and row.signed_up_at:
        return row
    if activity.capacity is not None:
        taken = Participation.objects.filter(activity=activity).exclude(signed_up_at=None).count()
        if taken >= activity.capacity:
            raise ValidationError(_("No place is left."), code="illegal_transition")
    now = timezone.now()
    if row is None:
        row = Participation.objects.create(
            activity=activity, member=member, signed_up_at=now, recorded_by=_user(actor)
        )
    else:
        Participation.objects.filter(pk=row.pk).update(signed_up_at=now)
        row.signed_up_at = now
    campaign_stats.recount(activity.campaign_id, [member.branch_id])
    audit.record(
        actor=actor,
        action="activity.signed_up",
        target=activity,
        unit_path=member.unit_path,
        summary=activity.title,
        changes={"member": [None, member.pk]},
    )
    return row


def _not_offered(activity: Activity, members: list[Member]) -> list[Member]:
    """The members (of these) whose branch the activity is not offered to (access.offered_to:
    held above the branch for the whole subtree, or inviting the branch or a unit above it)."""
    roots = audience_paths(activity)
    return [m for m in members if not any(m.unit_path.startswith(r) for r in roots)]


def _outside(members: list[Member], within: list[str] | None) -> list[Member]:
    """The members (of these) outside the subtrees `within` (None: nobody is)."""
    if within is None:
        return []
    return [m for m in members if not any(m.unit_path.startswith(p) for p in within)]


def _within_names(within: list[str]) -> str:
    return ", ".join(
        Unit.objects.filter(path__in=within).order_by("path").values_list("name", flat=True)
    )


def _attend(*, actor, activity: Activity, members: list[Member], source: str) -> int:
    """Mark these members as having taken part (the caller checked them); returns how many
    were not marked before. Their branches are counted again."""
    now = timezone.now()
    ids = {m.pk for m in members}
    have = dict(
        Participation.objects.select_for_update()
        .filter(activity=activity, member_id__in=ids)
        .values_list("member_id", "attended_at")
    )
    new = [m for m in members if m.pk not in have]
    Participation.objects.bulk_create(
        [
            Participation(
                activity=activity,
                member=m,
                attended_at=now,
                source=source,
                recorded_by=_user(actor),
            )
            for m in {m.pk: m for m in new}.values()
        ],
        ignore_conflicts=True,
    )
    late = [pk for pk, attended in have.items() if attended is None]
    Participation.objects.filter(activity=activity, member_id__in=late).update(
        attended_at=now, source=source, recorded_by=_user(actor)
    )
    marked = len({m.pk for m in new}) + len(late)
    if marked:
        rollup.recount({m.branch_id for m in members}, [activity.year])
        campaign_stats.recount(activity.campaign_id, {m.branch_id for m in members})
        audit.record(
            actor=actor,
            action="activity.checked_in",
            target=activity,
            unit_path=activity.unit_path,
            summary=activity.title,
            changes={"checked_in": [None, marked], "source": [None, source]},
        )
    return marked


@atomic
def activity_checkin(
    *,
    actor,
    activity: Activity,
    member_ids: Iterable[int],
    source: str = Participation.Source.LIST,
    within: list[str] | None = None,
) -> int:
    """Members ticked on the list: each must be a member the activity is offered to and, for
    the committee of a unit it is offered to (`within`: access.checkin_paths), a member of its
    subtree. All or nothing. Returns how many were checked in now (a repeated check-in
    counts 0)."""
    activity = Activity.objects.get(pk=activity.pk)
    _open(activity)
    ids = sorted({int(i) for i in member_ids})
    members = list(Member.objects.filter(pk__in=ids).select_related("branch"))
    errors = []
    missing = set(ids) - {m.pk for m in members}
    if missing:
        errors.append(
            _("No member with id %(ids)s.") % {"ids": ", ".join(str(i) for i in sorted(missing))}
        )
    outside = _not_offered(activity, members)
    if outside:
        errors.append(
            _("Not offered to the branch of: %(names)s.")
            % {"names": ", ".join(m.full_name for m in outside)}
        )
    others = [m for m in _outside(members, within) if m not in outside]
    if others:
        errors.append(
            _(
                "Not members of %(units)s: %(names)s. Only the organiser records the members "
                "of other units."
            )
            % {
                "units": _within_names(within or []),
                "names": ", ".join(m.full_name for m in others),
            }
        )
    if errors:
        raise ValidationError({"members": errors})
    return _attend(actor=actor, activity=activity, members=members, source=source)


def token_of_scan(text: str) -> str:
    """The card token in what a scanner read: the token itself, or the card's verification
    address (…/verify/<token>)."""
    text = (text or "").strip()
    if "/verify/" in text:
        text = text.rsplit("/verify/", 1)[1].split("?", 1)[0].strip("/")
    return text


@atomic
def activity_scan(
    *, actor, activity: Activity, card: str, scan_id: str = "", within: list[str] | None = None
) -> dict[str, Any]:
    """A member card scanned at the activity (by a committee of a unit it is offered to: only
    a member of its subtree, `within`). With a `scan_id` (made by the phone), the same scan
    sent again (a phone that was offline sends what it kept) is answered as the first time and
    never counted twice. Returns {"checked_in", "member", "name", "already"}."""
    activity = Activity.objects.get(pk=activity.pk)
    _open(activity)
    scan_id = (scan_id or "").strip()[:64]
    scan = None
    if scan_id:
        # The scan's row first: the same scan sent twice at once waits here for the first
        # (the unique index), then reads it.
        try:
            with transaction.atomic():
                scan = CheckinScan.objects.create(
                    scan_id=scan_id, activity=activity, by=_user(actor)
                )
        except IntegrityError:
            scan = None
        seen = (
            None
            if scan is not None
            else CheckinScan.objects.filter(scan_id=scan_id).select_related("member").first()
        )
        if seen is not None:
            if seen.activity_id != activity.pk:
                raise ValidationError({"scan_id": _("This scan belongs to another activity.")})
            return {
                "checked_in": 0,
                "member": seen.member_id,
                "name": seen.member.full_name if seen.member else "",
                "already": True,
                "replayed": True,
            }
    try:
        member = member_of_token(token_of_scan(card))
    except BadToken:
        member = None
    if member is None:
        raise ValidationError({"card_token": _("This is not a member card of this system.")})
    if member.status != Status.ACTIVE:
        raise ValidationError({"card_token": _("This card's holder is no longer a member.")})
    if _not_offered(activity, [member]):
        raise ValidationError(
            {
                "card_token": _("This activity is not offered to %(name)s's branch.")
                % {"name": member.full_name}
            }
        )
    if _outside([member], within):
        raise ValidationError(
            {
                "card_token": _(
                    "%(name)s is not a member of %(units)s: only the organiser checks in the "
                    "members of other units."
                )
                % {"name": member.full_name, "units": _within_names(within or [])}
            }
        )
    n = _attend(actor=actor, activity=activity, members=[member], source=Participation.Source.SCAN)
    if scan is not None:
        CheckinScan.objects.filter(pk=scan.pk).update(member=member, counted=bool(n))
    return {
        "checked_in": n,
        "member": member.pk,
        "name": member.full_name,
        "already": not n,
        "replayed": False,
    }


class RowErrors(ValidationError):
    """A list recorded in bulk was refused: (row number, the value, the message) for each
    row at fault; nothing was recorded."""

    def __init__(self, rows: list[tuple[int, str, str]]):
        self.rows = rows
        super().__init__(
            [
                _("Row %(row)d (%(value)s): %(message)s") % {"row": r, "value": v, "message": m}
                for r, v, m in rows
            ]
        )


@atomic
def participations_record(
    *,
    actor,
    activity: Activity,
    codes: list[str] | None = None,
    rows: list[tuple[int, str]] | None = None,
    source: str = Participation.Source.LIST,
    within: list[str] | None = None,
) -> int:
    """Record the participation of a list of members by their member codes: `codes` (one a
    line, as typed) or `rows` ((row number, code), read from a file); for the committee of a
    unit the activity is offered to, only members of its subtree (`within`). All or nothing:
    every row at fault is reported. Returns how many were recorded now (those already recorded
    count 0)."""
    activity = Activity.objects.get(pk=activity.pk)
    _open(activity)
    if rows is None:
        rows = [(i, c) for i, c in enumerate(codes or [], start=1) if (c or "").strip()]
    rows = [(i, (c or "").strip()) for i, c in rows]
    if not rows:
        raise ValidationError({"members": _("Give at least one member.")})
    wanted = {c.upper() for _i, c in rows}
    found = {
        m.member_code.upper(): m
        for m in Member.objects.filter(
            member_code__in=wanted | {c for _i, c in rows}
        ).select_related("branch")
    }
    outside = {m.pk for m in _not_offered(activity, list(found.values()))}
    others = {m.pk for m in _outside(list(found.values()), within)}
    errors = []
    for i, code in rows:
        member = found.get(code.upper())
        if not code:
            errors.append((i, "", _("the member code is missing.")))
        elif member is None:
            errors.append((i, code, _("no member has this code.")))
        elif member.pk in outside:
            errors.append(
                (
                    i,
                    code,
                    _("the activity is not offered to %(name)s's branch.")
                    % {"name": member.full_name},
                )
            )
        elif member.pk in others:
            errors.append(
                (
                    i,
                    code,
                    _("%(name)s is not a member of %(units)s.")
                    % {"name": member.full_name, "units": _within_names(within or [])},
                )
            )
    if errors:
        raise RowErrors(errors)
    members = [found[c.upper()] for _i, c in rows]
    return _attend(actor=actor, activity=activity, members=members, source=source)


def _registration_item(registration, criterion_id):
    item = registration.items.select_related("criterion").filter(criterion_id=criterion_id).first()
    if item is None:
        raise ValidationError({"criterion": _("Choose a criterion of this registration.")})
    return item


def _link_faults(registration, item, activity: Activity, member: Member) -> list[str]:
    """Why the activity may not be linked to the registration's item (none: it may): it must
    be offered to the member's branch (or he took part in it), of the registration's year, not
    cancelled, and serve the criterion's content area when it names areas."""
    faults = []
    took_part = Participation.objects.filter(activity=activity, member=member).exists()
    if not took_part and not is_offered(activity, member.branch):
        faults.append(_("This activity is not offered to your branch."))
    if activity.year != registration.year:
        faults.append(_("Choose an activity of the registration's year."))
    areas = {a.code for a in activity.areas.all()}
    if areas and item.criterion.area_code not in areas:
        faults.append(_("This activity does not serve the criterion's content area."))
    if activity.cancelled_at:
        faults.append(_("This activity was cancelled."))
    return faults


@atomic
def criterion_link(*, actor, registration, criterion_id: int, activity: Activity) -> CriterionLink:
    """Link a criterion of the member's registration to an activity that serves it: one
    offered to his branch (or that he took part in), of the registration's year, serving the
    criterion's content area when it names areas."""
    check_unlocked(registration.branch, registration.year)
    item = _registration_item(registration, criterion_id)
    member = registration.member
    errors = _link_faults(registration, item, activity, member)
    if errors:
        raise ValidationError({"activity": errors})
    link, _created = CriterionLink.objects.get_or_create(
        registration=registration,
        criterion_id=criterion_id,
        activity=activity,
        defaults={"created_by": _user(actor)},
    )
    audit.record(
        actor=actor,
        action="activity.criterion_linked",
        target=activity,
        unit_path=member.unit_path,
        summary=activity.title,
        changes={"criterion": [None, criterion_id], "member": [None, member.pk]},
    )
    return link


@atomic
def criterion_unlink(*, actor, link: CriterionLink) -> None:
    registration = link.registration
    check_unlocked(registration.branch, registration.year)
    link.delete()
    audit.record(
        actor=actor,
        action="activity.criterion_unlinked",
        target=registration,
        unit_path=registration.unit_path,
        summary=str(registration.member),
        changes={"criterion": [link.criterion_id, None], "activity": [link.activity_id, None]},
    )


def _ids(values) -> tuple[list[int], list[str]]:
    """The whole numbers among `values`, and the values that are not."""
    ids, bad = [], []
    for v in values or []:
        text = str(v).strip()
        if text.isdigit():
            ids.append(int(text))
        elif text:
            bad.append(text)
    return sorted(set(ids)), bad


def _links_write(*, actor, registration, criterion_id: int, activities: list[Activity]) -> bool:
    """Make the criterion's links these activities; whether anything changed (audited)."""
    before = set(
        CriterionLink.objects.filter(
            registration=registration, criterion_id=criterion_id
        ).values_list("activity_id", flat=True)
    )
    after = {a.pk for a in activities}
    if before == after:
        return False
    CriterionLink.objects.filter(
        registration=registration, criterion_id=criterion_id, activity_id__in=before - after
    ).delete()
    CriterionLink.objects.bulk_create(
        [
            CriterionLink(
                registration=registration,
                criterion_id=criterion_id,
                activity=a,
                created_by=_user(actor),
            )
            for a in activities
            if a.pk not in before
        ],
        ignore_conflicts=True,
    )
    audit.record(
        actor=actor,
        action="activity.criterion_links_set",
        target=registration,
        unit_path=registration.unit_path,
        summary=str(registration.member),
        changes={
            "criterion": [criterion_id, criterion_id],
            "activities": [sorted(before), sorted(after)],
        },
    )
    return True


def _clean_links(registration, item, values, *, field: str) -> list[Activity]:
    """The activities named by `values` (ids), each one the member may link to the item; else
    ValidationError naming every id at fault under `field`."""
    ids, bad = _ids(values)
    member = registration.member
    found = {
        a.pk: a
        for a in Activity.objects.filter(pk__in=ids)
        .prefetch_related("areas")
        .select_related("kind")
    }
    errors = [_("“%(value)s” is not an activity id.") % {"value": v} for v in bad]
    for pk in ids:
        activity = found.get(pk)
        hidden = activity is None or (
            not is_offered(activity, member.branch)
            and not Participation.objects.filter(activity=activity, member=member).exists()
        )
        faults = [] if hidden else _link_faults(registration, item, activity, member)
        if hidden:
            # An activity the member cannot see is not named (nor told apart from none).
            errors.append(
                _("No activity %(id)d is offered to %(name)s's branch.")
                % {"id": pk, "name": member.full_name}
            )
        elif faults:
            errors.append(
                _("Activity %(id)d (%(title)s): %(faults)s")
                % {"id": pk, "title": activity.title, "faults": " ".join(faults)}
            )
    if errors:
        raise ValidationError({field: errors}, code="bad_ids")
    return [found[pk] for pk in ids]


@atomic
def criterion_links_set(
    *, actor, registration: Registration, criterion_id: int, activity_ids: Iterable
) -> list[CriterionLink]:
    """The activities linked to a criterion of the member's registration become these (an empty
    list takes every link away). Each must be one he may link (offered to his branch or taken
    part in, of the year, serving the criterion's area, not cancelled); all or nothing, every
    id at fault named. Refused (code `locked`) once the branch's results of the year are
    submitted."""
    registration = Registration.objects.select_related("member__branch", "branch").get(
        pk=registration.pk
    )
    check_unlocked(registration.branch, registration.year)
    item = _registration_item(registration, criterion_id)
    activities = _clean_links(registration, item, activity_ids, field="activities")
    _links_write(
        actor=actor, registration=registration, criterion_id=criterion_id, activities=activities
    )
    return list(
        CriterionLink.objects.filter(registration=registration, criterion_id=criterion_id)
        .select_related("activity")
        .order_by("activity__starts_at", "pk")
    )


@atomic
def registration_save_linked(
    *,
    actor,
    member: Member,
    year: int,
    items: list[dict[str, Any]],
    by_branch: bool = False,
    links: dict[int, list] | None = None,
) -> Registration:
    """The registration page's save: the registration's criteria (training's registration_save)
    and, for each criterion chosen, the activities that serve it (`links`: criterion id → the
    activity ids ticked), in one transaction. The links of criteria no longer chosen go.
    A fault of a link is reported as `activities[<criterion id>]` and nothing is saved."""
    registration = registration_save(
        actor=actor, member=member, year=year, items=items, by_branch=by_branch
    )
    registration = Registration.objects.select_related("member__branch", "branch").get(
        pk=registration.pk
    )
    chosen = {i.criterion_id: i for i in registration.items.select_related("criterion")}
    stale = CriterionLink.objects.filter(registration=registration).exclude(
        criterion_id__in=list(chosen)
    )
    if stale.exists():
        stale.delete()
    errors: dict[str, list] = {}
    clean: dict[int, list[Activity]] = {}
    for criterion_id, values in (links or {}).items():
        item = chosen.get(criterion_id)
        if item is None:
            continue
        try:
            clean[criterion_id] = _clean_links(
                registration, item, values, field=f"activities[{criterion_id}]"
            )
        except ValidationError as e:
            errors.update(e.message_dict)
    if errors:
        raise ValidationError(errors)
    for criterion_id, activities in clean.items():
        _links_write(
            actor=actor,
            registration=registration,
            criterion_id=criterion_id,
            activities=activities,
        )
    return registration


# --- Campaigns ---------------------------------------------------------------------------------


def _day(data: dict, name: str, errors: dict):
    raw = data.get(name)
    try:
        value = parse_date(raw)
    except ValueError:
        errors[name] = _("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": raw}
        return None
    if value is None:
        errors[name] = _("Give the date.")
    return value


def clean_campaign(data: dict[str, Any], *, unit: Unit) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "title": _text(data, "title", errors, limit=200, required=True),
        "description": _text(data, "description", errors, limit=4000),
        "starts_on": _day(data, "starts_on", errors),
        "ends_on": _day(data, "ends_on", errors),
    }
    starts, ends = clean["starts_on"], clean["ends_on"]
    if starts and ends and ends < starts:
        errors["ends_on"] = _("The end comes before the start.")
    if starts and not 2000 <= starts.year <= 2100:
        errors["starts_on"] = _("Give a year between 2000 and 2100.")
    if errors:
        raise ValidationError(errors)
    clean["year"] = activity_year(starts, unit)
    return clean


@atomic
def campaign_create(*, actor, unit: Unit, data: dict[str, Any]) -> Campaign:
    """A unit launches a campaign for its subtree: the unit and the units under it publish
    activities inside it."""
    unit = Unit.objects.get(pk=unit.pk)
    clean = clean_campaign(data, unit=unit)
    campaign = Campaign.objects.create(
        unit=unit, unit_path=unit.path, created_by=_user(actor), **clean
    )
    audit.record(
        actor=actor,
        action="campaign.created",
        target=campaign,
        unit_path=unit.path,
        summary=campaign.title,
    )
    return campaign


def _campaign_now(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "description": campaign.description,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
    }


@atomic
def campaign_update(*, actor, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    """Change a campaign (the fields given; the others stay): its title, description and dates.
    Its activities (not cancelled) must still start within its dates: those that would not are
    named and nothing changes."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = _campaign_now(campaign)
    given = {k: v for k, v in data.items() if k in before}
    clean = clean_campaign({**before, **given}, unit=campaign.unit)
    outside = list(
        Activity.objects.filter(campaign=campaign, cancelled_at=None)
        .exclude(
            starts_at__date__gte=clean["starts_on"],
            starts_at__date__lte=clean["ends_on"],
        )
        .order_by("starts_at", "pk")[:6]
    )
    if outside:
        raise ValidationError(
            {
                "starts_on": _(
                    "These activities of the campaign would start outside its dates: "
                    "%(titles)s. Change their dates or take them out of the campaign first."
                )
                % {
                    "titles": ", ".join(
                        f"{a.title} ({timezone.localtime(a.starts_at):%d/%m/%Y})" for a in outside
                    )
                }
            }
        )
    for name, value in clean.items():
        setattr(campaign, name, value)
    campaign.save()
    after = _campaign_now(campaign)
    changes = {k: [str(before[k]), str(after[k])] for k in before if before[k] != after[k]}
    if changes:
        audit.record(
            actor=actor,
            action="campaign.updated",
            target=campaign,
            unit_path=campaign.unit_path,
            summary=campaign.title,
            changes=changes,
        )
    return campaign

"""Writes of the "1+1" programme (seed 003): youth records, groups, referrals and their steps.
Each write is atomic, counts again what it moves (rollup.recount, in its transaction) and
writes its audit event, which names a youth by record id only: never his name or contact, so
that an erasure leaves the trail intact and free of personal data."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.dates import parse_date
from doanvien.core.text import fold, normalize, text_fault
from doanvien.core.transactions import atomic
from doanvien.members.models import AdmissionRequest, Member, Membership, Status
from doanvien.training.counting import spans_on
from doanvien.units.models import Level, Unit

from . import rollup
from .models import (
    Group,
    Referral,
    ReferralSettings,
    ReferralStep,
    ReportExtension,
    ReportSent,
    ReviewNote,
    Situation,
    Survey,
    Youth,
    YouthSex,
)
from .workflow import ADMISSION_STEP, DATE_OF_STEP, HAND_STEPS, next_state

S = Referral.State


def settings_for(unit: Unit) -> ReferralSettings:
    """The programme's parameters for the unit: the nearest ancestor's row, else the defaults."""
    rows = ReferralSettings.objects.filter(unit__path__in=unit.ancestor_paths())
    found = max(rows.select_related("unit"), key=lambda r: r.unit.depth, default=None)
    return found or ReferralSettings()


def _text(data: dict, name: str, errors: dict, *, limit: int, required: bool = False) -> str:
    value = normalize(str(data.get(name) or ""))
    if fault := text_fault(value):
        errors[name] = fault
    elif required and not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("At most %(n)d characters.") % {"n": limit}
    return value


def _date(data: dict, name: str, errors: dict, *, today: date, required: bool = False):
    try:
        value = parse_date(data.get(name))
    except ValueError:
        errors[name] = _("“%(value)s” is not a date in dd/mm/yyyy form.") % {
            "value": data.get(name)
        }
        return None
    if value is None and required:
        errors[name] = _("Give the date.")
    elif value is not None and value > today:
        errors[name] = _("The date cannot be in the future.")
    return value


def _choice(data: dict, name: str, choices, errors: dict) -> str:
    value = str(data.get(name) or "")
    if value and value not in choices.values:
        errors[name] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}
    return value


def near(unit: Unit, other_path: str) -> bool:
    """A group or youth of `other_path` may go with `unit`: the same line of the tree."""
    return unit.path.startswith(other_path) or other_path.startswith(unit.path)


# --- Youths -----------------------------------------------------------------------------------


def clean_youth(data: dict[str, Any], *, unit: Unit, today: date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "full_name": _text(data, "full_name", errors, limit=120, required=True),
        "phone": _text(data, "phone", errors, limit=60),
        "place": _text(data, "place", errors, limit=200),
        "notes": _text(data, "notes", errors, limit=2000),
        "sex": _choice(data, "sex", YouthSex, errors),
        "situation": _choice(data, "situation", Situation, errors),
        "date_of_birth": _date(data, "date_of_birth", errors, today=today),
        "federation_joined_on": _date(data, "federation_joined_on", errors, today=today),
    }
    born = clean["date_of_birth"]
    if born and born < date(today.year - 40, 1, 1):
        errors["date_of_birth"] = _("A youth is at most 40 years old: check the date of birth.")
    group = data.get("group")
    if group not in (None, ""):
        found = Group.objects.filter(pk=group if str(group).isdigit() else 0).first()
        if found is None or not near(unit, found.unit_path):
            errors["group"] = _("Choose a group of this unit or of a unit above it.")
        clean["group"] = found
    if errors:
        raise ValidationError(errors)
    return clean


@atomic
def youth_create(*, actor, unit: Unit, data: dict[str, Any], today: date | None = None) -> Youth:
    """A youth record in the unit's area (seed 003 Bước 1). Only what the programme needs: no ID
    number is collected."""
    today = today or timezone.localdate()
    unit = Unit.objects.get(pk=unit.pk)
    clean = clean_youth(data, unit=unit, today=today)
    youth = Youth.objects.create(
        unit=unit, unit_path=unit.path, name_folded=fold(clean["full_name"]), **clean
    )
    audit.record(
        actor=actor,
        action="youth.created",
        target=youth,
        unit_path=unit.path,
        summary=_("Youth record #%(id)s created") % {"id": youth.pk},
    )
    return youth


def _erasable(youth: Youth) -> None:
    if youth.member_id or youth.referrals.filter(state=S.ADMITTED).exists():
        raise ValidationError(
            _("This youth was admitted: his record is now the member's history and is kept."),
            code="illegal_transition",
        )


@atomic
def youth_erase(*, actor, youth: Youth, reason: str = "") -> Youth:
    """Erase a youth record that led to no admission (on request, or after the retention
    period): his personal data are blanked, the notes of his referrals' steps too; the record
    and its referrals stay, without a name, so the counts of every year stay as they were."""
    youth = Youth.objects.select_for_update().get(pk=youth.pk)
    if youth.erased_at:
        return youth
    _erasable(youth)
    Youth.objects.filter(pk=youth.pk).update(
        full_name="",
        name_folded="",
        date_of_birth=None,
        sex="",
        phone="",
        place="",
        notes="",
        erased_at=timezone.now(),
    )
    ReferralStep.objects.filter(referral__youth=youth).update(note="")
    # What the trail kept of his record's values (its events name no one: core/audit.py).
    audit.forget_person("youth", youth.pk)
    audit.record(
        actor=actor,
        action="youth.erased",
        target=youth,
        unit_path=youth.unit_path,
        summary=_("Youth record #%(id)s erased") % {"id": youth.pk}
        + (f" ({reason[:100]})" if reason else ""),
    )
    youth.refresh_from_db()
    return youth


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def youths_erase_expired(*, today: date | None = None, limit: int = 1000) -> int:
    """The daily job: erase the records that led to no admission and saw nothing (no record
    made, no step of a referral) for the retention period of their unit (data, default 3
    years; issue 18). The candidates are found in SQL with the shortest period in use, then
    each is checked against his own unit's; each erasure is its own transaction."""
    today = today or timezone.localdate()
    shortest = min(
        [ReferralSettings().retention_years]
        + list(ReferralSettings.objects.values_list("retention_years", flat=True)),
    )
    cutoff = _years_before(today, shortest)
    candidates = (
        Youth.objects.filter(erased_at=None, member=None, created_at__date__lte=cutoff)
        .exclude(referrals__state=S.ADMITTED)
        .exclude(referrals__steps__on__gt=cutoff)
        .select_related("unit")
        .order_by("pk")
    )
    erased = 0
    for youth in candidates[: limit * 2]:
        own_cutoff = _years_before(today, settings_for(youth.unit).retention_years)
        last = youth.referrals.aggregate(last=Max("steps__on"))["last"]
        if timezone.localdate(youth.created_at) <= own_cutoff and (
            last is None or last <= own_cutoff
        ):
            youth_erase(actor=None, youth=youth, reason=_("retention period over"))
            erased += 1
            if erased >= limit:
                break
    return erased


# --- Groups -----------------------------------------------------------------------------------


def clean_group(data: dict[str, Any], *, today: date) -> dict[str, Any]:
    """A group's fields checked (name, kind, contact person, the day it was attached)."""
    errors: dict[str, str] = {}
    clean = {
        "name": _text(data, "name", errors, limit=200, required=True),
        "contact": _text(data, "contact", errors, limit=200),
        "kind": _choice(data, "kind", Group.Kind, errors) or Group.Kind.GROUP,
        "attached_on": _date(data, "attached_on", errors, today=today),
    }
    if errors:
        raise ValidationError(errors)
    return clean


@atomic
def group_create(*, actor, unit: Unit, data: dict[str, Any], today: date | None = None) -> Group:
    """A club, team or group found in the unit's area (seed 003 Bước 1), attached to the
    Union's activities from `attached_on` if given."""
    today = today or timezone.localdate()
    unit = Unit.objects.get(pk=unit.pk)
    group = Group.objects.create(**clean_group(data, today=today), unit=unit, unit_path=unit.path)
    if group.attached_on:
        rollup.recount([unit.pk], range(group.attached_on.year, today.year + 1))
    audit.record(
        actor=actor,
        action="youth_group.created",
        target=group,
        unit_path=unit.path,
        summary=group.name,
    )
    return group


@atomic
def youths_delete_imported(*, youths: list[int], groups: list[int], today: date) -> None:
    """The youths and groups an import recorded, deleted: the import could not be finished
    (youth/imports.py: undo_chunk). The groups' units are counted again in the years they were
    attached in. A youth someone referred meanwhile is kept (his referral names him)."""
    Youth.objects.filter(pk__in=youths, referrals__isnull=True).delete()
    found = list(Group.objects.filter(pk__in=groups))
    Group.objects.filter(pk__in=groups).delete()
    for group in found:
        if group.attached_on:
            rollup.recount([group.unit_id], range(group.attached_on.year, today.year + 1))


# --- Referrals --------------------------------------------------------------------------------


def _step(referral: Referral, step: str, on: date, note: str, actor) -> None:
    ReferralStep.objects.create(
        referral=referral,
        step=step,
        on=on,
        note=note,
        by=actor if getattr(actor, "pk", None) else None,
    )


def _audit(actor, referral: Referral, step: str, before: str) -> None:
    audit.record(
        actor=actor,
        action=f"referral.{step}",
        target=referral,
        unit_path=referral.unit_path,
        summary=_("Referral #%(id)s of youth #%(youth)s: %(state)s")
        % {"id": referral.pk, "youth": referral.youth_id, "state": referral.get_state_display()},
        changes={"state": [before, referral.state]} if before != referral.state else {},
    )


@atomic
def referral_create(
    *,
    actor,
    member: Member | None,
    youth: Youth | None = None,
    youth_data: dict[str, Any] | None = None,
    branch: Unit | None = None,
    collective: str = "",
    on=None,
    note: str = "",
    today: date | None = None,
) -> Referral:
    """A member (or a collective, naming the branch that follows the youth) introduces a youth:
    an existing record, or one made from `youth_data` in the member's branch."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if member is not None:
        member = Member.objects.select_related("branch").get(pk=member.pk)
        if member.status != Status.ACTIVE:
            errors["member"] = _("Only an active member introduces a youth.")
        branch = member.branch
    else:
        collective = _text({"collective": collective}, "collective", errors, limit=200)
        if not collective:
            errors["collective"] = _("Name the member or the collective who introduces him.")
    if branch is None or not branch.is_branch:
        errors["branch"] = _("Members belong to a branch; choose a branch.")
        raise ValidationError(errors)
    introduced_on = _date({"on": on or today}, "on", errors, today=today, required=True)
    note = _text({"note": note}, "note", errors, limit=2000)
    if youth is None and youth_data is None:
        errors["youth"] = _("Choose the youth, or give his record.")
    if youth is not None:
        youth = Youth.objects.select_for_update().get(pk=youth.pk)
        if youth.erased_at or youth.member_id:
            errors["youth"] = _("This youth record can no longer be introduced.")
        elif not near(branch, youth.unit_path):
            errors["youth"] = _("This youth is not in the branch's area.")
        elif youth.referrals.exclude(state=S.DROPPED).exists():
            errors["youth"] = _("This youth is already being followed by a referral.")
    if errors:
        raise ValidationError(errors)
    if youth is None:
        youth = youth_create(actor=actor, unit=branch, data=youth_data or {}, today=today)
    referral = Referral.objects.create(
        youth=youth,
        member=member,
        collective=collective if member is None else "",
        branch=branch,
        unit_path=branch.path,
        introduced_on=introduced_on,
    )
    if youth.federation_joined_on and youth.federation_joined_on >= introduced_on:
        referral.federation_on = youth.federation_joined_on
        referral.save(update_fields=["federation_on"])
    _step(referral, S.INTRODUCED, introduced_on, note, actor)
    rollup.recount([branch.pk], rollup.years_of(Referral.objects.filter(pk=referral.pk)))
    _audit(actor, referral, "introduced", "")
    return referral


def _illegal(referral: Referral, step: str) -> ValidationError:
    return ValidationError(
        _("Cannot record “%(step)s”: the referral is “%(state)s”.")
        % {"step": step, "state": referral.get_state_display()},
        code="illegal_transition",
    )


def _move(*, actor, referral: Referral, step: str, on: date, note: str) -> Referral:
    """Apply the step (the caller holds the referral's lock and checked the date)."""
    after = next_state(referral.state, step)
    if after is None or (step == "joined_federation" and referral.federation_on):
        raise _illegal(referral, step)
    # The steps of the chain are in date order (the Federation is a fact beside it).
    chain = referral.steps.exclude(step="joined_federation")
    last = chain.order_by("-on").values_list("on", flat=True).first()
    if last and on < last and step not in ("joined_federation", ADMISSION_STEP):
        raise ValidationError({"on": _("The date cannot be before the previous step.")})
    before = referral.state
    years = rollup.years_of(Referral.objects.filter(pk=referral.pk))
    setattr(referral, DATE_OF_STEP[step], on)
    referral.state = after
    referral.save()
    if step == "joined_federation":
        Youth.objects.filter(pk=referral.youth_id, federation_joined_on=None).update(
            federation_joined_on=on
        )
    _step(referral, step, on, note, actor)
    years |= rollup.years_of(Referral.objects.filter(pk=referral.pk))
    rollup.recount([referral.branch_id], years)
    _audit(actor, referral, step, before)
    return referral


@atomic
def referral_progress(
    *, actor, referral: Referral, step: str, on, note: str = "", today: date | None = None
) -> Referral:
    """The branch committee records a step: taking part, joined the Federation (a dated fact:
    the state stays), proposed for admission, or dropped (its note is the reason). "Admitted"
    comes only from the admission's approval: asked for by hand, it is refused."""
    today = today or timezone.localdate()
    referral = Referral.objects.select_for_update().select_related("branch").get(pk=referral.pk)
    if step not in HAND_STEPS:
        raise _illegal(referral, str(step))
    errors: dict[str, str] = {}
    on = _date({"on": on}, "on", errors, today=today, required=True)
    note = _text({"note": note}, "note", errors, limit=2000)
    if step == "dropped" and not note:
        errors["note"] = _("Give the reason for dropping the referral.")
    if on and on < referral.introduced_on:
        errors["on"] = _("The date cannot be before the introduction.")
    if errors:
        if next_state(referral.state, step) is None:
            raise _illegal(referral, step)
        raise ValidationError(errors)
    return _move(actor=actor, referral=referral, step=step, on=on, note=note)


def referral_for_admission(*, youth: Youth, introducer: Member | None) -> Referral:
    """The open referral of the youth that an admission proposal names (by the member who
    introduced him, when one is named): refused when there is none."""
    referrals = Referral.objects.filter(youth=youth, state__in=[S.TAKING_PART, S.PROPOSED])
    if introducer is not None:
        referrals = referrals.filter(member=introducer)
    found = referrals.order_by("-pk").first()
    if found is None:
        raise ValidationError(
            {
                "youth": _(
                    "No referral of this youth is taking part or proposed"
                    " (by the member named as introducer)."
                )
            }
        )
    return found


@atomic
def referral_proposed(*, actor, referral: Referral, admission: AdmissionRequest) -> Referral:
    """An admission proposal names the referral's youth: the referral is linked to it, and moves
    to "proposed" (dated the proposal's day) if it was taking part."""
    referral = Referral.objects.select_for_update().select_related("branch").get(pk=referral.pk)
    if referral.state == S.TAKING_PART:
        referral = _move(
            actor=actor,
            referral=referral,
            step="proposed",
            on=timezone.localdate(admission.proposed_at),
            note=_("Admission proposed"),
        )
    Referral.objects.filter(pk=referral.pk).update(admission=admission)
    referral.admission = admission
    return referral


@atomic
def referrals_admitted(*, actor, admission: AdmissionRequest) -> list[Referral]:
    """The admission was approved: the referrals linked to it become "admitted" on the
    resolution date, and the youth record becomes the new member's history."""
    done = []
    linked = Referral.objects.select_for_update().filter(admission=admission, state=S.PROPOSED)
    for referral in linked.select_related("branch").order_by("pk"):
        referral = _move(
            actor=actor,
            referral=referral,
            step=ADMISSION_STEP,
            on=admission.resolution_date,
            note=_("Admission approved: resolution %(number)s")
            % {"number": admission.resolution_no},
        )
        Youth.objects.filter(pk=referral.youth_id).update(member=admission.member)
        done.append(referral)
    return done


@atomic
def referrals_follow(*, member: Member, branch: Unit) -> int:
    """The member moved to `branch`: his open referrals follow him (the new branch follows the
    youths); both branches are counted again in the years of those referrals."""
    moving = (
        Referral.objects.select_for_update()
        .filter(member=member, state__in=[S.INTRODUCED, S.TAKING_PART, S.PROPOSED])
        .exclude(branch=branch)
    )
    old = set(moving.values_list("branch_id", flat=True))
    if not old:
        return 0
    years = rollup.years_of(moving)
    ids = list(moving.values_list("pk", flat=True))
    Referral.objects.filter(pk__in=ids).update(branch=branch, unit_path=branch.path)
    rollup.recount([*old, branch.pk], years)
    return len(ids)


# --- The yearly report: sent, and extensions ----------------------------------------------------


def level_name(code: str) -> str:
    """A level's name (units.Level) for the messages, its code where no level has it."""
    return Level.objects.filter(code=code).values_list("name", flat=True).first() or code


def sends_report(unit: Unit, found: ReferralSettings | None = None) -> bool:
    """Whether the unit sends the yearly "1+1" report to the level above: its level is the
    reporting level of the nearest settings above it (data, default the base unions: seed 003
    §4.2 "Cơ sở Đoàn trực thuộc … báo cáo kết quả … gửi về Ban Thường vụ Quận Đoàn")."""
    return unit.level.code == (found or settings_for(unit)).report_level


def _not_reporting(found: ReferralSettings) -> str:
    return _(
        "Only a unit of the reporting level (%(level)s) sends the yearly “1+1” report to the"
        " level above."
    ) % {"level": level_name(found.report_level)}


def holds_reviews(unit: Unit) -> bool:
    """Whether the unit holds the six-monthly review (the levels of the nearest settings above
    it: data, default the base unions and the districts, seed 003 Bước 4)."""
    return unit.level.code in settings_for(unit).review_level_codes


@atomic
def report_send(*, actor, unit: Unit, year: int, today: date | None = None) -> ReportSent:
    """The unit sends its yearly "1+1" report to the level above (seed 003 §4.2). Only a unit of
    the reporting level (nearest settings above it) sends one, once a year, not before the
    year has begun; sending it again is refused with the code "already_sent"."""
    today = today or timezone.localdate()
    unit = Unit.objects.select_related("level").get(pk=unit.pk)
    found = settings_for(unit)
    if not sends_report(unit, found):
        raise ValidationError(_not_reporting(found))
    if year > today.year:
        raise ValidationError(_("The report of a year to come cannot be sent."))
    sent, created = ReportSent.objects.get_or_create(
        unit=unit,
        year=year,
        defaults={"sent_on": today, "by": actor if getattr(actor, "pk", None) else None},
    )
    if not created:
        raise ValidationError(
            _("The report of %(year)s was already sent on %(on)s.")
            % {"year": year, "on": sent.sent_on.strftime("%d/%m/%Y")},
            code="already_sent",
        )
    audit.record(
        actor=actor,
        action="referral_report.sent",
        target=unit,
        unit_path=unit.path,
        summary=_("“1+1” report %(year)s sent") % {"year": year},
    )
    return sent


@atomic
def report_extend(
    *,
    actor,
    above: Unit,
    code: str,
    year: int,
    extended_to,
    reason: str = "",
    today: date | None = None,
) -> ReportExtension:
    """A unit above grants a unit of the reporting level under it (the nearest settings above
    that unit) more time for the year's report: its deadline becomes `extended_to` (a later
    extension replaces an earlier one). A unit that has sent its report is refused with the
    code "already_sent"."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    code = normalize(str(code or "")).upper()
    unit = (
        Unit.objects.select_related("level")
        .filter(code__iexact=code, path__startswith=above.path)
        .exclude(pk=above.pk)
        .first()
    )
    if unit is None:
        errors["code"] = _("No unit of this code under %(unit)s.") % {"unit": above.name}
    elif not sends_report(unit, found := settings_for(unit)):
        errors["code"] = _not_reporting(found)
    try:
        on = parse_date(extended_to)
    except ValueError:
        on = None
        errors["extended_to"] = _("“%(value)s” is not a date in dd/mm/yyyy form.") % {
            "value": extended_to
        }
    else:
        if on is None:
            errors["extended_to"] = _("Give the date.")
        elif on < today or on.year not in (year, year + 1):
            errors["extended_to"] = _(
                "The new deadline is today or later, in the report's year or the next."
            )
    reason = _text({"reason": reason}, "reason", errors, limit=300)
    if errors:
        raise ValidationError(errors)
    if ReportSent.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(_("This unit has already sent its report."), code="already_sent")
    extension, _created = ReportExtension.objects.update_or_create(
        unit=unit,
        year=year,
        defaults={
            "extended_to": on,
            "reason": reason,
            "by": actor if getattr(actor, "pk", None) else None,
        },
    )
    audit.record(
        actor=actor,
        action="referral_report.extended",
        target=unit,
        unit_path=unit.path,
        summary=_("“1+1” report %(year)s: deadline extended to %(on)s")
        % {"year": year, "on": on.strftime("%d/%m/%Y")},
    )
    return extension


# --- Surveys ------------------------------------------------------------------------------------

SURVEY_COUNTS = (
    "age_16_18",
    "age_19_24",
    "age_25_30",
    "studying",
    "working",
    "neither",
    "federation_members",
    "groups_found",
)
# More young people than any area has: a typing error.
SURVEY_MAX = 1_000_000


def members_on(branch: Unit, day: date) -> int:
    """The branch's members on the day (their membership spans cover it): what a survey's
    count of Union members is prefilled with."""
    spans = Membership.objects.filter(spans_on(day), branch=branch)
    return spans.values("member_id").distinct().count()


def _count(raw, name: str, errors: dict) -> int:
    try:
        value = int(str(raw).strip() or 0) if raw is not None else 0
    except ValueError:
        errors[name] = _("Write a whole number.")
        return 0
    if not 0 <= value <= SURVEY_MAX:
        errors[name] = _("Write a number from 0 to %(max)s.") % {"max": SURVEY_MAX}
    return value


@atomic
def survey_save(
    *, actor, unit: Unit, year: int, data: dict[str, Any], today: date | None = None
) -> Survey:
    """A branch records (or corrects) its survey of the area for a year (seed 003 Bước 1): the
    youths counted by age band and, the same youths, by situation; the Union members among
    them (`members`: when not given, the branch's members on the survey's day); the Federation
    members among them; the groups found. Its totals are counted again in the roll-ups of the
    year: only the members of the branches that surveyed enter the youth-gathering rate."""
    today = today or timezone.localdate()
    unit = Unit.objects.get(pk=unit.pk)
    errors: dict[str, str] = {}
    if not unit.is_branch:
        raise ValidationError(_("A branch records the survey of its area."))
    if not 2000 <= year <= today.year:
        raise ValidationError(_("A survey is of this year or of a year before."))
    counts = {name: _count(data.get(name), name, errors) for name in SURVEY_COUNTS}
    surveyed_on = _date(data, "surveyed_on", errors, today=today, required=True)
    if surveyed_on and surveyed_on.year != year:
        errors["surveyed_on"] = _("The survey's date falls in its year.")
    notes = _text(data, "notes", errors, limit=2000)
    prefilled = data.get("members") is None or str(data.get("members")).strip() == ""
    if prefilled:
        members = members_on(unit, surveyed_on or today) if not errors else 0
    else:
        members = _count(data.get("members"), "members", errors)
    if not errors:
        by_age = counts["age_16_18"] + counts["age_19_24"] + counts["age_25_30"]
        by_situation = counts["studying"] + counts["working"] + counts["neither"]
        if by_age != by_situation:
            errors["neither"] = _(
                "The youths by situation (%(situation)s) are the same youths as by age band"
                " (%(age)s): the totals must be equal."
            ) % {"situation": by_situation, "age": by_age}
        elif counts["federation_members"] > by_age:
            errors["federation_members"] = _(
                "The Federation members are among the youths counted: at most %(n)s."
            ) % {"n": by_age}
        if members > by_age and prefilled:
            errors["members"] = _(
                "The branch had %(members)s members on the survey's day, more than the %(n)s"
                " youths counted: count them among the youths, or give the members counted."
            ) % {"members": members, "n": by_age}
        elif members > by_age:
            errors["members"] = _(
                "The Union members are among the youths counted: at most %(n)s."
            ) % {"n": by_age}
    if errors:
        raise ValidationError(errors)
    survey, created = Survey.objects.update_or_create(
        unit=unit,
        year=year,
        defaults={
            **counts,
            "members": members,
            "unit_path": unit.path,
            "surveyed_on": surveyed_on,
            "notes": notes,
            "by": actor if getattr(actor, "pk", None) else None,
        },
    )
    rollup.recount([unit.pk], [year])
    audit.record(
        actor=actor,
        action="youth_survey.saved",
        target=survey,
        unit_path=unit.path,
        summary=_("Youth survey %(year)s: %(n)s youths counted")
        % {"year": year, "n": survey.total},
    )
    return survey


# --- Six-monthly reviews --------------------------------------------------------------------------


@atomic
def review_note_add(
    *, actor, unit: Unit, year: int, text: str, on: date | None = None, today: date | None = None
) -> ReviewNote:
    """A note of the six-monthly review at a unit of a reviewing level (the nearest settings
    above it: data, default the base unions and the districts): dated in the year, its half of
    the year taken from the date."""
    today = today or timezone.localdate()
    unit = Unit.objects.select_related("level").get(pk=unit.pk)
    if not holds_reviews(unit):
        levels = sorted(settings_for(unit).review_level_codes)
        raise ValidationError(
            {
                "text": _(
                    "The six-monthly reviews are held by the units of these levels: %(levels)s."
                )
                % {"levels": ", ".join(level_name(c) for c in levels) or "—"}
            }
        )
    errors: dict[str, str] = {}
    text = _text({"text": text}, "text", errors, limit=5000, required=True)
    on = on or min(today, date(year, 12, 31))
    if on.year != year:
        errors["on"] = _("The note's date falls in its year.")
    elif on > today:
        errors["on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    note = ReviewNote.objects.create(
        unit=unit,
        unit_path=unit.path,
        year=year,
        on=on,
        text=text,
        author=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="youth_review.noted",
        target=note,
        unit_path=unit.path,
        summary=text[:200],
    )
    return note

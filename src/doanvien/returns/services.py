"""Writes of returns: typed cells saved (all or nothing), submit (checked, frozen), the unit
above accepting or returning; a unit's own campaign added and closed. Keyword-only, atomic,
audited; the moves are workflow.py's."""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.dates import parse_date
from doanvien.core.text import normalize, text_fault
from doanvien.core.transactions import atomic
from doanvien.core.years import FIRST_YEAR, LAST_YEAR
from doanvien.units.models import Unit

from . import rules, selectors, workflow
from .campaigns import campaign_open, resets_on
from .models import Campaign, FormDefinition, LatePolicy, PeriodDefault, Return

REASON_MAX = 500
# A unit's own survey form: its number in the campaign (after the shared forms 1–9) and size.
SURVEY_NUMBER = 10
SURVEY_MAX_ROWS = 60
SURVEY_MAX_COLUMNS = 20
LABEL_MAX = 200


def _open_campaign(campaign: Campaign) -> None:
    """A closed campaign takes no more figures (409 in the API)."""
    if Campaign.objects.filter(pk=campaign.pk, closed_at__isnull=False).exists():
        raise ValidationError(
            _("This campaign is closed: its returns can no longer be changed."),
            code="campaign_closed",
        )


def _locked(unit: Unit, campaign: Campaign) -> Return | None:
    return Return.objects.select_for_update().filter(campaign=campaign, unit=unit).first()


def _new(unit: Unit, campaign: Campaign) -> Return:
    ret, _created = Return.objects.get_or_create(
        campaign=campaign, unit=unit, defaults={"unit_path": unit.path}
    )
    return Return.objects.select_for_update().get(pk=ret.pk)


@atomic
def typed_save(*, actor, unit: Unit, campaign: Campaign, number: int, cells: list[dict]) -> Return:
    """Save typed cells of one form: each {"row", "col", "value", "reason"?}. A computed or
    unknown cell, text, a negative number, or a figure that differs from the children's sum
    without a reason refuses the whole save (errors by "row:col"); nothing is saved then."""
    _open_campaign(campaign)
    ret = _locked(unit, campaign)
    state = workflow.next_state(ret.state if ret else None, "save")
    form = campaign.forms.filter(number=number).first()
    if form is None:
        raise ValidationError(_("This campaign has no form %(n)s.") % {"n": number}, code="form")
    sums, accepted = selectors.children_sums(unit, campaign)
    form_sums = sums.get(str(number), {})
    errors: dict[str, list[ValidationError]] = {}
    changes: dict[str, tuple[int | None, str]] = {}
    for cell in cells:
        key = f"{cell.get('row')}:{cell.get('col')}"
        spec = form.cells.get(key)
        if spec is None:
            errors[key] = [ValidationError(_("This form has no such cell."), code="no_cell")]
            continue
        if "source" in spec:
            errors[key] = [
                ValidationError(
                    _("This cell is computed from the data and cannot be typed."),
                    code="computed_cell",
                )
            ]
            continue
        try:
            value = rules.parse_figure(cell.get("value"))
        except ValidationError as exc:
            errors[key] = [exc]
            continue
        reason = str(cell.get("reason") or "").strip()[:REASON_MAX]
        if accepted and value is not None and value != form_sums.get(key, 0) and not reason:
            errors[key] = [
                ValidationError(
                    _("The units below reported %(sum)s: give a reason for another figure.")
                    % {"sum": form_sums.get(key, 0)},
                    code="reason_required",
                )
            ]
            continue
        changes[key] = (value, reason)
    if errors:
        raise ValidationError(errors)
    if ret is None:
        ret = _new(unit, campaign)
    own = ret.typed.setdefault(str(number), {})
    why = ret.reasons.setdefault(str(number), {})
    before = {key: own.get(key) for key in changes}
    for key, (value, reason) in changes.items():
        if value is None:
            own.pop(key, None)
            why.pop(key, None)
        else:
            own[key] = value
            if reason:
                why[key] = reason
            else:
                why.pop(key, None)
    ret.state = state
    ret.save(update_fields=["typed", "reasons", "state", "updated_at"])
    audit.record(
        actor=actor,
        action="return.saved",
        target=ret,
        unit_path=unit.path,
        summary=f"{campaign} · {number}",
        changes={key: [before[key], value] for key, (value, _r) in changes.items()},
    )
    return ret


def problems(forms: list[dict]) -> list[str]:
    """What stops a return from being submitted: totals that do not add up and overrides of
    the children's sums without a reason."""
    found = []
    for form in forms:
        for failed in form["failed"]:
            found.append(
                _("Form %(n)s: %(cell)s is %(found)s but its parts add up to %(expected)s.")
                % {"n": form["number"], "cell": _cell_name(form, failed["total"]), **failed}
            )
    for number, cell in selectors.unexplained(forms):
        found.append(
            _("Form %(n)s: %(cell)s differs from the sum of the units below without a reason.")
            % {"n": number, "cell": f"{cell['row']}:{cell['col']}"}
        )
    return found


def _cell_name(form: dict, key: str) -> str:
    row, _sep, col = key.partition(":")
    rows = {r["key"]: r["label"] for r in form["rows"]}
    cols = {c["key"]: c["label"] for c in form["columns"]}
    return f"“{rows.get(row, row)} / {cols.get(col, col)}”"


# The document's fields (the PDF's number, place and signature block): name → longest.
DOCUMENT_FIELDS = {
    "doc_number": 60,
    "doc_place": 60,
    "signer_on_behalf": 100,
    "signer_role": 100,
    "signer_name": 100,
}


def clean_document(document: dict | None) -> dict[str, str]:
    """The document's fields given (others are left as they are), checked: text as the
    product takes it, within its length."""
    clean, errors = {}, {}
    for name, most in DOCUMENT_FIELDS.items():
        if document is None or document.get(name) is None:
            continue
        value = normalize(str(document[name]))
        if len(value) > most:
            errors[name] = _("At most %(n)s characters.") % {"n": most}
        elif text_fault(value):
            errors[name] = text_fault(value)
        clean[name] = value
    if errors:
        raise ValidationError(errors)
    return clean


@atomic
def return_document_set(*, actor, unit: Unit, campaign: Campaign, document: dict) -> Return:
    """The number, place and signer of the return's document (its PDF), in any state: they
    are not figures, so a submitted return takes them too (the office numbers it when it is
    sent). Audited."""
    clean = clean_document(document)
    ret = _locked(unit, campaign) or _new(unit, campaign)
    before = {name: getattr(ret, name) for name in clean}
    for name, value in clean.items():
        setattr(ret, name, value)
    ret.save(update_fields=[*clean, "updated_at"])
    audit.record(
        actor=actor,
        action="return.document_set",
        target=ret,
        unit_path=unit.path,
        summary=f"{campaign} · {ret.doc_number}",
        changes={k: [before[k], v] for k, v in clean.items() if before[k] != v},
    )
    return ret


@atomic
def return_submit(
    *, actor, unit: Unit, campaign: Campaign, now=None, document: dict | None = None
) -> Return:
    """Submit the return: its forms must add up; after the deadline it is marked late or
    refused (the campaign's late policy). The forms are frozen in the snapshot. `document`:
    the number, place and signer of its document (DOCUMENT_FIELDS), kept with it."""
    now = now or timezone.now()
    _open_campaign(campaign)
    clean = clean_document(document)
    ret = _locked(unit, campaign)
    state = workflow.next_state(ret.state if ret else None, "submit")
    late = rules.is_late(campaign.due_on, timezone.localdate(now))
    if late and campaign.late_policy == LatePolicy.REFUSE:
        raise ValidationError(
            _("The deadline (%(due)s) has passed: this campaign takes no late returns.")
            % {"due": campaign.due_on.strftime("%d/%m/%Y")},
            code="deadline",
        )
    forms = selectors.live_forms(unit, campaign, ret, today=timezone.localdate(now))
    found = problems(forms)
    if found:
        raise ValidationError([ValidationError(m, code="does_not_add_up") for m in found])
    if ret is None:
        ret = _new(unit, campaign)
    ret.state = state
    # The figures are those of the campaign's last day (each computed cell says how far).
    ret.snapshot = {
        "forms": forms,
        "computed_at": now.isoformat(),
        "as_of": campaign.ends_on.isoformat(),
    }
    ret.submitted_at, ret.submitted_by, ret.late = now, actor if actor else None, late
    ret.comment = ""
    for name, value in clean.items():
        setattr(ret, name, value)
    ret.save()
    audit.record(
        actor=actor,
        action="return.submitted",
        target=ret,
        unit_path=unit.path,
        summary=str(campaign) + (" · late" if late else ""),
    )
    return ret


@atomic
def return_accept(*, actor, unit: Unit, campaign: Campaign) -> Return:
    ret = _locked(unit, campaign)
    ret_state = workflow.next_state(ret.state if ret else None, "accept")
    ret.state, ret.decided_at, ret.decided_by = ret_state, timezone.now(), actor
    ret.save(update_fields=["state", "decided_at", "decided_by", "updated_at"])
    audit.record(
        actor=actor,
        action="return.accepted",
        target=ret,
        unit_path=unit.path,
        summary=str(campaign),
    )
    return ret


@atomic
def return_send_back(*, actor, unit: Unit, campaign: Campaign, comment: str) -> Return:
    """Return it to the unit with a comment (required): it is corrected and submitted again."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": [_("Say what must be corrected.")]}, code="comment_required"
        )
    _open_campaign(campaign)
    ret = _locked(unit, campaign)
    state = workflow.next_state(ret.state if ret else None, "return")
    ret.state, ret.comment = state, comment[:2000]
    ret.decided_at, ret.decided_by = timezone.now(), actor
    ret.save(update_fields=["state", "comment", "decided_at", "decided_by", "updated_at"])
    audit.record(
        actor=actor,
        action="return.returned",
        target=ret,
        unit_path=unit.path,
        summary=comment[:200],
    )
    return ret


# --- The status reset days -------------------------------------------------------------------


def campaigns_reset(*, today: date) -> int:
    """The day's status resets (union-rules §9: every unit is "not reported" again on 31/12
    and 31/10): the default periods whose reset day is today are opened, so that every unit's
    return of them reads "not started"; and in every default period whose reset day has come
    (today, or a day the job missed) and whose deadline has not passed, the returns submitted
    before that day go back to draft, their typed cells kept, to be submitted again. Each
    campaign once. How many returns went back to draft."""
    for default in PeriodDefault.objects.order_by("pk"):
        for year in resets_on(default, today):
            campaign_open(year, default.code)
    due = Campaign.objects.filter(
        owner=None, opens_on__lte=today, due_on__gte=today, reset_at=None, closed_at=None
    ).order_by("pk")
    return sum(_campaign_reset(pk) for pk in due.values_list("pk", flat=True))


@atomic
def _campaign_reset(pk: int) -> int:
    campaign = Campaign.objects.select_for_update().get(pk=pk)
    if campaign.reset_at is not None:
        return 0
    start = timezone.make_aware(datetime.combine(campaign.opens_on, time()))
    early = Return.objects.select_for_update().filter(
        campaign=campaign,
        state__in=[Return.State.SUBMITTED, Return.State.ACCEPTED],
        submitted_at__lt=start,
    )
    count = 0
    for ret in early.order_by("pk"):
        ret.state = workflow.next_state(ret.state, "reset")
        ret.snapshot, ret.submitted_at, ret.submitted_by, ret.late = None, None, None, False
        ret.decided_at, ret.decided_by = None, None
        ret.save(
            update_fields=[
                *("state", "snapshot", "submitted_at", "submitted_by", "late"),
                *("decided_at", "decided_by", "updated_at"),
            ]
        )
        audit.record(
            actor=None,
            action="return.reset",
            target=ret,
            unit_path=ret.unit_path,
            summary=f"{campaign} · {campaign.opens_on:%d/%m/%Y}",
        )
        count += 1
    campaign.reset_at = timezone.now()
    campaign.save(update_fields=["reset_at"])
    return count


# --- A unit's own campaign --------------------------------------------------------------------


def _day(data: dict, name: str, errors: dict) -> date | None:
    value = data.get(name)
    if value in (None, ""):
        errors[name] = _("Enter the date.")
        return None
    try:
        day = value if isinstance(value, date) else parse_date(str(value))
    except (TypeError, ValueError):
        day = None
    if day is None:
        errors[name] = _("Enter a date as dd/mm/yyyy or YYYY-MM-DD.")
    return day


def _labels(value, name: str, most: int, errors: dict) -> list[str]:
    """One label a line (text) or a list of labels: blank ones left out, each checked."""
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    labels = [normalize(str(line)) for line in lines]
    labels = [label for label in labels if label]
    if len(labels) > most:
        errors[name] = _("At most %(n)s lines.") % {"n": most}
    for label in labels:
        fault = text_fault(label)
        if len(label) > LABEL_MAX:
            errors[name] = _("A line is longer than %(n)s characters.") % {"n": LABEL_MAX}
        elif fault:
            errors[name] = fault
    return labels


def _campaign_fields(unit: Unit, data: dict) -> dict:
    errors: dict = {}
    title = normalize(str(data.get("title") or ""))
    if not title:
        errors["title"] = _("Enter the campaign's title.")
    elif len(title) > 200:
        errors["title"] = _("At most %(n)s characters.") % {"n": 200}
    elif text_fault(title):
        errors["title"] = text_fault(title)
    starts_on = _day(data, "starts_on", errors)
    ends_on = _day(data, "ends_on", errors)
    due_on = _day(data, "due_on", errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The figures cannot end before they start.")
    if ends_on and not FIRST_YEAR <= ends_on.year <= LAST_YEAR:
        errors["ends_on"] = _("Enter a year between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    if ends_on and due_on and due_on < ends_on:
        errors["due_on"] = _("The due date cannot be before the end of the figures' period.")
    late_policy = data.get("late_policy") or LatePolicy.MARK
    if late_policy not in LatePolicy.values:
        errors["late_policy"] = _("Choose “mark” or “refuse”.")
    shared = {f.number: f for f in FormDefinition.objects.filter(owner=None)}
    numbers = []
    for value in data.get("forms") or []:
        try:
            numbers.append(int(value))
        except (TypeError, ValueError):
            numbers.append(-1)
    unknown = sorted({str(n) for n in numbers if n not in shared})
    if unknown:
        errors["forms"] = _("There is no form %(numbers)s.") % {"numbers": ", ".join(unknown)}
    rows = _labels(data.get("survey_rows"), "survey_rows", SURVEY_MAX_ROWS, errors)
    columns = _labels(data.get("survey_columns"), "survey_columns", SURVEY_MAX_COLUMNS, errors)
    if rows and not columns and "survey_columns" not in errors:
        errors["survey_columns"] = _("Write the survey's columns, one a line.")
    if columns and not rows and "survey_rows" not in errors:
        errors["survey_rows"] = _("Write the survey's rows, one a line.")
    survey_title = normalize(str(data.get("survey_title") or "")) or title
    if len(survey_title) > 300 or text_fault(survey_title):
        errors["survey_title"] = text_fault(survey_title) or _("At most %(n)s characters.") % {
            "n": 300
        }
    if not numbers and not rows and not columns and "forms" not in errors:
        errors["forms"] = _("Choose at least one form, or write the rows and columns of a survey.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "due_on": due_on,
        "late_policy": late_policy,
        "forms": [shared[n] for n in sorted(set(numbers))],
        "survey": (survey_title, rows, columns) if rows else None,
    }


def _survey_form(unit: Unit, title: str, rows: list[str], columns: list[str]) -> FormDefinition:
    """A form of typed cells only: every row and column pair is the unit's to type."""
    row_keys = [{"key": f"r{i}", "label": label} for i, label in enumerate(rows, start=1)]
    col_keys = [{"key": f"c{i}", "label": label} for i, label in enumerate(columns, start=1)]
    return FormDefinition.objects.create(
        number=SURVEY_NUMBER,
        owner=unit,
        title=title,
        rows=row_keys,
        columns=col_keys,
        cells={f"{r['key']}:{c['key']}": {"typed": True} for r in row_keys for c in col_keys},
    )


def _period_code(unit: Unit, year: int, attempt: int) -> str:
    """The campaign's code in its URLs: "u", the unit's id and its campaign's rank that year
    (a default period's code is a word: "h1", "year")."""
    made = Campaign.objects.filter(owner=unit, year=year).count()
    return f"u{unit.pk}-{made + 1 + attempt}"


@atomic
def campaign_create(*, actor, unit: Unit, data: dict) -> Campaign:
    """A unit's own campaign: it asks the unions under it for a return on its own dates (data:
    title, starts_on, ends_on, due_on, late_policy, forms: numbers of the shared forms, and
    survey_title, survey_rows, survey_columns: a survey of typed cells). The campaign's year is
    that of the end of its figures; only the unit's subtree sees it."""
    if unit.is_branch or not unit.is_active:
        raise ValidationError(_("Only an active union asks the units under it for a return."))
    has_unions = Unit.objects.filter(
        path__startswith=unit.path,
        depth=unit.depth + 1,
        is_active=True,
        kind=Unit.Kind.UNION,
    ).exists()
    if not has_unions:
        raise ValidationError(
            _("No union reports to %(unit)s: only a unit with unions under it asks for returns.")
            % {"unit": unit.name},
            code="no_unions",
        )
    clean = _campaign_fields(unit, data)
    year = clean["ends_on"].year
    for attempt in range(3):
        try:
            with transaction.atomic():
                campaign = Campaign.objects.create(
                    year=year,
                    period=_period_code(unit, year, attempt),
                    owner=unit,
                    owner_path=unit.path,
                    title=clean["title"],
                    starts_on=clean["starts_on"],
                    ends_on=clean["ends_on"],
                    due_on=clean["due_on"],
                    late_policy=clean["late_policy"],
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
            break
        except IntegrityError:  # another campaign of the unit took the code meanwhile
            continue
    else:
        raise ValidationError(_("The campaign could not be added: try again."))
    forms = list(clean["forms"])
    if clean["survey"]:
        forms.append(_survey_form(unit, *clean["survey"]))
    campaign.forms.set(forms)
    audit.record(
        actor=actor,
        action="return_campaign.created",
        target=campaign,
        unit_path=unit.path,
        summary=f"{campaign} · {campaign.due_on:%d/%m/%Y}",
        changes={
            "period": [None, campaign.period],
            "forms": [None, [f.number for f in forms]],
            "due_on": [None, campaign.due_on.isoformat()],
        },
    )
    return campaign


@atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    """Close a unit's own campaign: its returns are kept and read, no longer saved, submitted
    or returned. Closing twice is refused."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.owner_id is None:
        raise ValidationError(
            _("A default campaign is not closed: it is the same for every unit."),
            code="default_campaign",
        )
    if campaign.is_closed:
        raise ValidationError(_("This campaign is already closed."), code="campaign_closed")
    campaign.closed_at, campaign.closed_by = timezone.now(), actor
    campaign.save(update_fields=["closed_at", "closed_by"])
    audit.record(
        actor=actor,
        action="return_campaign.closed",
        target=campaign,
        unit_path=campaign.owner_path,
        summary=str(campaign),
    )
    return campaign

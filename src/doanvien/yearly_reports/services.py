"""Writes of the yearly report and of the good models: the prose saved, the report submitted
to the level above and reopened, good models recorded, changed, deleted and pulled from a
child's submitted report. Each write is atomic, keyword-only, validated here and audited; the
figures are never written (they are read from the data when the report is shown)."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.dates import parse_date
from doanvien.core.transactions import atomic
from doanvien.core.years import is_valid_year
from doanvien.notifications.models import Kind
from doanvien.notifications.services import cadres_of, notify
from doanvien.units.models import Unit

from .models import GoodModel, YearlyReport
from .rules import (
    FIELD_MAX,
    PARAGRAPH_MAX,
    TEXT_MAX,
    TITLE_MAX,
    clean_text,
    clean_year,
)
from .selectors import editable_keys
from .workflow import next_state

# What an audit event keeps of a changed text (the report keeps the whole of it).
AUDIT_TEXT = 200


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _plain(value) -> str | None:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _short(text: str) -> str:
    return text if len(text) <= AUDIT_TEXT else text[: AUDIT_TEXT - 1] + "…"


# --- The report -------------------------------------------------------------------------------


def clean_report(data: dict[str, Any], *, allowed_keys: list[str]) -> dict[str, Any]:
    """The fields given, cleaned: `paragraphs` (section key → text; an empty text takes the
    section's text away), `number`, `date` (dd/mm/yyyy or ISO), `place`, `signer_role`,
    `signer_name`. Errors name the field, a paragraph as `paragraphs.<key>`."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if "paragraphs" in data and data["paragraphs"] is not None:
        given = data["paragraphs"]
        if not isinstance(given, dict):
            errors["paragraphs"] = _("Send the paragraphs as an object: section → text.")
        else:
            paragraphs = {}
            for key, value in given.items():
                if key not in allowed_keys:
                    errors[f"paragraphs.{key}"] = _(
                        "There is no such section: the sections are %(keys)s."
                    ) % {"keys": ", ".join(allowed_keys)}
                    continue
                if value is not None and not isinstance(value, str):
                    errors[f"paragraphs.{key}"] = _("Enter text.")
                    continue
                text, fault = clean_text(value, limit=PARAGRAPH_MAX)
                if fault:
                    errors[f"paragraphs.{key}"] = fault
                paragraphs[key] = text
            clean["paragraphs"] = paragraphs
    for name, limit in FIELD_MAX.items():
        if name in data and data[name] is not None:
            text, fault = clean_text(data[name], limit=limit, multiline=False)
            if fault:
                errors[name] = fault
            clean[name] = text
    if "date" in data and data["date"] is not None:
        raw = data["date"]
        try:
            day = parse_date(raw)
        except ValueError:
            errors["date"] = _("“%(value)s” is not a date: write dd/mm/yyyy.") % {"value": raw}
        else:
            if day is not None and not is_valid_year(day.year):
                errors["date"] = _("Give a year between 2000 and 2100.")
            clean["dated"] = day
    if errors:
        raise ValidationError(errors)
    return clean


def _report_row(unit: Unit, year: int) -> YearlyReport:
    """The unit's report of the year, created as an empty draft if it has none, locked."""
    # get_or_create takes a row created meanwhile by another request (the unique constraint).
    YearlyReport.objects.get_or_create(unit=unit, year=year)
    return YearlyReport.objects.select_for_update().get(unit=unit, year=year)


@atomic
def yearly_report_save(*, actor, unit: Unit, year: int, data: dict[str, Any]) -> YearlyReport:
    """Save the prose (the sections given; the others stay) and the header's fields of the
    unit's report. Refused while the report is submitted (reopen it first)."""
    year = clean_year(year)
    existing = YearlyReport.objects.select_for_update().filter(unit=unit, year=year).first()
    if existing and existing.state == YearlyReport.State.SUBMITTED:
        raise ValidationError(
            _("The report was submitted: reopen it to change it."), code="illegal_transition"
        )
    next_state(existing.state if existing else None, "save")
    clean = clean_report(data, allowed_keys=editable_keys(unit, year))
    report = existing or _report_row(unit, year)
    changes: dict[str, list] = {}
    if "paragraphs" in clean:
        paragraphs = dict(report.paragraphs)
        for key, text in clean.pop("paragraphs").items():
            before = paragraphs.get(key, "")
            if text:
                paragraphs[key] = text
            else:
                paragraphs.pop(key, None)
            if before != text:
                changes[f"paragraphs.{key}"] = [_short(before), _short(text)]
        report.paragraphs = paragraphs
    for name, value in clean.items():
        before = getattr(report, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
        setattr(report, name, value)
    report.state = YearlyReport.State.DRAFT
    report.updated_by = _user(actor)
    report.save()
    audit.record(
        actor=actor,
        action="yearly_report.saved",
        target=report,
        unit_path=unit.path,
        summary=_("Yearly report %(year)s") % {"year": year},
        changes=changes,
    )
    return report


@atomic
def yearly_report_submit(*, actor, unit: Unit, year: int) -> YearlyReport:
    """Submit the report to the level above: it reads it from now on, and its prose is kept as
    submitted until the report is reopened (the figures stay linked to the data)."""
    year = clean_year(year)
    report = _report_row(unit, year)
    before = report.state
    report.state = next_state(report.state, "submit")
    report.submitted_at = timezone.now()
    report.submitted_by = _user(actor)
    report.updated_by = _user(actor)
    report.save()
    audit.record(
        actor=actor,
        action="yearly_report.submitted",
        target=report,
        unit_path=unit.path,
        summary=_("Yearly report %(year)s") % {"year": year},
        changes={"state": [before, report.state]},
    )
    parent = unit.parent()
    if parent is not None:
        # The level above reads it from now on: its cadres are told (in this transaction).
        notify(
            users=cadres_of(parent.pk),
            kind=Kind.YEARLY_REPORT_SUBMITTED,
            title=_("%(unit)s submitted its yearly report %(year)s.")
            % {"unit": unit.name, "year": year},
            url=_page(unit, year),
            exclude=actor,
        )
    return report


def _page(unit: Unit, year: int) -> str:
    return reverse("yearly_reports:yearly-report", kwargs={"unit_id": unit.pk, "year": year})


@atomic
def yearly_report_reopen(*, actor, unit: Unit, year: int) -> YearlyReport:
    """A submitted report is a draft again (its cadres change it and submit it again)."""
    year = clean_year(year)
    report = YearlyReport.objects.select_for_update().filter(unit=unit, year=year).first()
    report_state = report.state if report else None
    new_state = next_state(report_state, "reopen")
    report.state = new_state
    report.submitted_at = None
    report.submitted_by = None
    report.updated_by = _user(actor)
    report.save()
    audit.record(
        actor=actor,
        action="yearly_report.reopened",
        target=report,
        unit_path=unit.path,
        summary=_("Yearly report %(year)s") % {"year": year},
        changes={"state": [report_state, new_state]},
    )
    # The unit that submitted it changes it and submits it again: its cadres are told.
    notify(
        users=cadres_of(unit.pk),
        kind=Kind.YEARLY_REPORT_REOPENED,
        title=_(
            "The yearly report %(year)s of %(unit)s was reopened: change it and submit it again."
        )
        % {"unit": unit.name, "year": year},
        url=_page(unit, year),
        exclude=actor,
    )
    return report


# --- Good models ------------------------------------------------------------------------------


def clean_good_model(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """A good model's fields (all of them, or with `partial` those given)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if not partial or "year" in data:
        try:
            clean["year"] = clean_year(data.get("year"))
        except ValidationError as e:
            errors.update({k: " ".join(v) for k, v in e.message_dict.items()})
    if not partial or "title" in data:
        title, fault = clean_text(data.get("title"), limit=TITLE_MAX, multiline=False)
        if fault:
            errors["title"] = fault
        elif not title:
            errors["title"] = _("This field is required.")
        clean["title"] = title
    for name in ("description", "result"):
        if not partial or name in data:
            text, fault = clean_text(data.get(name), limit=TEXT_MAX)
            if fault:
                errors[name] = fault
            clean[name] = text
    if errors:
        raise ValidationError(errors)
    return clean


def _open_for_changes(unit: Unit, year: int) -> None:
    """A unit's good models of a year change while its report of that year is not submitted."""
    if YearlyReport.objects.filter(
        unit=unit, year=year, state=YearlyReport.State.SUBMITTED
    ).exists():
        raise ValidationError(
            _("The yearly report %(year)s was submitted: reopen it to change its good models.")
            % {"year": year},
            code="illegal_transition",
        )


def _snapshot(good_model: GoodModel) -> dict[str, Any]:
    return {
        "year": good_model.year,
        "title": good_model.title,
        "description": _short(good_model.description),
        "result": _short(good_model.result),
    }


@atomic
def good_model_create(*, actor, unit: Unit, data: dict[str, Any]) -> GoodModel:
    clean = clean_good_model(data)
    _open_for_changes(unit, clean["year"])
    good_model = GoodModel.objects.create(unit=unit, recorded_by=_user(actor), **clean)
    audit.record(
        actor=actor,
        action="good_model.created",
        target=good_model,
        unit_path=unit.path,
        summary=good_model.title,
        changes=audit.diff({}, _snapshot(good_model)),
    )
    return good_model


@atomic
def good_model_update(*, actor, good_model: GoodModel, data: dict[str, Any]) -> GoodModel:
    good_model = GoodModel.objects.select_for_update().select_related("unit").get(pk=good_model.pk)
    clean = clean_good_model(data, partial=True)
    _open_for_changes(good_model.unit, good_model.year)
    if clean.get("year", good_model.year) != good_model.year:
        _open_for_changes(good_model.unit, clean["year"])
    before = _snapshot(good_model)
    for name, value in clean.items():
        setattr(good_model, name, value)
    good_model.save()
    audit.record(
        actor=actor,
        action="good_model.updated",
        target=good_model,
        unit_path=good_model.unit.path,
        summary=good_model.title,
        changes=audit.diff(before, _snapshot(good_model)),
    )
    return good_model


@atomic
def good_model_delete(*, actor, good_model: GoodModel) -> None:
    good_model = GoodModel.objects.select_for_update().select_related("unit").get(pk=good_model.pk)
    _open_for_changes(good_model.unit, good_model.year)
    audit.record(
        actor=actor,
        action="good_model.deleted",
        target=good_model,
        unit_path=good_model.unit.path,
        summary=good_model.title,
        changes=audit.diff(_snapshot(good_model), {}),
    )
    good_model.delete()


@atomic
def good_model_pull(*, actor, unit: Unit, source: GoodModel) -> GoodModel:
    """Copy a good model of a unit directly under `unit`, from its submitted report, into the
    unit's own list for the same year: the copy names the record it came from and the unit
    that practised it. Pulling the same record twice is refused."""
    source = GoodModel.objects.select_related("unit", "origin").get(pk=source.pk)
    if source.unit.path[: -Unit.steplen] != unit.path:
        raise ValidationError(
            _("Only the good models of the units directly under this one can be pulled."),
            code="illegal_transition",
        )
    if not YearlyReport.objects.filter(
        unit=source.unit, year=source.year, state=YearlyReport.State.SUBMITTED
    ).exists():
        raise ValidationError(
            _("The report of %(unit)s for %(year)s has not been submitted.")
            % {"unit": source.unit.name, "year": source.year},
            code="illegal_transition",
        )
    if GoodModel.objects.filter(unit=unit, source=source).exists():
        raise ValidationError(
            _("This good model is already in your list."), code="illegal_transition"
        )
    _open_for_changes(unit, source.year)
    copy = GoodModel.objects.create(
        unit=unit,
        year=source.year,
        title=source.title,
        description=source.description,
        result=source.result,
        source=source,
        origin=source.origin or source.unit,
        recorded_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="good_model.pulled",
        target=copy,
        unit_path=unit.path,
        summary=copy.title,
        changes={"source": [None, source.pk], "origin": [None, str(copy.origin)]},
    )
    return copy

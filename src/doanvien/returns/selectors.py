"""Reads of returns for the pages, the API and the files.

`return_forms` gives a unit's return as a list of forms with every cell: computed cells from
the sources (sources.py: one statement a source for the whole return), typed cells from what
the unit typed, else the sum of its children's accepted returns. A submitted or accepted
return is read from its frozen snapshot instead: later changes of the data do not alter it.

The figures are those of the campaign's last day (`as_of`): each computed cell carries its
`basis` (sources.basis_of: "as_of", "period", or "submission" for a figure counted as the data
stand when the return is counted, which the pages and files label). A snapshot made before
the basis was kept has none: its figures were all counted at submission.

A draft's computed cells, as the pages, files and API read them (`return_forms`), are kept in
the cache for RETURNS_COMPUTED_CACHE_SECONDS (by campaign, unit and its path, day and the
forms' cells): a national draft read again within that time costs no count, and may show
figures that old (the page says when they were counted). Submitting always counts afresh (the
snapshot is exact) and refreshes the cache; 0 turns the cache off."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from doanvien.units.models import Unit

from . import rules, sources
from .models import Campaign, FormDefinition, Return

FROZEN = {Return.State.SUBMITTED, Return.State.ACCEPTED}


def return_of(unit: Unit, campaign: Campaign) -> Return | None:
    return Return.objects.filter(campaign=campaign, unit=unit).first()


def forms_of(campaign: Campaign) -> list[FormDefinition]:
    return list(campaign.forms.order_by("number", "pk"))


def children_sums(unit: Unit, campaign: Campaign) -> tuple[dict[str, dict[str, int]], int]:
    """The sums of the typed cells of the children's accepted returns, by form number and cell,
    and how many children's returns were accepted (their frozen snapshots are read)."""
    sums: dict[str, dict[str, int]] = defaultdict(dict)
    accepted = Return.objects.filter(
        campaign=campaign,
        state=Return.State.ACCEPTED,
        unit__depth=unit.depth + 1,
        unit_path__startswith=unit.path,
    ).values_list("snapshot", flat=True)
    count = 0
    for snapshot in accepted:
        count += 1
        for form in (snapshot or {}).get("forms", []):
            target = sums[str(form["number"])]
            for cell in form["cells"]:
                if cell["source"] == "typed" and cell["value"] is not None:
                    key = f"{cell['row']}:{cell['col']}"
                    target[key] = target.get(key, 0) + cell["value"]
    return dict(sums), count


def _context(unit: Unit, campaign: Campaign, today: date | None = None) -> sources.Context:
    return sources.Context(
        unit=unit,
        year=campaign.year,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        today=today or timezone.localdate(),
    )


def _cache_key(unit: Unit, campaign: Campaign, forms: list[FormDefinition], day: date) -> str:
    cells = json.dumps([(f.pk, f.cells) for f in forms], sort_keys=True, default=str)
    digest = hashlib.sha256(cells.encode()).hexdigest()[:20]
    return f"returns:computed:{campaign.pk}:{unit.pk}:{unit.path}:{day.isoformat()}:{digest}"


def computed_values(
    unit: Unit,
    campaign: Campaign,
    forms: list[FormDefinition],
    today: date | None = None,
    *,
    cached: bool = False,
) -> dict[int, dict[str, tuple[int, str]]]:
    """The forms' computed cells for the unit's subtree, by form id and "row:col": (value,
    basis). All the forms' cells in one `compute`, so a source several forms name (the members
    of forms 1 and 2) is read once for the whole return. `cached`: the figures counted within
    RETURNS_COMPUTED_CACHE_SECONDS are taken from the cache (module docstring); a fresh count
    is always put there."""
    ctx = _context(unit, campaign, today)
    seconds = getattr(settings, "RETURNS_COMPUTED_CACHE_SECONDS", 0)
    key = _cache_key(unit, campaign, forms, ctx.today) if seconds else ""
    if cached and key and (hit := cache.get(key)) is not None:
        return hit["values"]
    keys = [(f, k) for f in forms for k, spec in f.cells.items() if "source" in spec]
    specs = [f.cells[k] for f, k in keys]
    values = sources.compute(ctx, specs)
    found: dict[int, dict[str, tuple[int, str]]] = {f.pk: {} for f in forms}
    for (form, cell), spec, value in zip(keys, specs, values, strict=True):
        found[form.pk][cell] = (value, sources.basis_of(ctx, spec))
    if key:
        cache.set(key, {"values": found, "at": timezone.now()}, seconds)
    return found


def counted_at(unit: Unit, campaign: Campaign, today: date | None = None) -> datetime | None:
    """When the draft's computed cells the cache holds were counted (None: not cached)."""
    if not getattr(settings, "RETURNS_COMPUTED_CACHE_SECONDS", 0):
        return None
    ctx = _context(unit, campaign, today)
    hit = cache.get(_cache_key(unit, campaign, forms_of(campaign), ctx.today))
    return hit["at"] if hit else None


def live_forms(
    unit: Unit,
    campaign: Campaign,
    ret: Return | None,
    today: date | None = None,
    *,
    cached: bool = False,
) -> list[dict]:
    """Every form of the campaign for the unit as the data stand on `today` (the members as
    of the campaign's last day once it is past; `cached`: computed_values')."""
    sums, accepted = children_sums(unit, campaign)
    typed = ret.typed if ret else {}
    reasons = ret.reasons if ret else {}
    forms = forms_of(campaign)
    all_computed = computed_values(unit, campaign, forms, today, cached=cached)
    found = []
    for form in forms:
        number = str(form.number)
        computed = all_computed[form.pk]
        own, own_reasons = typed.get(number, {}), reasons.get(number, {})
        form_sums = sums.get(number, {})
        cells, values = [], {}
        for row in form.rows:
            for col in form.columns:
                key = f"{row['key']}:{col['key']}"
                spec = form.cells.get(key)
                if spec is None:
                    continue
                if "source" in spec:
                    value, basis = computed[key]
                    cell = {"value": value, "source": "computed", "basis": basis}
                else:
                    summed = form_sums.get(key) if accepted else None
                    value = own.get(key, summed)
                    cell = {
                        "value": value,
                        "source": "typed",
                        "sum": summed,
                        "overridden": bool(accepted) and key in own and own[key] != summed,
                        "reason": own_reasons.get(key, ""),
                    }
                values[key] = cell["value"]
                cells.append({"row": row["key"], "col": col["key"], **cell})
        found.append(
            {
                "number": form.number,
                "title": form.title,
                "note": form.note,
                "rows": form.rows,
                "columns": form.columns,
                "cells": cells,
                "failed": rules.failed_checks(form.checks, values),
            }
        )
    return found


def return_forms(unit: Unit, campaign: Campaign, ret: Return | None) -> list[dict]:
    """The return's forms: frozen once submitted, live otherwise (its computed cells from the
    cache when counted within RETURNS_COMPUTED_CACHE_SECONDS)."""
    if ret is not None and ret.state in FROZEN and ret.snapshot:
        return ret.snapshot["forms"]
    return live_forms(unit, campaign, ret, cached=True)


def is_frozen(ret: Return | None) -> bool:
    return ret is not None and ret.state in FROZEN and bool(ret.snapshot)


@dataclass
class AsOf:
    """What the return's figures are "as of": the campaign's last day, the day the figures
    counted "at the time of submission" were counted (the submission's, or today for a return
    not submitted), and whether any computed figure is such."""

    day: date
    counted_on: date
    frozen: bool
    at_submission: bool


def as_of(campaign: Campaign, ret: Return | None, forms: list[dict]) -> AsOf:
    frozen = is_frozen(ret)
    if frozen:
        day = date.fromisoformat(ret.snapshot.get("as_of") or campaign.ends_on.isoformat())
        counted_on = timezone.localdate(ret.submitted_at) if ret.submitted_at else day
    else:
        day, counted_on = campaign.ends_on, timezone.localdate()
    at_submission = any(
        cell_basis(cell) == sources.SUBMISSION
        for form in forms
        for cell in form["cells"]
        if cell["source"] == "computed"
    )
    return AsOf(day=day, counted_on=counted_on, frozen=frozen, at_submission=at_submission)


def cell_basis(cell: dict) -> str:
    """A computed cell's basis; a snapshot made before it was kept: at submission."""
    return cell.get("basis") or sources.SUBMISSION


def unexplained(forms: list[dict]) -> list[tuple[int, dict]]:
    """Typed cells that differ from the children's sum without a reason."""
    return [
        (form["number"], cell)
        for form in forms
        for cell in form["cells"]
        if cell.get("overridden") and not cell.get("reason")
    ]


def state_of(ret: Return | None) -> str:
    return ret.state if ret else "not_started"


def late_now(campaign: Campaign, ret: Return | None, today: date | None = None) -> bool:
    """Submitted late, or not submitted and past the deadline."""
    if ret is not None and ret.state in FROZEN | {Return.State.RETURNED} and ret.submitted_at:
        return ret.late
    return rules.is_late(campaign.due_on, today or timezone.localdate())


@dataclass
class ChildStatus:
    unit: Unit
    ret: Return | None
    late: bool

    @property
    def state(self) -> str:
        return state_of(self.ret)

    @property
    def submitted_at(self) -> datetime | None:
        return self.ret.submitted_at if self.ret else None


def children_status(unit: Unit, campaign: Campaign) -> list[ChildStatus]:
    """Each union directly under the unit with its return (who has reported)."""
    children = list(
        Unit.objects.filter(
            path__startswith=unit.path, depth=unit.depth + 1, is_active=True, kind=Unit.Kind.UNION
        ).order_by("name", "pk")
    )
    returns = {
        r.unit_id: r
        for r in Return.objects.filter(campaign=campaign, unit__in=[c.pk for c in children])
    }
    today = timezone.localdate()
    return [
        ChildStatus(
            unit=c, ret=returns.get(c.pk), late=late_now(campaign, returns.get(c.pk), today)
        )
        for c in children
    ]


@dataclass
class OwnCampaign:
    campaign: Campaign
    children: int  # the unions directly under the unit
    reported: int  # of them, those whose return is submitted or accepted


def campaigns_owned(unit: Unit, year: int | None = None) -> list[OwnCampaign]:
    """The campaigns the unit added (newest first), each with how many of the unions directly
    under it have reported: one count of the children and one grouped count of the returns."""
    campaigns = Campaign.objects.filter(owner=unit).prefetch_related("forms")
    if year is not None:
        campaigns = campaigns.filter(year=year)
    campaigns = list(campaigns.order_by("-due_on", "-pk"))
    children = Unit.objects.filter(
        path__startswith=unit.path, depth=unit.depth + 1, is_active=True, kind=Unit.Kind.UNION
    )
    count = children.count()
    reported = dict(
        Return.objects.filter(
            campaign__in=campaigns, state__in=FROZEN, unit__in=children.values("pk")
        )
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [OwnCampaign(c, count, reported.get(c.pk, 0)) for c in campaigns]

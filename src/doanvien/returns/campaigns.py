"""A year's campaigns: the default periods are opened from `PeriodDefault` the first time a
year's period is asked for (with the shared forms 1–9); a campaign a unit added is seen only
in its subtree. A default period's status reset day (`reset_day`) is the last of its reset
dates before its deadline."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction

from doanvien.units.models import Unit

from .models import Campaign, FormDefinition, PeriodDefault


def _day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:  # 29/2 of a common year
        return date(year, month, 28)


def reset_day(default: PeriodDefault, due_on: date) -> date | None:
    """The period's status reset day: the last (resets_month, resets_day) before `due_on`
    (31/12 of the year before for a deadline of 30/6; 31/10 for 30/11). None: no reset."""
    if not default.resets_month or not default.resets_day:
        return None
    day = _day(due_on.year, default.resets_month, default.resets_day)
    if day >= due_on:
        day = _day(due_on.year - 1, default.resets_month, default.resets_day)
    return day


def resets_on(default: PeriodDefault, today: date) -> list[int]:
    """The years whose campaign of this period has its status reset day on `today` (the day
    may open the next year's period: 31/12 opens the coming half year)."""
    found = []
    for year in (today.year, today.year + 1):
        due = _day(year, default.due_month, default.due_day)
        if due - timedelta(days=366) <= today < due and reset_day(default, due) == today:
            found.append(year)
    return found


def campaign_open(year: int, period: str) -> Campaign | None:
    """The year's campaign of a default period, created from its default if it has none."""
    found = Campaign.objects.filter(year=year, period=period).first()
    if found or not (default := PeriodDefault.objects.filter(code=period).first()):
        return found
    due_on = _day(year, default.due_month, default.due_day)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                year=year,
                period=period,
                title=default.title,
                starts_on=_day(year, default.starts_month, default.starts_day),
                ends_on=_day(year, default.ends_month, default.ends_day),
                due_on=due_on,
                late_policy=default.late_policy,
                opens_on=reset_day(default, due_on),
            )
            campaign.forms.set(FormDefinition.objects.filter(owner=None))
    except IntegrityError:  # opened meanwhile by another request
        return Campaign.objects.get(year=year, period=period)
    return campaign


def campaign_for(unit: Unit, year: int, period: str) -> Campaign | None:
    """The campaign a unit reports in (None: no such campaign for it)."""
    campaign = campaign_open(year, period)
    if campaign is None or (campaign.owner_id and not unit.path.startswith(campaign.owner_path)):
        return None
    return campaign


def campaigns_for(unit: Unit, year: int) -> list[Campaign]:
    """The default periods of the year and the campaigns units above (or the unit) added."""
    for code in PeriodDefault.objects.values_list("code", flat=True):
        campaign_open(year, code)
    found = Campaign.objects.filter(year=year).order_by("due_on", "pk")
    return [c for c in found if not c.owner_id or unit.path.startswith(c.owner_path)]

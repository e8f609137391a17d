"""The yearly indicators (member_stats/indicators.py, seed 004 §3) the evaluations give a figure
for, registered at import (settings.STATISTICS_INDICATOR_MODULES names this module):
- `strong_bases_share`: of the base organisations (level "base": đoàn cơ sở, chi đoàn cơ sở) of
  the subtree whose yearly rating the level above recognised for the year, the share rated
  "excellent" or "good", in per cent: one indexed query (evaluations by year, scheme and path)
  [I: "cơ sở Đoàn vững mạnh" read as the top two of today's four levels];
- `members_good_share`: of the members of the subtree rated for the year (the four levels,
  approved; "not classified" left out), the share rated "excellent" or "good" ("khá trở lên"),
  in per cent, from the roll-up;
- `introduced_to_party_in_year`: members the base-union committee introduced to the Party in the
  year, from the roll-up.
A share is None while nothing is rated; every figure is None for a year still to come."""

from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from doanvien.member_stats.indicators import register
from doanvien.units.models import Unit

from . import rollup
from .models import Evaluation, RatingLevel, SchemeCode

RATED_LEVELS = tuple(RatingLevel.values)
GOOD_LEVELS = (RatingLevel.EXCELLENT.value, RatingLevel.GOOD.value)


def share(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in per cent, two decimals (None when `whole` is 0)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def strong_bases_share(unit: Unit, year: int, today: date) -> Decimal | None:
    if year > today.year:
        return None
    levels = dict(
        Evaluation.objects.filter(
            year=year,
            scheme_code=SchemeCode.UNIT_RATING,
            unit_path__startswith=unit.path,
            state=Evaluation.State.RECOGNISED,
            unit__level__code="base",
            level__in=RATED_LEVELS,
        )
        .order_by()
        .values("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    return share(sum(levels.get(k, 0) for k in GOOD_LEVELS), sum(levels.values()))


def members_good_share(unit: Unit, year: int, today: date) -> Decimal | None:
    if year > today.year:
        return None
    figures = rollup.figures_of(unit, year)
    rated = sum(figures[f"ratings_{k}"] for k in RATED_LEVELS)
    return share(sum(figures[f"ratings_{k}"] for k in GOOD_LEVELS), rated)


def introduced_to_party_in_year(unit: Unit, year: int, today: date) -> int | None:
    if year > today.year:
        return None
    return rollup.figures_of(unit, year)["introductions_introduced"]


register(
    "strong_bases_share",
    _("Base organisations rated good or excellent (share of those rated)"),
    strong_bases_share,
)
register(
    "members_good_share",
    _("Members rated good or excellent (share of those rated)"),
    members_good_share,
)
register(
    "introduced_to_party_in_year",
    _("Members introduced to the Party in the year"),
    introduced_to_party_in_year,
)

"""What the committee pages and the API read, scoped to one unit: its committees, the queue of
committees waiting for it (those of the units directly below), and the cadre indicators of its
subtree (seed 004 §2.1: cadres by age band, education, political theory and training)."""

from datetime import date

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, QuerySet, Value, When

from doanvien.units.models import Unit

from . import rules
from .models import Committee, Course, Post, PostChange


def unit_committees(unit: Unit) -> QuerySet[Committee]:
    return Committee.objects.filter(unit=unit).order_by("-term_start", "-pk")


def queue(unit: Unit) -> QuerySet[Committee]:
    """Committees waiting for this unit's approval: of the units directly below it."""
    return (
        Committee.objects.filter(
            unit_path__startswith=unit.path,
            unit__depth=unit.depth + 1,
            state=Committee.State.SUBMITTED,
        )
        .select_related("unit")
        .order_by("created_at")
    )


def change_queue(unit: Unit) -> QuerySet[PostChange]:
    """Changes mid-term waiting for this unit's approval: of the units directly below it."""
    return (
        PostChange.objects.filter(
            unit_path__startswith=unit.path,
            committee__unit__depth=unit.depth + 1,
            state=PostChange.State.SUBMITTED,
        )
        .select_related("committee__unit", "cadre", "post__cadre")
        .order_by("created_at")
    )


def changes_of(committee: Committee) -> QuerySet[PostChange]:
    return committee.changes.select_related("cadre", "post__cadre").order_by("-created_at")


def posts_of(committee: Committee) -> QuerySet[Post]:
    return committee.posts.select_related("cadre", "cadre__member").order_by("ended_on", "post")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age_band(today: date):
    """The age band of the holder, in SQL: born after the day he would turn 31 → up to 30."""
    whens = []
    for limit, name in rules.AGE_BANDS:
        cutoff = _years_before(today, limit + 1)
        whens.append(When(cadre__date_of_birth__gt=cutoff, then=Value(name)))
    return Case(
        When(cadre__date_of_birth=None, then=Value("unknown")),
        *whens,
        default=Value(rules.OVER),
        output_field=CharField(),
    )


def cadre_indicators(unit: Unit, today: date) -> dict:
    """Holders of posts in office in committees of the unit's subtree, counted by the level of
    their unit: in all, by age band, education, political theory, and whether they attended a
    Union training course. One grouped query per dimension."""
    posts = Post.objects.filter(
        committee__unit_path__startswith=unit.path,
        committee__state=Committee.State.APPROVED,
        ended_on=None,
    ).order_by()
    level = "committee__unit__level__name"
    out: dict[str, dict] = {}

    def count(dimension: str, expr) -> None:
        rows = posts.annotate(k=expr).values(level, "k").annotate(n=Count("pk"))
        for r in rows:
            row = out.setdefault(r[level], {"total": 0})
            row.setdefault(dimension, {})[r["k"]] = r["n"]
            if dimension == "age":
                row["total"] += r["n"]

    count("age", _age_band(today))
    count("education", F("cadre__education_level"))
    count("theory", F("cadre__political_theory_level"))
    count(
        "trained",
        Exists(Course.objects.filter(cadre_id=OuterRef("cadre_id"))),
    )
    return out

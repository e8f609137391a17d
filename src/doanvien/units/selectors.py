"""Reads of the tree that pages share: parents' names, and the units under a unit found by
name or code for the unit chooser (units/_chooser.html)."""

from django.db.models import QuerySet

from doanvien.core.text import fold, normalize

from .models import Unit

# The most units the chooser lists for a term: a longer term narrows them.
CHOOSER_LIMIT = 20
# A shorter term would match most of a province.
CHOOSER_MIN_TERM = 2


def parent_names(units) -> dict[str, str]:
    """The name of each unit's parent, by the parent's path."""
    paths = {u.path[: -Unit.steplen] for u in units}
    return dict(Unit.objects.filter(path__in=paths).values_list("path", "name"))


def with_parents(units: list[Unit]) -> list[tuple[Unit, str]]:
    """Each unit with its parent's name (two branches of one name are told apart by it)."""
    names = parent_names(units)
    return [(u, names.get(u.path[: -Unit.steplen], "")) for u in units]


def active_below(unit: Unit) -> QuerySet[Unit]:
    """The active units strictly under `unit` (a prefix range on the path index)."""
    return Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth, is_active=True)


def units_matching(unit: Unit, term: str, *, limit: int = CHOOSER_LIMIT) -> list[Unit]:
    """The active units under `unit` whose name contains the term as the product searches names
    (folded: any case, with or without diacritics, "đ" as "d": "thpt tan an" finds "Đoàn
    trường THPT Tân An"), or whose code starts with it; the nearest levels first, then by
    name, at most `limit` of them: one bounded query, whatever the size of the subtree
    (bench/unit_chooser.py). Too short a term finds nothing."""
    return _matching(active_below(unit), term, limit=limit)


def units_matching_anywhere(term: str, *, limit: int = CHOOSER_LIMIT) -> list[Unit]:
    """`units_matching` over every active unit in the country: the receiving unit of a
    transfer may be anywhere. Only the units' names, codes and parents are shown from it (the
    directory of units, which the transfer form already accepted by code), never members."""
    return _matching(Unit.objects.filter(is_active=True), term, limit=limit)


def _matching(below: QuerySet[Unit], term: str, *, limit: int) -> list[Unit]:
    term = normalize(term or "")
    if len(term) < CHOOSER_MIN_TERM:
        return []
    # Two parts, each read from its own index (on PostgreSQL the names' trigram index and the
    # codes' prefix index): an OR of them in one WHERE would leave both out and read the
    # subtree's every unit. Codes are kept in capitals (units/services.py).
    names = below.filter(name_folded__contains=fold(term))
    codes = below.filter(code__startswith=term.upper())
    return list(names.union(codes).order_by("depth", "name_folded", "pk")[:limit])


def units_chosen(unit: Unit, ids) -> list[Unit]:
    """The units of `ids` that are active units under `unit` (others are left out), by path."""
    clean = []
    for value in ids or []:
        try:
            clean.append(int(value))
        except (TypeError, ValueError):
            continue
    if not clean:
        return []
    return list(active_below(unit).filter(pk__in=clean).order_by("path"))

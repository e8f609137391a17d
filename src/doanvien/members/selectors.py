"""Reads of member records. Every read starts from what the user may see."""

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doanvien.accounts.access import members_visible_to
from doanvien.core.text import fold
from doanvien.units.models import Unit

from .models import Member

# Age bands offered by the member list filter: (code, label, lowest age, highest age).
AGE_BANDS = [
    ("16-18", _("16 to 18"), 16, 18),
    ("19-22", _("19 to 22"), 19, 22),
    ("23-26", _("23 to 26"), 23, 26),
    ("27-30", _("27 to 30"), 27, 30),
    ("31-", _("over 30"), 31, 200),
]


@dataclass
class MemberFilters:
    q: str = ""
    status: str = ""
    sector: str = ""
    position: str = ""
    sex: str = ""
    age_band: str = ""


def _birth_range(today: date, lowest: int, highest: int) -> tuple[date, date]:
    """Dates of birth of people aged lowest..highest on `today`."""

    def years_ago(n: int) -> date:
        try:
            return today.replace(year=today.year - n)
        except ValueError:  # 29 February
            return today.replace(year=today.year - n, day=28)

    from datetime import timedelta

    return years_ago(highest + 1) + timedelta(days=1), years_ago(lowest)


def member_search(
    *, user, unit: Unit, filters: MemberFilters, today: date | None = None
) -> QuerySet[Member]:
    """Members in the unit's subtree that the user may see, filtered, in Vietnamese order
    (by given name)."""
    today = today or timezone.localdate()
    qs = members_visible_to(user).filter(unit_path__startswith=unit.path)
    if filters.q:
        term = fold(filters.q)
        digits = re.sub(r"\D", "", filters.q)
        q = Q(name_folded__contains=term) | Q(member_code__iexact=filters.q.strip())
        if digits and len(digits) >= 6:
            q |= Q(id_number=digits) | Q(phone=digits) | Q(card_number=digits)
        qs = qs.filter(q)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.position:
        qs = qs.filter(position=filters.position)
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.sector:
        qs = qs.filter(branch__sector=filters.sector)
    for code, _label, lowest, highest in AGE_BANDS:
        if filters.age_band == code:
            first, last = _birth_range(today, lowest, highest)
            qs = qs.filter(date_of_birth__range=(first, last))
    return qs.select_related("branch").order_by("sort_key", "pk")

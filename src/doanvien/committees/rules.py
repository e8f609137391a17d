"""The committee rules as functions of their data: the default end of a term, the size limit,
the role a post gives its holder's account, a cadre's age band (union-rules §8; seed 004 §2.1
counts cadres by age, education, political theory and training)."""

import calendar
from datetime import date

from doanvien.accounts.models import Role

from .models import Post

# The role a post offers its holder's account: on a branch the branch roles; on a union the
# secretaries and the standing committee are its cadres, the other members see its subtree.
BRANCH_POST_ROLES = {
    Post.Kind.SECRETARY: Role.SECRETARY,
    Post.Kind.DEPUTY: Role.DEPUTY,
    Post.Kind.MEMBER: Role.COMMITTEE,
}
UNION_POST_ROLES = {
    Post.Kind.SECRETARY: Role.CADRE,
    Post.Kind.DEPUTY: Role.CADRE,
    Post.Kind.STANDING: Role.CADRE,
    Post.Kind.MEMBER: Role.VIEWER,
}
# Age bands of the cadre indicators (the Charter's member age ends at 30; cadres may go on
# to 35 and beyond).
AGE_BANDS = ((30, "up_to_30"), (35, "31_35"))
OVER = "over_35"


def role_for(post: str, is_branch: bool) -> str | None:
    return (BRANCH_POST_ROLES if is_branch else UNION_POST_ROLES).get(post)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_term_end(start: date, months: int) -> date:
    """A term of `months` months from `start` ends the day before the same date that many
    months on."""
    return date.fromordinal(add_months(start, months).toordinal() - 1)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(born: date | None, day: date) -> str:
    if born is None:
        return "unknown"
    age = age_on(born, day)
    for limit, name in AGE_BANDS:
        if age <= limit:
            return name
    return OVER

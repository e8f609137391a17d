"""What the member page, the member export and the unit's count read."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count

from doanvien.members.models import Member
from doanvien.units.models import Unit

from .models import Award, Discipline


def member_awards(member: Member):
    return Award.objects.filter(member=member).select_related("issued_by").order_by("-date")


def member_discipline(member: Member):
    return Discipline.objects.filter(member=member).select_related("issued_by").order_by("-date")


def texts_for(member_ids: Iterable[int]) -> dict[str, dict[int, str]]:
    """The members' awards and discipline as the member list's cells: one line a decision,
    oldest first. One query each for a batch of members."""
    ids = list(member_ids)
    out: dict[str, dict[int, str]] = {}
    for name, model in (("awards", Award), ("discipline", Discipline)):
        lines: dict[int, list[str]] = defaultdict(list)
        for record in model.objects.filter(member_id__in=ids).order_by("date", "pk"):
            lines[record.member_id].append(record.text())
        out[name] = {pk: "\n".join(v) for pk, v in lines.items()}
    return out


def member_texts(member_id: int) -> dict[str, str]:
    """One member's awards and discipline as texts_for gives them (a member's page in the API).
    Most members have neither: one statement, written once, asks whether he has any, and only
    then are they read."""
    global _ANY_STATEMENT
    if _ANY_STATEMENT is None:
        q = connection.ops.quote_name
        _ANY_STATEMENT = "SELECT " + ", ".join(
            f"EXISTS(SELECT 1 FROM {q(model._meta.db_table)} WHERE {q('member_id')} = %s)"
            for model in (Award, Discipline)
        )
    with connection.cursor() as cursor:
        cursor.execute(_ANY_STATEMENT, [member_id, member_id])
        if not any(cursor.fetchone()):
            return {"awards": "", "discipline": ""}
    return {name: texts.get(member_id, "") for name, texts in texts_for([member_id]).items()}


_ANY_STATEMENT: str | None = None


def counts(unit: Unit, year: int) -> dict[str, dict[str, int]]:
    """Decisions of the year recorded in the unit's subtree, by form."""
    out = {}
    for name, model in (("awards", Award), ("discipline", Discipline)):
        rows = (
            model.objects.filter(unit_path__startswith=unit.path, date__year=year)
            .values("form")
            .annotate(n=Count("pk"))
            .order_by()
        )
        labels = dict(model.Form.choices)
        out[name] = {str(labels[r["form"]]): r["n"] for r in rows}
    return out

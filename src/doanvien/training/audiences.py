"""Which member group a criterion is for, read from what was kept before groups were data: the
free text shown next to a criterion ("Học sinh, sinh viên", "Cán bộ, giáo viên, giảng viên") and
the criterion's own wording when it says whom it is for ("… (đối với cán bộ Đoàn)" in
seed 000 III.1, area 2). Migration 0010 marks the criteria with it; a text that names no group,
or several, leaves the criterion for every member."""

import re

from doanvien.core.text import fold
from doanvien.members.audiences import audience_named
from doanvien.members.models import Audience

# "(đối với …)", "(dành cho …)", "(áp dụng cho …)" in the folded wording.
_FOR_WHOM = re.compile(r"\(\s*(?:doi voi|danh cho|ap dung cho)\s+([^()]+)\)")


def criterion_audience(*, audience_text: str, text: str = "") -> str:
    """The group a criterion is for ("student", "teacher", "cadre"), or "" for everyone: the
    group the free text names, else the one its wording names in brackets."""
    named = audience_named(audience_text or "")
    if not named:
        found = {audience_named(inside) for inside in _FOR_WHOM.findall(fold(text or ""))}
        found.discard("")
        named = found.pop() if len(found) == 1 else ""
    return "" if named == Audience.GENERAL else named

"""A member's group for the training programme (models.Audience) read from words: the group a
text names (a spreadsheet cell, the free text an older version kept next to a criterion, an
occupation), and the group a member has by default.

The words are those of the source documents and of the national software's lists, folded (no
diacritics, lower case): "học sinh", "sinh viên" (pupils, students); "giáo viên", "giảng viên",
"nhà giáo" (teachers, lecturers; "cán bộ, giáo viên, giảng viên" is school staff in
seed 000 III.1); "cán bộ Đoàn", "bí thư", "ủy viên BCH" (Union cadres, seed 000 I.2). A text
that names two groups names none."""

import re
from functools import lru_cache

from doanvien.core.text import fold

from .models import COMMITTEE_POSITIONS, Audience

# (group, words), each word matched as whole words of the folded text.
_WORDS = (
    (
        Audience.CADRE,
        (
            "can bo doan",
            "cb doan",
            "bi thu",
            "uy vien bch",
            "uy vien ban chap hanh",
            "ban chap hanh",
            "bch",
            "cadre",
            "cadres",
            "union cadre",
        ),
    ),
    (
        Audience.TEACHER,
        (
            "giao vien",
            "giang vien",
            "nha giao",
            "gv",
            "teacher",
            "teachers",
            "lecturer",
            "lecturers",
        ),
    ),
    (
        Audience.STUDENT,
        ("hoc sinh", "sinh vien", "hs", "sv", "student", "students", "pupil", "pupils"),
    ),
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)
def audience_named(text: str) -> str:
    """The one group (student, teacher, cadre) that `text` names, else "" (none, or several)."""
    words = f" {_NOT_WORD.sub(' ', fold(text or '')).strip()} "
    if words.strip() in Audience.values:
        return words.strip()
    found = {group for group, names in _WORDS if any(f" {n} " in words for n in names)}
    return found.pop().value if len(found) == 1 else ""


def derived_audience(*, position: str, occupation: str = "") -> str:
    """A member's group when nobody chose it: a Union cadre when he holds a position on the
    branch committee, else the group his occupation names (pupil, student, teacher), else the
    general group."""
    if position in COMMITTEE_POSITIONS:
        return Audience.CADRE.value
    named = audience_named(occupation)
    return named if named and named != Audience.GENERAL else Audience.GENERAL.value

"""An invented national data set for load tests and benchmarks (`manage.py generate_national`).

The shape follows the domain's national scale: a central unit; 34 provinces (invented names) and
three units directly under the centre; district-level units (district unions and the agencies'
and enterprises' blocs; a third of the provinces have no district unions any more, as since
2025); base unions directly under a province, under a district-level unit, or with an
intermediate level (faculty unions of a university, plant unions of a large enterprise); some
branches at base level; about 10 branches per base union and 20 members per branch, so 6 million
members make about 30,000 base unions and 300,000 branches. Every member is active, has one
membership span, and has registered for the year (at least 10 criteria of the default framework,
every content area and every mandatory criterion) and been assessed by the branch: about 15 %
excellent, 45 % good, 30 % complete, 5 % incomplete and 5 % admitted too recently to be
classified (they joined less than the framework's months before the evaluation deadline). The
points, totals and levels follow the framework's areas and bands (`training.rules.classify`).
Each unit's member count, each unit's roll-up row for the year (`reports.YearStats`) and each
branch's results (mostly recognised) are filled, so reports work at once. The branches' year up to
the current month comes with them (`demo.branch_life`): a regular meeting a month in every branch
(a few months skipped) with its attendance taken (mostly present, some excused, a few absent), and
every member's dues at the rate of his category, month by month or, in a fifth of the branches,
a quarter at once (a few members owe their last months), with receipts numbered per branch and
year as the dues service numbers them; the meeting roll-ups, the dues ledger rows of every unit
and the receipt books are filled, so `recompute_meetings` and `recompute_dues` find no
difference. Everything is invented: names are random combinations from `demo.vocab`, ID numbers
use province codes that no real card carries.

How it is written
-----------------
PostgreSQL, in one transaction (an interrupted run leaves the database as it was): the foreign keys
that touch the loaded tables (units, members, membership spans, registrations and their items;
meetings, attendance, dues profiles, payments, paid months and the meeting and dues roll-up tables)
are dropped with every index of those tables; the tables are truncated (with `--reset`, what hangs
off them is deleted first) and the rows are streamed with ``COPY … FROM STDIN (FORMAT binary,
FREEZE)``: binary rows made in Python from values encoded once beforehand (the server parses binary
about 40 % faster than text here, and rows are frozen as they are written, so no vacuum has to
revisit them; a table whose column types are not the expected ones falls back to text COPY).
Registration items are sent with COPY too, not built by the server with ``INSERT … SELECT
generate_series``: each registration follows one of a few hundred criteria patterns of its sector,
kept as bytes split around the registration id, so an item block costs one join in Python. In trials
here the server-side ``INSERT … SELECT`` wrote about 220,000 item rows/s (12 million rows, primary
key in place) against 250,000 for text COPY in the same conditions; without indexes, binary COPY
reached about 360,000 rows/s and text COPY 270,000. Attendance is made the same way: a meeting's
rows are its member pieces (id and presence, encoded once per branch) joined with the meeting's own
start. Attendance and paid months, like the items, take their ids from the server. While the server
loads one chunk, a forked child process makes the next ones (the meetings and payments with the
members, branch by branch). Then each branch's results and roll-up row are written from the counts
kept while making its rows, the unions' roll-up rows by one ``INSERT … SELECT … GROUP BY`` per depth
(deepest first); the meeting roll-ups, the dues ledger and the receipt books from the counts of
meetings and payments kept per branch, summed up the tree in Python (one COPY each); the indexes and
unique constraints are rebuilt (sorted builds with a large ``maintenance_work_mem``), the foreign
keys are added back (and so validated), the sequences are moved past the ids used, and after the
commit the tables are analysed.

SQLite (smaller sets): the same rows, as text, inserted with ``executemany`` in batches in one
transaction.
"""

import json
import math
import multiprocessing
import os
import random
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from doanvien.accounts.models import RoleGrant, User
from doanvien.core.text import fold, given_name_key
from doanvien.dues.models import LedgerRow, PaidMonth, Payment, Profile, ReceiptBook
from doanvien.meetings.models import Attendance, Meeting, MeetingStats
from doanvien.member_stats import rollup as member_stats_rollup
from doanvien.members.models import Member, Membership, Transfer
from doanvien.training import default_framework
from doanvien.training.models import (
    COUNTERS,
    BranchResult,
    ContentArea,
    Criterion,
    Deadline,
    Framework,
    Phase,
    ProgressNote,
    Registration,
    RegistrationItem,
    ResultLevel,
    YearStats,
)
from doanvien.training.rules import (
    Bands,
    add_months,
    classify,
    pending_of,
    programme_year_span,
    round_total,
)
from doanvien.units.levels import ensure_default_levels
from doanvien.units.models import Level, Unit

from . import branch_life, vocab
from .branch_life import BranchLife, LifeSettings
from .training import COMMENTS, PLANS

POSTGRES_DEFAULT_MEMBERS = 6_000_000
SQLITE_DEFAULT_MEMBERS = 200_000
MAX_PROVINCES = 34
MEMBERS_PER_BRANCH = 20
BRANCHES_PER_BASE = 10

# --- Invented places --------------------------------------------------------------------------

# 34 invented province names (the six of the demo first). None is the name of a real province.
PROVINCE_NAMES = (
    *vocab.PROVINCES,
    *vocab._words(
        "Mây Trắng, Suối Ngọc, Đồi Thông, Gió Nam, Trăng Rằm, Rừng Tràm, Bãi Dâu, Cồn Trắng, "
        "Đèo Mây, Thác Bạc, Vịnh Ngọc, Lũy Tre, Phù Sa, Cát Vàng, Sao Mai, Hồ Sen, Núi Ngọc, "
        "Sông Trăng, Đồng Xanh, Biển Ngọc, Hoa Mai, Cánh Đồng, Lúa Vàng, Sông Bạc, Mây Hồng, "
        "Suối Mơ, Đồi Chè, Bến Nước"
    ),
)
# The first three digits of an ID number for each province: 101–134 (real codes stop at 096).
PROVINCE_ID_CODES = {name: f"{101 + i}" for i, name in enumerate(PROVINCE_NAMES)}
# The two big cities among them are "Thành đoàn".
CITY_PROVINCES = 2
# Units directly under the centre: (name, code, sector of their base unions).
CENTRAL_UNITS = (
    ("Đoàn Khối các cơ quan Trung ương", "TT1", "public_admin"),
    ("Đoàn Khối Doanh nghiệp Trung ương", "TT2", "workers"),
    ("Đoàn Thanh niên Việt Nam ở nước ngoài", "TT3", "overseas"),
)
DEPARTMENTS = vocab._words(
    "Tài chính, Y tế, Giáo dục và Đào tạo, Xây dựng, Nông nghiệp và Môi trường, Công Thương, "
    "Nội vụ, Tư pháp, Khoa học và Công nghệ, Văn hóa Thể thao và Du lịch, Ngoại vụ, Dân tộc"
)
LOCAL_AGENCIES = vocab._words(
    "Trung tâm Y tế, Bệnh viện Đa khoa, Kho bạc Nhà nước, Chi cục Thuế, Trung tâm Văn hóa"
)
OFFICES = vocab._words(
    "Văn phòng, Phòng Tổ chức, Phòng Kế hoạch, Phòng Nghiệp vụ, Phòng Thanh tra, Trung tâm Dịch vụ"
)
TRADES = vocab._words(
    "May mặc, Da giày, Điện tử, Thực phẩm, Cơ khí, Xây dựng, Vận tải, Dệt may, Gỗ, Bao bì"
)
FIRMS = vocab._words(
    "Hưng Thịnh, Phú Cường, Thành Đạt, An Khang, Minh Phát, Tân Tiến, Đại Phát, Hoàng Long, "
    "Phúc Lộc, Trường Sơn, Việt Tiến, Hòa Phong, Nam Việt, Kim Long, Sao Việt"
)
FACULTIES = (
    ("Công nghệ thông tin", "CNTT"),
    ("Kinh tế", "KT"),
    ("Luật", "L"),
    ("Sư phạm", "SP"),
    ("Ngoại ngữ", "NN"),
    ("Cơ khí", "CK"),
    ("Điện - Điện tử", "ĐĐT"),
    ("Nông học", "NH"),
    ("Y Dược", "YD"),
)
UNIVERSITY_KINDS = ("Đại học", "Đại học Sư phạm", "Đại học Kỹ thuật", "Cao đẳng Nghề")
COUNTRIES = vocab._words(
    "Nhật Bản, Hàn Quốc, Pháp, Đức, Úc, Liên bang Nga, Trung Quốc, Hoa Kỳ, Anh, Séc, Ba Lan"
)
FIELDS_OF_RESEARCH = vocab._words(
    "Khoa học xã hội, Nông nghiệp, Năng lượng, Môi trường, Công nghệ sinh học, Cơ khí chế tạo"
)

# Who the members of a branch are: (age at the evaluation deadline, in days: lowest, highest),
# and the sector whose occupations `vocab.person` draws. High-school members are at least 16½, so
# that they joined at 16 early enough to be classified.
AUDIENCES = {
    "pupils": ((16 * 365 + 190, 18 * 365 + 360), "school", (16, 18)),
    "students": ((18 * 365, 24 * 365), "school", (18, 23)),
    "teachers": ((23 * 365, 35 * 365 + 360), "school", (23, 35)),
    "residential": ((16 * 365 + 190, 30 * 365 + 360), "residential", (16, 30)),
    "workers": ((18 * 365, 30 * 365 + 360), "workers", (18, 30)),
    "public_admin": ((22 * 365, 35 * 365 + 360), "public_admin", (22, 35)),
    "armed_forces": ((18 * 365, 28 * 365 + 360), "armed_forces", (18, 28)),
    "overseas": ((18 * 365, 30 * 365 + 360), "overseas", (18, 30)),
}
# The member group (members.models.Audience) of the members of a branch by its audience; other
# branches' members are of the general group, and committee members are Union cadres.
BRANCH_GROUP = {"pupils": "student", "students": "student", "teachers": "teacher"}
# Relative size of a branch by audience (a school class is bigger than an office).
BRANCH_SIZE = {
    "pupils": 32,
    "students": 35,
    "teachers": 14,
    "residential": 16,
    "workers": 22,
    "public_admin": 12,
    "armed_forces": 24,
    "overseas": 12,
}
# Base unions by kind: share, relative number of branches, sector.
BASE_KINDS = {
    "commune": (0.12, 10, "residential"),
    "high_school": (0.10, 25, "school"),
    "university": (0.03, 45, "school"),
    "company": (0.27, 8, "workers"),
    "corporation": (0.02, 30, "workers"),
    "agency": (0.32, 6, "public_admin"),
    "military": (0.08, 7, "armed_forces"),
    "base_branch": (0.06, 1, ""),
}
# Base unions that sit under a district union where the province still has them (for agencies
# and companies: half of them, the local ones).
LOCAL_KINDS = ("commune", "high_school", "military", "base_branch")
HALF_LOCAL_KINDS = ("agency", "company")
LOCAL_PER_DISTRICT = 40
# District-level blocs (đoàn khối) by kind of base union, and how many base unions one holds.
# (kinds of base unions, sector, letter of the code, names)
BLOCS = (
    (
        ("agency",),
        "public_admin",
        "A",
        ("Đoàn Khối các cơ quan", "Đoàn Khối Sự nghiệp", "Đoàn Khối Y tế", "Đoàn Khối Giáo dục"),
    ),
    (
        ("company", "corporation"),
        "workers",
        "D",
        ("Đoàn Khối Doanh nghiệp", "Đoàn Khối các Khu công nghiệp", "Đoàn Khối Kinh tế"),
    ),
    (("military",), "armed_forces", "L", ("Đoàn Thanh niên Công an", "Đoàn Thanh niên Quân sự")),
)
# The armed forces' base unions are in two blocs from the start (police, army).
MIN_BLOCS = {"L": 2}
BLOC_SIZE = 150
# Every province's first base unions, so that a small set still has every shape.
FIRST_BASE_KINDS = (
    "commune",
    "university",
    "company",
    "base_branch",
    "high_school",
    "agency",
    "military",
)

# --- The level spread -------------------------------------------------------------------------

# Of the members old enough in the Union: excellent, good, complete; the rest is incomplete.
LEVEL_SHARES = (0.158, 0.474, 0.316)
NOT_CLASSIFIED_SHARE = 0.05
# Drawn a little more often: members older than 30 are never newly admitted.
NOT_CLASSIFIED_DRAW = NOT_CLASSIFIED_SHARE * 1.16
# Per area, as a fraction of its points: the range a branch gives for each level.
POINT_RANGES = {
    ResultLevel.EXCELLENT: (0.85, 1.0),
    ResultLevel.GOOD: (0.75, 0.95),
    ResultLevel.COMPLETE: (0.65, 0.85),
    ResultLevel.INCOMPLETE: (0.40, 0.72),
}
NEW_MEMBER_COMMENT = "Đoàn viên mới kết nạp, chưa đủ thời gian sinh hoạt để xếp loại."
LEVEL_COMMENTS = {
    ResultLevel.EXCELLENT: (COMMENTS[0], COMMENTS[3]),
    ResultLevel.GOOD: (COMMENTS[0], COMMENTS[2]),
    ResultLevel.COMPLETE: (COMMENTS[1], COMMENTS[2]),
    ResultLevel.INCOMPLETE: (COMMENTS[4],),
    ResultLevel.NOT_CLASSIFIED: (NEW_MEMBER_COMMENT,),
}
PATTERNS_PER_SECTOR = 256  # at most


def pool_bits(members: int, per_entry: int, low: int, high: int) -> int:
    """How many bits index a pool: about one entry per `per_entry` members, within bounds
    (small sets draw small pools, which is where their time goes)."""
    return max(low, min(high, (members // per_entry).bit_length()))


POOL_BITS = 11  # at most 2**11 profiles per audience
NAME_BITS = 14  # at most 2**14 names per sex

TRUE, FALSE = "1", "0"  # read as booleans by PostgreSQL and by SQLite's numeric affinity
TZ = ZoneInfo(settings.TIME_ZONE)


class GenerateError(Exception):
    """The generator refuses to run (with the reason)."""


# --- The tree ---------------------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    name: str
    code: str
    level: str
    kind: str = Unit.Kind.UNION
    sector: str = ""
    audience: str = ""
    children: list["Node"] = field(default_factory=list)
    members: int = 0  # branches: how many members to create
    province: int = 0  # index of the province (or central unit) it belongs to
    id: int = 0
    path: str = ""
    depth: int = 0

    def add(self, child: "Node") -> "Node":
        child.province = self.province
        self.children.append(child)
        return child

    def walk(self) -> Iterator["Node"]:
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def split(total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """`total` shared by `weights` (largest remainder), each share at least `minimum`."""
    n = len(weights)
    if n == 0:
        return []
    if total < minimum * n:
        raise GenerateError(f"cannot share {total} among {n} with at least {minimum} each")
    rest = total - minimum * n
    whole = sum(weights) or 1.0
    exact = [rest * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(n), key=lambda i: shares[i] - exact[i])
    for i in order[: rest - sum(shares)]:
        shares[i] += 1
    return [s + minimum for s in shares]


def _jitter(rng: random.Random, weight: float) -> float:
    return weight * rng.uniform(0.5, 1.5)


class TreeBuilder:
    """Invents the tree: names, codes, levels, sectors and how many members each branch has."""

    def __init__(self, rng: random.Random, provinces: int):
        self.rng = rng
        self.provinces = provinces

    def build(self, members: int) -> Node:
        rng = self.rng
        p = self.provinces
        bases = max(
            round(members / (MEMBERS_PER_BRANCH * BRANCHES_PER_BASE)),
            len(FIRST_BASE_KINDS) * p + len(CENTRAL_UNITS),
        )
        branches = max(round(members / MEMBERS_PER_BRANCH), 3 * bases)
        if branches > members:
            raise GenerateError(
                f"{members} members are too few for {p} province(s): give at least "
                f"{branches} (--members)."
            )
        root = Node("Trung ương Đoàn", "TW", "central")
        tops = []
        for i, name in enumerate(PROVINCE_NAMES[:p]):
            kind = "Thành đoàn" if i < CITY_PROVINCES else "Tỉnh đoàn"
            province = root.add(Node(f"{kind} {name}", f"T{i + 1:02d}", "province"))
            province.province = i
            tops.append(province)
        for j, (name, code, sector) in enumerate(CENTRAL_UNITS):
            unit = root.add(Node(name, code, "province", sector=sector))
            unit.province = p + j
            tops.append(unit)
        # Provinces' sizes vary (the two cities are the biggest); the centre's units are small.
        weights = [_jitter(rng, 3.0 if i < CITY_PROVINCES else 1.0) for i in range(p)]
        weights += [0.012 * p for _ in CENTRAL_UNITS]
        minimum = [len(FIRST_BASE_KINDS)] * p + [1] * len(CENTRAL_UNITS)
        base_counts = [
            m + s for m, s in zip(minimum, split(bases - sum(minimum), weights, 0), strict=True)
        ]
        base_nodes: list[tuple[Node, str]] = []
        for i, (top, count) in enumerate(zip(tops, base_counts, strict=True)):
            base_nodes += self._province(top, count) if i < p else self._central(top, count)
        self._branches(base_nodes, branches)
        leaves = [n for n in root.walk() if n.kind == Unit.Kind.BRANCH]
        sizes = split(
            members, [_jitter(rng, BRANCH_SIZE[leaf.audience]) for leaf in leaves], minimum=1
        )
        for leaf, size in zip(leaves, sizes, strict=True):
            leaf.members = size
        return root

    # Provinces: district-level units, then base unions under them or directly under the province.
    def _province(self, province: Node, count: int) -> list[tuple[Node, str]]:
        rng = self.rng
        kinds = list(FIRST_BASE_KINDS[:count])
        names, shares = list(BASE_KINDS), [v[0] for v in BASE_KINDS.values()]
        kinds += rng.choices(names, weights=shares, k=count - len(kinds))
        # A third of the provinces (never the cities) have no district unions any more: their
        # communes and schools are directly under the province.
        has_districts = province.province % 3 != 2 or province.province < CITY_PROVINCES
        local = [
            i
            for i, k in enumerate(kinds)
            if has_districts and (k in LOCAL_KINDS or (k in HALF_LOCAL_KINDS and i % 2))
        ]
        districts = []
        for d in range(math.ceil(len(local) / LOCAL_PER_DISTRICT)):
            commune = rng.choice(vocab.COMMUNE_NAMES)
            kind = rng.choices(("Huyện đoàn", "Thị đoàn", "Quận đoàn"), (6, 2, 2))[0]
            code = f"{province.code}-H{d + 1:02d}"
            districts.append(province.add(Node(f"{kind} {commune}", code, "district")))
        parents = {i: districts[n % len(districts)] for n, i in enumerate(local)}
        # The others: in the province's blocs (as many as needed) or directly under it.
        for bloc_kinds, sector, letter, bloc_names in BLOCS:
            members = [i for i, k in enumerate(kinds) if k in bloc_kinds and i not in parents]
            blocs = []
            count = math.ceil(len(members) / BLOC_SIZE)
            for b in range(max(count, min(len(members), MIN_BLOCS.get(letter, 1)))):
                name = bloc_names[b % len(bloc_names)]
                if b >= len(bloc_names):
                    name += f" số {b // len(bloc_names) + 1}"
                code = f"{province.code}-K{letter}{b + 1}"
                bloc = Node(f"{name} tỉnh", code, "district", sector=sector)
                blocs.append(province.add(bloc))
            parents.update({i: blocs[n % len(blocs)] for n, i in enumerate(members)})
        return [(self._base(parents.get(i, province), k), k) for i, k in enumerate(kinds)]

    def _central(self, top: Node, count: int) -> list[tuple[Node, str]]:
        made = []
        for _ in range(count):
            kind = {"public_admin": "agency", "workers": "corporation"}.get(top.sector, "overseas")
            made.append((self._base(top, kind), kind))
        return made

    def _base(self, parent: Node, kind: str) -> Node:
        rng = self.rng
        code = f"{parent.code}-B{len(parent.children) + 1:03d}"
        province = PROVINCE_NAMES[parent.province] if parent.province < self.provinces else ""
        commune = rng.choice(vocab.COMMUNE_NAMES)
        if kind == "commune":
            name = f"Đoàn {rng.choice(('xã', 'xã', 'phường'))} {commune}"
            return parent.add(Node(name, code, "base", sector="residential"))
        if kind == "high_school":
            name = f"Đoàn trường THPT {rng.choice(vocab.STREETS)}"
            return parent.add(Node(name, code, "base", sector="school"))
        if kind == "university":
            name = f"Đoàn trường {rng.choice(UNIVERSITY_KINDS)} {province}"
            return parent.add(Node(name, code, "base", sector="school"))
        if kind == "company":
            name = f"Đoàn cơ sở Công ty {rng.choice(TRADES)} {rng.choice(FIRMS)}"
            return parent.add(Node(name, code, "base", sector="workers"))
        if kind == "corporation":
            name = f"Đoàn Tổng công ty {rng.choice(TRADES)} {rng.choice(FIRMS)}"
            return parent.add(Node(name, code, "base", sector="workers"))
        if kind == "agency":
            if not province:
                where = f"Viện Nghiên cứu {rng.choice(FIELDS_OF_RESEARCH)}"
            elif parent.level == "district" and not parent.sector:  # a district union's
                where = f"{rng.choice(LOCAL_AGENCIES)} {commune}"
            else:
                where = f"Sở {rng.choice(DEPARTMENTS)}"
            return parent.add(Node(f"Đoàn cơ sở {where}", code, "base", sector="public_admin"))
        if kind == "military":
            if "Công an" in parent.name or "Quân sự" in parent.name:
                what = "Công an" if "Công an" in parent.name else "Ban Chỉ huy Quân sự"
            else:
                what = rng.choice(("Ban Chỉ huy Quân sự", "Công an"))
            name = f"Đoàn cơ sở {what} {commune}"
            return parent.add(Node(name, code, "base", sector="armed_forces"))
        if kind == "overseas":
            name = f"Đoàn cơ sở Lưu học sinh tại {rng.choice(COUNTRIES)}"
            return parent.add(Node(name, code, "base", sector="overseas"))
        # A branch at base level, straight under a district-level unit or a province.
        sector, what = rng.choice(
            (
                ("public_admin", f"Trạm Y tế {commune}"),
                ("public_admin", f"Kho bạc {commune}"),
                ("workers", f"Bưu điện {commune}"),
                ("workers", f"Chi nhánh Điện lực {commune}"),
            )
        )
        audience = "public_admin" if sector == "public_admin" else "workers"
        node = Node(f"Chi đoàn cơ sở {what}", code, "base", Unit.Kind.BRANCH, sector, audience)
        return parent.add(node)

    def _branches(self, bases: list[tuple[Node, str]], total: int) -> None:
        rng = self.rng
        unions = [(b, k) for b, k in bases if b.kind == Unit.Kind.UNION]
        total -= len(bases) - len(unions)  # base-level branches are branches themselves
        weights = [_jitter(rng, BASE_KINDS.get(k, (0, 4))[1]) for _b, k in unions]
        minimum = [2 if k in ("university", "corporation") else 1 for _b, k in unions]
        extra = split(total - sum(minimum), weights, 0)
        counts = [m + e for m, e in zip(minimum, extra, strict=True)]
        for (base, kind), count in zip(unions, counts, strict=True):
            if kind in ("university", "corporation"):
                groups = max(2, min(count // 3, rng.randint(3, 8)))
                for g, size in enumerate(split(count, [_jitter(rng, 1) for _ in range(groups)])):
                    self._group(base, kind, g, size)
            else:
                for i in range(count):
                    self._branch(base, kind, i)

    def _group(self, base: Node, kind: str, g: int, count: int) -> None:
        """An intermediate level: a faculty union of a university, a plant union of a company."""
        code = f"{base.code}-L{g + 1:02d}"
        if kind == "university":
            faculty, short = FACULTIES[g % len(FACULTIES)]
            group = base.add(Node(f"Liên chi đoàn Khoa {faculty}", code, "base", sector="school"))
            for i in range(count):
                course = 46 + (i // 3) % 5
                if i == count - 1 and count > 2:
                    name, audience = f"Chi đoàn Cán bộ - Giảng viên Khoa {faculty}", "teachers"
                else:
                    name, audience = f"Chi đoàn {short} K{course}{'ABC'[i % 3]}", "students"
                self._leaf(group, name, audience)
        else:
            group = base.add(Node(f"Liên chi đoàn Nhà máy số {g + 1}", code, "base"))
            group.sector = "workers"
            for i in range(count):
                self._leaf(group, f"Chi đoàn Tổ sản xuất {i + 1}", "workers")

    def _branch(self, base: Node, kind: str, i: int) -> None:
        if kind == "commune":
            if "phường" in base.name:
                hamlet = "Khu phố" if base.province % 2 else "Tổ dân phố"
            else:
                hamlet = "Ấp" if base.province % 2 else "Thôn"
            self._leaf(base, f"Chi đoàn {hamlet} {i + 1}", "residential")
        elif kind == "high_school":
            if i == 0:
                self._leaf(base, "Chi đoàn Giáo viên", "teachers")
            else:
                grade = 10 + (i - 1) % 3
                self._leaf(base, f"Chi đoàn {grade}A{(i - 1) // 3 + 1}", "pupils")
        elif kind in ("company", "corporation"):
            what = "Khối Văn phòng" if i == 0 else f"Phân xưởng {i}"
            self._leaf(base, f"Chi đoàn {what}", "workers")
        elif kind == "agency":
            office = OFFICES[i % len(OFFICES)]
            self._leaf(base, f"Chi đoàn {office} {i // len(OFFICES) + 1}", "public_admin")
        elif kind == "military":
            self._leaf(base, f"Chi đoàn Trung đội {i + 1}", "armed_forces")
        else:
            self._leaf(base, f"Chi đoàn Lưu học sinh số {i + 1}", "overseas")

    @staticmethod
    def _leaf(parent: Node, name: str, audience: str) -> None:
        code = f"{parent.code}-C{len(parent.children) + 1:03d}"
        node = Node(name, code, "branch", Unit.Kind.BRANCH, parent.sector, audience)
        parent.add(node)


def number_tree(root: Node, first_id: int = 1, root_step: int = 1) -> list[Node]:
    """Ids in tree order and treebeard paths (the model's own path builder); returns the nodes
    parents first."""
    root.id, root.depth = first_id, 1
    root.path = Unit._get_path(None, 1, root_step)
    nodes = []
    for node in root.walk():
        nodes.append(node)
        for i, child in enumerate(node.children, start=1):
            child.depth = node.depth + 1
            child.path = Unit._get_path(node.path, child.depth, i)
    for i, node in enumerate(nodes):
        node.id = first_id + i
    return nodes


def member_counts(nodes: list[Node]) -> dict[int, int]:
    """Members in each unit's subtree (the branches' members rolled up to every ancestor)."""
    counts: dict[int, int] = {}
    for node in reversed(nodes):  # children before parents
        counts[node.id] = node.members + sum(counts[c.id] for c in node.children)
    return counts


# --- People -------------------------------------------------------------------------------------


@dataclass
class Context:
    """What every row needs: ids of the framework's rows, dates, and how a value is written."""

    year: int
    framework_id: int
    level_ids: dict[str, int]
    bands: Bands
    areas: list[tuple[str, Decimal]]  # (code, max points)
    criteria: dict[str, list[tuple[int, str, bool]]]  # sector → [(id, area, mandatory)]
    ts: Callable[[datetime], str]  # how a timestamp is written as text
    min_criteria: int = 10
    eligibility_months: int = 6
    now: str = ""
    now_moment: datetime = field(default_factory=timezone.now)
    deadlines: dict[str, dict[str, date]] = field(default_factory=dict)
    life: LifeSettings | None = None  # the meetings' and dues' settings (demo.branch_life)


def eligible_cutoff(due: date, months: int) -> date:
    """The last admission date still classified at an evaluation deadline of `due`."""
    day = due - timedelta(days=months * 31 + 3)
    while add_months(day + timedelta(days=1), months) <= due:
        day += timedelta(days=1)
    return day


def programme_dates(year: int) -> dict[str, dict[str, date]]:
    """Deadlines of the programme year by kind of sector (set on the central unit)."""
    return {
        "": {
            "registration": date(year - 1, 11, 15),
            "new_member_registration": date(year, 5, 30),
            "evaluation": date(year, 10, 15),
            "recognition": date(year, 11, 30),
            "register_from": date(year - 1, 10, 25),
        },
        "school": {
            "registration": date(year - 1, 10, 15),
            "evaluation": date(year, 5, 15),
            "recognition": date(year, 5, 31),
            "register_from": date(year - 1, 9, 15),
        },
    }


class People:
    """Pools of invented names and profiles, drawn once with `demo.vocab`, then combined per
    member with a few random numbers (fast enough for millions of rows)."""

    def __init__(self, rng: random.Random, due: dict[str, date], members: int):
        self.members = members
        self.name_bits = pool_bits(members, 1, 8, NAME_BITS)
        self.profile_bits = pool_bits(members, 8, 6, POOL_BITS)
        self.place_bits = pool_bits(members, 64, 5, 8)
        self.names = {
            sex: [self._name(rng, sex) for _ in range(1 << self.name_bits)] for sex in "mf"
        }
        self.profiles = {}
        for audience, (_days, sector, (low, high)) in AUDIENCES.items():
            today = due["school" if sector == "school" else ""]
            self.profiles[audience] = [
                self._profile(rng, sector, low, high, today) for _ in range(1 << self.profile_bits)
            ]
        self.places = {}
        for i, name in enumerate(PROVINCE_NAMES):
            province = f"{'Thành phố' if i < CITY_PROVINCES else 'Tỉnh'} {name}"
            communes = [f"{rng.choice(('Xã', 'Phường'))} {c}" for c in vocab.COMMUNE_NAMES]
            towns = [f"{c}, {province}" for c in communes]
            addresses = []
            for _ in range(1 << self.place_bits):
                commune = rng.choice(communes)
                number = rng.randint(1, 250)
                if commune.startswith("Phường"):
                    place = f"Số {number}, đường {rng.choice(vocab.STREETS)}"
                else:
                    place = f"Số {number}, {rng.choice(vocab.HAMLETS)}"
                addresses.append(f"{place}, {commune}, {province}")
            self.places[i] = (towns, addresses)
        self.all_towns = [town for towns, _a in self.places.values() for town in towns]
        for text in self._all_text():
            if any(c in text for c in "\t\n\r\\"):
                raise GenerateError(f"unexpected character in {text!r}")

    @staticmethod
    def _name(rng: random.Random, sex: str) -> tuple:
        sex_name = "male" if sex == "m" else "female"
        ethnicity = vocab._pick(rng, vocab.ETHNICITIES)
        full_name = vocab._full_name(rng, sex_name, ethnicity)
        folded = fold(full_name).split()
        local = f"{folded[-1]}.{folded[0]}{''.join(w[0] for w in folded[1:-1])}"
        return (
            full_name,
            fold(full_name),
            given_name_key(full_name),
            local,
            ethnicity,
            vocab._religion(rng, ethnicity),
        )

    @staticmethod
    def _profile(rng: random.Random, sector: str, low: int, high: int, today: date) -> tuple:
        person = vocab.person(rng, age_min=low, age_max=high, today=today, sector=sector)
        return (
            person["education_level"],
            person["professional_qualification"],
            person["political_theory_level"],
            person["it_level"],
            person["foreign_language_level"],
            person["occupation"],
            person["joined_party_on"] is not None,
        )

    def _all_text(self) -> Iterator[str]:
        for pool in self.names.values():
            for entry in pool:
                yield from (v for v in entry if isinstance(v, str))
        for pool in self.profiles.values():
            for entry in pool:
                yield from (v for v in entry if isinstance(v, str))
        for towns, addresses in self.places.values():
            yield from towns
            yield from addresses


# --- Registrations ------------------------------------------------------------------------------


def _points_pool(rng: random.Random, ctx: Context, level: str, size: int) -> list[tuple]:
    """(points as stored, total as stored) for `size` assessments classified `level`."""
    low, high = POINT_RANGES[level]
    pool = []
    while len(pool) < size:
        points = {}
        for code, most in ctx.areas:
            halves = int(most * 2)
            value = rng.randint(math.ceil(low * halves), math.floor(high * halves))
            points[code] = round_total(Decimal(value) / 2)
        total = round_total(sum(points.values(), Decimal(0)))
        if classify(total=total, bands=ctx.bands) == level:
            stored = json.dumps({code: str(v) for code, v in points.items()})
            pool.append((stored, str(total)))
    return pool


def criteria_patterns(
    rng: random.Random, ctx: Context, members: int
) -> dict[str, list[list[tuple]]]:
    """For each sector, a few hundred ways to register: every mandatory criterion, at least one
    in each area, at least the framework's minimum in all (mostly exactly it); a plan and a target
    date within the sector's programme year for each."""
    patterns = {}
    minimum = max(10, ctx.min_criteria)
    for sector, available in ctx.criteria.items():
        first, last = programme_year_span(ctx.year, sector)
        span = (last - first).days
        by_area: dict[str, list[int]] = {}
        for pk, area, _mandatory in available:
            by_area.setdefault(area, []).append(pk)
        mandatory = [pk for pk, _area, m in available if m]
        chosen_patterns = []
        for _ in range(1 << pool_bits(members, 16, 4, PATTERNS_PER_SECTOR.bit_length() - 1)):
            chosen = list(mandatory)
            for _area, pks in sorted(by_area.items()):
                if not set(pks) & set(chosen):
                    chosen.append(rng.choice(pks))
            want = max(minimum, len(chosen)) + rng.choice((0, 0, 0, 0, 0, 0, 0, 1, 1, 2))
            rest = [pk for pk, _a, _m in available if pk not in chosen]
            chosen += rng.sample(rest, min(len(rest), max(0, want - len(chosen))))
            chosen_patterns.append(
                [
                    (
                        pk,
                        rng.choice(PLANS),
                        (first + timedelta(days=rng.randint(span // 3, span))).isoformat(),
                    )
                    # In the framework's order, as a member goes through it (and so the items
                    # table is in (registration, criterion) order: its indexes build faster).
                    for pk in sorted(chosen)
                ]
            )
        patterns[sector] = chosen_patterns
    return patterns


# --- Rows ---------------------------------------------------------------------------------------

# The columns each table is written with, in the order the rows are made, with their types (the
# binary COPY format depends on them; a table whose types differ in the database is sent as
# text). Grouped as the rows are assembled: values that come from one pool entry are adjacent.
MEMBER_LAYOUT = (
    ("id", "int8"),
    # from the name pool
    ("full_name", "text"),
    ("name_folded", "text"),
    ("sort_key", "text"),
    ("sex", "text"),
    ("ethnicity", "text"),
    ("religion", "text"),
    # from the profile pool
    ("education_level", "text"),
    ("professional_qualification", "text"),
    ("political_theory_level", "text"),
    ("it_level", "text"),
    ("foreign_language_level", "text"),
    ("occupation", "text"),
    # from the province's places
    ("home_town", "text"),
    ("permanent_address", "text"),
    # drawn for each member
    ("member_code", "text"),
    ("date_of_birth", "date"),
    ("id_number", "text"),
    ("id_issued_on", "date"),
    ("joined_union_on", "date"),
    ("admission_resolution_no", "text"),
    ("card_number", "text"),
    ("joined_party_on", "date"),
    ("category", "text"),
    ("position", "text"),
    ("audience", "text"),
    ("federation_member", "bool"),
    ("email", "text"),
    ("phone", "text"),
    # the same for the whole branch
    ("id_issued_place", "text"),
    ("honorary", "bool"),
    ("awards", "text"),
    ("discipline", "text"),
    ("branch_id", "int8"),
    ("unit_path", "text"),
    ("status", "text"),
    ("left_on", "date"),
    ("continues_as", "text"),
    ("continues_reason", "text"),
    ("kept_until", "date"),
    ("kept_reason", "text"),
    ("photo", "text"),
    ("created_at", "timestamptz"),
    ("updated_at", "timestamptz"),
)
MEMBERSHIP_LAYOUT = (
    ("id", "int8"),
    ("member_id", "int8"),
    ("started_on", "date"),
    ("branch_id", "int8"),
    ("ended_on", "date"),
    ("reason", "text"),
)
REGISTRATION_LAYOUT = (
    ("id", "int8"),
    ("member_id", "int8"),
    ("entered_by_secretary", "bool"),
    ("submitted_at", "timestamptz"),
    ("approved_at", "timestamptz"),
    ("self_assessed_at", "timestamptz"),
    ("assessed_at", "timestamptz"),
    # from the pool of assessments of a level
    ("branch_points", "jsonb"),
    ("total", "numeric"),
    ("level", "text"),
    ("branch_comment", "text"),
    ("self_points", "jsonb"),
    ("self_comment", "text"),
    # the same for the whole branch
    ("year", "int2"),
    ("framework_id", "int8"),
    ("branch_id", "int8"),
    ("unit_path", "text"),
    ("state", "text"),
    ("review_comment", "text"),
    ("submitted_late", "bool"),
    ("assessed_by_id", "int8"),
    ("assessed_late", "bool"),
    ("updated_at", "timestamptz"),
    ("assessment_seq", "int4"),
)
ITEM_LAYOUT = (
    ("registration_id", "int8"),
    ("criterion_id", "int8"),
    ("plan", "text"),
    ("target_date", "date"),
)
UNIT_COLUMNS = (
    "id",
    "path",
    "depth",
    "numchild",
    "name",
    "name_folded",
    "code",
    "level_id",
    "kind",
    "sector",
    "is_active",
    "member_count",
    "created_at",
)
LAYOUTS = {
    Member: MEMBER_LAYOUT,
    Membership: MEMBERSHIP_LAYOUT,
    Registration: REGISTRATION_LAYOUT,
    RegistrationItem: ITEM_LAYOUT,
    **branch_life.LAYOUTS,
}
# PostgreSQL's names of the types above.
PG_TYPES = {
    "int8": ("bigint",),
    "int4": ("integer",),
    "int2": ("smallint",),
    "text": ("text", "character varying"),
    "date": ("date",),
    "timestamptz": ("timestamp with time zone",),
    "bool": ("boolean",),
    "jsonb": ("jsonb",),
    "numeric": ("numeric",),
}


def columns(layout) -> tuple[str, ...]:
    return tuple(name for name, _kind in layout)


def check_columns() -> None:
    """The rows written here must name every column of the models (fails loudly on a change)."""
    wanted = {
        Unit: UNIT_COLUMNS,
        **{m: columns(layout) for m, layout in LAYOUTS.items()},
        **branch_life.ROLLUP_COLUMNS,
    }
    for model, names in wanted.items():
        have = {f.column for f in model._meta.concrete_fields}
        if model is RegistrationItem or model in branch_life.SERVER_IDS:
            have.discard("id")
        if have != set(names) or len(names) != len(set(names)):
            raise GenerateError(f"{model.__name__}: columns changed: {sorted(have ^ set(names))}")


PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
PG_EPOCH_DAY = PG_EPOCH.date().toordinal()
NULL = "\\N"  # how COPY text writes a NULL; the SQLite writer turns it into None


class TextFormat:
    """Values as COPY text (also what the SQLite writer parses)."""

    binary = False
    null = NULL
    empty = ""
    sep = "\t"  # between two values
    end = "\n"  # after a row

    def __init__(self, ts: Callable[[datetime], str]):
        self._ts = ts

    def text(self, value: str) -> str:
        return value

    def int8(self, value: int) -> str:
        return str(value)

    int4 = int2 = int8

    def bool(self, value: bool) -> str:
        return TRUE if value else FALSE

    def day(self, ordinal: int) -> str:
        return date.fromordinal(ordinal).isoformat()

    def ts(self, moment: datetime) -> str:
        return self._ts(moment)

    def jsonb(self, value: str) -> str:
        return value

    def numeric(self, value: str) -> str:
        return value

    def group(self, values) -> str:
        return "\t".join(values)

    def head(self, count: int) -> str:
        """What starts a row of `count` values."""
        return ""

    def rows(self, rows: list[str]) -> bytes:
        return "".join(rows).encode()

    def row_maker(self, count: int) -> Callable[[list[str]], str]:
        def row(values: list[str]) -> str:
            return "\t".join(values) + "\n"

        return row


_I4 = struct.Struct(">i")


class BinaryFormat:
    """Values in PostgreSQL's binary COPY format: each a length and the bytes."""

    binary = True
    null = _I4.pack(-1)
    empty = _I4.pack(0)
    sep = end = b""
    header = b"PGCOPY\n\xff\r\n\0" + struct.pack(">ii", 0, 0)
    trailer = struct.pack(">h", -1)

    def text(self, value: str) -> bytes:
        encoded = value.encode()
        return _I4.pack(len(encoded)) + encoded

    def int8(self, value: int) -> bytes:
        return struct.pack(">iq", 8, value)

    def int4(self, value: int) -> bytes:
        return struct.pack(">ii", 4, value)

    def int2(self, value: int) -> bytes:
        return struct.pack(">ih", 2, value)

    def bool(self, value: bool) -> bytes:
        return struct.pack(">iB", 1, bool(value))

    def day(self, ordinal: int) -> bytes:
        return struct.pack(">ii", 4, ordinal - PG_EPOCH_DAY)

    def ts(self, moment: datetime) -> bytes:
        return struct.pack(">iq", 8, (moment - PG_EPOCH) // timedelta(microseconds=1))

    def jsonb(self, value: str) -> bytes:
        encoded = b"\x01" + value.encode()  # version 1, then the JSON text
        return _I4.pack(len(encoded)) + encoded

    def numeric(self, value: str) -> bytes:
        """PostgreSQL's numeric: base-10000 digits with weight, sign and display scale."""
        number = Decimal(value)
        sign, _digits, exponent = number.as_tuple()
        scale = max(0, -int(exponent))
        whole, _, fraction = format(abs(number), "f").partition(".")
        whole = whole.lstrip("0")
        whole = "0" * (-len(whole) % 4) + whole
        fraction = fraction + "0" * (-len(fraction) % 4)
        groups = [int(whole[i : i + 4]) for i in range(0, len(whole), 4)]
        weight = len(groups) - 1
        groups += [int(fraction[i : i + 4]) for i in range(0, len(fraction), 4)]
        while groups and groups[0] == 0:
            groups.pop(0)
            weight -= 1
        while groups and groups[-1] == 0:
            groups.pop()
        if not groups:
            weight = 0
        body = struct.pack(
            f">hhhh{len(groups)}H", len(groups), weight, sign and 0x4000, scale, *groups
        )
        return _I4.pack(len(body)) + body

    def group(self, values) -> bytes:
        return b"".join(values)

    def head(self, count: int) -> bytes:
        return struct.pack(">h", count)

    def rows(self, rows: list[bytes]) -> bytes:
        return b"".join([self.header, *rows, self.trailer])

    def row_maker(self, count: int) -> Callable[[list[bytes]], bytes]:
        head = self.head(count)

        def row(values: list[bytes]) -> bytes:
            return head + b"".join(values)

        return row


@dataclass
class Chunk:
    """Rows of a run of branches, each table's rows already in its COPY format; items as
    (registration id, sector, pattern number); attendance as one block of rows a meeting."""

    members: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    registrations: list = field(default_factory=list)
    items: list[tuple[int, str, int]] = field(default_factory=list)
    meetings: list = field(default_factory=list)
    attendance: list = field(default_factory=list)
    attendance_rows: int = 0
    profiles: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    paid_months: list = field(default_factory=list)
    # Per branch: (branch id, then its members by level in the order of TALLIED).
    tallies: list[tuple] = field(default_factory=list)
    # Per branch: its meetings' and dues' counts (branch_life.BranchLife.branch).
    life: list[tuple] = field(default_factory=list)
    count: int = 0


TALLIED = (
    ResultLevel.EXCELLENT,
    ResultLevel.GOOD,
    ResultLevel.COMPLETE,
    ResultLevel.INCOMPLETE,
    ResultLevel.NOT_CLASSIFIED,
)


class RowMaker:
    """Makes the rows of members, their spans, registrations and items, branch by branch, each
    in the format its table is sent in. The inner loop is written for speed: every value that
    comes from a pool is encoded once beforehand, dates and timestamps are looked up by day
    number, and a row is one join of its values."""

    def __init__(self, seed: int, ctx: Context, people: People, patterns: dict, formats: dict):
        self.rng = rng = random.Random(seed * 7919 + 17)
        self.ctx = ctx
        self.people = people
        self.patterns = patterns
        self.fm, self.fs = formats[Member], formats[Membership]
        self.fr, self.fi = formats[Registration], formats[RegistrationItem]
        self.id_serials: dict[str, int] = {}
        self.cards: dict[int, int] = {}
        with translation.override(settings.LANGUAGE_CODE):
            reason = gettext("Record created")
        self.sector_dates = {}
        for kind in ("", "school"):
            d = ctx.deadlines[kind]
            self.sector_dates[kind] = (
                d["evaluation"],
                eligible_cutoff(d["evaluation"], ctx.eligibility_months),
                d["register_from"],
                d["registration"],
            )
        dues = [d["evaluation"] for d in ctx.deadlines.values()]
        # Every day a member's dates can fall on: births 37 years back to the last deadline.
        self.day0 = min(dues).toordinal() - 37 * 366
        day_range = range(self.day0, max(dues).toordinal() + 400)
        self.member_days = [self.fm.day(o) for o in day_range]
        self.years = [date.fromordinal(o).year for o in day_range]
        self.span_days = [self.fs.day(o) for o in day_range]
        # Times of day (7:00 to 14:30, local) on the days of registration and assessment.
        self.moment0 = min(d["register_from"] for d in ctx.deadlines.values()).toordinal() - 5
        self.moments = [
            self.fr.ts(datetime.combine(date.fromordinal(o), clock(7 + s // 2, 30 * (s % 2)), TZ))
            for o in range(self.moment0, max(dues).toordinal() + 30)
            for s in range(16)
        ]
        fm, fr = self.fm, self.fr
        self.names = {
            sex: [
                (
                    fm.group(
                        [
                            fm.text(full_name),
                            fm.text(folded),
                            fm.text(sort_key),
                            fm.text("male" if sex == "m" else "female"),
                            fm.text(ethnicity),
                            fm.text(religion),
                        ]
                    ),
                    local,
                )
                for full_name, folded, sort_key, local, ethnicity, religion in pool
            ]
            for sex, pool in people.names.items()
        }
        self.profiles = {
            audience: [(fm.group([fm.text(v) for v in entry[:6]]), entry[6]) for entry in pool]
            for audience, pool in people.profiles.items()
        }
        self.places = {
            province: [
                fm.group(
                    [
                        fm.text(rng.choice(towns if rng.random() < 0.8 else people.all_towns)),
                        fm.text(address),
                    ]
                )
                for address in addresses
            ]
            for province, (towns, addresses) in people.places.items()
        }
        self.resolutions = [fm.text(f"{n}-QĐ/ĐTN") for n in range(100, 612)]
        # By the member group of the branch's members (a committee member is a Union cadre).
        self.roles = {
            group: [
                fm.group(
                    [
                        fm.text(category),
                        fm.text(position),
                        fm.text(group if position == "member" else "cadre"),
                        fm.bool(federation),
                    ]
                )
                for category in ("main", "residence", "temporary")
                for position in ("member", "secretary", "deputy", "committee")
                for federation in (False, True)
            ]
            for group in set(BRANCH_GROUP.values()) | {"general"}
        }
        self.member_row = fm.row_maker(len(MEMBER_LAYOUT))
        self.span_row = self.fs.row_maker(len(MEMBERSHIP_LAYOUT))
        self.span_tail = self.fs.group([self.fs.null, self.fs.text(reason)])
        self.registration_row = fr.row_maker(len(REGISTRATION_LAYOUT))
        # Assessments by level: (branch points, total, level) with a comment, and self-points.
        self.points_bits = pool_bits(people.members, 8, 5, 9)
        self.assessments = {}
        self.self_assessments = {}
        for level in POINT_RANGES:
            pool = _points_pool(rng, ctx, level, 1 << self.points_bits)
            self.self_assessments[level] = [
                fr.group([fr.jsonb(points), fr.empty]) for points, _total in pool
            ]
        for level in (*POINT_RANGES, ResultLevel.NOT_CLASSIFIED):
            source = ResultLevel.GOOD if level == ResultLevel.NOT_CLASSIFIED else level
            pool = _points_pool(rng, ctx, source, 1 << self.points_bits)
            comments = LEVEL_COMMENTS[level]
            self.assessments[level] = [
                fr.group(
                    [
                        fr.jsonb(points),
                        fr.numeric(total),
                        fr.text(level),
                        fr.text(comments[i % len(comments)]),
                    ]
                )
                for i, (points, total) in enumerate(pool)
            ]
        self.secretary_flags = (fr.bool(False), fr.bool(True))
        occupations = {
            audience: [entry[5] for entry in pool] for audience, pool in people.profiles.items()
        }
        self.life = BranchLife(seed, ctx.life, formats, occupations, ctx.now_moment)

    def chunks(self, nodes: list[Node], first_id: int, size: int) -> Iterator[Chunk]:
        chunk = Chunk()
        next_id = first_id
        for node in nodes:
            if node.kind != Unit.Kind.BRANCH:
                continue
            self.branch(chunk, node, next_id)
            next_id += node.members
            chunk.count += node.members
            if chunk.count >= size:
                yield chunk
                chunk = Chunk()
        if chunk.count:
            yield chunk

    def branch(self, chunk: Chunk, node: Node, first_id: int) -> None:  # noqa: C901
        ctx, rng = self.ctx, self.rng
        fm, fs, fr = self.fm, self.fs, self.fr
        text_m, int8_m, int8_s, int8_r = fm.text, fm.int8, fs.int8, fr.int8
        rnd, bits = rng.random, rng.getrandbits
        days, span_days, day0, years = self.member_days, self.span_days, self.day0, self.years
        moments, moment0 = self.moments, self.moment0
        school = node.sector == "school"
        due, cutoff, register_from, register_by = self.sector_dates["school" if school else ""]
        due_o, cutoff_o = due.toordinal(), cutoff.toordinal()
        reg_from_o, reg_span = register_from.toordinal(), (register_by - register_from).days
        (low_days, high_days), _sector, _ages = AUDIENCES[node.audience]
        age_span = high_days - low_days
        profiles = self.profiles[node.audience]
        province = node.province % len(PROVINCE_NAMES)
        places = self.places[province]
        home_code = PROVINCE_ID_CODES[PROVINCE_NAMES[province]]
        names_m, names_f = self.names["m"], self.names["f"]
        name_bits, profile_bits = self.people.name_bits, self.people.profile_bits
        place_bits, points_bits = self.people.place_bits, self.points_bits
        serials, cards = self.id_serials, self.cards
        card_prefix = f"{node.province + 1:02d}"
        phones = vocab.PHONE_PREFIXES
        n_phones = len(phones)
        domain = vocab.EMAIL_DOMAIN
        resolutions = self.resolutions
        roles = self.roles[BRANCH_GROUP.get(node.audience, "general")]
        member_null = fm.null
        member_tail = fm.group(
            [
                fm.text(vocab.ID_ISSUED_PLACE),
                fm.bool(False),
                fm.empty,
                fm.empty,
                fm.int8(node.id),
                fm.text(node.path),
                fm.text("active"),
                fm.null,
                fm.empty,
                fm.empty,
                fm.null,
                fm.empty,
                fm.empty,
                fm.ts(ctx.now_moment),
                fm.ts(ctx.now_moment),
            ]
        )
        span_branch, span_tail = fs.int8(node.id), self.span_tail
        registration_tail = fr.group(
            [
                fr.int2(ctx.year),
                fr.int8(ctx.framework_id),
                fr.int8(node.id),
                fr.text(node.path),
                fr.text(Registration.State.APPROVED),
                fr.empty,
                fr.bool(False),
                fr.null,
                fr.bool(False),
                fr.ts(ctx.now_moment),
                fr.int4(0),
            ]
        )
        member_row, span_row, registration_row = (
            self.member_row,
            self.span_row,
            self.registration_row,
        )
        assessments, self_assessments = self.assessments, self.self_assessments
        secretary_flags = self.secretary_flags
        sector = node.sector or "residential"
        n_patterns = len(self.patterns[sector])
        members, spans, registrations, items = (
            chunk.members,
            chunk.memberships,
            chunk.registrations,
            chunk.items,
        )
        # How good this branch is: shifts its shares around the national ones.
        shift = rnd() * 2 - 1
        excellent = LEVEL_SHARES[0] * (1 + 0.6 * shift)
        good = excellent + LEVEL_SHARES[1]
        complete = good + LEVEL_SHARES[2] * (1 - 0.3 * shift)
        size = node.members
        tally = dict.fromkeys(TALLIED, 0)
        joined_days, picks = [], []  # for the branch's meetings and dues
        for k in range(size):
            mid = first_id + k
            female = bits(1)
            name, local = (names_f if female else names_m)[bits(name_bits)]
            pick = bits(profile_bits)
            profile, party = profiles[pick]
            born = due_o - low_days - int(rnd() * age_span)
            age16, age19, age31 = born + 5845, born + 6940, born + 11320
            # Admitted in the last months (so not classified): only those young enough for it.
            new_member = rnd() < NOT_CLASSIFIED_DRAW and age16 <= due_o - 30 and age31 >= due_o
            if new_member:
                start = max(age16, cutoff_o + 1)
                joined = start + int(rnd() * (due_o - 20 - start))
            else:
                last = min(cutoff_o - 3, age31)
                if rnd() < 0.75:
                    last = min(last, age19)
                joined = age16 + int(rnd() * max(1, last - age16))
            joined_days.append(joined)
            picks.append(pick)
            born_year = years[born - day0]
            yy = born_year % 100
            prefix = f"{home_code}{(born_year // 100 - 19) * 2 + female}{yy:02d}"
            serial = serials.get(prefix, 0)
            serials[prefix] = serial + 1
            card = cards.get(province, 0) + 1
            cards[province] = card
            party_on = member_null
            if party and due_o - joined > 400 and due_o - born > 6945:
                first_party = max(joined + 366, born + 6576)
                if first_party < due_o - 30:
                    party_on = days[first_party + int(rnd() * (due_o - 30 - first_party)) - day0]
            if k > 3 or size < 3:
                position = 0
            elif k < 2:
                position = k + 1
            else:
                position = 3 if size > 6 else 0
            category = 0 if rnd() < 0.95 else (1 if rnd() < 0.6 else 2)
            members.append(
                member_row(
                    [
                        int8_m(mid),
                        name,
                        profile,
                        places[bits(place_bits)],
                        text_m(f"DV{(mid * 7654321097 + 1234567891) % 10_000_000_000:010d}"),
                        days[born - day0],
                        text_m(f"{prefix}{(serial * 611953 + 104729) % 1_000_000:06d}"),
                        days[age16 + int(rnd() * (due_o - age16)) - day0],
                        days[joined - day0],
                        resolutions[bits(9)],
                        text_m(f"{card_prefix}{card:08d}") if rnd() < 0.9 else member_null,
                        party_on,
                        roles[category * 8 + position * 2 + (rnd() < 0.3)],
                        text_m(f"{local}{yy:02d}{bits(7) % 100:02d}@{domain}"),
                        text_m(f"{phones[bits(6) % n_phones]}{int(rnd() * 10_000_000):07d}"),
                        member_tail,
                    ]
                )
            )
            spans.append(
                span_row(
                    [int8_s(mid), int8_s(mid), span_days[joined - day0], span_branch, span_tail]
                )
            )
            # The registration: submitted before the deadline (new members after joining),
            # approved a few days later, self-assessed, then assessed by the branch.
            if new_member:
                submitted = joined + 3 + bits(4)
                level = ResultLevel.NOT_CLASSIFIED
                own = ResultLevel.GOOD
            else:
                submitted = reg_from_o + int(rnd() * reg_span)
                roll = rnd()
                if roll < excellent:
                    level = ResultLevel.EXCELLENT
                elif roll < good:
                    level = ResultLevel.GOOD
                elif roll < complete:
                    level = ResultLevel.COMPLETE
                else:
                    level = ResultLevel.INCOMPLETE
                own = ResultLevel.EXCELLENT if rnd() < 0.4 else level
            assessed = due_o - bits(3)
            tally[level] += 1
            registrations.append(
                registration_row(
                    [
                        int8_r(mid),
                        int8_r(mid),
                        secretary_flags[rnd() < 0.1],
                        moments[(submitted - moment0) * 16 + bits(4)],
                        moments[(submitted + 1 + bits(2) - moment0) * 16 + bits(4)],
                        moments[(assessed - 3 - bits(3) - moment0) * 16 + bits(4)],
                        moments[(assessed - moment0) * 16 + bits(4)],
                        assessments[level][bits(points_bits)],
                        self_assessments[own][bits(points_bits)],
                        registration_tail,
                    ]
                )
            )
            items.append((mid, sector, bits(8) % n_patterns))
        chunk.tallies.append((node.id, *tally.values()))
        self.life.branch(chunk, node, first_id, joined_days, picks)


# --- Writing ------------------------------------------------------------------------------------


@dataclass
class Stats:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)

    def add(self, table: str, rows: int, seconds: float) -> None:
        self.rows[table] = self.rows.get(table, 0) + rows
        self.seconds[table] = self.seconds.get(table, 0.0) + seconds


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return model._meta.db_table


LOADED = (Unit, Member, Membership, Registration, RegistrationItem, *branch_life.MODELS)


def reset_statements() -> list[str]:
    """Delete what hangs off units and members (before the loaded tables are emptied)."""
    unit_frameworks = f"SELECT id FROM {_q(_table(Framework))} WHERE unit_id IS NOT NULL"
    return [
        *(f"DELETE FROM {_q(_table(m))}" for m in branch_life.RESET_MODELS),
        *(
            f"DELETE FROM {_q(_table(m))} WHERE unit_id IS NOT NULL"
            for m in branch_life.UNIT_RULE_MODELS
        ),
        f"UPDATE {_q(_table(User))} SET member_id = NULL WHERE member_id IS NOT NULL",
        f"DELETE FROM {_q(_table(RoleGrant))}",
        f"DELETE FROM {_q(_table(Transfer))}",
        f"DELETE FROM {_q(_table(ProgressNote))}",
        f"DELETE FROM {_q(_table(YearStats))}",
        f"DELETE FROM {_q(_table(BranchResult))}",
        f"DELETE FROM {_q(_table(Deadline))}",
        f"DELETE FROM {_q(_table(Criterion))} WHERE unit_id IS NOT NULL "
        f"OR framework_id IN ({unit_frameworks})",
        f"DELETE FROM {_q(_table(ContentArea))} WHERE framework_id IN ({unit_frameworks})",
        f"DELETE FROM {_q(_table(Framework))} WHERE unit_id IS NOT NULL",
    ]


# A registration id that never occurs, marking where the real one goes in an item pattern.
MARK_ID = 987_654_321_987_654_321


class Writer:
    """Where the rows go: a subclass per database."""

    def __init__(self, stats: Stats, patterns: dict, formats: dict):
        self.stats = stats
        self.patterns = patterns
        self.formats = formats
        # Each pattern's rows split around the registration id, in its table's format: an item
        # block is then one join.
        fi = formats[RegistrationItem]
        row, mark = fi.row_maker(len(ITEM_LAYOUT)), fi.int8(MARK_ID)
        self.item_pieces = {}
        for sector, sector_patterns in patterns.items():
            self.item_pieces[sector] = []
            for pattern in sector_patterns:
                rows = [
                    row(
                        [
                            mark,
                            fi.int8(criterion),
                            fi.text(plan),
                            fi.day(date.fromisoformat(target).toordinal()),
                        ]
                    )
                    for criterion, plan, target in pattern
                ]
                self.item_pieces[sector].append((b"" if fi.binary else "").join(rows).split(mark))
        self.item_counts = {
            sector: [len(pattern) for pattern in sector_patterns]
            for sector, sector_patterns in patterns.items()
        }

    def items(self, chunk: Chunk) -> tuple[bytes, int]:
        fi, pieces, counts = self.formats[RegistrationItem], self.item_pieces, self.item_counts
        if fi.binary:
            pack = struct.Struct(">iq").pack
            rows = [pack(8, r).join(pieces[s][p]) for r, s, p in chunk.items]
        else:
            rows = [str(r).join(pieces[s][p]) for r, s, p in chunk.items]
        return fi.rows(rows), sum(counts[s][p] for _r, s, p in chunk.items)

    def encode(self, chunk: Chunk) -> dict:
        """The chunk as COPY data, table by table (in the child process that runs ahead)."""
        formats = self.formats
        return {
            Member: (formats[Member].rows(chunk.members), len(chunk.members)),
            Membership: (formats[Membership].rows(chunk.memberships), len(chunk.memberships)),
            Registration: (
                formats[Registration].rows(chunk.registrations),
                len(chunk.registrations),
            ),
            RegistrationItem: self.items(chunk),
            Meeting: (formats[Meeting].rows(chunk.meetings), len(chunk.meetings)),
            Attendance: (formats[Attendance].rows(chunk.attendance), chunk.attendance_rows),
            Profile: (formats[Profile].rows(chunk.profiles), len(chunk.profiles)),
            Payment: (formats[Payment].rows(chunk.payments), len(chunk.payments)),
            PaidMonth: (formats[PaidMonth].rows(chunk.paid_months), len(chunk.paid_months)),
            "tallies": (chunk.tallies, len(chunk.tallies)),
            "life": (chunk.life, len(chunk.life)),
        }

    def prepare(self, cursor, reset: bool, log) -> None:
        raise NotImplementedError

    def write(self, cursor, model, columns, rows: list[tuple]) -> None:
        raise NotImplementedError

    def write_chunk(self, cursor, chunk) -> None:
        raise NotImplementedError

    def finish(self, cursor, log) -> None:
        pass


class SqliteWriter(Writer):
    batch = 5000

    def prepare(self, cursor, reset: bool, log) -> None:
        if reset:
            for sql in reset_statements():
                cursor.execute(sql)
            for model in reversed(LOADED):
                cursor.execute(f"DELETE FROM {_q(_table(model))}")

    def write(self, cursor, model, columns, rows: list[tuple]) -> None:
        started = time.perf_counter()
        sql = (
            f"INSERT INTO {_q(_table(model))} ({', '.join(_q(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        for i in range(0, len(rows), self.batch):
            cursor.executemany(sql, rows[i : i + self.batch])
        self.stats.add(_table(model), len(rows), time.perf_counter() - started)

    def write_chunk(self, cursor, chunk: Chunk) -> None:
        for model, (data, _count) in self.encode(chunk).items():
            if isinstance(model, str):  # the counts kept, not rows
                continue
            rows = [
                tuple(None if v == NULL else v for v in line.split("\t"))
                for line in data.decode().split("\n")
                if line
            ]
            self.write(cursor, model, columns(LAYOUTS[model]), rows)


class PostgresWriter(Writer):
    """COPY in one transaction, with the loaded tables' indexes and the foreign keys that touch
    them dropped while the rows go in."""

    def __init__(self, stats: Stats, patterns: dict, formats: dict, freeze: bool, members: int):
        super().__init__(stats, patterns, formats)
        self.freeze = freeze
        # Index builds sort in memory when they can: about 500 bytes a member, 256 MB to 4 GB.
        self.sort_memory = os.environ.get(
            "GENERATE_MAINTENANCE_WORK_MEM", f"{min(4096, max(256, members // 2000))}MB"
        )
        self.indexes: list[tuple[str, str, str]] = []  # (name, drop, create)
        self.foreign_keys: list[tuple[str, str, str]] = []

    def prepare(self, cursor, reset: bool, log) -> None:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # nothing may stay pending before DDL
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [self.sort_memory])
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        tables = [_table(m) for m in LOADED]
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.contype = 'f'
              AND (c.conrelid = ANY(%s::regclass[]) OR c.confrelid = ANY(%s::regclass[]))
            ORDER BY 1, 2
            """,
            [tables, tables],
        )
        for table, name, definition in cursor.fetchall():
            self.foreign_keys.append(
                (
                    f"{table}.{name}",
                    f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}",
                    f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}",
                )
            )
        cursor.execute(
            """
            SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid), c.conname,
                   pg_get_constraintdef(c.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype IN ('p', 'u')
            WHERE x.indrelid = ANY(%s::regclass[])
            ORDER BY x.indisprimary DESC, t.relname, i.relname
            """,
            [tables],
        )
        for table, index, definition, constraint, constraint_def in cursor.fetchall():
            if constraint:
                drop = f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(constraint)}"
                create = f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(constraint)} {constraint_def}"
            else:
                drop, create = f"DROP INDEX {_q(index)}", definition
            self.indexes.append((f"{table}.{index}", drop, create))
        for _name, drop, _create in self.foreign_keys + self.indexes:
            cursor.execute(drop)
        log(
            f"  {len(self.foreign_keys)} foreign keys and {len(self.indexes)} indexes dropped "
            "for the load"
        )
        if reset:
            for sql in reset_statements():
                cursor.execute(sql)
        cursor.execute(f"TRUNCATE {', '.join(_q(t) for t in tables)} RESTART IDENTITY")

    def _copy(self, cursor, model, columns, data: bytes, rows: int, binary: bool) -> None:
        from psycopg.copy import QueuedLibpqWriter

        started = time.perf_counter()
        freeze = self.freeze and model in LOADED  # only the tables truncated here
        options = [*(["FORMAT binary"] if binary else []), *(["FREEZE"] if freeze else [])]
        raw = cursor.cursor
        sql = f"COPY {_q(_table(model))} ({', '.join(_q(c) for c in columns)}) FROM STDIN" + (
            f" ({', '.join(options)})" if options else ""
        )
        with raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy:
            view = memoryview(data)
            step = 1 << 20
            for i in range(0, len(view), step):
                copy.write(view[i : i + step])
        self.stats.add(_table(model), rows, time.perf_counter() - started)

    def write(self, cursor, model, columns, rows: list[tuple]) -> None:
        text = "".join("\t".join(NULL if v is None else str(v) for v in row) + "\n" for row in rows)
        self._copy(cursor, model, columns, text.encode(), len(rows), binary=False)

    def write_chunk(self, cursor, chunk) -> None:
        encoded = chunk if isinstance(chunk, dict) else self.encode(chunk)
        for model, (data, rows) in encoded.items():
            if isinstance(model, str):  # the counts kept, not rows
                continue
            binary = self.formats[model].binary
            self._copy(cursor, model, columns(LAYOUTS[model]), data, rows, binary)

    def finish(self, cursor, log) -> None:
        for phase, what, statements in (
            ("indexes", "indexes and unique constraints rebuilt", self.indexes),
            ("foreign_keys", "foreign keys added back (validated)", self.foreign_keys),
        ):
            started = time.perf_counter()
            for name, _drop, create in statements:
                step = time.perf_counter()
                cursor.execute(create)
                took = time.perf_counter() - step
                self.stats.steps[name] = took
                if took >= 5:
                    log(f"    {name}: {took:.0f} s")
            self.stats.phases[phase] = time.perf_counter() - started
            log(f"  {what} in {self.stats.phases[phase]:.0f} s")


def postgres_formats(cursor) -> dict:
    """Binary COPY for each table whose column types are the ones the rows are made for."""
    formats = {}
    for model, layout in LAYOUTS.items():
        cursor.execute(
            """
            SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a
            WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
            """,
            [_table(model)],
        )
        types = dict(cursor.fetchall())
        same = all(types.get(name) in PG_TYPES[kind] for name, kind in layout)
        formats[model] = BinaryFormat() if same else TextFormat(_pg_ts)
    return formats


# --- Running ahead in a child process -------------------------------------------------------------


def _produce(queue, make_chunks, encode) -> None:
    busy = 0.0
    try:
        started = time.process_time()
        for chunk in make_chunks():
            queue.put(encode(chunk))
        busy = time.process_time() - started
        queue.put(("done", busy))
    except BaseException as error:  # report it to the parent instead of dying silently
        queue.put(("error", repr(error)))


class Prefetched:
    """The chunks of `make_chunks()`, encoded, made by a forked child process (started at once)
    while the caller writes the previous ones. The child never touches the database
    connection."""

    def __init__(self, make_chunks, encode, ahead: int = 8):
        context = multiprocessing.get_context("fork")
        self.queue = context.Queue(maxsize=ahead)
        self.child = context.Process(
            target=_produce, args=(self.queue, make_chunks, encode), daemon=True
        )
        self.child.start()

    def __iter__(self) -> Iterator:
        while True:
            item = self.queue.get()
            if isinstance(item, tuple):
                if item[0] == "error":
                    raise GenerateError(f"the generating process failed: {item[1]}")
                yield item
                return
            yield item

    def close(self) -> None:
        if self.child.is_alive():
            self.child.terminate()
        self.child.join()


# --- The whole run --------------------------------------------------------------------------------


def existing_data() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "members": Member.objects.count(),
        "registrations": Registration.objects.count(),
    }


def default_members() -> int:
    return POSTGRES_DEFAULT_MEMBERS if connection.vendor == "postgresql" else SQLITE_DEFAULT_MEMBERS


def default_year(today: date | None = None) -> int:
    """The last programme year whose evaluation is over."""
    today = today or timezone.localdate()
    return today.year if today >= date(today.year, 10, 16) else today.year - 1


def _context(year: int, ts, today: date) -> Context:
    ensure_default_levels(Level)
    default_framework.install(Phase, Framework, ContentArea, Criterion)
    framework = Framework.objects.filter(
        unit__isnull=True, phase__first_year__lte=year, phase__last_year__gte=year
    ).first()
    if framework is None:
        raise GenerateError(f"No default framework covers {year}: choose another --year.")
    areas = [(a.code, a.max_points) for a in framework.areas.all()]
    criteria: dict[str, list] = {}
    rows = list(Criterion.objects.filter(framework=framework).order_by("area_code", "order", "id"))
    # The criteria offered to every member group (the registrations are drawn by sector only).
    for sector in ("school", "workers", "residential", "armed_forces", "public_admin", "overseas"):
        criteria[sector] = [
            (c.pk, c.area_code, c.mandatory)
            for c in rows
            if c.sector in ("", sector) and not c.audience
        ]
    return Context(
        year=year,
        framework_id=framework.pk,
        level_ids=dict(Level.objects.values_list("code", "pk")),
        bands=Bands.of(framework),
        areas=areas,
        criteria=criteria,
        ts=ts,
        # Enough for every member group.
        min_criteria=max(
            [framework.min_criteria, *(framework.min_criteria_by_audience or {}).values()]
        ),
        eligibility_months=framework.eligibility_months,
        now=ts(moment := timezone.now()),
        now_moment=moment,
        deadlines=programme_dates(year),
        life=_life_settings(year, today),
    )


def _life_settings(year: int, today: date) -> LifeSettings:
    try:
        return branch_life.life_settings(year, today)
    except LookupError as error:
        raise GenerateError(f"{error} Set the dues rates first.") from None


def _pg_ts(moment: datetime) -> str:
    return moment.isoformat(sep=" ")


def _sqlite_ts(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def generate(
    *,
    members: int,
    provinces: int = MAX_PROVINCES,
    year: int | None = None,
    seed: int = 1,
    reset: bool = False,
    chunk_members: int = 25_000,
    prefetch: bool | None = None,
    today: date | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """Generate the data set; returns the counts and timings. Refuses a database that already
    has units or members unless `reset` (which deletes them and everything hanging off them).
    Meetings and dues run up to the month of `today` (default: the real one)."""
    if not 1 <= provinces <= MAX_PROVINCES:
        raise GenerateError(f"--provinces is between 1 and {MAX_PROVINCES}.")
    if members < 1:
        raise GenerateError("--members must be positive.")
    check_columns()
    year = year or default_year()
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise GenerateError(f"Unsupported database: {vendor}.")
    found = existing_data()
    if (found["units"] or found["members"]) and not reset:
        raise GenerateError(
            f"This database already has {found['units']} units, {found['members']} members and "
            f"{found['registrations']} registrations. Run with --reset to delete them (and "
            "everything that hangs off them: registrations, reports, role grants, transfers, "
            "meetings, dues) before generating."
        )
    started = time.perf_counter()
    stats = Stats()
    postgres = vendor == "postgresql"
    outer = connection.in_atomic_block
    if found["units"] or found["members"]:
        log(
            f"Deleting {found['units']} units, {found['members']} members and "
            f"{found['registrations']} registrations (--reset)."
        )
    rng = random.Random(seed)
    with transaction.atomic():
        ctx = _context(year, _pg_ts if postgres else _sqlite_ts, today or timezone.localdate())
        log(
            f"Generating {members:,} members in {provinces} province(s) for {year} "
            f"on {vendor} (seed {seed})."
        )
        tree_started = time.perf_counter()
        root = TreeBuilder(rng, provinces).build(members)
        nodes = number_tree(root)
        counts = member_counts(nodes)
        due = {k: v["evaluation"] for k, v in ctx.deadlines.items()}
        people = People(rng, due, members)
        patterns = criteria_patterns(rng, ctx, members)
        stats.phases["prepare"] = time.perf_counter() - tree_started
        log(
            f"  {len(nodes):,} units invented, pools of names and profiles drawn in "
            f"{stats.phases['prepare']:.1f} s"
        )
        with connection.cursor() as cursor:
            writer: Writer
            if postgres:
                formats = postgres_formats(cursor)
                writer = PostgresWriter(stats, patterns, formats, not outer, members)
                log(
                    "  COPY "
                    + ", ".join(
                        f"{_table(m)} {'binary' if f.binary else 'text'}"
                        for m, f in formats.items()
                    )
                    + (" (FREEZE)" if writer.freeze else "")
                )
            else:
                formats = dict.fromkeys(LAYOUTS, TextFormat(_sqlite_ts))
                writer = SqliteWriter(stats, patterns, formats)
            maker = RowMaker(seed, ctx, people, patterns, formats)
            if prefetch is None:
                prefetch = postgres and members >= 4 * chunk_members

            def make():
                return maker.chunks(nodes, 1, chunk_members)

            source = Prefetched(make, writer.encode) if prefetch else None
            try:
                phase = time.perf_counter()
                writer.prepare(cursor, reset, log)
                stats.phases["clear"] = time.perf_counter() - phase
                writer.write(cursor, Unit, UNIT_COLUMNS, unit_rows(nodes, counts, ctx))
                log(f"  {len(nodes):,} units written")
                phase = time.perf_counter()
                tallies, life = [], []
                done, step = 0, max(members // 10, 1)
                for chunk in source or make():
                    if isinstance(chunk, tuple):  # the child's own time, at the end
                        stats.phases["generate (child process)"] = chunk[1]
                        continue
                    writer.write_chunk(cursor, chunk)
                    if isinstance(chunk, dict):
                        tallies += chunk["tallies"][0]
                        life += chunk["life"][0]
                        count = chunk[Member][1]
                    else:
                        tallies += chunk.tallies
                        life += chunk.life
                        count = chunk.count
                    before, done = done, done + count
                    if done // step != before // step or done == members:
                        elapsed = time.perf_counter() - phase
                        log(f"  members {done:,} / {members:,} ({elapsed:.0f} s)")
            finally:
                if source is not None:
                    source.close()
            stats.phases["load"] = time.perf_counter() - phase
            phase = time.perf_counter()
            by_id = {n.id: n for n in nodes}
            results = branch_results(nodes, ctx)
            writer.write(cursor, BranchResult, BRANCH_RESULT_COLUMNS, results)
            stats.rows["branch_results"] = len(results)
            stats.rows["deadlines"] = fill_deadlines(root.id, ctx)
            states = {row[0]: row[3] for row in results}
            rows = branch_year_stats(tallies, by_id, states, ctx.year)
            writer.write(cursor, YearStats, YEAR_STATS_COLUMNS, rows)
            depth = max(n.depth for n in nodes)
            stats.rows["year_stats"] = len(rows) + fill_year_stats(cursor, ctx.year, depth)
            stats.phases["roll-ups"] = time.perf_counter() - phase
            log(f"  roll-ups for {year} filled ({stats.rows['year_stats']:,} rows)")
            phase = time.perf_counter()
            write_life_rollups(writer, cursor, nodes, life, ctx.life, stats)
            stats.phases["meeting and dues roll-ups"] = time.perf_counter() - phase
            log(
                f"  meeting and dues roll-ups filled ({stats.rows['meeting_stats']:,} meeting "
                f"rows, {stats.rows['ledger_rows']:,} ledger rows, "
                f"{stats.rows['receipt_books']:,} receipt books)"
            )
            phase = time.perf_counter()
            writer.finish(cursor, log)
            stats.phases["rebuild"] = time.perf_counter() - phase
            for sql in connection.ops.sequence_reset_sql(no_style(), list(LOADED)):
                cursor.execute(sql)
    phase = time.perf_counter()
    stats.rows["member_stats"] = member_stats_rollup.rebuild()
    stats.phases["member statistics"] = time.perf_counter() - phase
    log(f"  member statistics counted ({stats.rows['member_stats']:,} rows)")
    if postgres:
        phase = time.perf_counter()
        with connection.cursor() as cursor:
            for model in (*LOADED, YearStats, BranchResult):
                cursor.execute(f"ANALYZE {_q(_table(model))}")
        stats.phases["analyze"] = time.perf_counter() - phase
    seconds = time.perf_counter() - started
    table_rows = {
        "units": len(nodes),
        "members": stats.rows.get(_table(Member), 0),
        "memberships": stats.rows.get(_table(Membership), 0),
        "registrations": stats.rows.get(_table(Registration), 0),
        "items": stats.rows.get(_table(RegistrationItem), 0),
        "branch_results": stats.rows["branch_results"],
        "year_stats": stats.rows["year_stats"],
        "meetings": stats.rows.get(_table(Meeting), 0),
        "attendance": stats.rows.get(_table(Attendance), 0),
        "dues_profiles": stats.rows.get(_table(Profile), 0),
        "payments": stats.rows.get(_table(Payment), 0),
        "paid_months": stats.rows.get(_table(PaidMonth), 0),
        "meeting_stats": stats.rows["meeting_stats"],
        "ledger_rows": stats.rows["ledger_rows"],
        "receipt_books": stats.rows["receipt_books"],
    }
    total_rows = sum(table_rows.values())
    summary = {
        **table_rows,
        "year": year,
        "seconds": seconds,
        "rows": total_rows,
        "rows_per_second": total_rows / seconds if seconds else 0.0,
        "tables": {
            t: {"rows": stats.rows[t], "seconds": stats.seconds.get(t, 0.0)} for t in stats.seconds
        },
        "phases": stats.phases,
        "vendor": vendor,
    }
    log(
        "  phases: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stats.phases.items())
    )
    slowest = sorted(stats.steps.items(), key=lambda item: -item[1])[:8]
    if slowest:
        log("  slowest rebuilds: " + ", ".join(f"{name} {took:.1f} s" for name, took in slowest))
    for table, figures in summary["tables"].items():
        rate = figures["rows"] / figures["seconds"] if figures["seconds"] else 0.0
        log(
            f"  {table}: {figures['rows']:,} rows in {figures['seconds']:.1f} s "
            f"({rate:,.0f} rows/s)"
        )
    log(
        f"Done in {seconds:.1f} s: {table_rows['units']:,} units, {table_rows['members']:,} "
        f"members, {table_rows['registrations']:,} registrations, {table_rows['items']:,} items, "
        f"{table_rows['year_stats']:,} roll-up rows, {table_rows['meetings']:,} meetings, "
        f"{table_rows['attendance']:,} attendance rows, {table_rows['payments']:,} payments, "
        f"{table_rows['paid_months']:,} paid months; {total_rows:,} rows, "
        f"{summary['rows_per_second']:,.0f} rows/s."
    )
    return summary


def write_life_rollups(
    writer, cursor, nodes, life: list[tuple], life_settings: LifeSettings, stats: Stats
) -> None:
    """The meeting roll-ups, the dues ledger and the receipt books, from the counts kept while
    making the branches' meetings and payments (demo.branch_life)."""
    year, per_month = life_settings.year, life_settings.per_month
    for name, model, rows in (
        (
            "meeting_stats",
            MeetingStats,
            branch_life.meeting_stats_rows(nodes, life, year, per_month),
        ),
        ("ledger_rows", LedgerRow, branch_life.ledger_rows(nodes, life, year)),
        ("receipt_books", ReceiptBook, branch_life.receipt_book_rows(life, year)),
    ):
        writer.write(cursor, model, branch_life.ROLLUP_COLUMNS[model], rows)
        stats.rows[name] = len(rows)


def unit_rows(nodes: list[Node], counts: dict[int, int], ctx: Context) -> list[tuple]:
    return [
        (
            str(n.id),
            n.path,
            str(n.depth),
            str(len(n.children)),
            n.name,
            fold(n.name),
            n.code,
            str(ctx.level_ids[n.level]),
            n.kind,
            n.sector,
            TRUE,
            str(counts[n.id]),
            ctx.now,
        )
        for n in nodes
    ]


BRANCH_RESULT_COLUMNS = (
    "branch_id",
    "year",
    "unit_path",
    "state",
    "comment",
    "submitted_at",
    "recognised_at",
    "recognised_late",
    "comment_action",
    "reopen_reason",
)
YEAR_STATS_COLUMNS = ("unit_id", "year", "unit_path", "depth", "unit_name", *COUNTERS)


def branch_results(nodes: list[Node], ctx: Context) -> list[tuple]:
    """Every branch's results for the year: most recognised, some submitted, a few still open."""
    moments = {}
    for kind in ("", "school"):
        due = ctx.deadlines[kind]["evaluation"]
        moments[kind] = [
            ctx.ts(datetime.combine(due + timedelta(days=days), clock(hour), TZ))
            for days, hour in ((3, 9), (12, 14))
        ]
    rows = []
    for node in nodes:
        if node.kind != Unit.Kind.BRANCH:
            continue
        submitted, recognised = moments["school" if node.sector == "school" else ""]
        if node.id % 53 == 0:
            state, submitted, recognised = BranchResult.State.OPEN, None, None
        elif node.id % 17 == 0:
            state, recognised = BranchResult.State.SUBMITTED, None
        else:
            state = BranchResult.State.RECOGNISED
        rows.append((node.id, ctx.year, node.path, state, "", submitted, recognised, FALSE, "", ""))
    return rows


def _branch_counter(
    name: str, members: int, levels: dict[str, int], recognised: bool, pending: dict[str, int]
) -> int:
    """A branch's roll-up counter, as `reports.rollup` counts it: every member registered (the
    registration approved) and assessed with a level; the branch recognised or not, and what
    it has pending (`pending`, as rules.pending_of gives it). Every member joined before the
    evaluation deadline, so all are members of the year."""
    if name in pending:
        return pending[name]
    if name in ("members", "registered", "assessed"):
        return members
    if name == "waiting":  # submitted, not yet reviewed
        return 0
    if name in levels:
        return levels[name]
    if name == "recognised":
        return int(recognised)
    if name == "branches":
        return 1
    raise GenerateError(f"The roll-up counter {name!r} is new: teach the generator to fill it.")


def branch_year_stats(tallies, nodes: dict[int, Node], states: dict[int, str], year: int) -> list:
    rows = []
    for branch_id, *counts in tallies:
        node = nodes[branch_id]
        levels = dict(zip(TALLIED, counts, strict=True))
        state = states.get(branch_id, BranchResult.State.OPEN)
        pending = pending_of(
            sector=node.sector,
            active=True,
            members=node.members,
            registered=node.members,
            state=state,
        )
        recognised = state == BranchResult.State.RECOGNISED
        values = [
            _branch_counter(name, node.members, levels, recognised, pending) for name in COUNTERS
        ]
        rows.append((branch_id, year, node.path, node.depth, node.name, *values))
    return rows


def fill_deadlines(root_id: int, ctx: Context) -> int:
    rows = []
    for sector, kinds in ctx.deadlines.items():
        for kind, due in kinds.items():
            if kind in Deadline.Kind.values:
                rows.append(
                    Deadline(unit_id=root_id, year=ctx.year, kind=kind, sector=sector, due_on=due)
                )
    Deadline.objects.bulk_create(rows)
    return len(rows)


def fill_year_stats(cursor, year: int, max_depth: int) -> int:
    """The unions' roll-up rows for the year from the level below (the branches' rows are
    written first): one INSERT … SELECT … GROUP BY per depth, deepest first."""
    stats, units = _q(_table(YearStats)), _q(_table(Unit))
    columns = ", ".join(_q(c) for c in YEAR_STATS_COLUMNS)
    sums = ", ".join(f"SUM(s.{_q(c)})" for c in COUNTERS)
    written = 0
    if connection.vendor == "postgresql":  # fresh tables: let the planner know their sizes
        cursor.execute(f"ANALYZE {units}, {stats}")
    for depth in range(max_depth - 1, 0, -1):
        cursor.execute(
            f"""
            INSERT INTO {stats} ({columns})
            SELECT u.id, %s, u.path, u.depth, u.name, {sums}
            FROM {stats} s JOIN {units} u ON u.path = SUBSTR(s.unit_path, 1, %s)
            WHERE s.year = %s AND s.depth = %s AND u.kind = %s
            GROUP BY u.id, u.path, u.depth, u.name
            """,
            [year, depth * Unit.steplen, year, depth + 1, Unit.Kind.UNION],
        )
        written += cursor.rowcount
    return written

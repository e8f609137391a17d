"""Member statistics kept on the ledger path (docs/architecture.md, "Roll-ups without a hot
row"; the same shape as units/member_counts.py).

- A member write that changes whether or how a member is counted (created, edited in a counted
  field, moved, removed, matured out, brought back, imported) appends to the ledger, in its own
  transaction, a -1 with his values before and a +1 with his values after (`changed`). It
  locks only his branch's row (against a unit move, `_lock_branches`): writers of different
  branches never wait for each other, and an edit of no counted field writes and locks nothing.
- The folder (`manage.py fold_rollups`, this module being named in settings.ROLLUP_LEDGERS)
  adds the deltas to the rows (MemberStat) of every unit above their branches — one row per
  unit, dimension, value and sex — and deletes them, under the fold lock.
- A read of a unit adds, in the same statement, the deltas below it not folded yet
  (`rolled`): the figures are exact at any moment. A branch has no rows: its members are
  counted directly (an index on the branch).
- The age band depends on the day: the rows hold the birth year, the band is derived when read.
- A unit move: the paths were rewritten by units.services.unit_move; `subtree_moved` takes out
  of the old ancestors what they held of the subtree and adds it to the new ones.
"""

from collections import defaultdict
from collections.abc import Iterable
from os.path import commonprefix

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Value, When
from django.db.models.functions import Cast, ExtractYear

from doanvien.core.ledger import fold_all_of, jit_off, lock_folds
from doanvien.members.models import Member, Status
from doanvien.units.models import Unit, paths_to

from .models import MemberStat, MemberStatDelta

CHUNK = 1000
# The dimensions the rows are kept for (each by sex), and the ledger's column of each.
ROLLED = (
    "birth_year",
    "ethnicity",
    "religion",
    "education",
    "political_theory",
    "party_member",
    "position",
    "sector",
)
# The member's field (or expression) each dimension reads.
MEMBER_FIELD = {
    "ethnicity": "ethnicity",
    "religion": "religion",
    "education": "education_level",
    "political_theory": "political_theory_level",
    "position": "position",
}
WIDTH = 60  # the longest value kept (MemberStat.value)


def text(value: str) -> str:
    return (value or "").strip()[:WIDTH]


def vector(member: Member) -> tuple | None:
    """How the member is counted: his branch's path and his value of each dimension of his
    own (sex first; the sector is his branch's, looked up when the delta is written); None
    when he is not on the roll."""
    if member.status != Status.ACTIVE:
        return None
    return (
        member.unit_path,
        member.sex,
        member.date_of_birth.year,
        text(member.ethnicity),
        text(member.religion),
        text(member.education_level),
        text(member.political_theory_level),
        "yes" if member.joined_party_on else "no",
        member.position,
    )


COLUMNS = ("unit_path", "sex", *ROLLED)


def _delta(values: tuple, sign: int, sector: str) -> MemberStatDelta:
    return MemberStatDelta(delta=sign, **dict(zip(COLUMNS, (*values, sector), strict=True)))


def changed(before: tuple | None, after: tuple | None) -> None:
    """A member's counting changed from `before` to `after` (vectors, None: not counted):
    append the difference to the ledger, in the write's transaction."""
    changed_many([(before, after)])


def changed_many(pairs: Iterable[tuple[tuple | None, tuple | None]]) -> None:
    changes = [(b, a) for b, a in pairs if b != a]
    paths = {v[0] for pair in changes for v in pair if v is not None}
    sectors = dict(Unit.objects.filter(path__in=paths).values_list("path", "sector"))
    rows = []
    for before, after in changes:
        if before is not None:
            rows.append(_delta(before, -1, sectors.get(before[0], "")))
        if after is not None:
            rows.append(_delta(after, 1, sectors.get(after[0], "")))
    if not rows:
        return
    _lock_branches(sorted({r.unit_path for r in rows}))
    MemberStatDelta.objects.bulk_create(rows, batch_size=CHUNK)


def sector_changed(branch: Unit, old: str) -> None:
    """The branch's sector changed from `old` (saved already): each of its members leaves the
    old sector's counts and joins the new one's, in the edit's transaction."""
    if old == branch.sector:
        return
    members = Member.objects.filter(branch=branch, status=Status.ACTIVE).order_by("pk")
    rows = []
    for member in members.iterator(chunk_size=CHUNK):
        values = vector(member)
        rows += [_delta(values, -1, old), _delta(values, 1, branch.sector)]
    if rows:
        _lock_branches([branch.path])
        MemberStatDelta.objects.bulk_create(rows, batch_size=CHUNK)


def _lock_branches(paths: list[str]) -> None:
    """Lock the branches' rows (in path order) until the write commits, as a change of their
    member count does (the same lock as an UPDATE): a unit move, which locks its subtree's
    rows (units.member_counts.subtree_leaving), waits for the deltas to be committed and so
    rewrites their paths. Only writers of the same branch wait for each other; a share lock
    would deadlock two of them when each then updates the branch's count. (SQLite runs one
    writing transaction at a time.)"""
    if connection.vendor != "postgresql":
        return
    table = _q(Unit._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(paths), CHUNK):
            part = paths[start : start + CHUNK]
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE path IN ({', '.join(['%s'] * len(part))}) "
                "ORDER BY path FOR NO KEY UPDATE",
                part,
            )


# --- Folding ----------------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def add_to_rows(changes: list[tuple[tuple[str, str, str, str], int]]) -> None:
    """Add each count to its row (unit path, dimension, value, sex), made when missing (the
    counts of one key added up first: one statement may not update a row twice)."""
    summed: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for key, n in changes:
        summed[key] += n
    changes = sorted((k, n) for k, n in summed.items() if n)
    table = _q(MemberStat._meta.db_table)
    for start in range(0, len(changes), 500):
        part = changes[start : start + 500]
        marks = ", ".join(["(%s, %s, %s, %s, %s)"] * len(part))
        params = [x for (path, dim, value, sex), n in part for x in (path, dim, value, sex, n)]
        sql = (
            f"INSERT INTO {table} (unit_path, dimension, value, sex, count) VALUES {marks} "
            "ON CONFLICT (unit_path, dimension, value, sex) "
            f"DO UPDATE SET count = {table}.count + excluded.count"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def fold(limit: int) -> int:
    """Add up to `limit` deltas to the rows of the units above their branches and delete them;
    the caller holds the fold lock in its transaction (training.rollup.fold)."""
    batch = list(
        MemberStatDelta.objects.order_by("id").values_list("id", "delta", *COLUMNS)[:limit]
    )
    if not batch:
        return 0
    sums: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for _pk, delta, path, sex, *values in batch:
        owners = paths_to(path)[:-1]
        for dimension, value in zip(ROLLED, values, strict=True):
            for owner in owners:
                sums[(owner, dimension, str(value), sex)] += delta
    ids = [row[0] for row in batch]
    for start in range(0, len(ids), CHUNK):
        MemberStatDelta.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
    add_to_rows(sorted((k, n) for k, n in sums.items() if n))
    return len(batch)


def backlog() -> int:
    return MemberStatDelta.objects.count()


# The folder folds this ledger with the others (settings.ROLLUP_LEDGERS).
fold_batch, waiting = fold, backlog


def fold_all() -> int:
    """Fold every delta waiting (a test, a rebuild)."""
    return fold_all_of(fold, CHUNK * 20)


# --- Counting directly (a branch, a check, a rebuild) -------------------------------------------


def member_expression(dimension: str, on=None, through: str = ""):
    """The expression of a dimension's value on the Member table, or on a table leading to
    it through `through` (e.g. "member__" from a membership span); `on`: a past day, for the
    Party membership. The sector is the branch's (the span's branch from a span)."""
    if dimension == "sector":
        return F("branch__sector")
    if dimension == "birth_year":
        return Cast(ExtractYear(f"{through}date_of_birth"), CharField())
    if dimension == "party_member":
        joined = {f"{through}joined_party_on__isnull": False}
        if on is not None:
            joined[f"{through}joined_party_on__lte"] = on
        return Case(
            When(**joined, then=Value("yes")), default=Value("no"), output_field=CharField()
        )
    return F(through + MEMBER_FIELD.get(dimension, dimension))


def counted_directly(members, dimension: str) -> dict[tuple[str, str, str], int]:
    """(branch path, value, sex) → active members, counted from the records."""
    rows = (
        members.filter(status=Status.ACTIVE)
        .annotate(v=member_expression(dimension))
        .values("unit_path", "v", "sex")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(r["unit_path"], text(str(r["v"])), r["sex"]): r["n"] for r in rows}


# --- Reading: the rows with the deltas below them not folded yet, in one statement -------------


def rolled(units: list[Unit], dimension: str) -> dict[str, dict[tuple[str, str], int]]:
    """Each unit's (value, sex) → count for a rolled dimension: its rows plus the deltas below
    it not folded yet, read in one statement (so a fold in between changes nothing). The units
    are above the branches."""
    found: dict[str, dict[tuple[str, str], int]] = {u.path: defaultdict(int) for u in units}
    if not units:
        return found
    stats, deltas = _q(MemberStat._meta.db_table), _q(MemberStatDelta._meta.db_table)
    lengths = sorted({len(u.path) for u in units})
    prefix = commonprefix([u.path for u in units])
    column = f"d.{_q(dimension)}"
    if dimension == "birth_year":
        column = f"CAST({column} AS VARCHAR(8))"
    owner = "SUBSTR(d.unit_path, 1, tail_lengths.n)"
    marks = ", ".join(["%s"] * len(units))
    sql = (
        f"WITH tail_lengths (n) AS (VALUES {', '.join(['(%s)'] * len(lengths))}) "
        f"SELECT s.unit_path, s.value, s.sex, s.count FROM {stats} s "
        f"WHERE s.dimension = %s AND s.unit_path IN ({marks}) "
        f"UNION ALL SELECT {owner}, {column}, d.sex, SUM(d.delta) FROM {deltas} d "
        "JOIN tail_lengths ON LENGTH(d.unit_path) > tail_lengths.n "
        f"WHERE d.unit_path LIKE %s GROUP BY {owner}, {column}, d.sex"
    )
    params = [*lengths, dimension, *[u.path for u in units], f"{prefix}%"]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for path, value, sex, count in cursor.fetchall():
            if path in found:
                found[path][(value, sex)] += int(count)
    return {p: {k: n for k, n in counts.items() if n} for p, counts in found.items()}


# --- A unit move ------------------------------------------------------------------------------


def held_by_ancestors(unit: Unit) -> dict[tuple[str, str, str], int]:
    """(dimension, value, sex) → what the rows above the unit hold of its subtree: a union's own
    rows (folded with theirs, delta by delta); a branch's members less its deltas not folded."""
    if not unit.is_branch:
        return {
            (dim, value, sex): n
            for dim, value, sex, n in MemberStat.objects.filter(unit_path=unit.path).values_list(
                "dimension", "value", "sex", "count"
            )
            if n
        }
    held: dict[tuple[str, str, str], int] = defaultdict(int)
    members = Member.objects.filter(branch=unit)
    for dim in ROLLED:
        for (_path, value, sex), n in counted_directly(members, dim).items():
            held[(dim, value, sex)] += n
    own = MemberStatDelta.objects.filter(unit_path=unit.path).values_list("delta", *COLUMNS)
    for delta, _path, sex, *values in own:
        for dim, value in zip(ROLLED, values, strict=True):
            held[(dim, str(value), sex)] -= delta
    return {k: n for k, n in held.items() if n}


def subtree_moved(old_path: str, unit: Unit) -> None:
    """The unit moved from `old_path` (its rows' and deltas' paths already rewritten, under the
    fold lock): what its old ancestors held of it goes to the new ones."""
    lock_folds()
    unit = Unit.objects.get(pk=unit.pk)
    held = held_by_ancestors(unit)
    if not held:
        return
    changes = []
    for sign, above in ((-1, paths_to(old_path)[:-1]), (1, paths_to(unit.path)[:-1])):
        for path in above:
            for (dim, value, sex), n in held.items():
                changes.append(((path, dim, value, sex), sign * n))
    add_to_rows(sorted(changes))


# --- Counting everything again ------------------------------------------------------------------


def expected_rows(prefix: str = "") -> dict[tuple[str, str, str, str], int]:
    """(unit path, dimension, value, sex) → count for every unit above a branch under `prefix`
    (or everywhere), counted from the member records, with nothing of the ledger: what the
    rows plus the deltas add up to. One GROUP BY a dimension over the members (by branch),
    then added up the tree in Python: the branches' groups, not the members, are loaded."""
    members = Member.objects.all()
    if prefix:
        members = members.filter(unit_path__startswith=prefix)
    found: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for dim in ROLLED:
        for (path, value, sex), n in counted_directly(members, dim).items():
            for owner in paths_to(path)[:-1]:
                if owner.startswith(prefix) or prefix.startswith(owner):
                    found[(owner, dim, value, sex)] += n
    return {k: n for k, n in found.items() if n}


def current_rows(prefix: str = "") -> dict[tuple[str, str, str, str], int]:
    """The rows plus the deltas not folded yet, for every unit above a branch (a check)."""
    found: dict[tuple[str, str, str, str], int] = defaultdict(int)
    rows = MemberStat.objects.all()
    if prefix:
        rows = rows.filter(unit_path__startswith=prefix)
    for path, dim, value, sex, n in rows.values_list(
        "unit_path", "dimension", "value", "sex", "count"
    ):
        found[(path, dim, value, sex)] += n
    deltas = MemberStatDelta.objects.all()
    if prefix:
        deltas = deltas.filter(unit_path__startswith=prefix)
    for delta, path, sex, *values in deltas.values_list("delta", *COLUMNS):
        for owner in paths_to(path)[:-1]:
            for dim, value in zip(ROLLED, values, strict=True):
                found[(owner, dim, str(value), sex)] += delta
    return {k: n for k, n in found.items() if n}


def differences() -> list[str]:
    """Every row that differs from a recount of the member records."""
    expected, current = expected_rows(), current_rows()
    lines = []
    for key in sorted(set(expected) | set(current)):
        if expected.get(key, 0) != current.get(key, 0):
            path, dim, value, sex = key
            lines.append(
                f"member statistics {path} {dim}={value!r} {sex}: "
                f"kept {current.get(key, 0)}, counted {expected.get(key, 0)}"
            )
    return lines


def rebuild() -> int:
    """Count every row again from the member records (after a bulk load, or to mend them):
    under the fold lock, the ledger emptied and the rows written from the records, a
    dimension at a time, in SQL. Returns the rows written."""
    stats, members = _q(MemberStat._meta.db_table), _q(Member._meta.db_table)
    units = _q(Unit._meta.db_table)
    with transaction.atomic():
        lock_folds()
        jit_off()
        MemberStatDelta.objects.all().delete()
        MemberStat.objects.all().delete()
        depths = list(
            Unit.objects.filter(kind=Unit.Kind.BRANCH)
            .order_by()
            .values_list("depth", flat=True)
            .distinct()
        )
        if not depths or max(depths) < 2:
            return 0
        levels = range(1, max(depths))
        step = Unit.steplen
        with connection.cursor() as cursor:
            for dim in ROLLED:
                if dim == "birth_year":
                    expr = (
                        "CAST(EXTRACT(YEAR FROM m.date_of_birth) AS INTEGER)"
                        if connection.vendor == "postgresql"
                        else "CAST(STRFTIME('%%Y', m.date_of_birth) AS INTEGER)"
                    )
                    expr = f"CAST({expr} AS VARCHAR(8))"
                elif dim == "party_member":
                    expr = "CASE WHEN m.joined_party_on IS NULL THEN 'no' ELSE 'yes' END"
                elif dim == "sector":
                    expr = "b.sector"
                else:
                    expr = f"SUBSTR(TRIM(m.{_q(MEMBER_FIELD[dim])}), 1, {WIDTH})"
                # The branches' groups first (one pass over the members), then each level.
                branch_groups = (
                    f"SELECT m.unit_path AS p, {expr} AS v, m.sex AS sx, COUNT(*) AS n "
                    f"FROM {members} m JOIN {units} b ON b.id = m.branch_id "
                    "WHERE m.status = 'active' "
                    f"GROUP BY m.unit_path, {expr}, m.sex"
                )
                cursor.execute(
                    "WITH lv (n) AS (VALUES " + ", ".join(["(%s)"] * len(levels)) + ") "
                    f"INSERT INTO {stats} (unit_path, dimension, value, sex, count) "
                    "SELECT SUBSTR(g.p, 1, lv.n), %s, g.v, g.sx, SUM(g.n) "
                    f"FROM ({branch_groups}) g JOIN lv ON LENGTH(g.p) > lv.n "
                    "GROUP BY SUBSTR(g.p, 1, lv.n), g.v, g.sx",
                    [*[d * step for d in levels], dim],
                )
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {stats}")
        return MemberStat.objects.count()

"""The computed cells equal a recount by brute force on random data: members of random sex,
age, ethnicity, religion, education, political theory, Party membership and status across two
base unions; movements of every kind, inside and outside the span and between the unions;
committees with posts. The recount reads every row in Python (the test's few rows) and applies
each cell's parameters as written in the form, independently of sources.py."""

import itertools
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanvien.committees.models import CadreRecord, Committee, Course, Post
from doanvien.members.models import Member, Movement
from doanvien.returns import sources
from doanvien.returns.default_forms import form_1, form_4, form_5

from ..factories import make_unit

YEAR = 2026
START, END = date(YEAR, 1, 1), date(YEAR, 6, 30)
_codes = itertools.count(1)

person = st.fixed_dictionaries(
    {
        "branch": st.integers(0, 2),
        "sex": st.sampled_from(["male", "female"]),
        "born": st.dates(date(1988, 1, 1), date(2012, 12, 31)),
        "ethnicity": st.sampled_from(["Kinh", "Tày", "Khmer", ""]),
        "religion": st.sampled_from(["Không", "Phật giáo", "Công giáo", ""]),
        "education_level": st.sampled_from(["12/12", "9/12", ""]),
        "political_theory_level": st.sampled_from(["Chưa qua đào tạo", "Sơ cấp", "Trung cấp", ""]),
        "party": st.booleans(),
        "status": st.sampled_from(["active", "active", "active", "removed", "matured_out"]),
    }
)
movement = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(Movement.Kind.values),
        "on": st.dates(date(YEAR - 1, 11, 1), date(YEAR, 8, 31)),
        "branch": st.integers(0, 2),
        "other": st.sampled_from([None, 0, 1, 2, "outside"]),
    }
)
post = st.fixed_dictionaries(
    {
        "unit": st.integers(0, 4),
        "post": st.sampled_from(Post.Kind.values),
        "born": st.one_of(st.none(), st.dates(date(1980, 1, 1), date(2005, 12, 31))),
        "theory": st.sampled_from(["Chưa qua đào tạo", "Sơ cấp", "Trung cấp", "Cao cấp"]),
        "courses": st.integers(0, 2),
        "ended": st.booleans(),
        "approved": st.booleans(),
    }
)


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def in_band(born, band) -> bool:
    if not band:
        return True
    if born is None:
        return False
    lo, hi = band
    age = age_on(born, END)
    return (lo is None or age >= lo) and (hi is None or age <= hi)


def member_matches(m: Member, p: dict) -> bool:
    return (
        (not p.get("sex") or m.sex == p["sex"])
        and (not p.get("party") or m.joined_party_on is not None)
        and in_band(m.date_of_birth, p.get("age"))
        and all(getattr(m, f) in v for f, v in (p.get("in") or {}).items())
        and all(getattr(m, f) not in v for f, v in (p.get("not_in") or {}).items())
    )


def world_of(district):
    bases = [make_unit(district, level="base"), make_unit(district, level="base", sector="workers")]
    branches = [make_unit(bases[0]), make_unit(bases[0]), make_unit(bases[1], sector="workers")]
    return bases, branches


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(person, max_size=25),
    moves=st.lists(movement, max_size=15),
    posts=st.lists(post, max_size=8),
)
def test_computed_cells_equal_a_brute_force_recount(db, people, moves, posts):
    province = make_unit(level="province")
    district = make_unit(province, level="district")
    bases, branches = world_of(district)
    outside = make_unit(make_unit(province, level="district"), level="base")
    members = []
    for p in people:
        n = next(_codes)
        branch = branches[p["branch"]]
        members.append(
            Member(
                full_name=f"Người Thử {n}",
                member_code=f"RT{n:08d}",
                id_number=f"{n:012d}",
                date_of_birth=p["born"],
                sex=p["sex"],
                ethnicity=p["ethnicity"],
                religion=p["religion"],
                education_level=p["education_level"],
                political_theory_level=p["political_theory_level"],
                joined_party_on=date(2020, 1, 1) if p["party"] else None,
                joined_union_on=date(2019, 3, 26),
                status=p["status"],
                branch=branch,
                unit_path=branch.path,
            )
        )
    Member.objects.bulk_create(members)
    someone = Member.objects.first()
    for m in moves if someone else []:
        branch = branches[m["branch"]]
        other = {None: "", "outside": outside.path}.get(m["other"])
        if other is None:
            other = branches[m["other"]].path
        Movement.objects.create(
            member=someone, kind=m["kind"], on=m["on"], branch=branch,
            unit_path=branch.path, other_path=other,
        )  # fmt: skip
    holders = [district, *bases, *branches][:5]
    for i, p in enumerate(posts):
        unit = holders[p["unit"] % len(holders)]
        committee = Committee.objects.create(
            unit=unit, unit_path=unit.path, term_start=date(2024, 1, 1),
            term_end=date(2027, 1, 1), elected_on=date(2024, 1, 1),
            state=Committee.State.APPROVED if p["approved"] else Committee.State.SUBMITTED,
        )  # fmt: skip
        cadre = CadreRecord.objects.create(
            full_name=f"Cán bộ {i}", date_of_birth=p["born"], political_theory_level=p["theory"]
        )
        for c in range(p["courses"]):
            Course.objects.create(cadre=cadre, name=f"Lớp {c}", level="base", started_on=START)
        Post.objects.create(
            committee=committee, cadre=cadre, post=p["post"], started_on=date(2024, 1, 1),
            ended_on=date(2025, 1, 1) if p["ended"] else None,
        )  # fmt: skip

    for unit in (district, bases[0], branches[2]):
        ctx = sources.Context(unit=unit, year=YEAR, starts_on=START, ends_on=END)
        for form in (form_1(), form_4(), form_5()):
            specs = [s for s in form["cells"].values() if s["source"] in RECOUNT]
            computed = sources.compute(ctx, specs)
            expected = [RECOUNT[s["source"]](unit, s["params"]) for s in specs]
            assert computed == expected, (unit.path, form["number"])


def _members(unit, p):
    rows = Member.objects.filter(status="active")
    return sum(1 for m in rows if m.unit_path.startswith(unit.path) and member_matches(m, p))


def _movements(unit, p):
    count = 0
    for m in Movement.objects.select_related("member"):
        if not m.unit_path.startswith(unit.path) or not START <= m.on <= END:
            continue
        if m.kind not in p["kinds"] or (p.get("sex") and m.member.sex != p["sex"]):
            continue
        inside = m.other_path.startswith(unit.path) and m.other_path != ""
        if m.kind in ("transfer_in", "transfer_out") and inside:
            continue
        count += 1
    return count


def _units(unit, p):
    from doanvien.units.models import Unit

    return sum(
        1
        for u in Unit.objects.select_related("level")
        if u.path.startswith(unit.path)
        and u.path != unit.path
        and u.is_active
        and (not p.get("kind") or u.kind == p["kind"])
        and (not p.get("level") or u.level.code == p["level"])
        and (not p.get("sector") or u.sector == p["sector"])
    )


def _cadres(unit, p):
    count = 0
    for post in Post.objects.select_related("committee", "cadre"):
        cadre = post.cadre
        if (
            post.ended_on is None
            and post.committee.state == "approved"
            and post.committee.unit_path.startswith(unit.path)
            and (not p.get("posts") or post.post in p["posts"])
            and in_band(cadre.date_of_birth, p.get("age"))
            and cadre.political_theory_level not in (p.get("theory_not_in") or [])
            and (not p.get("trained") or cadre.courses.exists())
        ):
            count += 1
    return count


RECOUNT = {"members": _members, "movements": _movements, "units": _units, "cadres": _cadres}

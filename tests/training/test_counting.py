"""Who is counted for a programme year (training/counting.py), against a brute-force reference
written from the rule's words, over random spans, admissions, transfers and removals."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanvien.members.models import Member, Membership
from doanvien.training import counting
from doanvien.training.counting import Basis, last_classified_admission
from doanvien.training.models import Deadline, Framework, Registration
from doanvien.training.rules import add_months, is_eligible, programme_year_span

from ..factories import make_member, make_unit

YEAR = 2026


@given(
    as_of=st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)),
    months=st.integers(min_value=0, max_value=36),
    offset=st.integers(min_value=-800, max_value=800),
)
def test_the_last_classified_admission_is_the_eligibility_rule(as_of, months, offset):
    joined = as_of + timedelta(days=offset)
    assert (joined <= last_classified_admission(as_of, months)) == is_eligible(
        joined_union_on=joined, evaluated_on=as_of, months=months
    )


def test_the_reference_date_is_the_evaluation_deadline_else_the_end_of_the_year(world, framework):
    assert counting.reference_date(world.branch, YEAR) == programme_year_span(YEAR, "school")[1]
    Deadline.objects.create(
        unit=world.province, year=YEAR, kind=Deadline.Kind.EVALUATION, due_on=date(YEAR, 5, 15)
    )
    assert counting.reference_date(world.branch, YEAR) == date(YEAR, 5, 15)
    Framework.objects.create(
        phase=framework.phase,
        unit=world.province,
        year=YEAR,
        name="Khung của tỉnh",
        reference=Framework.Reference.YEAR_END,
    )
    assert counting.reference_date(world.branch, YEAR) == date(YEAR, 12, 31)


# --- Random histories against the rule's words ------------------------------------------------

AS_OF = date(YEAR, 10, 15)
ASSESSED_AT = datetime(YEAR, 10, 1, tzinfo=UTC)


def brute_force(branch, year_basis: Basis, year: int) -> dict[str, int]:
    """Read every span and registration in Python and count as the rule says."""
    figures = dict.fromkeys(counting.FIGURES, 0)
    for member in Member.objects.all():
        spans = [
            s
            for s in Membership.objects.filter(member=member, branch=branch)
            if s.started_on <= year_basis.as_of
            and (s.ended_on is None or s.ended_on > year_basis.as_of)
        ]
        if not spans:
            continue
        figures["members"] += 1
        eligible = is_eligible(
            joined_union_on=member.joined_union_on,
            evaluated_on=year_basis.as_of,
            months=year_basis.months,
        )
        if not eligible:
            figures["not_classified"] += 1
        registration = Registration.objects.filter(member=member, year=year).first()
        level = "incomplete"
        if registration is not None:
            if registration.state in ("submitted", "approved"):
                figures["registered"] += 1
            if registration.state == "submitted":
                figures["waiting"] += 1
            if registration.assessed_at and registration.total is not None:
                figures["assessed"] += 1
                total = registration.total
                level = (
                    "excellent"
                    if total >= 90
                    else "good"
                    if total >= 80
                    else "complete"
                    if total >= 70
                    else "incomplete"
                )
        if eligible:
            figures[level] += 1
    return figures


event = st.fixed_dictionaries(
    {
        "joined": st.integers(min_value=-500, max_value=120),  # days before/after AS_OF
        "moved": st.one_of(st.none(), st.integers(min_value=-400, max_value=100)),
        "left": st.one_of(st.none(), st.integers(min_value=-300, max_value=150)),
        "registration": st.sampled_from(["none", "draft", "submitted", "approved", "assessed"]),
        "total": st.decimals(min_value=50, max_value=100, places=1),
        "elsewhere_first": st.booleans(),
    }
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(histories=st.lists(event, min_size=1, max_size=6))
def test_random_histories_count_as_the_rule_says(framework, histories):
    province = make_unit(level="province")
    base = make_unit(province, level="base")
    branch, other = make_unit(base), make_unit(base)
    Deadline.objects.create(unit=province, year=YEAR, kind=Deadline.Kind.EVALUATION, due_on=AS_OF)
    for h in histories:
        joined = AS_OF + timedelta(days=h["joined"])
        first, second = (other, branch) if h["elsewhere_first"] else (branch, other)
        member = make_member(first, joined_union_on=min(joined, date.today()))
        spans = Membership.objects.filter(member=member)
        start = member.joined_union_on
        if h["moved"] is not None:
            moved = max(start + timedelta(days=1), AS_OF + timedelta(days=h["moved"]))
            spans.update(ended_on=moved)
            Membership.objects.create(member=member, branch=second, started_on=moved)
            Member.objects.filter(pk=member.pk).update(branch=second, unit_path=second.path)
            start = moved
        if h["left"] is not None:
            left = max(start + timedelta(days=1), AS_OF + timedelta(days=h["left"]))
            Membership.objects.filter(member=member, ended_on__isnull=True).update(ended_on=left)
        if h["registration"] != "none":
            Registration.objects.create(
                member=member,
                year=YEAR,
                framework=framework,
                branch=member.branch if h["moved"] is None else second,
                unit_path=branch.path,
                state="approved" if h["registration"] == "assessed" else h["registration"],
                assessed_at=ASSESSED_AT if h["registration"] == "assessed" else None,
                total=h["total"] if h["registration"] == "assessed" else None,
            )
    on = counting.basis(branch, YEAR)
    assert on == Basis(as_of=AS_OF, months=6)
    counted = counting.count_branches([branch, other], YEAR)
    assert counted[branch.pk] == brute_force(branch, on, YEAR)
    assert counted[other.pk] == brute_force(other, on, YEAR)
    assert counting.members_of_year(branch, YEAR).count() == counted[branch.pk]["members"]


def test_a_member_admitted_after_the_reference_date_is_not_in_the_year(world, framework):
    Deadline.objects.create(
        unit=world.province, year=YEAR, kind=Deadline.Kind.EVALUATION, due_on=AS_OF
    )
    make_member(world.branch, joined_union_on=AS_OF + timedelta(days=1))
    recent = make_member(world.branch, joined_union_on=add_months(AS_OF, -6) + timedelta(days=1))
    figures = counting.count_branches([world.branch], YEAR)[world.branch.pk]
    # world.member and world.member2 (admitted in 2020), and the recent one, not classified.
    assert figures["members"] == 3
    assert figures["not_classified"] == 1
    assert figures["incomplete"] == 2
    assert recent in counting.members_of_year(world.branch, YEAR)


def test_many_branches_resolve_their_basis_as_one_does(world, framework):
    """bases() for many branches at once agrees with the nearest-ancestor rules: a deadline for
    the branch's sector wins over one for every sector at the same unit, a nearer unit wins."""
    Deadline.objects.create(
        unit=world.province, year=YEAR, kind=Deadline.Kind.EVALUATION, due_on=date(YEAR, 4, 1)
    )
    Deadline.objects.create(
        unit=world.province,
        year=YEAR,
        kind=Deadline.Kind.EVALUATION,
        sector="school",
        due_on=date(YEAR, 5, 1),
    )
    Deadline.objects.create(
        unit=world.other_base, year=YEAR, kind=Deadline.Kind.EVALUATION, due_on=date(YEAR, 3, 1)
    )
    found = counting.bases([world.branch, world.other_branch], YEAR)
    expected_branch = date(YEAR, 5, 1) if world.branch.sector == "school" else date(YEAR, 4, 1)
    assert found[world.branch.pk].as_of == expected_branch
    assert found[world.other_branch.pk].as_of == date(YEAR, 3, 1)
    assert found[world.branch.pk].months == framework.eligibility_months

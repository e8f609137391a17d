"""The dues rules as functions: the split, the amount of a payment, periods, and the cascade that
carries a change below up the tree."""

from hypothesis import given
from hypothesis import strategies as st

from doanvien.dues import rules

amounts = st.integers(min_value=0, max_value=10**9)


@given(amounts)
def test_a_third_goes_up_rounded_down_and_the_rest_is_kept(collected):
    kept, due_up = rules.split(collected)
    assert kept + due_up == collected
    assert due_up == collected // 3 and 0 <= collected - 3 * due_up < 3
    assert kept >= 2 * due_up


def test_the_root_and_a_unit_abroad_under_it_remit_nothing():
    assert not rules.remits_to_parent(1, "")
    assert not rules.remits_to_parent(2, "overseas")
    assert rules.remits_to_parent(3, "overseas")  # within the overseas structure
    assert rules.remits_to_parent(2, "school")


def test_the_amount_must_be_the_rate_times_the_months_unless_more_is_allowed():
    assert rules.amount_fault(6000, monthly=2000, months=3, may_pay_more=False) is None
    assert rules.amount_fault(5000, monthly=2000, months=3, may_pay_more=False) == (
        "rate_times_months"
    )
    assert rules.amount_fault(7000, monthly=2000, months=3, may_pay_more=False) == (
        "rate_times_months"
    )
    assert rules.amount_fault(50000, monthly=5000, months=1, may_pay_more=True) is None
    assert rules.amount_fault(4999, monthly=5000, months=1, may_pay_more=True) == "at_least_rate"


def test_months_one_at_a_time_unless_the_committee_allows_three():
    jan, feb, mar, apr = (rules.parse_month(f"2026-0{m}") for m in (1, 2, 3, 4))
    assert rules.months_fault([jan], pays_quarterly=False) is None
    assert rules.months_fault([jan, feb], pays_quarterly=False) == "monthly_only"
    assert rules.months_fault([jan, feb, mar], pays_quarterly=True) is None
    assert rules.months_fault([jan, feb, mar, apr], pays_quarterly=True) == ("three_months_at_most")
    assert rules.months_fault([jan, jan], pays_quarterly=True) == "repeated_month"
    assert rules.months_fault([], pays_quarterly=True) == "no_months"


def test_periods_follow_the_schedule():
    assert [p.label for p in rules.periods_of(rules.schedule_of("base"), 2026)] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]
    assert len(rules.periods_of(rules.schedule_of("branch"), 2026)) == 12
    assert rules.periods_of(rules.schedule_of("province"), 2026)[0].months == tuple(range(1, 13))
    assert rules.parse_period("2026-Q2").months == (4, 5, 6)
    assert rules.parse_period("2026-13") is None and rules.parse_period("Q1") is None


def test_a_category_comes_from_the_occupation_then_the_sector():
    table = [
        ("sector", "overseas", "overseas"),
        ("occupation", "sinh viên", "no_salary"),
        ("sector", "workers", "salaried"),
    ]
    assert rules.category_for("Sinh viên năm 2", "workers", table) == "no_salary"
    assert rules.category_for("Thợ hàn", "workers", table) == "salaried"
    assert rules.category_for("Sinh viên", "overseas", table) == "overseas"
    assert rules.category_for("", "residential", table) == "no_salary"


# --- The cascade ---------------------------------------------------------------------------

# A small tree: root 0001; two provinces, one of them abroad; units below.
TREE = [
    "0001",
    "00010001",
    "000100010001",
    "0001000100010001",
    "0001000100010002",
    "000100010002",
    "0001000100020001",
    "00010002",  # abroad
    "000100020001",
    "0001000200010001",
]
BRANCHES = [p for p in TREE if not any(q != p and q.startswith(p) for q in TREE)]


def remits(path):
    return rules.remits_to_parent(len(path) // 4, "overseas" if path == "00010002" else "")


def nested(branch_collected):
    """What each unit collects, computed directly: a unit's children's thirds, summed."""
    result = dict(branch_collected)
    for path in sorted(TREE, key=len, reverse=True):
        if path in BRANCHES:
            continue
        for month in {m for _p, m in branch_collected}:
            result[(path, month)] = sum(
                result.get((kid, month), 0) // 3
                for kid in TREE
                if kid.startswith(path) and len(kid) == len(path) + 4 and remits(kid)
            )
    return result


changes = st.lists(
    st.tuples(st.sampled_from(BRANCHES), st.integers(1, 3), st.integers(-20000, 60000)),
    max_size=25,
)


@given(changes, st.randoms())
def test_carried_changes_in_any_order_and_batches_give_the_nested_thirds(steps, rnd):
    """Branches' changes recorded one by one (each leaving the change of its third), folded in
    random batches in a random order: every unit above ends with the sum of its children's
    thirds, as if computed from scratch."""
    branch = {}
    deltas = []
    for path, month, amount in steps:
        old = branch.get((path, month), 0)
        new = max(0, old + amount)
        branch[(path, month)] = new
        if new // 3 != old // 3:
            deltas.append(((path, month), new // 3 - old // 3))
    stored = dict(branch)
    rnd.shuffle(deltas)
    while deltas:
        cut = rnd.randint(1, len(deltas))
        batch, deltas = deltas[:cut], deltas[cut:]
        owed = {}
        for key, amount in batch:
            owed[key] = owed.get(key, 0) + amount
        stored.update(rules.cascade(stored, owed, remits))
    expected = nested(branch)
    for key, value in expected.items():
        assert stored.get(key, 0) == value, key
    # The root receives the thirds of the provinces at home only; every unit's collected is
    # what it keeps plus what it owes up, and the money at the branches is all kept somewhere.
    for month in {m for _p, m in branch}:
        kept = sum(
            rules.split(stored.get((p, month), 0))[0] if remits(p) else stored.get((p, month), 0)
            for p in TREE
        )
        assert kept == sum(v for (p, m), v in branch.items() if m == month)


def test_a_read_below_the_top_carries_changes_up_to_it_only():
    stored = {("0001000100010001", 1): 9000}
    owed = {("0001000100010001", 1): 3000}
    changed = rules.cascade(stored, owed, remits, top="000100010001")
    assert changed == {("000100010001", 1): 3000}
    # 9,000 at a branch: 3,000 to its base union, 1,000 to the province, 333 to the centre.
    assert rules.rollup({("0001000100010001", 1): 9000}, remits)[("0001", 1)] == 333

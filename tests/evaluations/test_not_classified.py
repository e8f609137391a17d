"""Members admitted in the last months of the year (the policy's months, 6 by default) are
assessed, not classified (union-rules §3): recorded with the level "not_classified" and its
reason, approved like the others, counted apart in the roll-ups and wherever the rating figures
show; the months are the policy's data."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from doanvien.evaluations import ratings, rollup
from doanvien.evaluations import report as evaluation_report
from doanvien.evaluations.models import MemberRating, RatingPolicy
from doanvien.evaluations.rules import NOT_CLASSIFIED, RATING_ORDER, rating_fault
from doanvien.training.rules import add_months
from tests.factories import make_member

from .conftest import YEAR
from .test_ratings import Api, programme

every_level = st.sampled_from([*RATING_ORDER, NOT_CLASSIFIED])


@given(every_level, st.sampled_from([*RATING_ORDER, NOT_CLASSIFIED, ""]), st.booleans())
def test_not_classified_is_the_only_level_without_the_months_and_never_one_with_them(
    level, programme_level, equals
):
    for reason in ("", "lý do"):
        late = rating_fault(
            level=level,
            programme_level=programme_level,
            reason=reason,
            equals_programme=equals,
            eligible=False,
        )
        assert (late == "") is (level == NOT_CLASSIFIED)
        on_time = rating_fault(
            level=level,
            programme_level=programme_level,
            reason=reason,
            equals_programme=equals,
            eligible=True,
        )
        if level == NOT_CLASSIFIED:
            assert on_time == "eligible"


@given(
    st.dates(min_value=date(YEAR - 2, 1, 1), max_value=date(YEAR, 12, 31)),
    st.integers(min_value=0, max_value=36),
)
def test_classified_only_with_the_policys_months_at_the_years_end(joined, months):
    member = SimpleNamespace(joined_union_on=joined)
    policy = RatingPolicy(eligibility_months=months)
    expected = add_months(joined, months) <= date(YEAR, 12, 31)
    assert ratings.eligible(member, YEAR, policy) is expected


def test_the_six_months_boundary(world):
    on_time = make_member(world.branch, full_name="Lâm Văn Sáu", joined_union_on=date(YEAR, 6, 30))
    late = make_member(world.branch, full_name="Lâm Văn Bảy", joined_union_on=date(YEAR, 7, 1))
    policy = ratings.policy_for(world.branch)
    assert ratings.eligible(on_time, YEAR, policy)
    assert not ratings.eligible(late, YEAR, policy)


def test_the_months_are_the_policys_data(world):
    newcomer = make_member(world.branch, full_name="Mai Văn Tư", joined_union_on=date(YEAR, 8, 1))
    RatingPolicy.objects.create(unit=world.province, eligibility_months=3)
    rating = ratings.rating_propose(
        actor=None, member=newcomer, year=YEAR, level="good", reason="Tốt"
    )
    assert rating.level == "good"


def test_it_is_approved_and_counted_apart(world):
    newcomer = make_member(world.branch, full_name="Hà Thị Mới", joined_union_on=date(YEAR, 10, 2))
    rating = ratings.rating_propose(actor=None, member=newcomer, year=YEAR, level="not_classified")
    assert rollup.figures_of(world.province, YEAR)["ratings_not_classified"] == 0
    ratings.rating_decide(actor=None, rating=rating, approve=True)
    figures = rollup.figures_of(world.province, YEAR)
    assert figures["ratings_not_classified"] == 1
    assert sum(figures[f"ratings_{k}"] for k in RATING_ORDER) == 0
    row = evaluation_report.rows([world.base], YEAR)[0]
    assert row.figures["ratings_not_classified"] == 1
    columns = [k for k, _title in evaluation_report.columns()]
    assert columns.index("ratings_not_classified") == columns.index("ratings_incomplete") + 1
    # Approved, it is locked like any rating.
    with pytest.raises(ValidationError):
        ratings.rating_propose(actor=None, member=newcomer, year=YEAR, level="not_classified")


def test_the_api_records_it_and_refuses_a_level(world):
    newcomer = make_member(world.branch, full_name="Tạ Văn Tới", joined_union_on=date(YEAR, 11, 5))
    secretary, base = Api(world.secretary), Api(world.base_cadre)
    path = f"/api/v1/members/{newcomer.pk}/rating/{YEAR}"
    refused = secretary.call("put", path, {"level": "excellent", "reason": "x"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "level"
    assert "05/11/" in refused.json()["errors"][0]["message"]
    done = secretary.call("put", path, {"reason": "Nhiệt tình"})
    assert done.status_code == 200
    body = done.json()
    assert body["level"] == "not_classified" and body["state"] == "proposed"
    assert body["level_label"] == "Đã đánh giá, không xếp loại"
    assert "05/11/" in body["not_classified_reason"]
    assert base.call("post", f"{path}/approve").json()["state"] == "approved"
    report = base.client.get(
        f"/api/v1/units/{world.base.pk}/reports/{YEAR}", headers=base.headers
    ).json()
    assert report["rows"][0]["evaluations"]["ratings_not_classified"] == 1
    # One with his months may not be "not classified".
    programme(world.member, "good")
    other = secretary.call(
        "put", f"/api/v1/members/{world.member.pk}/rating/{YEAR}", {"level": "not_classified"}
    )
    assert other.status_code == 400 and other.json()["errors"][0]["field"] == "level"


def test_the_pages_offer_it_and_count_it(client, world):
    newcomer = make_member(world.branch, full_name="Ông Thị Nay", joined_union_on=date(YEAR, 9, 9))
    programme(world.member, "good")
    client.force_login(world.secretary)
    page = reverse("evaluations:ratings", args=[world.branch.pk, YEAR])
    html = client.get(page).content.decode()
    row = html.split(f'id="member-{newcomer.pk}"')[1].split("</li>")[0]
    assert 'name="level" value="not_classified"' in row and "<select" not in row
    assert f"09/09/{YEAR}" in row
    # Everyone at once: the programme's level for An, "not classified" for the newcomer.
    client.post(reverse("evaluations:ratings-propose-all", args=[world.branch.pk, YEAR]))
    found = dict(MemberRating.objects.values_list("member_id", "level"))
    assert found == {world.member.pk: "good", newcomer.pk: "not_classified"}
    client.force_login(world.base_cadre)
    waiting = client.get(reverse("evaluations:ratings", args=[world.base.pk, YEAR]))
    assert "Đã đánh giá, không xếp loại" in waiting.content.decode()
    url = reverse("evaluations:rating-approve", args=[world.base.pk, YEAR, newcomer.pk])
    client.post(url)
    html = client.get(reverse("evaluations:ratings", args=[world.base.pk, YEAR])).content
    total = html.decode().split('<tr class="total">')[1].split("</tr>")[0]
    # Four levels at 0, then the one not classified.
    assert total.count('<td class="num">0</td>') == 4 and total.endswith('<td class="num">1</td>')

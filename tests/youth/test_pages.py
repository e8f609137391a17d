"""The "1+1" pages: a member introduces a youth, the secretary records the steps, the report
page and its Excel show the figures; bad input keeps what was typed and saves nothing."""

from datetime import timedelta
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from doanvien.training import rollup as training_rollup
from doanvien.youth import services
from doanvien.youth.models import Referral, Youth

TODAY = timezone.localdate()


def test_a_member_introduces_and_the_secretary_follows(client, world):
    client.force_login(world.member_user)
    page = reverse("youth:member-referrals", args=[world.member.pk])
    assert client.get(page).status_code == 200
    answer = client.post(page, {"full_name": "Đinh Thị Mai", "sex": "female", "note": "Bạn học"})
    referral = Referral.objects.get()
    assert answer.status_code == 302 and referral.member == world.member
    # The member does not move the steps.
    detail = reverse("youth:referral-detail", args=[referral.pk])
    assert client.post(detail, {"step": "taking_part", "on": "01/01/2020"}).status_code == 403
    client.force_login(world.secretary)
    plan = client.get(reverse("youth:unit-referrals", args=[world.branch.pk])).content.decode()
    assert world.member2.full_name in plan  # who has none yet
    assert world.member.full_name not in plan.split('id="plan"')[1].split("</section>")[0]
    client.post(
        detail, {"step": "taking_part", "on": TODAY.strftime("%d/%m/%Y"), "note": "Sinh hoạt"}
    )
    referral.refresh_from_db()
    assert referral.state == "taking_part"
    assert "Đã giới thiệu" in client.get(detail).content.decode()  # the first step, named
    # A drop without a reason is refused, with the message on the page.
    refused = client.post(detail, {"step": "dropped", "on": TODAY.strftime("%d/%m/%Y")})
    assert refused.status_code == 200 and "has-error" in refused.content.decode()
    referral.refresh_from_db()
    assert referral.state == "taking_part"


def test_the_youth_list_searches_without_diacritics_and_erases(client, world):
    client.force_login(world.secretary)
    page = reverse("youth:youth-list", args=[world.branch.pk])
    client.post(page, {"full_name": "Ngô Bảo Châu", "date_of_birth": "02/09/2008"})
    bad = client.post(page, {"full_name": "", "date_of_birth": "32/13/2008"})
    assert bad.status_code == 200 and Youth.objects.count() == 1
    youth = Youth.objects.get()
    assert "Ngô Bảo Châu" in client.get(page, {"q": "bao chau"}).content.decode()
    client.post(reverse("youth:youth-erase", args=[youth.pk]))
    youth.refresh_from_db()
    assert youth.full_name == "" and youth.erased_at
    assert "Ngô Bảo Châu" not in client.get(page).content.decode()


def test_the_report_page_drills_down_and_exports(client, world):
    referral = services.referral_create(
        actor=None, member=world.member, youth_data={"full_name": "Tạ Quang Vinh"}
    )
    services.referral_progress(actor=None, referral=referral, step="taking_part", on=TODAY)
    training_rollup.fold_all()
    client.force_login(world.province_cadre)
    url = reverse("youth:referral-report", args=[world.district.pk, TODAY.year])
    page = client.get(url).content.decode()
    assert reverse("youth:referral-report", args=[world.base.pk, TODAY.year]) in page
    assert "15/10" in page
    xlsx = client.get(reverse("youth:referral-report-xlsx", args=[world.district.pk, TODAY.year]))
    assert xlsx.status_code == 200
    rows = CalamineWorkbook.from_filelike(BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    total = next(r for r in rows if str(r[1]).startswith(("Tổng", "Total")))
    assert total[5] == 1  # youths introduced
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_the_admission_form_fills_from_the_referral_and_links_it(client, world):
    referral = services.referral_create(
        actor=None,
        member=world.member,
        youth_data={"full_name": "Mạc Thị Bưởi", "date_of_birth": "12/05/2008", "sex": "female"},
        on=TODAY - timedelta(days=30),
    )
    services.referral_progress(
        actor=None, referral=referral, step="taking_part", on=TODAY - timedelta(days=20)
    )
    client.force_login(world.secretary)
    url = reverse("members:admission-create", args=[world.branch.pk]) + f"?referral={referral.pk}"
    form = client.get(url).content.decode()
    assert 'value="Mạc Thị Bưởi"' in form and 'value="12/05/2008"' in form
    assert world.member.full_name in form
    answer = client.post(
        url,
        {
            "full_name": "Mạc Thị Bưởi",
            "date_of_birth": "12/05/2008",
            "sex": "female",
            "id_number": "079308007777",
            "category": "main",
            "introducer_name": world.member.full_name,
            "introducer_is_member": "on",
            "course_name": "Lớp cảm tình Đoàn",
            "course_date": (TODAY - timedelta(days=10)).strftime("%d/%m/%Y"),
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    referral.refresh_from_db()
    assert referral.state == "proposed" and referral.admission.full_name == "Mạc Thị Bưởi"
    # A referral of another branch is not offered here.
    client.force_login(world.outsider)
    other = reverse("members:admission-create", args=[world.other_branch.pk])
    assert client.get(other + f"?referral={referral.pk}").status_code == 404


def test_a_proposal_just_after_local_midnight_is_dated_that_local_day(client, world):
    """The proposal's day is the site's local day (Asia/Ho_Chi_Minh), not the UTC one: a
    proposal at 00:30 local time (17:30 UTC the day before) follows a step taken that local day."""
    from datetime import UTC, datetime

    from doanvien.members.models import AdmissionRequest

    test_the_admission_form_fills_from_the_referral_and_links_it(client, world)
    admission = AdmissionRequest.objects.get()
    day = TODAY - timedelta(days=1)
    referral = services.referral_create(
        actor=None,
        member=world.member,
        youth_data={"full_name": "Lò Văn Páo", "date_of_birth": "01/02/2008", "sex": "male"},
        on=day - timedelta(days=5),
    )
    services.referral_progress(actor=None, referral=referral, step="taking_part", on=day)
    after_midnight = timezone.make_aware(datetime.combine(day, datetime.min.time())).replace(
        minute=30
    )
    # As the database gives it back: in UTC, the day before.
    admission.proposed_at = after_midnight.astimezone(UTC)
    assert admission.proposed_at.date() == day - timedelta(days=1)
    services.referral_proposed(actor=None, referral=referral, admission=admission)
    referral.refresh_from_db()
    assert referral.state == "proposed" and referral.proposed_on == day

"""Exporting a member list from its page: the national column set or the columns chosen there,
built by the real worker; the choice is checked before any job starts, and ID numbers are
masked (and full ones recorded) whatever the columns."""

import io
from datetime import datetime

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from doanvien.core.models import AuditEvent
from doanvien.jobs.models import Job
from doanvien.members.columns import EXPORT_COLUMNS, NATIONAL_COLUMNS, SPECS
from doanvien.members.exports import COLUMN_GROUPS

from ..factories import make_user

# The real worker closes connections between tasks: these tests commit what it reads.
pytestmark = pytest.mark.django_db(transaction=True)

# Ticked in another order than the list's: the file keeps the list's order.
TICKED = ["phone", "branch", "id_number", "date_of_birth", "full_name", "sex"]
IN_LIST_ORDER = ["full_name", "date_of_birth", "sex", "id_number", "phone", "branch"]


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def export(client, unit, **data):
    return client.post(reverse("members:member-export", args=[unit.pk]), data)


def downloaded_rows(client, job):
    response = client.get(reverse("jobs:job-download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_every_column_is_offered_once_in_a_group():
    names = [name for _label, group in COLUMN_GROUPS for name in group]
    assert sorted(names) == sorted(EXPORT_COLUMNS) and len(names) == len(set(names))


def test_the_page_offers_the_national_set_or_chosen_columns(client, world):
    in_english(client).force_login(world.base_cadre)
    response = client.get(reverse("members:member-list", args=[world.base.pk]))
    html = response.content.decode()
    form = response.context["export_form"]
    radios = {r.data["value"]: r.data["selected"] for r in form["column_set"]}
    assert radios == {"national": True, "chosen": False}
    assert "National column set" in html and "Choose columns" in html
    boxes = [box for _label, group in form.groups() for box in group]
    assert {b.data["value"]: b.choice_label for b in boxes} == {
        n: SPECS[n].header for n in EXPORT_COLUMNS
    }
    for name in EXPORT_COLUMNS:
        assert f'name="columns" value="{name}"' in html
        assert SPECS[name].header in html
    for label, _group in COLUMN_GROUPS:
        assert f"<legend>{label}</legend>" in html
    # "Choose columns" starts from the national set; select all / none work without script.
    assert sorted(b.data["value"] for b in boxes if b.data["selected"]) == sorted(NATIONAL_COLUMNS)
    assert 'name="select" value="all"' in html and 'name="select" value="none"' in html
    # The list's filters go with the export form.
    assert 'form="export" name="status" value="active"' in html


def test_select_all_and_none_work_without_javascript(client, world):
    in_english(client).force_login(world.base_cadre)
    response = export(client, world.base, column_set="national", select="all", sex="female")
    boxes = [box for _label, group in response.context["export_form"].groups() for box in group]
    assert response.status_code == 200 and all(b.data["selected"] for b in boxes)
    assert response.context["export_form"].chosen
    assert response.context["form"]["sex"].value() == "female"  # the filters are kept
    response = export(client, world.base, column_set="chosen", columns=TICKED, select="none")
    boxes = [box for _label, group in response.context["export_form"].groups() for box in group]
    assert not any(b.data["selected"] for b in boxes)
    assert not Job.objects.exists()


def test_the_chosen_columns_are_written_in_the_lists_order(client, world):
    in_english(client).force_login(world.base_cadre)
    response = export(client, world.base, column_set="chosen", columns=TICKED, sex="female")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job.params["columns"] == IN_LIST_ORDER
    assert job.params["filters"] == {"sex": "female"}
    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result["rows"] == 1
    rows = downloaded_rows(client, job)
    assert rows[0] == [
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Số CCCD/CMND",
        "Số điện thoại",
        "Chi đoàn",
    ]
    assert rows[0] == [SPECS[name].header for name in IN_LIST_ORDER]
    dao = world.member2
    assert rows[1:] == [
        [
            "Trần Thị Đào",
            datetime(2004, 3, 15),
            "Female",
            dao.id_number,  # a cadre of the base union sees them in full
            dao.phone,
            "Chi đoàn 12A1",
        ]
    ]
    event = AuditEvent.objects.get(action="members.exported")
    assert (event.actor, event.target_id) == (world.base_cadre, world.base.pk)


def test_the_national_set_is_the_default(client, world):
    in_english(client).force_login(world.secretary)
    export(client, world.branch, status="active")  # as before: the filters alone
    job = Job.objects.get()
    assert "columns" not in job.params
    run_worker()
    job.refresh_from_db()
    rows = downloaded_rows(client, job)
    assert rows[0] == [SPECS[name].header for name in NATIONAL_COLUMNS]
    assert len(rows) == 3
    # Choosing columns but leaving "National column set" selected exports the national set.
    export(client, world.branch, column_set="national", columns=["full_name"])
    assert "columns" not in Job.objects.order_by("-created_at").first().params


def test_choosing_no_column_is_an_error_and_starts_nothing(client, world):
    in_english(client).force_login(world.base_cadre)
    response = export(client, world.base, column_set="chosen", sex="female")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["export_form"].errors == {"columns": ["Choose at least one column."]}
    assert "Choose at least one column." in html and 'role="alert"' in html
    assert '<details class="export-columns" open>' in html  # the choice is shown again
    assert response.context["form"]["sex"].value() == "female"
    assert "Trần Thị Đào" in html and "Nguyễn Văn An" not in html  # the filtered list
    assert not Job.objects.exists()


def test_an_unknown_column_is_an_error_and_starts_nothing(client, world):
    in_english(client).force_login(world.base_cadre)
    response = export(client, world.base, column_set="chosen", columns=["full_name", "salary"])
    assert response.status_code == 200
    assert response.context["export_form"].errors == {"columns": ["There is no column “salary”."]}
    assert "There is no column “salary”." in response.content.decode()
    response = export(client, world.base, column_set="everything")
    assert response.status_code == 200 and response.context["export_form"].errors["column_set"]
    assert not Job.objects.exists()


def test_id_numbers_stay_masked_for_a_role_that_may_not_see_them(client, world):
    viewer = make_user("viewer", role="viewer", unit=world.base)
    in_english(client).force_login(viewer)
    columns = ["id_number", "full_name"]
    export(client, world.base, column_set="chosen", columns=columns, q="nguyen van an")
    run_worker()
    job = Job.objects.get()
    assert job.state == Job.State.SUCCEEDED, job.message
    rows = downloaded_rows(client, job)
    assert rows == [
        ["Họ và tên", "Số CCCD/CMND"],
        ["Nguyễn Văn An", world.member.id_number_masked],
    ]
    assert world.member.id_number not in str(rows)
    assert not AuditEvent.objects.filter(action="members.exported").exists()


def test_only_an_export_with_full_id_numbers_is_recorded(client, world):
    in_english(client).force_login(world.base_cadre)
    export(client, world.base, column_set="chosen", columns=["full_name", "phone"])
    run_worker()
    assert Job.objects.get().state == Job.State.SUCCEEDED
    assert not AuditEvent.objects.filter(action="members.exported").exists()
    export(client, world.base, column_set="chosen", columns=["id_number"])
    run_worker()
    event = AuditEvent.objects.get(action="members.exported")
    assert event.summary == "3 members exported with their ID card numbers."


def test_the_export_address_shows_the_list_when_opened(client, world):
    """The pages of a list shown again after an error link to the export address."""
    in_english(client).force_login(world.secretary)
    response = client.get(reverse("members:member-export", args=[world.branch.pk]), {"page": 1})
    assert response.status_code == 200 and "Nguyễn Văn An" in response.content.decode()
    client.force_login(world.outsider)
    assert client.get(reverse("members:member-export", args=[world.branch.pk])).status_code == 404
    assert export(client, world.branch, column_set="chosen", select="all").status_code == 404
    assert not Job.objects.exists()

"""A unit's good models ("mô hình hay"): its cadres record, change and delete them through the
year; the year's report lists them; once the report is submitted they stay as they are."""

from django.urls import reverse

from doanvien.core.models import AuditEvent
from doanvien.yearly_reports.models import GoodModel

from .conftest import YEAR, good_model


def test_a_branch_keeps_its_good_models(client, data):
    client.force_login(data.secretary)
    listing = reverse("yearly_reports:good-models", args=[data.branch.pk, YEAR])
    empty = client.get(listing)
    assert empty.status_code == 200
    assert "Chưa ghi nhận mô hình hay nào trong năm." in empty.content.decode()

    created = client.post(
        listing,
        {
            "year": YEAR,
            "title": "Sinh hoạt chi đoàn ghép",
            "description": "Hai chi đoàn dưới 10 đoàn viên sinh hoạt chung.",
            "result": "Đủ 12 buổi sinh hoạt",
        },
    )
    assert created.status_code == 302
    model = GoodModel.objects.get()
    assert (model.unit, model.year, model.recorded_by) == (data.branch, YEAR, data.secretary)
    assert "Sinh hoạt chi đoàn ghép" in client.get(listing).content.decode()
    report = reverse("yearly_reports:yearly-report", args=[data.branch.pk, YEAR])
    assert "Hai chi đoàn dưới 10 đoàn viên sinh hoạt chung." in client.get(report).content.decode()

    bad = client.post(listing, {"year": 1999, "title": ""})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Hãy nhập năm từ 2000 đến 2100." in html
    assert GoodModel.objects.count() == 1

    edit = reverse("yearly_reports:good-model-edit", args=[model.pk])
    assert client.get(edit).status_code == 200
    changed = client.post(edit, {"year": YEAR, "title": "Sinh hoạt ghép", "result": "12 buổi"})
    assert changed.status_code == 302
    model.refresh_from_db()
    assert (model.title, model.result, model.description) == ("Sinh hoạt ghép", "12 buổi", "")

    # Submitted, the year's good models are kept as they are.
    client.post(reverse("yearly_reports:yearly-report-submit", args=[data.branch.pk, YEAR]))
    client.post(edit, {"year": YEAR, "title": "Đổi sau khi gửi"})
    client.post(reverse("yearly_reports:good-model-delete", args=[model.pk]))
    refused = client.post(listing, {"year": YEAR, "title": "Thêm sau khi gửi"}, follow=True)
    assert "đã được gửi: hãy mở lại báo cáo" in refused.content.decode()
    model.refresh_from_db()
    assert model.title == "Sinh hoạt ghép" and GoodModel.objects.count() == 1

    client.post(reverse("yearly_reports:yearly-report-reopen", args=[data.branch.pk, YEAR]))
    assert (
        client.post(reverse("yearly_reports:good-model-delete", args=[model.pk])).status_code == 302
    )
    assert not GoodModel.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"good_model.created", "good_model.updated", "good_model.deleted"} <= actions


def test_the_levels_above_neither_list_nor_change_them(client, data):
    model = good_model(data.branch)
    client.force_login(data.base_cadre)
    assert (
        client.get(reverse("yearly_reports:good-models", args=[data.branch.pk, YEAR])).status_code
        == 403
    )
    assert client.get(reverse("yearly_reports:good-model-edit", args=[model.pk])).status_code == 403
    assert (
        client.post(reverse("yearly_reports:good-model-delete", args=[model.pk])).status_code == 403
    )
    client.force_login(data.outsider)
    assert client.get(reverse("yearly_reports:good-model-edit", args=[model.pk])).status_code == 404
    assert GoodModel.objects.get() == model

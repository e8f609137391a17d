"""Structured logs: every request gets an id that follows it into its log lines and into the
jobs it starts; one JSON line per request names the user, the unit, the route and the status."""

import json
import logging

import pytest
from django.urls import reverse

from doanvien.accounts.services import api_token_issue
from doanvien.core import requestlog
from doanvien.jobs import runner, services
from doanvien.jobs.models import Job


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="doanvien.request")
    return lambda: [r for r in caplog.records if r.name == "doanvien.request"]


def test_a_sane_request_id_is_kept_and_answered(client, db):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="lb-7f3a.22")
    assert response["X-Request-ID"] == "lb-7f3a.22"


@pytest.mark.parametrize("given", ["", "has space", "x" * 65, "<script>", "a\nb"])
def test_any_other_request_id_is_replaced_by_a_new_one(client, db, given):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID=given)
    answered = response["X-Request-ID"]
    assert answered != given and len(answered) == 32 and int(answered, 16) >= 0


def test_two_requests_get_two_ids(client, db):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    assert client.get(reverse("healthz"))["X-Request-ID"] != first


def test_the_request_line_names_user_unit_route_and_status(client, world, request_lines):
    client.force_login(world.secretary)
    response = client.get(reverse("units:unit-detail", args=[world.branch.pk]))
    assert response.status_code == 200
    (line,) = request_lines()
    assert line.user_id == world.secretary.pk
    assert line.unit == str(world.branch.pk)
    assert (line.method, line.path, line.status) == ("GET", response.wsgi_request.path, 200)
    assert "<int:" in line.route and line.duration_ms >= 0
    assert line.context["request_id"] == response["X-Request-ID"]


def test_a_refused_request_is_logged_with_its_status_and_no_user(client, world, request_lines):
    response = client.get(reverse("units:unit-detail", args=[world.branch.pk]))
    assert response.status_code == 302  # to the log-in page
    (line,) = request_lines()
    assert line.user_id is None and line.status == 302


def test_an_api_call_names_the_token_s_user(client, world, request_lines):
    secret = api_token_issue(user=world.secretary)
    response = client.get(f"/api/v1/units/{world.branch.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    (line,) = request_lines()
    assert line.user_id == world.secretary.pk and line.status == 200


def test_the_json_line_carries_the_context_and_the_extra_fields():
    formatter = requestlog.JsonFormatter()
    token = requestlog.bind(request_id="r-42", job="j-1")
    try:
        record = logging.getLogger("doanvien.test").makeRecord(
            "doanvien.test",
            logging.WARNING,
            __file__,
            1,
            "Đã nhập %s",
            ("3",),
            None,
            extra={"rows": 3},
        )
    finally:
        requestlog.unbind(token)
    line = json.loads(formatter.format(record))  # formatted after the context ended
    assert line["message"] == "Đã nhập 3" and line["level"] == "WARNING"
    assert (line["request_id"], line["job"], line["rows"]) == ("r-42", "j-1", 3)
    assert line["time"].endswith("+00:00")


def test_a_job_keeps_the_request_id_of_the_request_that_started_it(world, caplog):
    caplog.set_level(logging.INFO, logger="doanvien.jobs")
    token = requestlog.bind(request_id="req-from-page")
    try:
        job = services.job_start(
            actor=world.secretary, kind=Job.Kind.MEMBERS_EXPORT, unit=world.branch
        )
    finally:
        requestlog.unbind(token)
    assert job.params["request_id"] == "req-from-page"
    assert requestlog.current() == {}
    assert runner.run(job.pk) == Job.State.SUCCEEDED
    (finished,) = [r for r in caplog.records if r.getMessage() == "job finished"]
    assert finished.context["request_id"] == "req-from-page"
    assert finished.context["job"] == str(job.pk)
    assert finished.context["user_id"] == world.secretary.pk
    assert finished.kind == Job.Kind.MEMBERS_EXPORT and finished.state == Job.State.SUCCEEDED
    assert requestlog.current() == {}  # the worker's context ends with the job

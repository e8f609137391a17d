"""The headers the site sends and the requests it refuses before reading them."""

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "src" / "doanvien" / "templates"


def test_pages_send_a_content_security_policy_without_inline_scripts(client, world):
    client.force_login(world.secretary)
    response = client.get(reverse("members:member-list", args=[world.branch.pk]))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    script = re.search(r"script-src ([^;]*)", policy).group(1)
    style = re.search(r"style-src ([^;]*)", policy).group(1)
    assert "unsafe-inline" not in script and "unsafe-eval" not in script
    assert "unsafe-inline" not in style
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_an_inline_script_handler_or_style():
    """What the policy would block: a <script> without src, an on…= handler, a style
    attribute or element (the pages' behaviour is static/js/app.js)."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
            r"\son[a-z]+=\"",
            r"\sstyle=\"",
            r"<style[\s>]",
            r"javascript:",
        ):
            found += [f"{path.relative_to(TEMPLATES)}: {m}" for m in re.findall(pattern, text)]
    assert found == []


def test_the_api_docs_alone_allow_inline_styles(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "'unsafe-inline'" in re.search(
        r"style-src ([^;]*)", response["Content-Security-Policy"]
    ).group(1)


def settings_under(env: dict) -> dict:
    """The settings module's security values when the server starts with this environment."""
    code = (
        "import json, django.conf;"
        "from doanvien import settings as s;"
        "print(json.dumps({'hsts': s.SECURE_HSTS_SECONDS,"
        " 'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None),"
        " 'secure': s.SESSION_COOKIE_SECURE}))"
    )
    keep = {k: v for k, v in os.environ.items() if k not in ("SECURE_COOKIES", "HSTS_SECONDS")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**keep, "PYTHONPATH": str(ROOT / "src"), **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout)


def test_hsts_is_sent_only_behind_https():
    assert settings_under({})["hsts"] == 0
    behind = settings_under({"SECURE_COOKIES": "1"})
    assert behind["secure"] is True and behind["hsts"] >= 31536000


def test_the_proxy_header_comes_from_a_setting(client, settings):
    assert settings_under({})["proxy"] is None
    assert settings_under({"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO=https"})["proxy"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.wsgi_request.build_absolute_uri("/").startswith("https://")


@pytest.mark.parametrize("path", ["/api/v1/units/1/imports", "/units/1/members/import/"])
def test_a_body_over_the_limit_is_refused_from_its_length_alone(client, settings, path):
    settings.MEMBER_IMPORT_MAX_BYTES = 1000
    settings.MAX_REQUEST_BYTES = 2000
    response = client.post(
        path, data=b"x" * 10, content_type="application/octet-stream", CONTENT_LENGTH="5000"
    )
    assert response.status_code == 413
    with translation.override("vi"):
        message = gettext("The file is too large (%(size)s); the limit is %(limit)s.") % {
            "size": filesizeformat(5000),
            "limit": filesizeformat(1000),
        }
    if path.startswith("/api/"):
        assert response.json() == {"detail": message, "errors": []}
    else:
        assert message in html.unescape(response.content.decode())
    # Within the limit the request goes on to its view (here: log-in needed).
    assert (
        client.post(path, data=b"x" * 10, content_type="application/octet-stream").status_code
        != 413
    )


def test_a_method_without_a_body_is_not_refused_for_a_declared_length(client, settings, db):
    """A GET declaring a body is served without reading it: no operation that takes no body
    answers 413 (the API documents 413 on POST, PUT and PATCH)."""
    settings.MAX_REQUEST_BYTES = 2000
    response = client.get("/api/v1/me", CONTENT_LENGTH="5000")
    assert response.status_code == 401
    assert client.post("/api/v1/me", CONTENT_LENGTH="5000").status_code == 413

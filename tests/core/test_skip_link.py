"""Every page starts with a skip link to its content (issue 15, accessibility): the first thing
a keyboard reaches, pointing at the page's main element."""

import re

from django.urls import reverse


def _first_focusable(html: str) -> str:
    body = html.split("<body", 1)[1]
    return re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)


def test_the_log_in_page_and_a_unit_page_start_with_a_skip_link(client, world):
    pages = [reverse("login")]
    for url in pages:
        html = client.get(url).content.decode()
        assert 'class="skip-link" href="#content"' in _first_focusable(html)
        assert '<main class="page" id="content" tabindex="-1">' in html
    client.force_login(world.secretary)
    html = client.get(reverse("units:unit-detail", args=[world.branch.pk])).content.decode()
    assert 'href="#content"' in _first_focusable(html)
    assert 'id="content"' in html


def test_the_skip_link_is_translated(client, world):
    client.cookies["django_language"] = "vi"
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Chuyển đến nội dung" in html

"""The header (base.html) on a phone (issue 15, problem 10): the name, the bell and a "Menu"
button that folds the navigation (a details element does it without JavaScript); the bell stays
outside the folded navigation."""

import re

from django.urls import reverse


def _header(html: str) -> str:
    return re.search(r'<header class="topbar">(.*?)</header>', html, re.S).group(1)


def test_the_menu_button_controls_the_navigation(client, world):
    client.force_login(world.secretary)
    header = _header(
        client.get(reverse("units:unit-detail", args=[world.branch.pk])).content.decode()
    )
    button = re.search(r'<button type="button" class="menu-toggle"[^>]*>', header).group(0)
    assert 'aria-expanded="false"' in button
    assert 'aria-controls="topnav"' in button
    assert '<nav class="topnav" id="topnav"' in header
    assert '<details class="menu-nojs"><summary class="menu-toggle">' in header
    nav = header.split('id="topnav"', 1)[1]
    assert 'class="bell"' in header and 'class="bell"' not in nav
    assert "/logout/" in nav and 'class="who"' in nav


def test_the_menu_is_translated(client, world):
    client.force_login(world.secretary)
    client.cookies["django_language"] = "vi"
    html = client.get(reverse("units:unit-detail", args=[world.branch.pk])).content.decode()
    assert 'aria-label="Menu chính"' in _header(html)

"""The Vietnamese catalogue is complete: every string of the code and templates is translated."""

import os
import shutil
import unicodedata
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_every_entry_of_the_catalogue_is_translated_in_nfc():
    po = polib.pofile(str(CATALOGUE))
    assert not po.untranslated_entries()
    assert not po.fuzzy_entries()
    for entry in po.translated_entries():
        texts = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in texts:
            assert unicodedata.is_normalized("NFC", text), entry.msgid


# One name for one thing across the Vietnamese pages (the Union's forms' terms): the variants
# on the left are not used.
TERMS = {
    "CMND/CCCD": "CCCD/CMND",
    "Trình độ văn hoá": "Trình độ học vấn",
    "Trình độ văn hóa": "Trình độ học vấn",
    "Số nghị quyết kết nạp": "Số quyết định kết nạp",
}


def test_the_catalogue_names_each_thing_with_one_term():
    po = polib.pofile(str(CATALOGUE))
    found = []
    for entry in po.translated_entries():
        texts = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        found += [
            (entry.msgid, variant, term)
            for text in texts
            for variant, term in TERMS.items()
            if variant.lower() in text.lower()
        ]
    # A citizen ID alone is "số CCCD" only where the old card cannot be meant.
    found += [
        (entry.msgid, "số CCCD", "số CCCD/CMND")
        for entry in po.translated_entries()
        if "số cccd " in entry.msgstr.lower() or "số cccd." in entry.msgstr.lower()
    ]
    assert not found, found


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    copy = tmp_path / "doanvien"
    shutil.copytree(settings.BASE_DIR, copy, ignore=shutil.ignore_patterns("*.mo", "vendor"))
    (copy / "locale" / "vi" / "LC_MESSAGES" / "django.po").unlink()
    cwd = os.getcwd()
    try:
        os.chdir(copy)
        call_command("makemessages", locale=["vi"], verbosity=0, no_location=True)
    finally:
        os.chdir(cwd)
    extracted = polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE)).translated_entries()}
    missing = [e.msgid for e in extracted if (e.msgctxt, e.msgid) not in known]
    assert not missing, f"Not in the Vietnamese catalogue (run `make messages`): {missing}"


def test_pages_are_vietnamese_by_default_and_english_on_request(db):
    client = Client()
    html = client.get(reverse("login")).content.decode()
    assert 'lang="vi"' in html and "Đăng nhập" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    html = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in html and "Log in" in html


def test_a_browser_in_english_still_gets_vietnamese_until_the_user_chooses(db):
    client = Client(headers={"accept-language": "en-US,en;q=0.9"})
    assert 'lang="vi"' in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert 'lang="en"' in client.get(reverse("login")).content.decode()

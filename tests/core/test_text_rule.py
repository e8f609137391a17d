"""The one text rule (core/text.py) for forms, the API and imports: invisible characters are taken
out; control characters (NUL first), bidirectional overrides and the like are refused with a
message naming the character."""

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from doanvien.core.forms import TextForm
from doanvien.core.text import (
    INVISIBLE,
    forbidden_character,
    normalize,
    strip_invisible,
    text_fault,
)

REFUSED = [
    "\x00",  # NUL: PostgreSQL refuses it
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\u202e",  # right-to-left override
    "\u202d",
    "\u202a",
    "\u2066",  # isolates
    "\u2067",
    "\u2069",
    "\u200e",  # marks
    "\u200f",
    "\u061c",
    "\ud800",  # a lone surrogate (JSON may carry one)
]


@pytest.mark.parametrize("ch", REFUSED)
def test_control_and_bidirectional_characters_are_refused(ch):
    assert forbidden_character(f"Nguyễn{ch}Văn An") == ch
    with translation.override("en"):
        fault = text_fault(f"Nguyễn Văn An{ch}")
    assert f"U+{ord(ch):04X}" in fault and "control or invisible character" in fault


def test_the_override_is_named_so_the_user_can_find_it():
    with translation.override("vi"):
        fault = text_fault("Nguyễn \u202enA")
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in fault and "ký tự điều khiển" in fault


@pytest.mark.parametrize("text", ["Nguyễn Văn An", "dòng 1\ndòng 2\r\n\tthụt lề", "", "€ ½ ㄱ"])
def test_ordinary_text_line_breaks_and_tabs_are_kept(text):
    assert forbidden_character(text) is None and text_fault(text) is None


@pytest.mark.parametrize("ch", list(INVISIBLE))
def test_invisible_characters_are_taken_out_not_refused(ch):
    assert forbidden_character(f"A{ch}n") is None
    assert strip_invisible(f"A{ch}n") == "An"
    assert normalize(f" Nguyễn  Văn A{ch}n ") == "Nguyễn Văn An"


def test_a_zero_width_space_between_combining_marks_does_not_split_the_letter():
    assert normalize("Nguye\u0302\u200b\u0303n") == "Nguyễn"


@given(st.text())
def test_normalized_text_holds_no_invisible_character(text):
    assert not any(ch in INVISIBLE for ch in normalize(text))


class _Form(TextForm):
    name = forms.CharField()
    note = forms.CharField(widget=forms.Textarea, required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["late"] = forms.CharField(required=False)  # added in __init__


def test_a_form_refuses_control_characters_in_every_text_field():
    with translation.override("en"):
        form = _Form({"name": "An\u202e", "note": "a\x07", "late": "x\u2066"})
        assert not form.is_valid()
    assert set(form.errors) == {"name", "note", "late"}
    assert "U+202E" in form.errors["name"][0]


def test_a_form_takes_out_invisible_characters_and_keeps_passwords_as_typed():
    data = QueryDict(mutable=True)
    data.update({"name": "Nguyễn\u200b Văn\u00ad An", "note": "một\ndòng", "secret": "p\u200bw"})
    form = _Form(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Nguyễn Văn An"
    assert form.cleaned_data["note"] == "một\ndòng"
    assert form.cleaned_data["secret"] == "p\u200bw"

from datetime import date, datetime

import pytest
from django import forms
from django.utils import translation

from doanvien.core.dates import parse_date


@pytest.mark.parametrize(
    "value,expected",
    [
        ("15/03/2004", date(2004, 3, 15)),
        ("15-03-2004", date(2004, 3, 15)),
        ("2004-03-15", date(2004, 3, 15)),
        # As a phone's number pad types them (issue 15, problem 9).
        ("24.05.2027", date(2027, 5, 24)),
        ("24052027", date(2027, 5, 24)),
        (" 15/03/2004 ", date(2004, 3, 15)),
        (datetime(2004, 3, 15, 8, 30), date(2004, 3, 15)),
        (date(2004, 3, 15), date(2004, 3, 15)),
        ("", None),
        (None, None),
    ],
)
def test_dates_as_people_type_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value", ["31/02/2004", "31.02.2004", "2004", "20270524", "2405202", "240520271"]
)
def test_what_is_not_a_date_is_refused(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_form_s_date_field_takes_them_too(language):
    with translation.override(language):
        field = forms.DateField()
        assert field.clean("24.05.2027") == date(2027, 5, 24)
        assert field.clean("24052027") == date(2027, 5, 24)
        assert field.clean("24/05/2027") == date(2027, 5, 24)
        with pytest.raises(forms.ValidationError):
            field.clean("31.02.2027")


def test_the_product_s_forms_take_them_too():
    """The committee, meeting, directive, award and Party introduction forms asked for their own
    narrower formats and refused "24.05.2027": their date fields take what every field takes."""
    import importlib
    import inspect

    checked = 0
    for app in ("committees", "directives", "evaluations", "honours", "meetings"):
        module = importlib.import_module(f"doanvien.{app}.forms")
        for _name, form_class in inspect.getmembers(module, inspect.isclass):
            if form_class.__module__ != module.__name__:
                continue
            if not issubclass(form_class, forms.BaseForm):
                continue
            for name, field in form_class.base_fields.items():
                if type(field) is forms.DateField:
                    assert field.clean("24.05.2027") == date(2027, 5, 24), (form_class, name)
                    checked += 1
    assert checked >= 10

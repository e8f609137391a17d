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

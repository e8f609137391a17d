from datetime import date, datetime

import pytest

from doanvien.core.dates import parse_date


@pytest.mark.parametrize(
    "value,expected",
    [
        ("15/03/2004", date(2004, 3, 15)),
        ("15-03-2004", date(2004, 3, 15)),
        ("2004-03-15", date(2004, 3, 15)),
        (" 15/03/2004 ", date(2004, 3, 15)),
        (datetime(2004, 3, 15, 8, 30), date(2004, 3, 15)),
        (date(2004, 3, 15), date(2004, 3, 15)),
        ("", None),
        (None, None),
    ],
)
def test_dates_as_people_type_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2004", "15.03.2004", "2004"])
def test_what_is_not_a_date_is_refused(value):
    with pytest.raises(ValueError):
        parse_date(value)

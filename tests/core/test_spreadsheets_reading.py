"""Reading spreadsheets: typed cells."""

from datetime import date, datetime

import pytest

from doanvien.core.spreadsheets.reading import cell_date


class TestCells:
    @pytest.mark.parametrize(
        "value,expected",
        [
            (datetime(2004, 3, 15), date(2004, 3, 15)),
            (38061.0, date(2004, 3, 15)),  # an Excel date that lost its format
            ("15/03/2004", date(2004, 3, 15)),
            ("15.3.2004", date(2004, 3, 15)),
            ("2004-03-15 00:00:00", date(2004, 3, 15)),
            ("31/02/2004", "31/02/2004"),  # not a date: left for the rules to say so
            (2004, "2004"),  # a year alone
        ],
    )
    def test_dates(self, value, expected):
        assert cell_date(value) == expected

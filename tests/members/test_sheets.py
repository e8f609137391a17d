"""Reading a member list's cells: numbers Excel took for numbers get their leading zeros back,
and the member columns' headers are matched loosely."""

import unicodedata

import pytest

from doanvien.core.spreadsheets.reading import header_index, match_header
from doanvien.members.columns import COLUMNS
from doanvien.members.sheets import restore_id_number, restore_phone


class TestCells:
    @pytest.mark.parametrize(
        "value,expected",
        [
            (38208001234, ("038208001234", True)),  # a citizen ID that lost one zero
            (1204012345.0, ("001204012345", True)),  # and one that lost two
            ("79204000001", ("079204000001", True)),  # the same in a CSV file
            (12345678, ("012345678", True)),  # an old ID card
            ("001 204 012 345", ("001204012345", False)),
            (1234567, ("1234567", False)),  # too short to tell: left for the rules
        ],
    )
    def test_id_numbers_get_their_leading_zeros_back(self, value, expected):
        assert restore_id_number(value) == expected

    @pytest.mark.parametrize(
        "value,expected",
        [
            (912345678, ("0912345678", True)),
            (2838123456, ("02838123456", True)),
            ("0912 345 678", ("0912 345 678", False)),
            ("84912345678", ("84912345678", False)),  # the rules make it 0912345678
        ],
    )
    def test_phones_get_their_leading_zero_back(self, value, expected):
        assert restore_phone(value) == expected

    @pytest.mark.parametrize(
        "header",
        ["Số CMND/CCCD", "SO CMND / CCCD", "so cmnd cccd", "Số CCCD (*)", "Căn cước công dân"],
    )
    def test_headers_are_matched_loosely(self, header):
        decomposed = unicodedata.normalize("NFD", header)
        index = header_index(COLUMNS)
        assert match_header(index, header) == match_header(index, decomposed) == "id_number"

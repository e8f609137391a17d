import pytest
from django.core.management import CommandError, call_command

from doanvien.units.models import Unit


def test_it_creates_a_top_unit(db):
    call_command("create_root_unit", "Trung ương Đoàn", code="tw", verbosity=0)
    unit = Unit.objects.get(code="TW")
    assert (
        unit.depth == 1 and unit.level.code == "central" and unit.name_folded == "trung uong doan"
    )


def test_it_refuses_an_unknown_level_or_a_taken_code(db):
    with pytest.raises(CommandError):
        call_command("create_root_unit", "X", code="X", level="galaxy")
    call_command("create_root_unit", "X", code="X", verbosity=0)
    with pytest.raises(CommandError):
        call_command("create_root_unit", "Y", code="x")

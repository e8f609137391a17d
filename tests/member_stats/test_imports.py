"""The bulk import paths keep the member statistics exact: new records and edits of counted
fields reach the ledger in the import's transaction."""

from collections import Counter

from doanvien.member_stats import rollup
from doanvien.member_stats.selectors import statistics
from doanvien.members.models import Member
from doanvien.training import rollup as training_rollup

from ..members.test_import import TODAY, run, sheet


def test_an_import_of_new_and_changed_records_keeps_the_rollups_exact(world, tmp_path):
    Member.objects.filter(pk=world.member.pk).update(id_number="038204000201")
    training_rollup.fold_all()
    result = run(world, "national_export.xlsx", unit=world.branch, actor=world.secretary)
    assert result.ok and result.written and (result.to_create, result.to_update) == (1, 1)
    assert rollup.differences() == []
    path = sheet(
        tmp_path, ["Số CMND/CCCD", "Dân tộc"], [[world.member_in_branch2.id_number, "Tày"]]
    )
    assert run(world, "u.xlsx", path=path).to_update == 1
    assert rollup.differences() == []
    training_rollup.fold_all()
    assert rollup.differences() == []
    table = statistics(world.district, ["ethnicity"], TODAY, TODAY)
    expected = Counter(
        (m.ethnicity,)
        for m in Member.objects.filter(unit_path__startswith=world.district.path, status="active")
    )
    assert Counter(table.counts[world.district.pk]) == expected

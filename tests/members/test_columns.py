"""The member columns: the national set is flagged on each column, in the national software's
order, and each column's kind is how the member rules take its field."""

from doanvien.members.columns import COLUMNS, EXPORT_COLUMNS, NATIONAL_COLUMNS
from doanvien.members.validation import BOOL_FIELDS, CHOICE_FIELDS, DATE_FIELDS, MULTILINE_FIELDS


def test_the_national_set_is_every_flagged_column_in_the_table_order():
    assert tuple(s.field for s in COLUMNS if s.national) == NATIONAL_COLUMNS
    assert NATIONAL_COLUMNS[:4] == ("full_name", "member_code", "date_of_birth", "sex")
    # The branch path, the status and the member group are ours: the national list has every
    # other column, and ours come after it.
    assert set(EXPORT_COLUMNS) - set(NATIONAL_COLUMNS) == {"branch_path", "status", "audience"}
    assert EXPORT_COLUMNS[: len(NATIONAL_COLUMNS)] == NATIONAL_COLUMNS


def test_each_columns_kind_is_its_fields():
    kinds = {s.field: s.kind for s in COLUMNS}
    assert {f for f, k in kinds.items() if k == "date"} == set(DATE_FIELDS)
    assert {f for f, k in kinds.items() if k == "choice"} == set(CHOICE_FIELDS)
    assert {f for f, k in kinds.items() if k == "bool"} == set(BOOL_FIELDS)
    assert {f for f, k in kinds.items() if k == "multiline"} == set(MULTILINE_FIELDS)
    assert {f for f, k in kinds.items() if k == "number"} == {"id_number", "phone", "card_number"}

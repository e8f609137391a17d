"""The import skeleton's parts that no import test reaches on its own, and core's place at the
bottom of the project."""

import ast
from pathlib import Path

from django.core.exceptions import ValidationError

from doanvien.core.spreadsheets import importing
from doanvien.jobs.models import Job

CORE = Path(importing.__file__).resolve().parents[1]


def test_an_import_jobs_end_states_are_the_jobs_states():
    assert importing.INVALID == Job.State.INVALID
    assert importing.AWAITING_CONFIRMATION == Job.State.AWAITING_CONFIRMATION
    assert importing.SUCCEEDED == Job.State.SUCCEEDED


def test_the_messages_of_a_validation_error_by_field():
    assert importing.error_messages(ValidationError({"plan": ["Too short."]})) == {
        "plan": ["Too short."]
    }
    assert importing.error_messages(ValidationError("Closed.")) == {"": ["Closed."]}


def test_a_file_error_is_counted_and_listed():
    result = importing.ImportResult(filename="f.xlsx")
    result.file_error("The file is empty.")
    assert not result.ok and result.error_count == 1
    assert result.as_dict()["errors"] == [
        {"row": None, "column": "", "value": "", "message": "The file is empty.", "col": None}
    ]


def test_core_imports_no_other_app_of_the_project():
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith("doanvien.") or name.startswith("doanvien.core"), (
                    path,
                    name,
                )

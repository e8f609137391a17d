"""Every audit action written by the code has a readable label on history pages."""

import re
from pathlib import Path

from doanvien.core.templatetags.doanvien import ACTIONS

SRC = Path(__file__).resolve().parents[2] / "src" / "doanvien"
WRITTEN = re.compile(r'action="([a-z_]+\.[a-z_]+)"')
TEMPLATED = re.compile(r'action=f"([a-z_]+)\.(?:[a-z_]+_)?\{action\}"')


def test_every_recorded_action_has_a_label():
    found = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        found |= set(WRITTEN.findall(text))
    missing = sorted(a for a in found if a not in ACTIONS)
    assert not missing, f"add labels to core/templatetags/doanvien.py ACTIONS: {missing}"
    assert len(found) > 20


def test_actions_built_from_a_workflow_step_have_labels_for_each_step():
    prefixes = set()
    for path in SRC.rglob("*.py"):
        prefixes |= set(TEMPLATED.findall(path.read_text()))
    for prefix in prefixes:
        assert any(key.startswith(f"{prefix}.") for key in ACTIONS), prefix

"""The return's legal moves as a table: every move not listed is refused with a message."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from doanvien.returns import workflow
from doanvien.returns.models import Return

STATES = [None, *Return.State.values]


@pytest.mark.parametrize(("state", "action"), list(itertools.product(STATES, workflow.ACTIONS)))
def test_every_move_is_in_the_table_or_refused(state, action):
    if (state, action) in workflow.MOVES:
        assert workflow.next_state(state, action) == workflow.MOVES[(state, action)]
        assert workflow.allowed(state, action)
    else:
        with pytest.raises(ValidationError) as refused:
            workflow.next_state(state, action)
        assert refused.value.code == "illegal_transition"
        assert not workflow.allowed(state, action)


def test_a_submitted_or_accepted_return_cannot_be_changed_by_its_unit():
    for state in ("submitted", "accepted"):
        assert not workflow.allowed(state, "save")
        assert not workflow.allowed(state, "submit")
    assert workflow.MOVES[("accepted", "return")] == "returned"

"""The legal steps of a referral, as a table (seed 003 Bước 3; issue 18): introduced → taking
part → proposed for admission → admitted, or dropped (with a reason) at any point before the
admission. Joining the Federation is a dated fact on the way (not a state: the referral keeps
its state), recorded once. "Admitted" is reached only by the approval of the admission that
names the youth (`ADMISSION_STEP`), never by a step given by hand."""

from .models import Referral

S = Referral.State

# (state, step) → the state after it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.INTRODUCED, "taking_part"): S.TAKING_PART,
    (S.TAKING_PART, "proposed"): S.PROPOSED,
    (S.PROPOSED, "admitted"): S.ADMITTED,
    (S.INTRODUCED, "dropped"): S.DROPPED,
    (S.TAKING_PART, "dropped"): S.DROPPED,
    (S.PROPOSED, "dropped"): S.DROPPED,
    # A fact, not a move: the state stays.
    (S.INTRODUCED, "joined_federation"): S.INTRODUCED,
    (S.TAKING_PART, "joined_federation"): S.TAKING_PART,
    (S.PROPOSED, "joined_federation"): S.PROPOSED,
}

# The steps a user may give (the progress form, the API); "admitted" only by the approval.
HAND_STEPS = ("taking_part", "joined_federation", "proposed", "dropped")
ADMISSION_STEP = "admitted"

# The date field each step sets on the referral.
DATE_OF_STEP = {
    "taking_part": "taking_part_on",
    "joined_federation": "federation_on",
    "proposed": "proposed_on",
    "admitted": "admitted_on",
    "dropped": "dropped_on",
}


def next_state(state: str, step: str) -> str | None:
    """The state after the step, or None when the step is not allowed in that state."""
    return TRANSITIONS.get((state, step))

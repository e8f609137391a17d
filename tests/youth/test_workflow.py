"""The referral's state machine: every step from every state, allowed or refused as the table
says; "admitted" never by hand."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from doanvien.youth import services
from doanvien.youth.models import Referral
from doanvien.youth.workflow import HAND_STEPS, TRANSITIONS

S = Referral.State
TODAY = timezone.localdate()


@pytest.fixture
def referral(world):
    return services.referral_create(
        actor=world.secretary,
        member=world.member,
        youth_data={"full_name": "Châu Minh Khang"},
        on=TODAY - timedelta(days=30),
    )


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("step", [*HAND_STEPS, "admitted"])
def test_every_step_from_every_state(world, referral, state, step):
    Referral.objects.filter(pk=referral.pk).update(state=state)
    referral.refresh_from_db()
    allowed = (state, step) in TRANSITIONS and step != "admitted"
    if allowed:
        done = services.referral_progress(
            actor=world.secretary, referral=referral, step=step, on=TODAY, note="ghi chú"
        )
        assert done.state == TRANSITIONS[(state, step)]
        assert done.steps.filter(step=step, on=TODAY, note="ghi chú").exists()
        if step == "joined_federation":
            assert done.state == state and done.federation_on == TODAY
            assert done.youth.federation_joined_on == TODAY
    else:
        with pytest.raises(ValidationError) as refused:
            services.referral_progress(
                actor=world.secretary, referral=referral, step=step, on=TODAY, note="x"
            )
        assert refused.value.code == "illegal_transition"
        referral.refresh_from_db()
        assert referral.state == state


def test_the_federation_is_joined_once(world, referral):
    services.referral_progress(
        actor=world.secretary, referral=referral, step="joined_federation", on=TODAY
    )
    with pytest.raises(ValidationError):
        services.referral_progress(
            actor=world.secretary, referral=referral, step="joined_federation", on=TODAY
        )


def test_dropping_needs_a_reason_and_no_date_before_the_introduction(world, referral):
    with pytest.raises(ValidationError) as refused:
        services.referral_progress(
            actor=world.secretary, referral=referral, step="dropped", on=TODAY
        )
    assert "note" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.referral_progress(
            actor=world.secretary,
            referral=referral,
            step="taking_part",
            on=TODAY - timedelta(days=60),
        )
    assert "on" in refused.value.message_dict
    referral.refresh_from_db()
    assert referral.state == S.INTRODUCED

"""The one state machine shape (drafting.core.statemachine), through a call."""

import pytest

from drafting.calls.models import CallState
from drafting.calls.services import CALL_STATES
from drafting.core.errors import Refused
from drafting.core.statemachine import can_transition, machine_for
from tests.calls.factories import make_call


def test_each_model_has_its_machine(db, sec):
    call = make_call(state="draft", actor=sec)
    assert machine_for(call) is CALL_STATES
    with pytest.raises(LookupError):
        machine_for(object())
    assert CALL_STATES.allowed("draft") == (CallState.PUBLISHED,)
    assert not can_transition(call, "no-such-state", sec)


def test_guards_are_shared_by_can_transition_and_transition(db, sec):
    call = make_call(state="draft", standards=0, actor=sec)
    assert CALL_STATES.refusal(call, "published", sec) == (
        "Add at least one standard before publishing the call."
    )
    with pytest.raises(Refused) as exc:
        CALL_STATES.transition(call, "published", actor=sec)
    assert exc.value.code == "no_standards" and call.state == CallState.DRAFT


def test_the_state_is_read_again_under_the_lock(db, sec):
    """What the caller holds may be stale: the move is judged on the row."""
    call = make_call(actor=sec)
    Call = type(call)
    stale = (
        db.update(Call)
        .where(Call.id == call.id)
        .values(state="decided", decided_at=call.published_at)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(stale)
    assert call.state == CallState.PUBLISHED  # stale in the session
    with pytest.raises(Refused) as exc:
        CALL_STATES.transition(call, CallState.DECIDED, actor=sec)
    assert exc.value.code == "transition_not_allowed" and call.state == CallState.DECIDED

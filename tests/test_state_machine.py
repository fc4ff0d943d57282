"""Every allowed and every forbidden transition of the declared claim state machine."""

from pathlib import Path

import pytest

from claims.demo import PATHS
from claims.management.commands.state_diagram import diagram_document
from claims.models import Claim, ClaimEvent
from claims.services import Actor, claim_transition
from claims.states import TRANSITIONS, ActorKind, State, TransitionNotAllowed
from tests.conftest import World

DIAGRAM = Path(__file__).resolve().parent.parent / "docs" / "state-machine.md"


def _actor(world: World, name: str) -> Actor:
    return world.cast.actor_for(name)


def test_every_state_is_reachable_along_declared_transitions() -> None:
    assert set(PATHS) == set(State)
    for state, path in PATHS.items():
        current = State.DRAFT
        for name in path:
            assert current in TRANSITIONS[name].sources, (state, name)
            current = TRANSITIONS[name].target
        assert current == state


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(State), ids=lambda s: s.value)
def test_forbidden_transitions_raise_and_change_nothing(world: World, state: State) -> None:
    claim = world.claim_in(state, served_days_ago=60)
    assert claim.state == state
    events_before = ClaimEvent.objects.filter(claim=claim).count()
    for name, transition in TRANSITIONS.items():
        if state in transition.sources:
            continue
        with pytest.raises(TransitionNotAllowed):
            claim_transition(
                account=world.account, claim=claim, name=name, actor=_actor(world, name)
            )
        claim.refresh_from_db()
        assert claim.state == state
    assert ClaimEvent.objects.filter(claim=claim).count() == events_before


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(State), ids=lambda s: s.value)
def test_allowed_transitions_move_and_write_one_event(world: World, state: State) -> None:
    for name, transition in TRANSITIONS.items():
        if state not in transition.sources:
            continue
        claim = world.claim_in(state, served_days_ago=60)
        before = ClaimEvent.objects.filter(claim=claim).count()
        claim_transition(
            account=world.account, claim=claim, name=name, actor=_actor(world, name), reason="t"
        )
        stored = Claim.objects.get(pk=claim.pk)
        assert stored.state == transition.target
        event = ClaimEvent.objects.filter(claim=claim).order_by("-id").first()
        assert event is not None
        assert ClaimEvent.objects.filter(claim=claim).count() == before + 1
        assert (event.name, event.from_state, event.to_state) == (name, state, transition.target)
        assert event.reason == "t"
        assert event.account_id == world.account.pk


@pytest.mark.django_db
def test_a_transition_by_the_wrong_kind_of_actor_is_refused(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    creditor = Actor(kind=ActorKind.CREDITOR, user=world.owner)
    with pytest.raises(TransitionNotAllowed, match="may not"):
        claim_transition(account=world.account, claim=claim, name="serve_summons", actor=creditor)
    claim.refresh_from_db()
    assert claim.state == State.WITH_BAILIFF


@pytest.mark.django_db
def test_a_stale_claim_cannot_move_twice(world: World) -> None:
    """Two copies read in the same state: the second move loses the compare-and-swap."""
    claim = world.claim_in(State.AWAITING_ADVANCE)
    stale = Claim.objects.get(pk=claim.pk)
    system = Actor(kind=ActorKind.SYSTEM)
    claim_transition(account=world.account, claim=claim, name="accept_on_payment", actor=system)
    with pytest.raises(TransitionNotAllowed, match="changed meanwhile"):
        claim_transition(
            account=world.account,
            claim=stale,
            name="cancel",
            actor=Actor(kind=ActorKind.CREDITOR, user=world.owner),
        )
    assert Claim.objects.get(pk=claim.pk).state == State.ACCEPTED


@pytest.mark.django_db
def test_another_tenants_claim_cannot_be_moved(world: World) -> None:
    claim = world.draft(account=world.other_account)
    with pytest.raises(TransitionNotAllowed):
        claim_transition(
            account=world.account,
            claim=claim,
            name="submit",
            actor=Actor(kind=ActorKind.CREDITOR, user=world.owner),
        )


@pytest.mark.django_db
def test_events_are_append_only(world: World) -> None:
    from claims.models import AppendOnlyError

    claim = world.claim_in(State.SUBMITTED)
    event = ClaimEvent.objects.get(claim=claim)
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_terminal_states_have_no_way_out() -> None:
    from claims.states import TERMINAL, allowed_transitions

    for state in TERMINAL:
        assert allowed_transitions(state) == []


def test_committed_diagram_matches_the_declared_machine() -> None:
    expected = DIAGRAM.read_text()
    assert diagram_document() == expected, (
        "docs/state-machine.md is stale: run `python manage.py state_diagram --write`"
    )

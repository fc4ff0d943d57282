"""The deadline sweep: claims move on their own clock, once, with one event each."""

import threading
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import close_old_connections, connection

from claims import deadlines
from claims.models import Claim, ClaimEvent, SweepRun
from claims.services import Actor, claim_record_advance, claim_sweep_due, claim_transition
from claims.states import ActorKind, State
from tests.conftest import World

BRUSSELS = deadlines.BRUSSELS


def _at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS)


def _served(world: World, served_on: date) -> Claim:
    with time_machine.travel(_at(served_on, 10), tick=False):
        claim = world.draft(due=served_on - timedelta(days=40))
        from claims.demo import walk_to

        return walk_to(claim, State.SUMMONS_SERVED, world.cast, served_days_ago=0)


@pytest.mark.django_db
def test_served_claim_becomes_ready_at_midnight_brussels_on_the_pv_day(world: World) -> None:
    # Served Wed 15 Jan 2025 -> month ends Mon 17 Feb -> PV from Wed 26 Feb 2025 (domain.md).
    claim = _served(world, date(2025, 1, 15))
    assert claim.month_ends_on == date(2025, 2, 17)
    assert claim.pv_earliest_on == date(2025, 2, 26)
    with time_machine.travel(_at(date(2025, 2, 25), 23, 59), tick=False):
        assert claim_sweep_due().moved == 0
    assert Claim.objects.get(pk=claim.pk).state == State.SUMMONS_SERVED
    with time_machine.travel(_at(date(2025, 2, 26), 0, 0), tick=False):
        result = claim_sweep_due()
    assert result.moved == 1
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.state == State.READY_FOR_PV
    event = ClaimEvent.objects.filter(claim=claim).latest("id")
    assert (event.name, event.from_state, event.to_state, event.actor_kind) == (
        "window_elapsed",
        State.SUMMONS_SERVED,
        State.READY_FOR_PV,
        ActorKind.SYSTEM,
    )
    assert event.actor is None


@pytest.mark.django_db
def test_a_second_sweep_moves_nothing_more(world: World) -> None:
    claim = _served(world, date(2025, 1, 15))
    with time_machine.travel(_at(date(2025, 3, 1), 8), tick=False):
        assert claim_sweep_due().moved == 1
        assert claim_sweep_due().moved == 0
    assert ClaimEvent.objects.filter(claim=claim, name="window_elapsed").count() == 1
    assert SweepRun.objects.count() == 2


@pytest.mark.django_db
def test_sweep_works_in_chunks(world: World) -> None:
    claims = [_served(world, date(2025, 1, 15)) for _ in range(5)]
    with time_machine.travel(_at(date(2025, 3, 1), 8), tick=False):
        result = claim_sweep_due(chunk_size=2)
    assert result.moved == 5
    assert result.chunks == 3
    assert (
        Claim.objects.filter(pk__in=[c.pk for c in claims], state=State.READY_FOR_PV).count() == 5
    )


@pytest.mark.django_db
def test_pv_day_after_a_holiday_weekend(world: World) -> None:
    # Served Thu 21 Nov 2024 -> month ends Sat 21 Dec -> Mon 23 Dec; +9 = Wed 1 Jan 2025
    # (New Year) -> PV from Thu 2 Jan 2025.
    claim = _served(world, date(2024, 11, 21))
    assert claim.month_ends_on == date(2024, 12, 23)
    assert claim.pv_earliest_on == date(2025, 1, 2)
    with time_machine.travel(_at(date(2025, 1, 1), 12), tick=False):
        assert claim_sweep_due().moved == 0
    with time_machine.travel(_at(date(2025, 1, 2), 0, 1), tick=False):
        assert claim_sweep_due().moved == 1


@pytest.mark.django_db
def test_acceptance_sla_is_flagged_once_after_four_working_hours(world: World) -> None:
    claim = world.draft()
    system = Actor(kind=ActorKind.SYSTEM)
    claim_transition(account=world.account, claim=claim, name="submit",
                     actor=Actor(kind=ActorKind.CREDITOR, user=world.owner),
                     changes={"eligibility_verdict": "review"})  # fmt: skip
    claim_transition(account=world.account, claim=claim, name="request_advance", actor=system)
    # Paid Friday 16:00: four working hours end Monday 12:00.
    with time_machine.travel(_at(date(2025, 3, 7), 16), tick=False):
        claim_record_advance(account=world.account, actor=system, claim=claim)
    claim.refresh_from_db()
    assert claim.state == State.IN_REVIEW
    assert claim.acceptance_due_at == _at(date(2025, 3, 10), 12)
    with time_machine.travel(_at(date(2025, 3, 10), 11, 59), tick=False):
        assert claim_sweep_due().flagged == 0
    with time_machine.travel(_at(date(2025, 3, 10), 12, 0), tick=False):
        assert claim_sweep_due().flagged == 1
        assert claim_sweep_due().flagged == 0
    claim.refresh_from_db()
    assert claim.state == State.IN_REVIEW
    assert claim.acceptance_sla_breached_at is not None
    assert ClaimEvent.objects.filter(claim=claim, name="acceptance_sla_breached").count() == 1


@pytest.mark.django_db
def test_service_sla_is_five_working_days_after_hand_off(world: World) -> None:
    # Handed off Thu 24 Apr 2025: Fri 25, Mon 28, Tue 29, Wed 30, (Thu 1 May is a holiday),
    # Fri 2 May -> due Fri 2 May 2025 17:00.
    with time_machine.travel(_at(date(2025, 4, 24), 10), tick=False):
        claim = world.claim_in(State.WITH_BAILIFF)
    assert claim.service_due_at == _at(date(2025, 5, 2), 17)
    with time_machine.travel(_at(date(2025, 5, 2), 16, 59), tick=False):
        assert claim_sweep_due().flagged == 0
    with time_machine.travel(_at(date(2025, 5, 2), 17, 0), tick=False):
        assert claim_sweep_due().flagged == 1
    assert ClaimEvent.objects.filter(claim=claim, name="service_sla_breached").count() == 1


@pytest.mark.django_db
def test_facilities_suspend_the_window_and_a_missed_instalment_resumes_it(world: World) -> None:
    from claims.services import claim_grant_facilities, claim_miss_instalment

    claim = _served(world, date(2025, 1, 15))  # month ends Mon 17 Feb 2025
    creditor = Actor(kind=ActorKind.CREDITOR, user=world.owner)
    with time_machine.travel(_at(date(2025, 2, 7), 10), tick=False):  # 10 days left
        claim_grant_facilities(account=world.account, claim=claim, actor=creditor)
    with time_machine.travel(_at(date(2025, 6, 1), 10), tick=False):
        assert claim_sweep_due().moved == 0  # suspended: the old deadline does not count
        claim_miss_instalment(account=world.account, claim=claim, actor=creditor)
    claim.refresh_from_db()
    assert claim.state == State.SUMMONS_SERVED
    assert claim.month_ends_on == date(2025, 6, 11)  # Sun 1 Jun + 10 days = Wed 11 Jun
    assert claim.pv_earliest_on == date(2025, 6, 20)
    assert claim.suspended_on is None


def _sweep_in_thread(barrier: threading.Barrier, now: datetime, out: list[int]) -> None:
    try:
        barrier.wait()
        out.append(claim_sweep_due(now=now, chunk_size=7).moved)
    finally:
        close_old_connections()
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_move_each_claim_once(world: World) -> None:
    claims = [_served(world, date(2025, 1, 15)) for _ in range(60)]
    now = _at(date(2025, 3, 1), 8)
    barrier = threading.Barrier(2)
    results: list[int] = []
    threads = [
        threading.Thread(target=_sweep_in_thread, args=(barrier, now, results)) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(results) == 60
    ids = [c.pk for c in claims]
    assert Claim.objects.filter(pk__in=ids, state=State.READY_FOR_PV).count() == 60
    events = ClaimEvent.objects.filter(claim_id__in=ids, name="window_elapsed")
    assert events.count() == 60
    assert events.values("claim_id").distinct().count() == 60


def _transition_in_thread(
    barrier: threading.Barrier, world: World, claim_id: int, name: str, out: list[str]
) -> None:
    from claims.states import TransitionNotAllowed

    try:
        claim = Claim.objects.get(pk=claim_id)
        barrier.wait()
        actor = world.cast.actor_for(name)
        claim_transition(account=world.account, claim=claim, name=name, actor=actor)
        out.append(name)
    except TransitionNotAllowed:
        out.append("refused")
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_of_one_claim_let_exactly_one_win(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    barrier = threading.Barrier(2)
    out: list[str] = []
    threads = [
        threading.Thread(target=_transition_in_thread, args=(barrier, world, claim.pk, name, out))
        for name in ("contest", "record_payment")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(out).count("refused") == 1
    winner = next(name for name in out if name != "refused")
    assert ClaimEvent.objects.filter(claim=claim, from_state=State.SUMMONS_SERVED).count() == 1
    expected = State.CONTESTED if winner == "contest" else State.PAID
    assert Claim.objects.get(pk=claim.pk).state == expected


@pytest.mark.postgres
@pytest.mark.django_db
def test_sweep_takes_its_rows_with_skip_locked(world: World) -> None:
    from django.test.utils import CaptureQueriesContext

    _served(world, date(2025, 1, 15))
    with CaptureQueriesContext(connection) as queries:
        claim_sweep_due(now=_at(date(2025, 3, 1), 8))
    selects = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert selects and all("SKIP LOCKED" in sql for sql in selects)

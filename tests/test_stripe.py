"""The advance through Stripe, against a fake Stripe on 127.0.0.1 (the real library)."""

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from claims.models import Claim
from claims.states import State
from fees.models import LedgerTransaction, Payment, Refund, StripeEvent
from fees.selectors import ledger_balances
from fees.services import refund_create
from fees.tasks import refund_send
from tests.conftest import World
from tests.fake_stripe import FakeStripe

SECRET = "whsec_test_secret"


@pytest.fixture
def fake_stripe(settings: Any) -> Iterator[FakeStripe]:
    fake = FakeStripe(SECRET).start()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()


def _start(world: World) -> tuple[Claim, dict[str, Any]]:
    claim = world.claim_in(State.AWAITING_ADVANCE)
    response = world.client_for(world.owner).post(f"/api/v1/claims/{claim.code}/advance")
    assert response.status_code == 201, response.content
    return claim, response.json()


def _paid_at_stripe(world: World, fake: FakeStripe) -> tuple[Claim, str, dict[str, Any]]:
    """A claim whose Checkout session Stripe reports paid, and the event saying so."""
    claim, answer = _start(world)
    session_id = answer["checkout_url"].rsplit("/", 1)[1]
    fake.pay(session_id)
    return claim, session_id, fake.event("checkout.session.completed", {"id": session_id})


def _deliver(
    client: Client, fake: FakeStripe, event: dict[str, Any], signature: str | None = None
) -> Any:
    payload = json.dumps(event).encode()
    return client.post(
        "/api/v1/stripe/webhook",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature or fake.sign(payload),
    )


@pytest.mark.django_db
def test_checkout_then_signed_webhook_accepts_the_claim(
    world: World, fake_stripe: FakeStripe, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    claim, answer = _start(world)
    assert answer["method"] == "stripe"
    assert answer["amount"] == "336.23"
    assert answer["checkout_url"].startswith(fake_stripe.url)
    session_id = answer["checkout_url"].rsplit("/", 1)[1]
    assert fake_stripe.sessions[session_id]["amount_total"] == 33623
    fake_stripe.pay(session_id)
    event = fake_stripe.event("checkout.session.completed", {"id": session_id})
    with django_capture_on_commit_callbacks(execute=True):
        response = _deliver(client, fake_stripe, event)
    assert response.status_code == 200
    assert response.json() == {"status": "recorded"}
    assert Claim.objects.get(pk=claim.pk).state == State.WITH_BAILIFF
    assert ledger_balances(claim_id=claim.pk)["bank"] == Decimal("336.23")


@pytest.mark.django_db
def test_a_replayed_event_does_nothing(
    world: World, fake_stripe: FakeStripe, client: Client
) -> None:
    _claim, session_id, event = _paid_at_stripe(world, fake_stripe)
    assert _deliver(client, fake_stripe, event).json() == {"status": "recorded"}
    assert _deliver(client, fake_stripe, event).json() == {"status": "duplicate"}
    # The same payment reported by a second, different event is not booked twice either.
    other = fake_stripe.event("checkout.session.async_payment_succeeded", {"id": session_id})
    assert _deliver(client, fake_stripe, other).json() == {"status": "already recorded"}
    assert LedgerTransaction.objects.filter(kind="advance_received").count() == 1


@pytest.mark.django_db
def test_a_bad_signature_is_refused_and_changes_nothing(
    world: World, fake_stripe: FakeStripe, client: Client
) -> None:
    claim, _session_id, event = _paid_at_stripe(world, fake_stripe)
    assert _deliver(client, fake_stripe, event, signature="t=1,v1=deadbeef").status_code == 400
    old = fake_stripe.sign(json.dumps(event).encode(), timestamp=1_000_000)
    assert _deliver(client, fake_stripe, event, signature=old).status_code == 400  # too old
    assert Claim.objects.get(pk=claim.pk).state == State.AWAITING_ADVANCE
    assert StripeEvent.objects.count() == 0


@pytest.mark.django_db
def test_the_event_body_is_not_trusted_the_session_is_re_read(
    world: World, fake_stripe: FakeStripe, client: Client
) -> None:
    claim, answer = _start(world)
    session_id = answer["checkout_url"].rsplit("/", 1)[1]
    # The event claims "paid", but Stripe's own session says unpaid.
    event = fake_stripe.event(
        "checkout.session.completed", {"id": session_id, "payment_status": "paid"}
    )
    assert _deliver(client, fake_stripe, event).json() == {"status": "not paid yet"}
    assert Claim.objects.get(pk=claim.pk).state == State.AWAITING_ADVANCE


@pytest.mark.django_db
def test_events_we_do_not_need_get_a_2xx(fake_stripe: FakeStripe, client: Client) -> None:
    event = fake_stripe.event("customer.created", {"id": "cus_1"})
    response = _deliver(client, fake_stripe, event)
    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}


@pytest.mark.django_db
def test_stripe_down_while_re_reading_asks_for_a_retry(
    world: World, fake_stripe: FakeStripe, client: Client
) -> None:
    claim, _session_id, event = _paid_at_stripe(world, fake_stripe)
    fake_stripe.down = True
    assert _deliver(client, fake_stripe, event).status_code == 503
    assert StripeEvent.objects.count() == 0  # not marked handled: the retry will work
    fake_stripe.down = False
    assert _deliver(client, fake_stripe, event).json() == {"status": "recorded"}
    assert Claim.objects.get(pk=claim.pk).state in {State.ACCEPTED, State.WITH_BAILIFF}


@pytest.mark.django_db
def test_a_payment_for_a_cancelled_claim_does_not_move_it(
    world: World, fake_stripe: FakeStripe, client: Client
) -> None:
    from claims.services import Actor, claim_transition
    from claims.states import ActorKind

    claim, answer = _start(world)
    claim_transition(
        account=world.account,
        claim=claim,
        name="cancel",
        actor=Actor(kind=ActorKind.CREDITOR, user=world.owner),
    )
    session_id = answer["checkout_url"].rsplit("/", 1)[1]
    fake_stripe.pay(session_id)
    _deliver(
        client, fake_stripe, fake_stripe.event("checkout.session.completed", {"id": session_id})
    )
    assert Claim.objects.get(pk=claim.pk).state == State.CANCELLED
    assert Payment.objects.get(claim=claim).state == Payment.State.SUCCEEDED


def _paid_by_card(world: World, fake: FakeStripe, client: Client) -> Claim:
    claim, answer = _start(world)
    session_id = answer["checkout_url"].rsplit("/", 1)[1]
    fake.pay(session_id)
    _deliver(client, fake, fake.event("checkout.session.completed", {"id": session_id}))
    claim.refresh_from_db()
    return claim


@pytest.mark.django_db
def test_a_refund_killed_after_the_call_is_retried_and_stripe_sees_one(
    world: World, fake_stripe: FakeStripe, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claims.services import Actor, claim_transition
    from claims.states import ActorKind
    from fees import tasks

    claim = _paid_by_card(world, fake_stripe, client)
    claim_transition(
        account=world.account,
        claim=claim,
        name="debtor_insolvent",
        actor=Actor(kind=ActorKind.SYSTEM),
    )
    refund = refund_create(claim=claim, reason=Refund.Reason.DEBTOR_INSOLVENT)
    assert refund is not None

    def crash(**kwargs: Any) -> None:
        raise SystemExit("worker killed between the HTTP call and the database update")

    monkeypatch.setattr(tasks, "refund_mark_succeeded", crash)
    with pytest.raises(SystemExit):
        refund_send.apply(args=(refund.pk,), throw=True)
    assert fake_stripe.refund_requests == 1
    assert Refund.objects.get(pk=refund.pk).state == Refund.State.SENT
    monkeypatch.undo()
    assert refund_send.apply(args=(refund.pk,)).get() == Refund.State.SUCCEEDED
    assert len(fake_stripe.refunds) == 1  # the replay returned the same refund
    stored = Refund.objects.get(pk=refund.pk)
    assert stored.state == Refund.State.SUCCEEDED
    assert stored.stripe_refund_id in fake_stripe.refunds
    # (advance 277.88 - file fee 40.00, solvency not done, no bailiff act) x 1.21
    assert stored.amount == Decimal("287.83")
    assert ledger_balances(claim_id=claim.pk)["bank"] == Decimal("336.23") - Decimal("287.83")
    assert refund_send.apply(args=(refund.pk,)).get() == Refund.State.SUCCEEDED
    assert len(fake_stripe.refunds) == 1

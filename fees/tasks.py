"""Money tasks: they take ids, are idempotent and retry only on transient errors."""

import logging

import stripe
from celery import shared_task
from django.db import OperationalError

from claims.models import Claim, ClaimEvent
from claims.states import TERMINAL, State
from fees import gateway
from fees.ledger import LedgerError
from fees.models import OutboxCursor, Payment, Refund
from fees.refunds import paid_advance, refund_reason_for
from fees.services import FEE_EVENTS, ledger_follow_event, refund_create, refund_mark_succeeded

FOLLOWED = [*FEE_EVENTS, "serve_summons"]

logger = logging.getLogger(__name__)
TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError, OperationalError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=600, max_retries=8)
def refund_send(refund_id: int) -> str:
    """Send a card refund to Stripe with the key stored on the row; safe to run again."""
    refund = Refund.objects.select_related("claim").get(pk=refund_id)
    if refund.state in {Refund.State.SUCCEEDED, Refund.State.FAILED}:
        return refund.state
    payment = paid_advance(refund.claim)
    if payment is None or not payment.stripe_payment_intent:
        Refund.objects.filter(pk=refund.pk).update(
            state=Refund.State.FAILED, failure="No card payment to refund."
        )
        return Refund.State.FAILED
    Refund.objects.filter(pk=refund.pk, state=Refund.State.CREATED).update(state=Refund.State.SENT)
    try:
        result = gateway.refund_create(
            payment_intent=payment.stripe_payment_intent,
            amount_cents=gateway.cents(refund.amount),
            idempotency_key=refund.idempotency_key,
        )
    except stripe.InvalidRequestError as exc:  # final: a person must look at it
        Refund.objects.filter(pk=refund.pk).update(state=Refund.State.FAILED, failure=str(exc))
        logger.error("refund %s failed: %s", refund.pk, exc)
        return Refund.State.FAILED
    if result.status == "succeeded":
        refund_mark_succeeded(refund=refund, stripe_refund_id=result.id)
        return Refund.State.SUCCEEDED
    Refund.objects.filter(pk=refund.pk).update(stripe_refund_id=result.id)
    return Refund.State.SENT  # pending at Stripe: the refund.updated webhook finishes it


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def refunds_from_events() -> int:
    """The event log is the outbox: every stopped claim with a paid advance gets its refund."""
    stopped = [state for state in TERMINAL if state != State.PAID]
    claims = (
        Claim.objects.filter(state__in=stopped, payments__state=Payment.State.SUCCEEDED)
        .exclude(
            refunds__state__in=[Refund.State.CREATED, Refund.State.SENT, Refund.State.SUCCEEDED]
        )
        .distinct()
    )
    created = 0
    for claim in claims[:500]:
        final = ClaimEvent.objects.filter(claim=claim, to_state=claim.state).latest("id")
        reason = refund_reason_for(claim, transition=final.name, at=final.created_at)
        if reason and refund_create(claim=claim, reason=reason):
            created += 1
    return created


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def ledger_from_events(chunk: int = 500) -> int:
    """Follow the claim event log (the outbox) and book fees and debts, each event once."""
    cursor, _ = OutboxCursor.objects.get_or_create(name="ledger")
    events = list(
        ClaimEvent.objects.filter(pk__gt=cursor.last_event_id, name__in=FOLLOWED)
        .select_related("claim")
        .order_by("pk")[:chunk]
    )
    for event in events:
        try:
            ledger_follow_event(event)
        except LedgerError as exc:  # e.g. a demo claim without a paid advance: nothing to use
            logger.warning("event %s not booked: %s", event.pk, exc)
    if events:
        OutboxCursor.objects.filter(pk=cursor.pk).update(last_event_id=events[-1].pk)
    return len(events)

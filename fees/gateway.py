"""The one place that talks to Stripe, through the official library.

`stripe.api_base` comes from STRIPE_API_BASE, so tests point the real library at a fake Stripe
on 127.0.0.1. Every write carries an idempotency key stored before the call.
"""

from typing import Any

import stripe
from django.conf import settings


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _configured() -> None:
    stripe.api_key = settings.STRIPE_SECRET_KEY
    stripe.api_base = settings.STRIPE_API_BASE
    stripe.max_network_retries = 0  # retries are the task's business, with the same key


def checkout_create(
    *,
    amount_cents: int,
    currency: str,
    reference: str,
    description: str,
    success_url: str,
    cancel_url: str,
    idempotency_key: str,
) -> Any:
    _configured()
    return stripe.checkout.Session.create(
        mode="payment",
        client_reference_id=reference,
        line_items=[
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency,
                    "unit_amount": amount_cents,
                    "product_data": {"name": description},
                },
            }
        ],
        metadata={"payment": reference},
        success_url=success_url,
        cancel_url=cancel_url,
        idempotency_key=idempotency_key,
    )


def checkout_retrieve(session_id: str) -> Any:
    _configured()
    return stripe.checkout.Session.retrieve(session_id)


def refund_create(*, payment_intent: str, amount_cents: int, idempotency_key: str) -> Any:
    _configured()
    return stripe.Refund.create(
        payment_intent=payment_intent, amount=amount_cents, idempotency_key=idempotency_key
    )


def event_from_webhook(payload: bytes, signature: str) -> Any:
    """The verified event, or stripe.SignatureVerificationError / ValueError."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET or "")


def cents(amount: Any) -> int:
    return int((amount * 100).to_integral_value())


def refund_retrieve(refund_id: str) -> Any:
    _configured()
    return stripe.Refund.retrieve(refund_id)

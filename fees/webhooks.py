"""POST /api/v1/stripe/webhook: Stripe tells us a payment or a refund changed.

The signature is verified, an event already handled is ignored, the object is re-read from
Stripe (the event body is not trusted for money), and the claim moves only if its state allows.
Answers 2xx for what needs no retry and 5xx when Stripe should try again.
"""

from typing import Any

import stripe
from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fees import gateway
from fees.models import Payment, Refund, StripeEvent
from fees.services import payment_succeed, refund_mark_succeeded

PAID_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}


def _session_paid(event: Any) -> str:
    session = gateway.checkout_retrieve(event.data.object.id)
    if session.payment_status != "paid":
        return "not paid yet"
    payment = Payment.objects.filter(stripe_session_id=session.id).first()
    if payment is None:
        return "unknown session"
    recorded = payment_succeed(payment=payment, actor=None, payment_intent=session.payment_intent)
    return "recorded" if recorded else "already recorded"


def _refund_updated(event: Any) -> str:
    remote = gateway.refund_retrieve(event.data.object.id)
    refund = Refund.objects.filter(stripe_refund_id=remote.id).first()
    if refund is None:
        return "unknown refund"
    if remote.status == "succeeded":
        refund_mark_succeeded(refund=refund, stripe_refund_id=remote.id)
    elif remote.status in {"failed", "canceled"}:
        Refund.objects.filter(pk=refund.pk).exclude(state=Refund.State.SUCCEEDED).update(
            state=Refund.State.FAILED, failure=f"Stripe: {remote.status}"
        )
    return remote.status


class StripeWebhookApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(exclude=True)
    def post(self, request: Request) -> Response:
        signature = request.headers.get("Stripe-Signature", "")
        try:
            event = gateway.event_from_webhook(request.body, signature)
        except (ValueError, stripe.SignatureVerificationError):
            return Response({"detail": "bad signature"}, status=400)
        if StripeEvent.objects.filter(event_id=event.id).exists():
            return Response({"status": "duplicate"})
        try:
            with transaction.atomic():
                outcome = self._handle(event)
                StripeEvent.objects.create(event_id=event.id, type=event.type)
        except IntegrityError:  # the same event handled concurrently
            return Response({"status": "duplicate"})
        except stripe.StripeError as exc:  # Stripe could not be re-read: let it retry
            return Response({"detail": str(exc)}, status=503)
        return Response({"status": outcome})

    def _handle(self, event: Any) -> str:
        if event.type in PAID_EVENTS:
            return _session_paid(event)
        if event.type == "refund.updated":
            return _refund_updated(event)
        return "ignored"

"""GET /api/v1/calculator/quote: what a claim costs and what it claims, no login."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api import require_membership
from claims.codes import format_payment_reference
from claims.selectors import claim_get
from creditors.models import User
from fees.ledger import creditor_statement
from fees.money import NoRateError, QuoteInput, compute_quote
from fees.refunds import refund_quote, refund_reason_for
from fees.selectors import tables_on
from fees.services import payment_start


def amount(**options: Any) -> serializers.DecimalField:
    """Amounts are strings with two decimals."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **options)


class QuoteQuery(serializers.Serializer[Any]):
    principal = amount(min_value=Decimal("0.01"))
    due_date = serializers.DateField()
    on = serializers.DateField(required=False)
    damages_clause_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        required=False,
        default=Decimal(0),
    )
    damages_clause_minimum = amount(
        min_value=Decimal(0), required=False, allow_null=True, default=None
    )
    invoices = serializers.IntegerField(min_value=1, max_value=10_000, required=False, default=1)
    partner_discount = serializers.BooleanField(required=False, default=False)


class AdvanceOut(serializers.Serializer[Any]):
    excl_vat = amount()
    vat = amount()
    incl_vat = amount()


class QuoteOut(serializers.Serializer[Any]):
    advance = AdvanceOut()
    interest = amount()
    damages_clause = amount()
    ios_cap = amount()
    claimable_interest_and_damages = amount()
    cap_applied = serializers.BooleanField()
    flat_compensation = amount()
    total_claim = amount()
    provisional = serializers.BooleanField(
        help_text="A day had no known interest rate: the last known one was used."
    )


class QuoteApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        parameters=[QuoteQuery],
        responses=QuoteOut,
        summary="Advance, interest, damages clause within the 10 % cap, and the claim total",
    )
    def get(self, request: Request) -> Response:
        query = QuoteQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        on = data.get("on") or timezone.localdate()
        request_ = QuoteInput(
            principal=data["principal"],
            due_date=data["due_date"],
            on=on,
            damages_percent=data["damages_clause_percent"],
            damages_minimum=data["damages_clause_minimum"],
            invoices=data["invoices"],
            partner_discount=data["partner_discount"],
        )
        try:
            quote = compute_quote(request_, tables_on(on))
        except NoRateError as exc:
            message = _("No interest rate is known for due dates before 2016.")
            raise serializers.ValidationError({"due_date": [message]}) from exc
        return Response(QuoteOut(quote_payload(quote)).data)


def quote_payload(quote: Any) -> dict[str, Any]:
    return {
        "advance": quote.advance.__dict__,
        "interest": quote.interest.amount,
        "damages_clause": quote.damages_clause,
        "ios_cap": quote.capped.cap,
        "claimable_interest_and_damages": quote.capped.claimable,
        "cap_applied": quote.capped.cap_applied,
        "flat_compensation": quote.flat_compensation,
        "total_claim": quote.total_claim,
        "provisional": quote.interest.provisional,
    }


class AdvanceStartOut(serializers.Serializer[Any]):
    method = serializers.ChoiceField(choices=["stripe", "transfer"])
    amount = amount()
    checkout_url = serializers.CharField(allow_blank=True)
    payment_reference = serializers.CharField(help_text="Structured reference (OGM/VCS).")
    iban = serializers.CharField()


class ClaimAdvanceApi(APIView):
    """Start paying a claim's advance: by card (Stripe Checkout) or by bank transfer."""

    @extend_schema(request=None, responses={201: AdvanceStartOut}, summary="Pay the advance")
    def post(self, request: Request, code: str) -> Response:
        membership = require_membership(request)
        claim = claim_get(account=membership.account, code=code)
        if not membership.can_write:
            return Response({"detail": _("Your role is read-only.")}, status=403)
        assert isinstance(request.user, User)
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        payment, checkout_url = payment_start(
            account=membership.account,
            actor=request.user,
            claim=claim,
            success_url=f"{base}/claims/{claim.code}/?paid=1",
            cancel_url=f"{base}/claims/{claim.code}/",
        )
        answer = {
            "method": payment.method,
            "amount": payment.amount,
            "checkout_url": checkout_url,
            "payment_reference": format_payment_reference(claim.payment_reference),
            "iban": settings.PLATFORM_IBAN,
        }
        return Response(AdvanceStartOut(answer).data, status=201)


class StatementOut(serializers.Serializer[Any]):
    claim_total = amount()
    advance_paid = amount()
    advance_used = amount()
    advance_refunded = amount()
    advance_left = amount()
    collected_for_creditor = amount()
    paid_out = amount()
    due_to_creditor = amount()
    charged_with_consent = amount()
    debtor_still_owes = amount()
    refund_if_stopped_now = amount(allow_null=True)


class ClaimMoneyApi(APIView):
    """The creditor's statement, derived from the dossier's ledger."""

    @extend_schema(responses=StatementOut, summary="Money overview of a claim")
    def get(self, request: Request, code: str) -> Response:
        membership = require_membership(request)
        claim = claim_get(account=membership.account, code=code)
        statement = creditor_statement(claim)
        reason = refund_reason_for(claim, transition="cancel", at=timezone.now())
        refundable = refund_quote(claim, reason).amount if reason else None
        return Response(
            StatementOut(
                {
                    **statement.__dict__,
                    "claim_total": claim.total,
                    "refund_if_stopped_now": refundable,
                }
            ).data
        )

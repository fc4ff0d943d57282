"""POST /api/v1/eligibility/check: the public pre-check, no login, 60 a minute per address."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from claims import eligibility
from debtors.identifiers import BELGIUM, CREDITOR_COUNTRIES, normalise_registration


class PerAddressThrottle(SimpleRateThrottle):
    """Counts per client address, logged in or not."""

    scope = "eligibility"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class CreditorIn(serializers.Serializer[Any]):
    country = serializers.CharField(max_length=2, help_text="ISO code; BE or NL FR DE LU IT ES AT.")
    registration_number = serializers.CharField(max_length=40)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["country"] = attrs["country"].upper()
        if attrs["country"] in CREDITOR_COUNTRIES:  # any other country is a reason, not an error
            try:
                attrs["registration_number"] = normalise_registration(
                    attrs["country"], attrs["registration_number"]
                )
            except ValueError as exc:
                raise serializers.ValidationError({"registration_number": [str(exc)]}) from exc
        return attrs


class AddressIn(serializers.Serializer[Any]):
    street = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class DebtorIn(serializers.Serializer[Any]):
    registration_number = serializers.CharField(max_length=40)
    country = serializers.CharField(max_length=2, required=False, default=BELGIUM)
    address = AddressIn(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["country"] = attrs["country"].upper()
        if attrs["country"] == BELGIUM:  # a foreign debtor is not checked as Belgian
            try:
                attrs["registration_number"] = normalise_registration(
                    BELGIUM, attrs["registration_number"]
                )
            except ValueError as exc:
                raise serializers.ValidationError({"registration_number": [str(exc)]}) from exc
        return attrs


class InvoiceIn(serializers.Serializer[Any]):
    number = serializers.CharField(max_length=40)
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    credit_notes = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        default=Decimal("0.00"),
        min_value=Decimal("0"),
    )
    periodic = serializers.BooleanField(required=False, default=False)


class CheckIn(serializers.Serializer[Any]):
    creditor = CreditorIn()
    debtor = DebtorIn()
    invoices = InvoiceIn(many=True, allow_empty=False)
    contested = serializers.BooleanField(required=False, default=False)
    on = serializers.DateField(required=False, help_text="Defaults to today (Europe/Brussels).")


class ReasonOut(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=sorted(eligibility.REASONS))
    message = serializers.CharField()


class DebtorOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    postal_code = serializers.CharField()
    language = serializers.ChoiceField(choices=["nl", "fr", "de"], allow_null=True)


class CheckOut(serializers.Serializer[Any]):
    verdict = serializers.ChoiceField(
        choices=[eligibility.ELIGIBLE, eligibility.INELIGIBLE, eligibility.REVIEW]
    )
    reasons = ReasonOut(many=True)
    debtor = DebtorOut(allow_null=True)
    prescription_date = serializers.DateField(allow_null=True)


def facts_from(data: dict[str, Any], *, requested_language: str) -> eligibility.ClaimFacts:
    address = data["debtor"].get("address")
    on: date = data.get("on") or timezone.localdate()
    return eligibility.ClaimFacts(
        creditor_country=data["creditor"]["country"],
        creditor_number=data["creditor"]["registration_number"],
        debtor_country=data["debtor"]["country"],
        debtor_number=data["debtor"]["registration_number"],
        debtor_address=eligibility.DebtorAddress(**address) if address else None,
        invoices=[
            eligibility.InvoiceFacts(
                number=i["number"],
                due_date=i["due_date"],
                amount=i["amount"],
                credit_notes=i["credit_notes"],
                periodic=i["periodic"],
            )
            for i in data["invoices"]
        ],
        contested=data["contested"],
        on=on,
        requested_language=requested_language,
    )


class EligibilityCheckApi(APIView):
    """Whether a claim can go the IOS way, with every reason, in the caller's language."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [PerAddressThrottle]

    @extend_schema(
        request=CheckIn,
        responses={200: CheckOut},
        summary="Eligibility pre-check (no login, 60 requests a minute per address)",
        description=(
            "Reason codes. Ineligible: "
            + ", ".join(c for c, (blocking, _m) in eligibility.REASONS.items() if blocking)
            + ". Review: "
            + ", ".join(c for c, (blocking, _m) in eligibility.REASONS.items() if not blocking)
            + ". Any ineligible reason wins over review; with no reason the claim is eligible. "
            "`debtor.language` is the language of the judicial documents (law of 15 June 1935); "
            "`prescription_date` is the earliest due date + 10 years (5 for periodic sums). "
            "Messages follow Accept-Language (en, nl, fr)."
        ),
        examples=[
            OpenApiExample(
                "A Ghent debtor",
                request_only=True,
                value={
                    "creditor": {"country": "BE", "registration_number": "0999.000.822"},
                    "debtor": {"registration_number": "0999.000.723"},
                    "invoices": [
                        {
                            "number": "F-1",
                            "issue_date": "2026-01-05",
                            "due_date": "2026-02-04",
                            "amount": "1250.00",
                        }
                    ],
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        form = CheckIn(data=request.data)
        form.is_valid(raise_exception=True)
        facts = facts_from(form.validated_data, requested_language=translation.get_language())
        result = eligibility.eligibility_check(facts=facts)
        answer = {
            "verdict": result.verdict,
            "reasons": [{"code": r.code, "message": r.message} for r in result.reasons],
            "debtor": result.debtor.__dict__ if result.debtor else None,
            "prescription_date": result.prescription_date,
        }
        return Response(CheckOut(answer).data)

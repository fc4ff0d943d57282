"""What the creditor decides on a claim, by API: the same services as its portal.

POST /api/v1/claims/<code>/<action> for pv-request, facilities, consent, solvency-decision and
direct-payment. Read-only members get a 403; another account's claim does not exist (404).
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bailiffs.services import creditor_decide_plan, creditor_request_pv
from claims.api import ClaimDetailSerializer, require_membership
from claims.models import Claim
from claims.selectors import claim_get
from claims.services import claim_direct_payment_report, claim_solvency_decide
from creditors.models import Account, User
from fees.services import consent_record


class EmptyIn(serializers.Serializer[Any]):
    pass


class FacilitiesDecisionIn(serializers.Serializer[Any]):
    accept = serializers.BooleanField()


class ConsentIn(serializers.Serializer[Any]):
    up_to_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )


class SolvencyDecisionIn(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=["continue", "stop"])


class DirectPaymentIn(serializers.Serializer[Any]):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    paid_on = serializers.DateField()


def _solvency(account: Account, user: User, claim: Claim, data: dict[str, Any]) -> None:
    claim_solvency_decide(account=account, actor=user, claim=claim, decision=data["decision"])


def _direct_payment(account: Account, user: User, claim: Claim, data: dict[str, Any]) -> None:
    claim_direct_payment_report(
        account=account, actor=user, claim=claim, amount=data["amount"], paid_on=data["paid_on"]
    )


Perform = Callable[[Account, User, Claim, dict[str, Any]], object]
ACTIONS: dict[str, tuple[type[serializers.Serializer[Any]], Perform, str]] = {
    "pv-request": (
        EmptyIn,
        lambda a, u, c, d: creditor_request_pv(actor=u, claim=c),
        "Ask the office to draw the PV of non-contestation",
    ),
    "facilities": (
        FacilitiesDecisionIn,
        lambda a, u, c, d: creditor_decide_plan(actor=u, claim=c, accept=d["accept"]),
        "Accept or decline the payment facilities the debtor asked for",
    ),
    "consent": (
        ConsentIn,
        lambda a, u, c, d: consent_record(account=a, actor=u, claim=c, up_to=d["up_to_amount"]),
        "Consent to enforcement costs above the advance, up to an amount",
    ),
    "solvency-decision": (
        SolvencyDecisionIn,
        _solvency,
        "Continue at own risk or stop after a doubtful solvency check",
    ),
    "direct-payment": (
        DirectPaymentIn,
        _direct_payment,
        "Report a payment the debtor made to you directly",
    ),
}


def _view(action: str) -> type[APIView]:
    serializer_class, perform, summary = ACTIONS[action]

    class CreditorActionApi(APIView):
        @extend_schema(
            request=serializer_class,
            responses=ClaimDetailSerializer,
            summary=summary,
            operation_id=f"claim_{action.replace('-', '_')}",
        )
        def post(self, request: Request, code: str) -> Response:
            membership = require_membership(request)
            claim = claim_get(account=membership.account, code=code)
            if not membership.can_write:
                return Response({"detail": _("Your role is read-only.")}, status=403)
            form = serializer_class(data=request.data)
            form.is_valid(raise_exception=True)
            assert isinstance(request.user, User)
            perform(membership.account, request.user, claim, dict(form.validated_data))
            fresh = claim_get(account=membership.account, code=code)
            return Response(ClaimDetailSerializer(fresh).data)

    CreditorActionApi.__name__ = f"Claim{action.title().replace('-', '')}Api"
    return CreditorActionApi


ACTION_VIEWS = {action: _view(action) for action in ACTIONS}

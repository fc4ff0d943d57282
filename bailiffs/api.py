"""The office API: its work queue and the actions it records, as in its portal.

`GET /api/v1/bailiff/claims`, `GET /api/v1/bailiff/claims/<code>` and
`POST /api/v1/bailiff/claims/<code>/<action>`. An office sees only the claims assigned to it
(404 otherwise); a wrong state is a 409 and a date before the allowed one a 400.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bailiffs import services
from bailiffs.documents import document_response
from bailiffs.selectors import (
    is_office_member,
    legal_document_get,
    office_claim_get,
    office_claims,
)
from claims.api import ClaimDetailSerializer, ClaimSerializer
from claims.models import Claim
from claims.states import State
from creditors.models import User


def money_field(**options: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **options)


class OfficeClaimSerializer(ClaimSerializer):
    creditor = serializers.CharField(source="company.name")
    creditor_registration_number = serializers.CharField(source="company.registration_number")
    next_deadline = serializers.DateTimeField(allow_null=True)

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "creditor",
            "creditor_registration_number",
            "next_deadline",
            "pv_requested_at",
        ]


class OfficeClaimDetailSerializer(OfficeClaimSerializer, ClaimDetailSerializer):
    class Meta(OfficeClaimSerializer.Meta):
        fields = [*OfficeClaimSerializer.Meta.fields, "documents", "legal_documents"]


def _user(request: Request) -> User:
    """The office member making the request; anyone else finds nothing here (404)."""
    user = request.user
    if not (isinstance(user, User) and is_office_member(user=user)):
        raise Http404(_("You are not a member of a bailiff office."))
    return user


class BailiffClaimListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("state", str, enum=State.values)],
        responses=OfficeClaimSerializer(many=True),
        summary="The office's work queue, nearest deadline first",
    )
    def get(self, request: Request) -> Response:
        state = request.query_params.get("state", "")
        if state and state not in State.values:
            raise serializers.ValidationError({"state": [_("Unknown state.")]})
        claims = office_claims(user=_user(request), state=state).prefetch_related(
            "invoices", "events"
        )
        paginator = self.settings.DEFAULT_PAGINATION_CLASS()
        page = paginator.paginate_queryset(claims, request, view=self)
        return paginator.get_paginated_response(OfficeClaimSerializer(page, many=True).data)


class BailiffClaimDetailApi(APIView):
    @extend_schema(responses=OfficeClaimDetailSerializer, summary="One claim of the office")
    def get(self, request: Request, code: str) -> Response:
        claim = office_claim_get(user=_user(request), code=code)
        return Response(OfficeClaimDetailSerializer(claim).data)


# --- actions ----------------------------------------------------------------------------------


class SolvencyIn(serializers.Serializer[Any]):
    score = serializers.IntegerField(min_value=0, max_value=100)
    threshold = serializers.IntegerField(min_value=0, max_value=100, required=False, default=20)


class SummonsIn(serializers.Serializer[Any]):
    served_on = serializers.DateField()
    manner = serializers.ChoiceField(choices=["in_person", "at_domicile", "at_seat", "other"])


class PaymentIn(serializers.Serializer[Any]):
    amount = money_field(min_value=Decimal("0.01"))
    paid_on = serializers.DateField()


class InstalmentIn(serializers.Serializer[Any]):
    due_date = serializers.DateField()
    amount = money_field(min_value=Decimal("0.01"))


class FacilitiesIn(serializers.Serializer[Any]):
    instalments = InstalmentIn(many=True, required=False)
    missed_instalment = serializers.BooleanField(required=False, default=False)


class ContestIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)
    answer_form = serializers.FileField(required=False)


class PvIn(serializers.Serializer[Any]):
    drawn_on = serializers.DateField()


class TitleIn(serializers.Serializer[Any]):
    reference = serializers.CharField(max_length=80)
    granted_on = serializers.DateField()


class EnforcementIn(serializers.Serializer[Any]):
    step = serializers.ChoiceField(
        choices=[
            "order_to_pay",
            "seizure_goods",
            "seizure_bank",
            "seizure_vehicle",
            "public_sale",
            "other",
        ]
    )
    cost = money_field(min_value=Decimal("0.00"))
    done_on = serializers.DateField()


class ReceiptIn(serializers.Serializer[Any]):
    received = money_field(min_value=Decimal("0.00"), required=False, default=Decimal("0.00"))
    paid_out = money_field(min_value=Decimal("0.00"), required=False, default=Decimal("0.00"))
    on = serializers.DateField()


class CloseIn(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=["paid", "irrecoverable"])
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


def _facilities(user: User, claim: Claim, data: dict[str, Any]) -> object:
    if data["missed_instalment"]:
        return services.bailiff_missed_instalment(actor=user, claim=claim)
    return services.bailiff_facilities(
        actor=user, claim=claim, instalments=data.get("instalments") or []
    )


ACTIONS: dict[str, tuple[type[serializers.Serializer[Any]], Callable[..., object], str]] = {
    "solvency": (
        SolvencyIn,
        lambda u, c, d: services.bailiff_solvency(actor=u, claim=c, **d),
        "Record the solvency check (score 0-100; below the threshold the creditor decides)",
    ),
    "summons": (
        SummonsIn,
        lambda u, c, d: services.bailiff_summons(actor=u, claim=c, **d),
        "Record the service of the summons: the one-month window starts",
    ),
    "payment": (
        PaymentIn,
        lambda u, c, d: services.bailiff_payment(actor=u, claim=c, **d),
        "Record a payment by the debtor",
    ),
    "facilities": (
        FacilitiesIn,
        _facilities,
        "Record a request for payment facilities, or a missed instalment",
    ),
    "contest": (
        ContestIn,
        lambda u, c, d: services.bailiff_contest(
            actor=u, claim=c, reason=d["reason"], answer_form=d.get("answer_form")
        ),
        "Record a contest on the answer form: the IOS ends",
    ),
    "pv": (
        PvIn,
        lambda u, c, d: services.bailiff_pv(actor=u, claim=c, **d),
        "Record the PV of non-contestation (from the earliest PV day, once asked for)",
    ),
    "title": (
        TitleIn,
        lambda u, c, d: services.bailiff_title(actor=u, claim=c, **d),
        "Record the enforceable title (reference and date)",
    ),
    "enforcement": (
        EnforcementIn,
        lambda u, c, d: services.bailiff_enforcement(actor=u, claim=c, **d),
        "Record an enforcement step and its cost (within the creditor's consent)",
    ),
    "receipt": (
        ReceiptIn,
        lambda u, c, d: services.bailiff_receipt(actor=u, claim=c, **d),
        "Record money received from the debtor and paid out to the creditor",
    ),
    "close": (
        CloseIn,
        lambda u, c, d: services.bailiff_close(actor=u, claim=c, **d),
        "Close the dossier: paid, or irrecoverable",
    ),
}


def run_action(user: User, code: str, action: str, data: Any) -> Claim:
    """Parse the action's input and call its service; shared by the API and the portal."""
    serializer_class, perform, _summary = ACTIONS[action]
    claim = office_claim_get(user=user, code=code)
    form = serializer_class(data=data)
    form.is_valid(raise_exception=True)
    perform(user, claim, dict(form.validated_data))
    return office_claim_get(user=user, code=code)


def _action_view(action: str) -> type[APIView]:
    serializer_class, _perform, summary = ACTIONS[action]

    class ActionApi(APIView):
        parser_classes = [JSONParser, MultiPartParser, FormParser]

        @extend_schema(
            request=serializer_class,
            responses=OfficeClaimDetailSerializer,
            summary=summary,
            operation_id=f"bailiff_claim_{action}",
        )
        def post(self, request: Request, code: str) -> Response:
            claim = run_action(_user(request), code, action, request.data)
            return Response(OfficeClaimDetailSerializer(claim).data)

    ActionApi.__name__ = f"Bailiff{action.title()}Api"
    return ActionApi


ACTION_VIEWS = {action: _action_view(action) for action in ACTIONS}


class BailiffLegalDocumentApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes}, summary="Download a legal document")
    def get(self, request: Request, code: str, document_id: int) -> Any:
        claim = office_claim_get(user=_user(request), code=code)
        return document_response(legal_document_get(claim=claim, document_id=document_id))

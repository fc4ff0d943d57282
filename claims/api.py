"""The claims API: `/api/v1/claims`, documents, and the public deadline calculator."""

from datetime import date
from typing import Any

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bailiffs.documents import document_response
from bailiffs.models import LegalDocument
from bailiffs.selectors import legal_document_get
from claims import deadlines
from claims.models import Claim, ClaimDocument, ClaimEvent, DocumentKind, Invoice
from claims.selectors import (
    SORTS,
    claim_document_get,
    claim_get,
    claims_search,
    claims_with_history,
)
from claims.services import claim_document_add
from claims.states import State
from creditors.models import Membership, User
from creditors.selectors import membership_required


class InvoiceSerializer(serializers.ModelSerializer[Invoice]):
    class Meta:
        model = Invoice
        fields = ["number", "issue_date", "due_date", "amount", "credit_notes", "periodic"]


class EventSerializer(serializers.ModelSerializer[ClaimEvent]):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ClaimEvent
        fields = ["name", "from_state", "to_state", "actor", "actor_kind", "reason", "data"]
        fields += ["created_at"]

    def get_actor(self, event: ClaimEvent) -> str | None:
        return event.actor.email if event.actor else None


class DeadlinesSerializer(serializers.Serializer[Claim]):
    acceptance_due_at = serializers.DateTimeField(allow_null=True)
    service_due_at = serializers.DateTimeField(allow_null=True)
    served_on = serializers.DateField(allow_null=True)
    month_ends_on = serializers.DateField(allow_null=True)
    pv_earliest_on = serializers.DateField(allow_null=True)
    window_ends_at = serializers.DateTimeField(allow_null=True)


class DocumentSerializer(serializers.ModelSerializer[ClaimDocument]):
    class Meta:
        model = ClaimDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class ClaimSerializer(serializers.ModelSerializer[Claim]):
    state_label = serializers.CharField(source="get_state_display")
    company = serializers.CharField(source="company.name")
    debtor = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    deadlines = DeadlinesSerializer(source="*")
    invoices = InvoiceSerializer(many=True)
    events = EventSerializer(many=True)

    class Meta:
        model = Claim
        fields = ["code", "own_reference", "state", "state_label", "company", "debtor"]
        fields += ["total", "payment_reference", "language", "created_at", "deadlines"]
        fields += ["invoices", "events"]

    def get_debtor(self, claim: Claim) -> dict[str, str]:
        debtor = claim.debtor
        return {"name": debtor.name, "registration_number": debtor.registration_number}

    def get_total(self, claim: Claim) -> str:
        return f"{claim.total:.2f}"


class LegalDocumentSerializer(serializers.ModelSerializer[LegalDocument]):
    current = serializers.SerializerMethodField()

    class Meta:
        model = LegalDocument
        fields = ["id", "kind", "version", "language", "template_version", "sha256", "size"]
        fields += ["created_at", "reason", "current"]

    def get_current(self, document: LegalDocument) -> bool:
        return not hasattr(document, "superseded_by")


class ClaimDetailSerializer(ClaimSerializer):
    documents = DocumentSerializer(many=True)
    legal_documents = LegalDocumentSerializer(many=True)

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "documents", "legal_documents"]


def require_membership(request: Request) -> Membership:
    return membership_required(request._request)


class ClaimListQuery(serializers.Serializer[Any]):
    search = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="own reference, debtor or invoice number",
    )
    state = serializers.ChoiceField(choices=State.choices, required=False, default="")
    company = serializers.IntegerField(required=False, min_value=1)
    action_needed = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(choices=list(SORTS), required=False, default="-created")

    def validate_company(self, value: int) -> int:
        if not self.context["account"].companies.filter(pk=value).exists():
            raise serializers.ValidationError(_("Unknown company."))
        return value


class ClaimListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[ClaimListQuery],
        responses=ClaimSerializer(many=True),
        summary="Claims of the current account",
    )
    def get(self, request: Request) -> Response:
        membership = require_membership(request)
        query = ClaimListQuery(data=request.query_params, context={"account": membership.account})
        query.is_valid(raise_exception=True)
        options = query.validated_data
        claims = claims_search(
            claims_with_history(account=membership.account),
            query=options["search"],
            state=options["state"],
            company_id=options.get("company"),
            needs_action=options["action_needed"],
            sort=options["sort"],
        )
        paginator = self.settings.DEFAULT_PAGINATION_CLASS()
        page = paginator.paginate_queryset(claims, request, view=self)
        return paginator.get_paginated_response(ClaimSerializer(page, many=True).data)


class ClaimDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ClaimDetailSerializer, summary="One claim with its history")
    def get(self, request: Request, code: str) -> Response:
        membership = require_membership(request)
        claim = claim_get(account=membership.account, code=code)
        return Response(ClaimDetailSerializer(claim).data)


# What a creditor uploads; the debtor's answer form comes from the bailiff office.
CREDITOR_DOCUMENT_KINDS = [(k, label) for k, label in DocumentKind.choices if k != "answer_form"]


class DocumentUploadSerializer(serializers.Serializer[ClaimDocument]):
    kind = serializers.ChoiceField(choices=CREDITOR_DOCUMENT_KINDS)
    file = serializers.FileField()


class ClaimDocumentListApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
        summary="Upload a PDF, PNG or JPEG (at most 10 MB) to a claim",
    )
    def post(self, request: Request, code: str) -> Response:
        membership = require_membership(request)
        claim = claim_get(account=membership.account, code=code)
        if not membership.can_write:
            return Response({"detail": _("Your role is read-only.")}, status=403)
        form = DocumentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        assert isinstance(request.user, User)
        document = claim_document_add(
            account=membership.account,
            actor=request.user,
            claim=claim,
            kind=form.validated_data["kind"],
            upload=form.validated_data["file"],
        )
        return Response(DocumentSerializer(document).data, status=201)


class ClaimDocumentDownloadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, code: str, document_id: int) -> FileResponse:
        membership = require_membership(request)
        document = claim_document_get(
            account=membership.account, code=code, document_id=document_id
        )
        return upload_response(document)


def upload_response(document: ClaimDocument) -> FileResponse:
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


class DeadlinesQuerySerializer(serializers.Serializer[Any]):
    served_on = serializers.DateField()


class DeadlinesAnswerSerializer(serializers.Serializer[Any]):
    served_on = serializers.DateField()
    month_ends_on = serializers.DateField()
    pv_earliest_on = serializers.DateField()


class DeadlinesCalculatorApi(APIView):
    """Art. 52–54 and 1394/21–24: when the month after service ends and the PV may be drawn."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        parameters=[OpenApiParameter("served_on", date, required=True)],
        responses=DeadlinesAnswerSerializer,
        summary="IOS deadlines for a service date",
    )
    def get(self, request: Request) -> Response:
        query = DeadlinesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        window = deadlines.ios_window(
            query.validated_data["served_on"], conservative=settings.IOS_PV_CONSERVATIVE
        )
        answer = {
            "served_on": window.served_on,
            "month_ends_on": window.month_ends_on,
            "pv_earliest_on": window.pv_earliest_on,
        }
        return Response(DeadlinesAnswerSerializer(answer).data)


class ClaimLegalDocumentApi(APIView):
    """A generated legal document (summons, PV, certificate, balance letter) of the claim."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, code: str, document_id: int) -> FileResponse:
        membership = require_membership(request)
        claim = claim_get(account=membership.account, code=code)
        return document_response(legal_document_get(claim=claim, document_id=document_id))

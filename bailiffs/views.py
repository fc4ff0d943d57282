"""The office portal: the work queue and the actions, the same services as the API."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError

from bailiffs.api import ACTIONS, run_action
from bailiffs.selectors import is_office_member, office_claim_get, office_claims
from claims.states import State, TransitionNotAllowed
from creditors.models import User


def _office_user(request: HttpRequest) -> User:
    user = request.user
    if not (isinstance(user, User) and is_office_member(user=user)):
        raise Http404("Not found.")
    return user


def _input_type(field: serializers.Field[Any, Any, Any, Any]) -> str:
    if isinstance(field, serializers.DateField):
        return "date"
    if isinstance(field, serializers.DecimalField | serializers.IntegerField):
        return "number"
    if isinstance(field, serializers.FileField):
        return "file"
    if isinstance(field, serializers.BooleanField):
        return "checkbox"
    if isinstance(field, serializers.ChoiceField):
        return "select"
    return "text"


def action_forms() -> list[dict[str, Any]]:
    """Each action with its fields, for the portal's forms (lists of instalments stay API-only)."""
    forms = []
    for action, (serializer_class, _perform, summary) in ACTIONS.items():
        fields = [
            {
                "name": name,
                "type": _input_type(field),
                "required": field.required,
                "choices": list(getattr(field, "choices", {}) or []),
            }
            for name, field in serializer_class().fields.items()
            if not isinstance(field, serializers.ListSerializer)
        ]
        forms.append({"action": action, "summary": summary, "fields": fields})
    return forms


@login_required
def work_queue(request: HttpRequest) -> HttpResponse:
    user = _office_user(request)
    state = request.GET.get("state", "")
    claims = office_claims(user=user, state=state if state in State.values else "")
    context = {"claims": claims[:200], "state": state, "states": State.choices}
    return render(request, "bailiffs/queue.html", context)


@login_required
def claim_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _office_user(request)
    claim = office_claim_get(user=user, code=code)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404("No such action.")
        data: dict[str, object] = {
            k: v for k, v in request.POST.items() if k not in {"action", "csrfmiddlewaretoken"}
        }
        data.update(request.FILES.items())
        try:
            run_action(user, code, action, data)
            return redirect("bailiffs:claim", code=claim.code)
        except ApiValidationError as exc:
            errors = exc.detail if isinstance(exc.detail, dict) else {"action": exc.detail}
        except ValidationError as exc:
            errors = exc.message_dict
        except TransitionNotAllowed as exc:
            errors = {"action": [str(exc)]}
    from claims.selectors import claim_comments_shared  # the creditor's comments, not its notes

    context = {
        "claim": claim,
        "forms": action_forms(),
        "errors": errors,
        "comments": claim_comments_shared(claim=claim),
    }
    return render(request, "bailiffs/claim.html", context, status=400 if errors else 200)


@login_required
def handoff_queue(request: HttpRequest) -> HttpResponse:
    """Staff: claims no office covers, offices not reached, services overdue; reassignment."""
    from bailiffs.models import Office, OfficeNotification
    from bailiffs.services import claim_reassign
    from claims.backoffice import staff_user
    from claims.models import Claim

    staff = staff_user(request)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        claim = Claim.objects.filter(code=request.POST.get("code", "").upper()).first()
        office = Office.objects.filter(pk=request.POST.get("office") or 0).first()
        try:
            if claim is None or office is None:
                raise ValidationError({"code": ["Choose a claim and an office."]})
            claim_reassign(
                actor=staff, claim=claim, office=office, reason=request.POST.get("reason", "")
            )
            return redirect("backoffice:handoff")
        except ValidationError as exc:
            errors = exc.message_dict
        except TransitionNotAllowed as exc:
            errors = {"code": [str(exc)]}
    context = {
        "unassigned": Claim.objects.filter(state=State.ACCEPTED, office__isnull=True)
        .select_related("debtor", "company")
        .order_by("state_changed_at"),
        "unreached": OfficeNotification.objects.filter(state=OfficeNotification.State.FAILED)
        .select_related("office", "claim")
        .order_by("-created_at")[:100],
        "overdue": Claim.objects.filter(
            state=State.WITH_BAILIFF, service_sla_breached_at__isnull=False
        )
        .select_related("office", "debtor")
        .order_by("service_due_at"),
        "offices": Office.objects.order_by("name"),
        "errors": errors,
    }
    return render(request, "backoffice/handoff.html", context, status=400 if errors else 200)


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """An office member's own API tokens: create one (shown once) or revoke one."""
    from creditors.models import ApiToken
    from creditors.services import api_token_create, api_token_revoke

    user = _office_user(request)
    secret = ""
    if request.method == "POST":
        if "revoke" in request.POST:
            token = ApiToken.objects.filter(user=user, pk=request.POST["revoke"]).first()
            if token is None:
                raise Http404("No such token.")
            api_token_revoke(token=token, actor=user)
        else:
            name = request.POST.get("name", "").strip()[:100] or "API"
            _token, secret = api_token_create(user=user, account=None, name=name)
    tokens = ApiToken.objects.filter(user=user, account__isnull=True).order_by("-created_at")
    return render(request, "bailiffs/tokens.html", {"tokens": tokens, "secret": secret})


@login_required
def legal_document(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    from bailiffs.documents import document_response
    from bailiffs.selectors import legal_document_get

    claim = office_claim_get(user=_office_user(request), code=code)
    return document_response(legal_document_get(claim=claim, document_id=document_id))


@login_required
def staff_documents(request: HttpRequest, code: str) -> HttpResponse:
    """Staff: every version of a claim's legal documents, and a re-render with a reason."""
    from bailiffs.documents import TEMPLATE_VERSION, document_request_rerender, document_versions
    from claims.backoffice import staff_user
    from claims.selectors import review_claim_get

    staff = staff_user(request)
    claim = review_claim_get(code=code)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            document_request_rerender(
                claim=claim,
                kind=request.POST.get("kind", ""),
                actor=staff,
                reason=request.POST.get("reason", ""),
            )
            return redirect("backoffice:documents", code=claim.code)
        except ValidationError as exc:
            errors = exc.message_dict
    context = {
        "claim": claim,
        "versions": document_versions(claim),
        "kinds": list(TEMPLATE_VERSION),
        "errors": errors,
    }
    return render(request, "backoffice/documents.html", context, status=400 if errors else 200)


@login_required
def staff_document_download(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    from bailiffs.documents import document_response
    from bailiffs.selectors import legal_document_get
    from claims.backoffice import staff_user
    from claims.selectors import review_claim_get

    staff_user(request)
    claim = review_claim_get(code=code)
    return document_response(legal_document_get(claim=claim, document_id=document_id))

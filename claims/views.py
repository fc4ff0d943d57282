"""Creditor pages for claims (the portal grows them in issue 6)."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bailiffs.documents import document_response
from bailiffs.models import OfficeNotification
from bailiffs.selectors import legal_document_get
from claims.api import upload_response
from claims.selectors import SORTS, claim_document_get, claim_get, claims_of, claims_search
from claims.states import State, allowed_transitions
from claims.timeline import claim_timeline, claim_window
from creditors.models import Membership
from creditors.selectors import companies_of, current_membership
from fees.ledger import creditor_statement

PAGE_SIZE = 50


@dataclass(frozen=True)
class ListFilters:
    """The claim list's filters, as read from the query string (unknown values ignored)."""

    state: str
    company_id: int | None
    needs_action: bool
    sort: str


def _membership_or_404(request: HttpRequest) -> Membership:
    membership = current_membership(request)
    if membership is None:
        raise Http404("You are not a member of a creditor account.")
    return membership


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    membership = _membership_or_404(request)
    params = request.GET
    query = params.get("q", "")
    company = params.get("company", "")
    state = params.get("state", "")
    sort = params.get("sort", "")
    filters = ListFilters(
        state=state if state in State.values else "",
        company_id=int(company) if company.isdigit() else None,
        needs_action=params.get("action_needed") == "1",
        sort=sort if sort in SORTS else "-created",
    )
    claims = claims_search(
        claims_of(account=membership.account),
        query=query,
        state=filters.state,
        company_id=filters.company_id,
        needs_action=filters.needs_action,
        sort=filters.sort,
    )
    page = Paginator(claims.prefetch_related("invoices"), PAGE_SIZE).get_page(params.get("page"))
    others = params.copy()
    others.pop("page", None)
    context = {
        "page": page,
        "query": query,
        "filters": filters,
        "states": State.choices,
        "sorts": SORTS,
        "companies": companies_of(account=membership.account),
        "querystring": others.urlencode(),
        "membership": membership,
    }
    return render(request, "claims/list.html", context)


@login_required
def claim_detail(request: HttpRequest, code: str) -> HttpResponse:
    membership = _membership_or_404(request)
    claim = claim_get(account=membership.account, code=code)
    actions = allowed_transitions(claim.state) if membership.can_write else []
    notification = (
        OfficeNotification.objects.filter(claim=claim).order_by("-created_at").first()
        if claim.office_id
        else None
    )
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "membership": membership,
            "actions": actions,
            "notification": notification,
            "timeline": claim_timeline(claim),
            "window": claim_window(claim),
            "statement": creditor_statement(claim),
        },
    )


@login_required
def claim_document_download(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    membership = _membership_or_404(request)
    document = claim_document_get(account=membership.account, code=code, document_id=document_id)
    return upload_response(document)


@login_required
def claim_legal_document(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    membership = _membership_or_404(request)
    claim = claim_get(account=membership.account, code=code)
    return document_response(legal_document_get(claim=claim, document_id=document_id))

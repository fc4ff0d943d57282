"""Reads about claims. Every selector takes the tenant: there is no unscoped claim query."""

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from claims.models import Claim, ClaimDocument, ClaimEvent, Invoice
from claims.states import State
from creditors.models import Account


def claims_of(*, account: Account) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(account=account)
        .select_related("company", "debtor", "office")
        .order_by("-created_at", "-id")
    )


def claims_with_history(*, account: Account) -> QuerySet[Claim]:
    """Claims with invoices and events prefetched: a constant number of queries per page."""
    return claims_of(account=account).prefetch_related(
        "invoices",
        Prefetch("events", queryset=ClaimEvent.objects.select_related("actor")),
    )


def claims_search(claims: QuerySet[Claim], *, query: str = "", state: str = "") -> QuerySet[Claim]:
    """Narrow an account's claims by own reference, debtor name or invoice number, and state."""
    query = query.strip()
    if query:
        invoice_matches = Invoice.objects.filter(claim=OuterRef("pk"), number__icontains=query)
        claims = claims.filter(
            Q(own_reference__icontains=query)
            | Q(debtor__name__icontains=query)
            | Q(code=query.upper())
            | Exists(invoice_matches)
        )
    if state:
        claims = claims.filter(state=state)
    return claims


def claim_get(*, account: Account, code: str) -> Claim:
    """The account's claim with this code; another account's claim does not exist (404)."""
    claim = (
        claims_with_history(account=account)
        .prefetch_related("documents", "legal_documents__superseded_by")
        .filter(code=code.upper())
        .first()
    )
    if claim is None:
        raise Http404("No such claim.")
    return claim


def review_queue() -> QuerySet[Claim]:
    """Claims staff must look at (in review, or flagged by a register change), oldest SLA first.

    Staff work across tenants, so this selector alone is not scoped to an account.
    """
    return (
        Claim.objects.filter(Q(state=State.IN_REVIEW) | ~Q(review_flag=""))
        .select_related("account", "company", "debtor")
        .order_by(F("acceptance_due_at").asc(nulls_last=True), "review_flagged_at", "pk")
    )


def review_claim_get(*, code: str) -> Claim:
    claim = (
        Claim.objects.select_related("account", "company", "debtor")
        .prefetch_related(
            "invoices", Prefetch("events", queryset=ClaimEvent.objects.select_related("actor"))
        )
        .filter(code=code.upper())
        .first()
    )
    if claim is None:
        raise Http404("No such claim.")
    return claim


def claim_document_get(*, account: Account, code: str, document_id: int) -> ClaimDocument:
    document = (
        ClaimDocument.objects.filter(account=account, claim__code=code.upper(), pk=document_id)
        .select_related("claim")
        .first()
    )
    if document is None:
        raise Http404("No such document.")
    return document

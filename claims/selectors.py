"""Reads about claims. Every selector takes the tenant: there is no unscoped claim query."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from claims.models import Claim, ClaimComment, ClaimDocument, ClaimEvent, Invoice, PaymentPlan
from claims.states import TRANSITIONS, State
from creditors.models import Account
from fees.ledger import ZERO
from fees.models import LedgerAccount, LedgerEntry, LedgerTransaction
from fees.refunds import RefundQuote, paid_advance, refund_quote, refund_reason_for
from fees.selectors import exact_sum


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


# Sort orders the claim list offers (key → ORDER BY), newest first by default.
SORTS: dict[str, tuple[str, ...]] = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "debtor": ("debtor__name", "-id"),
    "-debtor": ("-debtor__name", "-id"),
    "state": ("state", "-id"),
    "reference": ("own_reference", "-id"),
}


def action_needed() -> Q:
    """Claims waiting for the creditor: to submit, to pay, to decide, or to ask for the PV."""
    proposed = PaymentPlan.objects.filter(claim=OuterRef("pk"), state=PaymentPlan.State.PROPOSED)
    return (
        Q(state__in=[State.DRAFT, State.AWAITING_ADVANCE, State.SOLVENCY_DOUBTFUL])
        | Q(state=State.READY_FOR_PV, pv_requested_at__isnull=True)
        | Q(Exists(proposed))
    )


def claims_search(
    claims: QuerySet[Claim],
    *,
    query: str = "",
    state: str = "",
    company_id: int | None = None,
    needs_action: bool = False,
    sort: str = "-created",
) -> QuerySet[Claim]:
    """Narrow an account's claims by own reference, debtor name or invoice number, state,
    company and "action needed", in one of the SORTS orders."""
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
    if company_id is not None:
        claims = claims.filter(company_id=company_id)
    if needs_action:
        claims = claims.filter(action_needed())
    return claims.order_by(*SORTS.get(sort, SORTS["-created"]))


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


def claim_page_get(*, account: Account, code: str) -> Claim:
    """The account's claim with everything its page shows prefetched, so the page costs the same
    number of queries however long its history (another account's claim: 404)."""
    claim = (
        claims_with_history(account=account)
        .prefetch_related(
            "documents",
            "legal_documents__superseded_by",
            "payment_plans",
            "refunds",
            "consents",
            Prefetch("comments", queryset=ClaimComment.objects.select_related("author")),
        )
        .filter(code=code.upper())
        .first()
    )
    if claim is None:
        raise Http404("No such claim.")
    return claim


def claim_comments_shared(*, claim: Claim) -> QuerySet[ClaimComment]:
    """The creditor's comments the bailiff office may read (notes stay with the creditor).

    The caller has already scoped `claim` to the office or the account that may see it.
    """
    return ClaimComment.objects.filter(claim=claim, kind=ClaimComment.Kind.COMMENT).select_related(
        "author"
    )


def direct_payments_received(claim: Claim) -> Decimal:
    """What the creditor reported receiving from the debtor directly, from the ledger."""
    return exact_sum(
        LedgerEntry.objects.filter(
            claim=claim,
            transaction__kind=LedgerTransaction.Kind.DIRECT_PAYMENT,
            ledger_account=LedgerAccount.CLAIMED,
        )
    )


@dataclass(frozen=True)
class CancelPreview:
    """What cancelling the claim now would give back, and under which rule."""

    reason: str  # a fees.models.Refund.Reason
    quote: RefundQuote
    advance_paid: Decimal | None  # None: no advance was paid, nothing to refund


def _nothing_to_refund(reason: str) -> RefundQuote:
    return RefundQuote(reason=reason, advance_excl_vat=ZERO, vat_percent=ZERO)


def refund_if_stopped(claim: Claim, reason: str) -> RefundQuote:
    """What stopping for `reason` would refund; without a paid advance, nothing (and the
    tariffs are not read)."""
    if paid_advance(claim) is None:
        return _nothing_to_refund(reason)
    return refund_quote(claim, reason)


def cancel_preview(claim: Claim, *, at: datetime | None = None) -> CancelPreview | None:
    """The refund a cancellation at `at` (now) would give; None when the state forbids it."""
    if claim.state not in TRANSITIONS["cancel"].sources:
        return None
    reason = refund_reason_for(claim, transition="cancel", at=at or timezone.now())
    assert reason is not None  # "cancel" always has a rule
    payment = paid_advance(claim)
    if payment is None:
        return CancelPreview(reason, _nothing_to_refund(reason), None)
    return CancelPreview(reason, refund_quote(claim, reason), payment.amount)

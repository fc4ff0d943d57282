"""Reads about bailiff offices and the claims assigned to them."""

from django.db.models import Case, Count, F, FloatField, Prefetch, Q, QuerySet, When
from django.db.models.functions import Cast, Greatest
from django.http import Http404

from bailiffs.models import LegalDocument, Office, OfficeMembership
from claims.models import Claim, ClaimEvent
from claims.states import WITH_OFFICE, State
from creditors.models import User


def office_for_postal_code(postal_code: str) -> Office | None:
    """The office covering `postal_code` that is least loaded relative to its capacity."""
    if not postal_code.isdigit():
        return None
    code = int(postal_code)
    return (
        Office.objects.filter(
            coverage__postal_code_from__lte=code, coverage__postal_code_to__gte=code
        )
        .annotate(open_claims=Count("claims", filter=Q(claims__state__in=list(WITH_OFFICE))))
        .annotate(
            load=Cast(F("open_claims"), FloatField())
            / Cast(Greatest(F("capacity"), 1), FloatField())
        )
        .order_by("load", "pk")
        .first()
    )


def offices_of(*, user: User) -> QuerySet[Office]:
    return Office.objects.filter(memberships__user=user)


def is_office_member(*, user: User) -> bool:
    return OfficeMembership.objects.filter(user=user).exists()


# The deadline an office works towards in each state.
NEXT_DEADLINE = Case(
    When(state=State.WITH_BAILIFF, then=F("service_due_at")),
    When(state=State.SUMMONS_SERVED, then=F("window_ends_at")),
    default=None,
)


def office_claims(*, user: User, state: str = "") -> QuerySet[Claim]:
    """The claims assigned to the user's offices, the nearest deadline first.

    The office is the scope here (it works for many creditor accounts), and nothing else.
    """
    claims = (
        Claim.objects.filter(office__memberships__user=user)
        .select_related("company", "debtor", "office")
        .annotate(next_deadline=NEXT_DEADLINE)
        .order_by(F("next_deadline").asc(nulls_last=True), "pk")
    )
    return claims.filter(state=state) if state else claims


def office_claim_get(*, user: User, code: str) -> Claim:
    """One claim of the user's offices; any other claim does not exist (404)."""
    claim = (
        office_claims(user=user)
        .prefetch_related(
            "invoices",
            "payment_plans",
            "documents",
            "legal_documents__superseded_by",
            Prefetch("events", queryset=ClaimEvent.objects.select_related("actor")),
        )
        .filter(code=code.upper())
        .first()
    )
    if claim is None:
        raise Http404("No such claim.")
    return claim


def legal_document_get(*, claim: Claim, document_id: int) -> LegalDocument:
    """A legal document of a claim the caller already may see; others do not exist."""
    document = (
        LegalDocument.objects.filter(claim=claim, pk=document_id).select_related("claim").first()
    )
    if document is None:
        raise Http404("No such document.")
    return document

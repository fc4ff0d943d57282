"""Reads about bailiff offices."""

from django.db.models import Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Cast, Greatest

from bailiffs.models import Office, OfficeMembership
from claims.states import WITH_OFFICE
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

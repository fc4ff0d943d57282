"""Reads about accounts and memberships. The tenant is always explicit."""

from django.db.models import QuerySet
from django.http import HttpRequest

from creditors.models import Account, ApiToken, Company, Membership, User

SESSION_ACCOUNT_KEY = "current_account_id"


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("account").order_by("created_at")


def membership_get(*, user: User, account_id: int) -> Membership | None:
    return memberships_of(user=user).filter(account_id=account_id).first()


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership the request acts under, or None for a user outside every account.

    A token bound to an account acts in that account; a session acts in the account chosen in
    the session, falling back to the user's oldest membership.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    assert isinstance(user, User)
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken):
        return membership_get(user=user, account_id=token.account_id) if token.account_id else None
    chosen = request.session.get(SESSION_ACCOUNT_KEY) if hasattr(request, "session") else None
    if chosen is not None:
        membership = membership_get(user=user, account_id=int(chosen))
        if membership is not None:
            return membership
    return memberships_of(user=user).first()


def companies_of(*, account: Account) -> QuerySet[Company]:
    return Company.objects.filter(account=account).order_by("name")

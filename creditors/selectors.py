"""Reads about accounts and memberships. The tenant is always explicit."""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from creditors.models import Account, ApiToken, Company, Invitation, Membership, User
from creditors.services import hash_token

SESSION_ACCOUNT_KEY = "current_account_id"
SESSION_COMPANY_KEY = "current_company_id"


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("account").order_by("created_at")


def membership_get(*, user: User, account_id: int) -> Membership | None:
    return memberships_of(user=user).filter(account_id=account_id).first()


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership the request acts under, or None for a user outside every account.

    A token bound to an account acts in that account; a session acts in the account chosen in
    the session, falling back to the user's oldest membership. The answer is kept on the
    request (the view, the header and the menu all ask), for as long as the choice stands.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    assert isinstance(user, User)
    token = getattr(request, "auth", None)
    chosen = request.session.get(SESSION_ACCOUNT_KEY) if hasattr(request, "session") else None
    key = (user.pk, token.pk if isinstance(token, ApiToken) else None, chosen)
    cached = getattr(request, "_current_membership", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    membership = _membership_for(user, token, chosen)
    request._current_membership = (key, membership)  # type: ignore[attr-defined]
    return membership


def _membership_for(user: User, token: object, chosen: object) -> Membership | None:
    if isinstance(token, ApiToken):
        return membership_get(user=user, account_id=token.account_id) if token.account_id else None
    if chosen is not None:
        membership = membership_get(user=user, account_id=int(str(chosen)))
        if membership is not None:
            return membership
    return memberships_of(user=user).first()


def companies_of(*, account: Account) -> QuerySet[Company]:
    return Company.objects.filter(account=account).order_by("name")


def company_get(*, account: Account, company_id: int | str | None) -> Company:
    """One of the account's companies; anything else (another account's too) does not exist."""
    if company_id is None or not str(company_id).isdigit():
        raise Http404("No such company.")
    company = companies_of(account=account).filter(pk=int(company_id)).first()
    if company is None:
        raise Http404("No such company.")
    return company


def current_company(request: HttpRequest, membership: Membership | None) -> Company | None:
    """The company chosen in the header, or None for "all companies".

    A choice made in another account (or of a company since deleted) counts as no choice. The
    answer is kept on the request: the header and the page both ask for it.
    """
    if membership is None or not hasattr(request, "session"):
        return None
    cached = getattr(request, "_current_company", None)
    if cached is not None and cached[0] == membership.account_id:
        return cached[1]
    chosen = request.session.get(SESSION_COMPANY_KEY)
    company = None
    if chosen is not None:
        company = companies_of(account=membership.account).filter(pk=chosen).first()
    request._current_company = (membership.account_id, company)  # type: ignore[attr-defined]
    return company


def members_of(*, account: Account) -> QuerySet[Membership]:
    return Membership.objects.filter(account=account).select_related("user").order_by("user__email")


def membership_of_account(*, account: Account, membership_id: int | str | None) -> Membership:
    """A membership of the account; another account's member does not exist here."""
    if membership_id is None or not str(membership_id).isdigit():
        raise Http404("No such member.")
    membership = members_of(account=account).filter(pk=int(membership_id)).first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def invitations_pending(*, account: Account) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        account=account,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("-created_at")


def invitation_get(*, account: Account, invitation_id: int | str | None) -> Invitation:
    if invitation_id is None or not str(invitation_id).isdigit():
        raise Http404("No such invitation.")
    invitation = Invitation.objects.filter(account=account, pk=int(invitation_id)).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def invitation_by_key(*, key: str) -> Invitation | None:
    """The invitation a link's key opens, whatever its state (the page says what it is)."""
    return (
        Invitation.objects.select_related("account", "invited_by")
        .filter(token_hash=hash_token(key))
        .first()
    )


def claim_membership_of(*, user: User, code: str) -> Membership | None:
    """The user's membership in the account that holds claim `code`, if the user is in it."""
    return memberships_of(user=user).filter(account__claims__code=code).first()


def membership_required(request: HttpRequest) -> Membership:
    """The membership a creditor page acts under; for anyone outside every creditor account
    (staff, bailiffs, a user whose last membership was removed) the page does not exist."""
    membership = current_membership(request)
    if membership is None:
        raise Http404(_("You are not a member of a creditor account."))
    return membership

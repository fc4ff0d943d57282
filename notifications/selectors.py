"""Reads for notifications: preferences (with their defaults) and who reads which account."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from claims.models import ClaimEvent
from creditors.models import Company, Membership, Role, User
from notifications.events import INTERNAL
from notifications.models import EmailLanguage, NotificationPreference

WRITER_ROLES = (Role.OWNER, Role.MEMBER)


def _portal_language(language: str) -> str:
    """A company's language as an e-mail language: German companies read English."""
    return language if language in EmailLanguage.values else EmailLanguage.EN


def default_languages(*, user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's default e-mail language: that of the first company of their oldest account.

    Two queries whatever the number of users.
    """
    first_account: dict[int, int] = {}
    rows = Membership.objects.filter(user_id__in=list(user_ids)).order_by("created_at", "pk")
    for user_id, account_id in rows.values_list("user_id", "account_id"):
        first_account.setdefault(user_id, account_id)
    first_language: dict[int, str] = {}
    companies = Company.objects.filter(account_id__in=set(first_account.values()))
    for account_id, language in companies.order_by("created_at", "pk").values_list(
        "account_id", "language"
    ):
        first_language.setdefault(account_id, language)
    return {
        user_id: _portal_language(first_language.get(first_account.get(user_id, 0), "en"))
        for user_id in user_ids
    }


def preferences_for(*, user_ids: Iterable[int]) -> dict[int, NotificationPreference]:
    """Every user's preferences: the saved row, or the defaults (unsaved) when there is none."""
    wanted = set(user_ids)
    saved = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=wanted)}
    missing = wanted - saved.keys()
    languages = default_languages(user_ids=missing) if missing else {}
    defaults = {
        user_id: NotificationPreference(user_id=user_id, language=languages[user_id])
        for user_id in missing
    }
    return saved | defaults


def preference_get(*, user: User) -> NotificationPreference:
    return preferences_for(user_ids=[user.pk])[user.pk]


def readers_of(*, account_ids: Iterable[int]) -> QuerySet[Membership]:
    """Active members of these accounts, every role (the digest goes to read-only members too)."""
    return Membership.objects.filter(
        account_id__in=list(account_ids), user__is_active=True
    ).select_related("user", "account")


def writers_of(*, account_ids: Iterable[int]) -> QuerySet[Membership]:
    """Members who can act on the accounts' claims: they receive the event e-mails."""
    return readers_of(account_ids=account_ids).filter(role__in=WRITER_ROLES)


def digest_events(*, start: datetime, end: datetime) -> list[ClaimEvent]:
    """The events of every account in (start, end], per claim in order, without back-office
    bookkeeping. One query."""
    return list(
        ClaimEvent.objects.filter(created_at__gt=start, created_at__lte=end)
        .exclude(name__in=INTERNAL)
        .select_related("claim", "claim__debtor")
        .order_by("claim_id", "created_at", "pk")
    )

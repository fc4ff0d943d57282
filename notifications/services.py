"""Notification e-mails: one per event that needs the creditor, and a daily digest.

Both follow the claim event log (the outbox) and are safe to run twice, or twice at once:
- an event's e-mails are queued as rows unique per (event, user) and each row is sent under a
  row lock (SKIP LOCKED) that also marks it sent, so a second run finds nothing to send;
- a digest is claimed by inserting a row unique per (user, day) in the transaction that sends it:
  a second run's insert fails (or waits for the first to commit, then fails) and sends nothing.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.models import Claim, ClaimEvent
from creditors.models import Membership, User
from notifications.events import NOTIFIED, event_words
from notifications.models import DigestSent, EventEmail, NotificationPreference, NotifiedEvent
from notifications.selectors import digest_events, preferences_for, readers_of, writers_of

logger = logging.getLogger(__name__)

# An event older than this when the task first sees it is not e-mailed any more (e.g. history
# from before the platform sent e-mails, or a task that was down for days).
EVENT_LOOKBACK = timedelta(hours=48)
DIGEST_PERIOD = timedelta(hours=24)
MAX_ATTEMPTS = 5


# --- Preferences -----------------------------------------------------------------------------


def preference_update(
    *, user: User, event_emails: bool, daily_digest: bool, language: str
) -> NotificationPreference:
    """Save the user's own choices (there is no way to name another user)."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={"event_emails": event_emails, "daily_digest": daily_digest, "language": language},
    )
    return preference


# --- Rendering -------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def _claim_url(claim: Claim) -> str:
    return absolute_url(reverse("claims:detail", args=[claim.code]))


def _email(
    *, to: str, subject: str, template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    """A text e-mail with an HTML alternative, rendered in the active language."""
    context = {**context, "settings_url": absolute_url(reverse("notifications:settings"))}
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        subject=f"{prefix}{subject}",
        body=render_to_string(f"emails/{template}.txt", context),
        to=[to],
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    return message


# --- E-mails about events --------------------------------------------------------------------


def _recipients(event: ClaimEvent, writers: list[Membership]) -> list[Membership]:
    """The account's owners and members who were there when it happened, except its author."""
    return [
        m
        for m in writers
        if m.account_id == event.account_id
        and m.user_id != event.actor_id
        and m.created_at <= event.created_at
    ]


def event_emails_queue(*, now: datetime | None = None, limit: int = 500) -> int:
    """Write one pending e-mail row per (event, recipient) for events not yet queued.

    Events are found by a flag row rather than a cursor on ids: an event committed late with a
    smaller id is still found. Running this twice at once inserts each row once (unique pairs).
    """
    now = now or timezone.now()
    queued = NotifiedEvent.objects.filter(event=OuterRef("pk"))
    events = list(
        ClaimEvent.objects.filter(name__in=NOTIFIED, created_at__gte=now - EVENT_LOOKBACK)
        .exclude(Exists(queued))
        .order_by("pk")[:limit]
    )
    if not events:
        return 0
    writers = list(writers_of(account_ids={e.account_id for e in events}))
    preferences = preferences_for(user_ids={m.user_id for m in writers})
    flags, rows = [], []
    for event in events:
        recipients = [m for m in _recipients(event, writers) if preferences[m.user_id].event_emails]
        flags.append(NotifiedEvent(event=event, recipients=len(recipients)))
        rows += [
            EventEmail(
                account_id=event.account_id,
                event=event,
                user_id=m.user_id,
                language=preferences[m.user_id].language,
            )
            for m in recipients
        ]
    with transaction.atomic():
        NotifiedEvent.objects.bulk_create(flags, ignore_conflicts=True)
        EventEmail.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _event_email(row: EventEmail) -> EmailMultiAlternatives:
    event, claim = row.event, row.event.claim
    message = NOTIFIED[event.name]
    with translation.override(row.language):
        context = {
            "claim": claim,
            "event": event,
            "words": event_words(event.name),
            "happened": str(message.happened),
            "next_step": str(message.next_step),
            "claim_url": _claim_url(claim),
        }
        subject = str(message.subject) % {"code": claim.code}
        return _email(to=row.user.email, subject=subject, template="event", context=context)


def _send_one(row_id: int) -> bool:
    """Send one pending e-mail, marking it sent in the same transaction as its row lock."""
    with transaction.atomic():
        row = (
            EventEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event__claim__debtor", "user")
            .filter(pk=row_id, sent_at__isnull=True)
            .first()
        )
        if row is None:  # sent meanwhile, or being sent by another run
            return False
        try:
            _event_email(row).send()
        except OSError as exc:  # SMTP trouble: try again at the next run, a few times
            logger.warning("event e-mail %s not sent: %s", row.pk, exc)
            attempts = row.attempts + 1
            EventEmail.objects.filter(pk=row.pk).update(attempts=attempts, last_error=str(exc))
            return False
        EventEmail.objects.filter(pk=row.pk).update(sent_at=timezone.now())
        return True


def event_emails_send(*, limit: int = 500) -> int:
    """Send the pending event e-mails, oldest first; returns how many went out."""
    pending = EventEmail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    ids = list(pending.order_by("pk").values_list("pk", flat=True)[:limit])
    return sum(1 for row_id in ids if _send_one(row_id))


# --- The daily digest ------------------------------------------------------------------------


@dataclass
class DigestClaim:
    claim: Claim
    account_name: str
    events: list[ClaimEvent] = field(default_factory=list)


@dataclass(frozen=True)
class DigestEntry:
    at: datetime
    words: str
    from_state: str
    to_state: str
    moved: bool


def _by_claim(events: list[ClaimEvent], accounts: dict[int, str]) -> dict[int, list[DigestClaim]]:
    """The period's events grouped per claim, and the claims per account."""
    claims: dict[int, DigestClaim] = {}
    for event in events:
        entry = claims.get(event.claim_id)
        if entry is None:
            entry = DigestClaim(event.claim, accounts.get(event.account_id, ""))
            claims[event.claim_id] = entry
        entry.events.append(event)
    per_account: dict[int, list[DigestClaim]] = defaultdict(list)
    for entry in claims.values():
        per_account[entry.claim.account_id].append(entry)
    return per_account


def _digest_context(claims: list[DigestClaim], start: datetime, end: datetime) -> dict[str, Any]:
    """What the digest shows, in the active language (event words and state labels)."""
    rows = [
        {
            "claim": entry.claim,
            "account_name": entry.account_name,
            "state": entry.claim.get_state_display(),
            "url": _claim_url(entry.claim),
            "entries": [
                DigestEntry(
                    at=event.created_at,
                    words=event_words(event.name),
                    from_state=event.get_from_state_display(),
                    to_state=event.get_to_state_display(),
                    moved=event.from_state != event.to_state,
                )
                for event in entry.events
            ],
        }
        for entry in claims
    ]
    several_accounts = len({entry.claim.account_id for entry in claims}) > 1
    return {"claims": rows, "start": start, "end": end, "several_accounts": several_accounts}


def _send_digest(
    *,
    user: User,
    day: date,
    claims: list[DigestClaim],
    language: str,
    start: datetime,
    end: datetime,
) -> bool:
    """Claim the (user, day) row and send in one transaction: the row exists iff the mail went."""
    events = sum(len(entry.events) for entry in claims)
    with translation.override(language):
        context = _digest_context(claims, start, end)
        subject = _("Your claims: %(count)s changes in the last 24 hours") % {"count": events}
        message = _email(to=user.email, subject=subject, template="digest", context=context)
    try:
        with transaction.atomic():
            DigestSent.objects.create(
                user=user, date=day, period_start=start, period_end=end, events=events
            )
            message.send()
    except IntegrityError:  # another run sent this digest (or is sending it and committed first)
        return False
    except OSError as exc:  # SMTP trouble: the row was rolled back with it, a re-run may send
        logger.warning("digest for user %s not sent: %s", user.pk, exc)
        return False
    return True


def daily_digests_send(*, now: datetime | None = None) -> int:
    """E-mail every member who wants it the last 24 hours' changes on their accounts' claims.

    Nobody gets a digest when nothing changed; each user gets at most one per day.
    """
    end = now or timezone.now()
    start = end - DIGEST_PERIOD
    day = timezone.localdate(end)
    events = digest_events(start=start, end=end)
    if not events:
        return 0
    memberships = list(readers_of(account_ids={e.account_id for e in events}))
    per_account = _by_claim(events, {m.account_id: m.account.name for m in memberships})
    users = {m.user_id: m.user for m in memberships}
    preferences = preferences_for(user_ids=users.keys())
    already = DigestSent.objects.filter(date=day, user_id__in=users.keys())
    done = set(already.values_list("user_id", flat=True))
    claims_of_user: dict[int, list[DigestClaim]] = defaultdict(list)
    for m in memberships:
        claims_of_user[m.user_id] += per_account.get(m.account_id, [])
    sent = 0
    for user_id, claims in claims_of_user.items():
        language = preferences[user_id].language
        if not preferences[user_id].daily_digest or user_id in done or not claims:
            continue
        sent += _send_digest(
            user=users[user_id], day=day, claims=claims, language=language, start=start, end=end
        )
    return sent

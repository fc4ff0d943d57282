"""Beat tasks: e-mails about events (every minute) and the daily digest (every morning).

Both take no arguments, are idempotent, and may overlap with themselves (see services.py).
"""

from celery import shared_task
from django.db import OperationalError

from notifications.services import daily_digests_send, event_emails_queue, event_emails_send


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_event_emails() -> int:
    """Queue the e-mails of new events that need the creditor, then send what is pending."""
    event_emails_queue()
    return event_emails_send()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_daily_digests() -> int:
    return daily_digests_send()

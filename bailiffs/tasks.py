"""Delivering webhooks to offices, with retries and backoff."""

import json
import logging
from datetime import timedelta

import requests
from celery import shared_task
from django.db import OperationalError, transaction
from django.utils import timezone

from bailiffs.documents import documents_from_events, render_document  # noqa: F401 (registers them)
from bailiffs.models import OfficeNotification
from bailiffs.services import notification_attempt_failed, webhook_signature

logger = logging.getLogger(__name__)
LEASE_MINUTES = 5
TIMEOUT_SECONDS = 10


def _lease_due(limit: int) -> list[int]:
    """Take due notifications for a few minutes, so two workers never send the same one."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OfficeNotification.objects.select_for_update(skip_locked=True)
            .filter(state=OfficeNotification.State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        OfficeNotification.objects.filter(pk__in=ids).update(
            next_attempt_at=now + timedelta(minutes=LEASE_MINUTES)
        )
    return ids


def deliver(notification: OfficeNotification) -> bool:
    office = notification.office
    body = json.dumps({"id": notification.pk, **notification.payload}).encode()
    stamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "X-IOS-Delivery": str(notification.pk),
        "X-IOS-Timestamp": str(stamp),
        "X-IOS-Signature": "sha256=" + webhook_signature(office.webhook_secret, stamp, body),
    }
    try:
        response = requests.post(
            office.webhook_url, data=body, headers=headers, timeout=TIMEOUT_SECONDS
        )
        ok = 200 <= response.status_code < 300
        error = "" if ok else f"HTTP {response.status_code}"
    except requests.RequestException as exc:
        ok, error = False, str(exc)[:500]
    if ok:
        OfficeNotification.objects.filter(pk=notification.pk).update(
            state=OfficeNotification.State.DELIVERED,
            delivered_at=timezone.now(),
            attempts=notification.attempts + 1,
            last_error="",
        )
    else:
        notification_attempt_failed(notification, error, timezone.now())
    return ok


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def deliver_webhooks(limit: int = 100) -> int:
    """Beat runs this every minute: send what is due, retry what failed with backoff."""
    delivered = 0
    ids = _lease_due(limit)
    for notification in OfficeNotification.objects.filter(pk__in=ids).select_related(
        "office", "claim", "claim__account"
    ):
        delivered += deliver(notification)
    return delivered

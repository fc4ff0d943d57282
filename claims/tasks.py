"""Celery tasks: they take ids, are idempotent, and call a service."""

import logging

from celery import shared_task
from django.db import OperationalError, transaction

from bailiffs.selectors import office_for_postal_code
from bailiffs.services import office_notify
from claims.models import Claim
from claims.services import SYSTEM, claim_hand_off, claim_note, claim_sweep_due
from claims.states import State

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_deadlines() -> dict[str, int]:
    """Beat runs this every minute; two at once move each claim once (SKIP LOCKED)."""
    result = claim_sweep_due()
    if result.moved or result.flagged:
        logger.info("sweep moved %s and flagged %s claims", result.moved, result.flagged)
    return {"moved": result.moved, "flagged": result.flagged}


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def hand_off_claim(claim_id: int) -> str:
    """Assign an accepted claim to the office covering the debtor's postal code."""
    claim = Claim.objects.select_related("account", "debtor").get(pk=claim_id)
    if claim.state != State.ACCEPTED:
        return "already handed off"  # idempotent: a second delivery does nothing
    office = office_for_postal_code(claim.debtor.postal_code)
    if office is None:
        # Nothing is lost: the claim waits, accepted, in the staff queue with this alert.
        if not claim.events.filter(name="no_office").exists():
            reason = f"No office covers postal code {claim.debtor.postal_code}."
            claim_note(
                account=claim.account, claim=claim, name="no_office", actor=SYSTEM, reason=reason
            )
        logger.warning(
            "no office covers postal code %s (claim %s)", claim.debtor.postal_code, claim
        )
        return "no office"
    with transaction.atomic():
        claim_hand_off(account=claim.account, claim=claim, office=office, actor=SYSTEM)
        transaction.on_commit(
            lambda: office_notify(claim=claim, office=office, event="claim.assigned")
        )
    return "handed off"

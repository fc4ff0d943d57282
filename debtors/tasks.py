"""Tasks of the debtors app."""

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def recheck_open_claims(extract_id: int) -> dict[str, int]:
    """After an import: stop claims of debtors now insolvent, flag those now in dissolution."""
    from claims.services import claims_recheck_debtors

    return claims_recheck_debtors(extract_id=extract_id)

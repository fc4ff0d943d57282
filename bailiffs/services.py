"""What a bailiff office records on a claim, and how the office is told about its claims.

Every action is one service: it checks the state and the dates, moves the state machine and
writes its event; a wrong state raises TransitionNotAllowed (409), a bad date ValidationError
(400), and nothing changes.
"""

import hashlib
import hmac
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bailiffs.models import Office, OfficeNotification
from claims.models import Claim, PaymentPlan
from claims.services import (
    Actor,
    claim_document_add,
    claim_ensure_can,
    claim_grant_facilities,
    claim_miss_instalment,
    claim_note,
    claim_record_solvency,
    claim_serve_summons,
    claim_transition,
)
from claims.states import ActorKind, State, TransitionNotAllowed
from creditors.models import User
from fees.ledger import (
    creditor_statement,
    ledger_bailiff_cost,
    ledger_debtor_payment,
    ledger_payout,
)
from fees.tasks import ledger_from_events


def _bailiff(user: User) -> Actor:
    return Actor(kind=ActorKind.BAILIFF, user=user)


def _not_before(day: date, earliest: date | None, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: [_("This date is in the future.")]})
    if earliest is not None and day < earliest:
        raise ValidationError(
            {
                field: [
                    _("This date cannot be before %(what)s (%(day)s).")
                    % {"what": what, "day": earliest.isoformat()}
                ]
            }
        )


def _handed_off_on(claim: Claim) -> date | None:
    return timezone.localdate(claim.handed_off_at) if claim.handed_off_at else None


def bailiff_solvency(*, actor: User, claim: Claim, score: int, threshold: int = 20) -> Claim:
    return claim_record_solvency(
        account=claim.account, claim=claim, actor=actor, score=score, threshold=threshold
    )


def bailiff_summons(*, actor: User, claim: Claim, served_on: date, manner: str) -> Claim:
    claim_serve_summons(account=claim.account, claim=claim, actor=actor, served_on=served_on)
    claim_note(
        account=claim.account,
        claim=claim,
        name="summons_manner",
        actor=_bailiff(actor),
        data={"manner": manner},
    )
    return claim


@transaction.atomic
def bailiff_payment(*, actor: User, claim: Claim, amount: Decimal, paid_on: date) -> Claim:
    """The debtor paid on the office's client account: impute it; all paid, the claim is paid."""
    if claim.state not in {
        State.SUMMONS_SERVED,
        State.FACILITIES_GRANTED,
        State.READY_FOR_PV,
        State.PV_DRAWN,
        State.TITLE_REQUESTED,
        State.ENFORCEABLE,
        State.ENFORCEMENT,
    }:
        raise TransitionNotAllowed(_("A payment can be recorded once the summons is served."))
    _not_before(paid_on, claim.served_on, "paid_on", _("the service of the summons"))
    ledger_from_events()  # the debt of the summons must be booked before a payment on it
    ledger_debtor_payment(claim=claim, amount=amount, received_on=paid_on, actor=actor)
    claim_note(
        account=claim.account,
        claim=claim,
        name="debtor_paid",
        actor=_bailiff(actor),
        data={"amount": str(amount), "paid_on": paid_on.isoformat()},
    )
    if creditor_statement(claim).debtor_still_owes == 0:
        claim_transition(
            account=claim.account,
            claim=claim,
            name="record_payment",
            actor=_bailiff(actor),
            reason=_("Paid in full."),
        )
    return claim


def bailiff_facilities(
    *, actor: User, claim: Claim, instalments: list[dict[str, Any]]
) -> PaymentPlan:
    """The debtor asks for payment facilities: the creditor is asked to accept or decline."""
    if claim.state != State.SUMMONS_SERVED:
        raise TransitionNotAllowed(_("Payment facilities are asked for after service."))
    if not instalments:
        raise ValidationError({"instalments": [_("Give at least one instalment.")]})
    plan = PaymentPlan.objects.create(
        account=claim.account,
        claim=claim,
        instalments=[
            {"due_date": i["due_date"].isoformat(), "amount": str(i["amount"])} for i in instalments
        ],
    )
    claim_note(
        account=claim.account,
        claim=claim,
        name="facilities_requested",
        actor=_bailiff(actor),
        data={"plan_id": plan.pk},
    )
    return plan


def bailiff_missed_instalment(*, actor: User, claim: Claim) -> Claim:
    PaymentPlan.objects.filter(claim=claim, state=PaymentPlan.State.ACCEPTED).update(
        state=PaymentPlan.State.BROKEN
    )
    return claim_miss_instalment(account=claim.account, claim=claim, actor=_bailiff(actor))


@transaction.atomic
def creditor_decide_plan(*, actor: User, claim: Claim, accept: bool) -> PaymentPlan:
    """The creditor accepts (the window is suspended) or declines the proposed facilities."""
    plan = (
        PaymentPlan.objects.select_for_update()
        .filter(claim=claim, state=PaymentPlan.State.PROPOSED)
        .order_by("-pk")
        .first()
    )
    if plan is None:
        raise TransitionNotAllowed(_("There is no proposed payment plan to decide on."))
    creditor = Actor(kind=ActorKind.CREDITOR, user=actor)
    if accept:
        claim_grant_facilities(
            account=claim.account, claim=claim, actor=creditor, reason=_("Payment plan accepted.")
        )
    else:
        claim_note(account=claim.account, claim=claim, name="facilities_declined", actor=creditor)
    plan.state = PaymentPlan.State.ACCEPTED if accept else PaymentPlan.State.DECLINED
    plan.decided_at = timezone.now()
    plan.save(update_fields=["state", "decided_at"])
    return plan


def bailiff_contest(
    *, actor: User, claim: Claim, reason: str, answer_form: UploadedFile | None
) -> Claim:
    """The debtor contested on the answer form: the IOS ends."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the debtor's reasons.")]})
    with transaction.atomic():
        claim_transition(
            account=claim.account, claim=claim, name="contest", actor=_bailiff(actor), reason=reason
        )
        if answer_form is not None:
            claim_document_add(
                account=claim.account,
                actor=actor,
                claim=claim,
                kind="answer_form",
                upload=answer_form,
                actor_kind=ActorKind.BAILIFF,
            )
    return claim


def creditor_request_pv(*, actor: User, claim: Claim) -> Claim:
    """The creditor asks the office to draw the PV of non-contestation (art. 1394/24)."""
    if claim.state != State.READY_FOR_PV:
        raise TransitionNotAllowed(_("The PV can be asked for once the period is over."))
    if claim.pv_requested_at is None:
        Claim.objects.filter(pk=claim.pk).update(pv_requested_at=timezone.now())
        claim_note(
            account=claim.account,
            claim=claim,
            name="pv_requested",
            actor=Actor(kind=ActorKind.CREDITOR, user=actor),
        )
        claim.refresh_from_db(fields=["pv_requested_at"])
    return claim


def bailiff_pv(*, actor: User, claim: Claim, drawn_on: date) -> Claim:
    claim_ensure_can(claim, "draw_pv")
    if claim.pv_requested_at is None:
        raise TransitionNotAllowed(_("The creditor has not asked for the PV yet."))
    _not_before(drawn_on, claim.pv_earliest_on, "drawn_on", _("the earliest PV day"))
    claim_transition(
        account=claim.account,
        claim=claim,
        name="draw_pv",
        actor=_bailiff(actor),
        data={"drawn_on": drawn_on.isoformat()},
    )
    return claim


def _event_day(claim: Claim, name: str) -> date | None:
    event = claim.events.filter(name=name).order_by("-pk").first()
    return timezone.localdate(event.created_at) if event else None


def bailiff_title(*, actor: User, claim: Claim, reference: str, granted_on: date) -> Claim:
    """The magistrate declared the PV enforceable (art. 1394/25)."""
    if claim.state not in {State.PV_DRAWN, State.TITLE_REQUESTED}:
        claim_ensure_can(claim, "request_title")
    if not reference.strip():
        raise ValidationError({"reference": [_("Give the title's reference.")]})
    _not_before(granted_on, _event_day(claim, "draw_pv"), "granted_on", _("the PV"))
    with transaction.atomic():
        if claim.state == State.PV_DRAWN:
            claim_transition(
                account=claim.account, claim=claim, name="request_title", actor=_bailiff(actor)
            )
        claim_transition(
            account=claim.account,
            claim=claim,
            name="grant_title",
            actor=_bailiff(actor),
            data={"reference": reference, "granted_on": granted_on.isoformat()},
        )
    return claim


def bailiff_enforcement(
    *, actor: User, claim: Claim, step: str, cost: Decimal, done_on: date
) -> Claim:
    """An enforcement step and its cost, within the creditor's recorded consent."""
    if claim.state not in {State.ENFORCEABLE, State.ENFORCEMENT}:
        raise TransitionNotAllowed(_("Enforcement needs an enforceable title."))
    _not_before(done_on, _event_day(claim, "grant_title"), "done_on", _("the enforceable title"))
    with transaction.atomic():
        if claim.state == State.ENFORCEABLE:
            claim_transition(
                account=claim.account, claim=claim, name="start_enforcement", actor=_bailiff(actor)
            )
        if claim.state != State.ENFORCEMENT:
            raise TransitionNotAllowed(_("Enforcement needs an enforceable title."))
        if cost > 0:
            ledger_bailiff_cost(claim=claim, amount=cost, memo=step, actor=actor)
        claim_note(
            account=claim.account,
            claim=claim,
            name="enforcement_step",
            actor=_bailiff(actor),
            data={"step": step, "cost": str(cost), "done_on": done_on.isoformat()},
        )
    return claim


@transaction.atomic
def bailiff_receipt(
    *, actor: User, claim: Claim, received: Decimal, paid_out: Decimal, on: date
) -> Claim:
    """Money received from the debtor on the client account, and money paid out to the creditor."""
    if received > 0:
        bailiff_payment(actor=actor, claim=claim, amount=received, paid_on=on)
    if paid_out > 0:
        ledger_payout(claim=claim, amount=paid_out, actor=actor)
        claim_note(
            account=claim.account,
            claim=claim,
            name="paid_out",
            actor=_bailiff(actor),
            data={"amount": str(paid_out), "on": on.isoformat()},
        )
    return claim


def bailiff_close(*, actor: User, claim: Claim, outcome: str, reason: str) -> Claim:
    """Close the dossier: paid, or irrecoverable after enforcement (a certificate follows)."""
    names = {"paid": "record_payment", "irrecoverable": "enforcement_failed"}
    if outcome not in names:
        raise ValidationError({"outcome": [_("Choose paid or irrecoverable.")]})
    claim_transition(
        account=claim.account,
        claim=claim,
        name=names[outcome],
        actor=_bailiff(actor),
        reason=reason,
    )
    return claim


# --- telling the office -----------------------------------------------------------------------

# Webhook retries: at most 10 tries over 24 hours, then staff are alerted.
RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 30, 60, 120, 240, 360, 560)]
MAX_TRIES = len(RETRY_DELAYS) + 1


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", as the receiver recomputes it."""
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def office_notify(*, claim: Claim, office: Office, event: str) -> OfficeNotification:
    """E-mail the office's members now; queue the webhook if the office has one."""
    payload = {
        "event": event,
        "claim": claim.code,
        "state": claim.state,
        "debtor": claim.debtor.name,
        "postal_code": claim.debtor.postal_code,
        "service_due_at": claim.service_due_at.isoformat() if claim.service_due_at else None,
    }
    emails = list(office.memberships.values_list("user__email", flat=True))
    if emails:
        send_mail(
            subject=f"[IOS] {event}: {claim.code}",
            message=json.dumps(payload, indent=2),
            from_email=None,
            recipient_list=emails,
        )
    has_webhook = bool(office.webhook_url)
    return OfficeNotification.objects.create(
        office=office,
        claim=claim,
        event=event,
        payload=payload,
        state=OfficeNotification.State.PENDING
        if has_webhook
        else OfficeNotification.State.DELIVERED,
        next_attempt_at=timezone.now() if has_webhook else None,
        delivered_at=None if has_webhook else timezone.now(),
    )


def notification_attempt_failed(
    notification: OfficeNotification, error: str, now: datetime
) -> None:
    attempts = notification.attempts + 1
    if attempts >= MAX_TRIES:
        OfficeNotification.objects.filter(pk=notification.pk).update(
            attempts=attempts,
            state=OfficeNotification.State.FAILED,
            last_error=error,
            next_attempt_at=None,
        )
        claim_note(
            account=notification.claim.account,
            claim=notification.claim,
            name="office_not_reached",
            actor=Actor(kind=ActorKind.SYSTEM),
            reason=f"Webhook failed {attempts} times: {error}",
        )
        return
    OfficeNotification.objects.filter(pk=notification.pk).update(
        attempts=attempts, last_error=error, next_attempt_at=now + RETRY_DELAYS[attempts - 1]
    )


@transaction.atomic
def claim_reassign(*, actor: User, claim: Claim, office: Office, reason: str) -> Claim:
    """Staff move a claim to another office, with a reason; the new office is told."""
    if not actor.is_staff:
        raise ValidationError({"office": [_("Only staff reassign claims.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the claim moves.")]})
    if claim.state == State.ACCEPTED:
        from claims.services import claim_hand_off

        claim_hand_off(
            account=claim.account,
            claim=claim,
            office=office,
            actor=Actor(kind=ActorKind.STAFF, user=actor),
        )
    else:
        if claim.office_id is None:
            raise TransitionNotAllowed(_("This claim is not with an office."))
        previous = claim.office_id
        Claim.objects.filter(pk=claim.pk).update(office=office)
        claim.office = office
        claim_note(
            account=claim.account,
            claim=claim,
            name="reassigned",
            actor=Actor(kind=ActorKind.STAFF, user=actor),
            reason=reason,
            data={"from_office": previous, "to_office": office.pk},
        )
    transaction.on_commit(lambda: office_notify(claim=claim, office=office, event="claim.assigned"))
    return claim

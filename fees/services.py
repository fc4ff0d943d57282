"""Writes about money: advance payments, refunds, consents."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import Claim, ClaimEvent
from claims.services import Actor, claim_record_advance
from claims.states import TERMINAL, ActorKind, State
from creditors.models import Account, User
from fees import gateway
from fees.ledger import (
    ZERO,
    fees_earned,
    ledger_advance_received,
    ledger_debt_established,
    ledger_fee_earned,
    ledger_fee_reversed,
    ledger_refund,
)
from fees.models import CostConsent, Payment, Refund
from fees.money import Advance, advance, damages_clause, interest, ios_cap, money
from fees.refunds import (  # the rules' own figures, not copies
    Deduction,
    damages_owed,
    fee_deduction,
    paid_advance,
    refund_quote,
)
from fees.selectors import tables_on


def advance_for(claim: Claim) -> Advance:
    """The advance this claim costs today (bracket by the claim total, VAT, partner discount)."""
    tables = tables_on(timezone.localdate())
    discount = tables.percent("partner_discount") if claim.partner_discount else Decimal(0)
    return advance(
        claim.total,
        tables.brackets,
        vat_percent=tables.percent("vat_rate"),
        discount_percent=discount,
    )


def _check(account: Account, claim: Claim) -> None:
    if claim.account_id != account.pk:
        raise ValidationError({"claim": [_("Unknown claim.")]})
    if claim.state != State.AWAITING_ADVANCE:
        raise ValidationError({"claim": [_("This claim does not await its advance.")]})


def _advance_quote(claim: Claim) -> dict[str, object]:
    """The advance with the tariff rows it used, kept on the payment."""
    quote = advance_for(claim)
    tariffs = tables_on(timezone.localdate()).tariffs
    used = ["vat_rate", *(["partner_discount"] if claim.partner_discount else [])]
    return {
        "excl_vat": str(quote.excl_vat),
        "vat": str(quote.vat),
        "incl_vat": str(quote.incl_vat),
        "bracket_id": quote.bracket_id,
        "tariff_ids": {code: tariffs[code].id for code in used},
    }


def _payment_create(account: Account, claim: Claim, method: str) -> Payment:
    quote = _advance_quote(claim)
    return Payment.objects.create(
        account=account,
        claim=claim,
        method=method,
        amount=Decimal(str(quote["incl_vat"])),
        quote=quote,
        idempotency_key=f"advance-{uuid.uuid4()}",
    )


def _chosen_method(method: str | None) -> str:
    if method is None:
        return Payment.Method.STRIPE if gateway.stripe_enabled() else Payment.Method.TRANSFER
    if method not in Payment.Method.values:
        raise ValidationError({"method": [_("Choose card or bank transfer.")]})
    if method == Payment.Method.STRIPE and not gateway.stripe_enabled():
        raise ValidationError({"method": [_("Card payment is not available: pay by transfer.")]})
    return method


def _open_checkout(payment: Payment, success_url: str) -> str | None:
    """The URL to finish a pending card payment, or None when its session cannot be used."""
    session = gateway.checkout_retrieve(payment.stripe_session_id)
    if session.status == "open":
        return str(session.url)
    if session.status == "complete":  # paid; the webhook records it: never charge twice
        return success_url
    Payment.objects.filter(pk=payment.pk).update(state=Payment.State.FAILED)  # expired
    return None


@transaction.atomic
def payment_start(
    *,
    account: Account,
    actor: User,
    claim: Claim,
    success_url: str = "",
    cancel_url: str = "",
    method: str | None = None,
) -> tuple[Payment, str]:
    """Start paying the advance: a Stripe Checkout URL, or bank-transfer instructions.

    `method` is "stripe" or "transfer" (None: card when Stripe is configured). Returns the
    payment and the checkout URL ("" for a transfer, paid with the dossier's structured
    reference and confirmed by staff). Starting again with the same method reuses the pending
    payment, so a second click never creates a second payment.
    """
    _check(account, claim)
    Claim.objects.select_for_update().filter(pk=claim.pk).first()  # one start at a time
    method = _chosen_method(method)
    pending = (
        claim.payments.filter(state=Payment.State.PENDING, method=method).order_by("-id").first()
    )
    if method == Payment.Method.TRANSFER:
        return pending or _payment_create(account, claim, method), ""
    if pending is not None and pending.stripe_session_id:
        url = _open_checkout(pending, success_url)
        if url is not None:
            return pending, url
        pending = None
    payment = pending or _payment_create(account, claim, method)
    session = gateway.checkout_create(
        amount_cents=gateway.cents(payment.amount),
        currency="eur",
        reference=str(payment.pk),
        description=f"IOS advance {claim.code}",
        success_url=success_url,
        cancel_url=cancel_url,
        idempotency_key=payment.idempotency_key,
    )
    Payment.objects.filter(pk=payment.pk).update(stripe_session_id=session.id)
    payment.stripe_session_id = session.id
    return payment, str(session.url)


@transaction.atomic
def payment_succeed(*, payment: Payment, actor: User | None, payment_intent: str = "") -> bool:
    """Record a received advance once: the ledger, then the claim moves on if it may.

    Returns False when the payment was already recorded (a replayed event or a second click).
    """
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.state == Payment.State.SUCCEEDED:
        return False
    Payment.objects.filter(pk=locked.pk).update(
        state=Payment.State.SUCCEEDED,
        confirmed_at=timezone.now(),
        confirmed_by=actor,
        stripe_payment_intent=payment_intent or locked.stripe_payment_intent,
    )
    # A transfer announced earlier is no longer awaited: staff must not confirm it as well.
    Payment.objects.filter(
        claim_id=locked.claim_id, method=Payment.Method.TRANSFER, state=Payment.State.PENDING
    ).exclude(pk=locked.pk).update(state=Payment.State.FAILED)
    claim = Claim.objects.get(pk=locked.claim_id)
    ledger_advance_received(
        claim=claim, amount=locked.amount, actor=actor, key=f"advance-received-{locked.pk}"
    )
    if claim.state == State.AWAITING_ADVANCE:
        kind = ActorKind.STAFF if actor is not None else ActorKind.SYSTEM
        claim_record_advance(account=claim.account, actor=Actor(kind=kind, user=actor), claim=claim)
    return True


def payment_confirm_transfer(*, actor: User, payment: Payment) -> bool:
    """Staff saw the transfer with the structured reference on the bank account."""
    if not actor.is_staff:
        raise ValidationError({"payment": [_("Only staff confirm transfers.")]})
    if payment.method != Payment.Method.TRANSFER:
        raise ValidationError({"payment": [_("Only bank transfers are confirmed by hand.")]})
    return payment_succeed(payment=payment, actor=actor)


@transaction.atomic
def refund_create(*, claim: Claim, reason: str, actor: User | None = None) -> Refund | None:
    """Create the refund the rules give for `reason`, once per claim (None without a paid
    advance or when one exists). A refund of nothing is recorded as settled at once.

    The idempotency key is stored with the row before any call to Stripe.
    """
    if Refund.objects.filter(claim=claim).exclude(state=Refund.State.FAILED).exists():
        return None
    payment = paid_advance(claim)
    if payment is None:
        return None
    quote = refund_quote(claim, reason)
    nothing_due = quote.amount <= 0  # recorded all the same: the decision and its breakdown
    refund = Refund.objects.create(
        account_id=claim.account_id,
        claim=claim,
        reason=reason,
        amount=quote.amount,
        breakdown=quote.breakdown(),
        method=payment.method,
        idempotency_key=f"refund-{uuid.uuid4()}",
        state=Refund.State.SUCCEEDED if nothing_due else Refund.State.CREATED,
    )
    if nothing_due:
        return refund
    if refund.method == Payment.Method.STRIPE:
        from fees.tasks import refund_send

        refund_id = refund.pk
        transaction.on_commit(lambda: refund_send.delay(refund_id))
    return refund


def refund_mark_succeeded(
    *, refund: Refund, actor: User | None = None, stripe_refund_id: str = ""
) -> None:
    """The money is back with the creditor: settle the fees by the rule, then book it, once."""
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.state == Refund.State.SUCCEEDED:
            return
        Refund.objects.filter(pk=locked.pk).update(
            state=Refund.State.SUCCEEDED,
            confirmed_by=actor,
            stripe_refund_id=stripe_refund_id or locked.stripe_refund_id,
        )
        settle_fees_for_stop(claim=locked.claim, breakdown=locked.breakdown, actor=actor)
        ledger_refund(
            claim=locked.claim, amount=locked.amount, actor=actor, key=f"refund-{locked.pk}"
        )


def settle_fees_for_stop(*, claim: Claim, breakdown: dict[str, Any], actor: User | None) -> None:
    """Make the fees booked match the refund rule before the refund is booked.

    A fee the rule does not deduct (the file fee on a cancellation within 12 hours) is given
    back; a fee it deducts but not yet booked (the solvency fee on a later cancellation) is
    booked, so that the advance ends at exactly the refund.
    """
    vat = Decimal(str(breakdown.get("vat_percent", "21")))
    deducted = {code: Decimal(v) for code, v in breakdown.get("deductions", {}).items()}
    earned = fees_earned(claim)
    for code in ("file_fee", "solvency_fee"):
        difference = deducted.get(code, ZERO) - earned.get(code, ZERO)
        if difference > 0:
            ledger_fee_earned(
                claim=claim, code=code, excl_vat=difference, vat_percent=vat, actor=actor
            )
        elif difference < 0:
            ledger_fee_reversed(
                claim=claim, code=code, excl_vat=-difference, vat_percent=vat, actor=actor
            )


def refund_confirm_payout(*, actor: User, refund: Refund) -> None:
    """Staff paid a transfer refund to the company's IBAN."""
    if not actor.is_staff:
        raise ValidationError({"refund": [_("Only staff confirm payouts.")]})
    if refund.method != Payment.Method.TRANSFER:
        raise ValidationError({"refund": [_("Card refunds go back through Stripe.")]})
    refund_mark_succeeded(refund=refund, actor=actor)


def consent_record(*, account: Account, actor: User, claim: Claim, up_to: Decimal) -> CostConsent:
    """The creditor's explicit consent to costs above the advance, up to an amount."""
    if claim.account_id != account.pk:
        raise ValidationError({"claim": [_("Unknown claim.")]})
    if up_to <= 0:
        raise ValidationError({"up_to_amount": [_("Give a positive amount.")]})
    return CostConsent.objects.create(
        account=account, claim=claim, given_by=actor, up_to_amount=up_to
    )


STOPPED = TERMINAL - {State.PAID}


@dataclass(frozen=True)
class Debt:
    """What the summons claims (domain.md §1 art. 1394/21 and §3), with the versions used."""

    principal: Decimal
    interest: Decimal
    damages_clause: Decimal
    claimable: Decimal  # interest + damages clause, within the 10 % cap
    cap_applied: bool
    flat_compensation: Decimal
    costs: Decimal  # the advance the creditor paid, recovered from the debtor
    provisional: bool
    versions: dict[str, object]


def debt_for(claim: Claim, *, on: date) -> Debt:
    """Interest per invoice on its outstanding amount, the damages clause on the total."""
    tables = tables_on(on)
    invoices = list(claim.invoices.all())
    principal = sum((i.outstanding for i in invoices), ZERO)
    interests = [interest(i.outstanding, i.due_date, on, tables.commercial_rates) for i in invoices]
    accrued = sum((i.amount for i in interests), ZERO)
    damages = damages_clause(principal, claim.damages_clause_percent, claim.damages_clause_minimum)
    capped = ios_cap(principal, accrued, damages, tables.percent("ios_cap"))
    payment = paid_advance(claim)
    return Debt(
        principal=principal,
        interest=accrued,
        damages_clause=damages,
        claimable=capped.claimable,
        cap_applied=capped.cap_applied,
        flat_compensation=money(tables.amount("flat_compensation") * len(invoices)),
        costs=payment.amount if payment else ZERO,
        provisional=any(i.provisional for i in interests),
        versions={
            "interest_rates": sorted({r for i in interests for r in i.rate_ids}),
            "ios_cap": tables.tariffs["ios_cap"].id,
            "flat_compensation": tables.tariffs["flat_compensation"].id,
        },
    )


@dataclass(frozen=True)
class ClaimQuote:
    """What a claim costs the creditor (the advance) and what it claims from the debtor."""

    advance: Advance
    debt: Debt
    cap: Decimal  # the IOS cap on interest and damages clause together
    total_claim: Decimal  # principal + interest and damages within the cap + flat compensation


def claim_quote(claim: Claim, *, on: date) -> ClaimQuote:
    """The quote for a stored claim on `on`: interest per invoice, as the summons will claim.

    Raises NoRateError when an invoice is due before the interest tables start.
    """
    debt = debt_for(claim, on=on)
    capped = ios_cap(
        debt.principal, debt.interest, debt.damages_clause, tables_on(on).percent("ios_cap")
    )
    return ClaimQuote(
        advance=advance_for(claim),
        debt=debt,
        cap=capped.cap,
        total_claim=debt.principal + debt.claimable + debt.flat_compensation,
    )


@dataclass(frozen=True)
class RefundRules:
    """What would come back of this claim's advance, case by case (domain.md section 3)."""

    advance: Advance
    full_refund_hours: int  # cancelled within these hours of submission: all of it
    file_fee: Deduction
    solvency_fee: Deduction
    back_before_service: Decimal  # cancelled later, before service; or after doubtful solvency
    owed_after_service: Decimal  # stopped by the creditor after service: the damages clause


def refund_rules_for(claim: Claim) -> RefundRules:
    """The refund rules with today's fees, from the same deductions fees.refunds applies."""
    the_advance = advance_for(claim)
    tables = tables_on(timezone.localdate())
    vat = tables.percent("vat_rate")
    file_fee = fee_deduction("file_fee", tables, vat)
    solvency = fee_deduction("solvency_fee", tables, vat)
    kept = file_fee.amount_incl_vat + solvency.amount_incl_vat
    return RefundRules(
        advance=the_advance,
        full_refund_hours=settings.REFUND_FULL_WINDOW_HOURS,
        file_fee=file_fee,
        solvency_fee=solvency,
        back_before_service=max(the_advance.incl_vat - kept, ZERO),
        owed_after_service=damages_owed(claim, tables),
    )


# Events of the claim log that the ledger follows, and what each books.
FEE_EVENTS = {
    "accept_on_payment": "file_fee",
    "accept": "file_fee",
    "solvency_checked": "solvency_fee",
    "solvency_doubtful": "solvency_fee",
}


def _summons_date(claim: Claim) -> date | None:
    """The day the served summons computed its amounts, so the ledger claims the same."""
    from bailiffs.models import LegalDocument

    summons = (
        LegalDocument.objects.filter(claim=claim, kind=LegalDocument.Kind.SUMMONS)
        .order_by("-version")
        .first()
    )
    return timezone.localdate(summons.created_at) if summons else None


def ledger_follow_event(event: ClaimEvent) -> None:
    """Book what one claim event means for the money, once (keyed by the event)."""
    claim = event.claim
    when = timezone.localdate(event.created_at)
    if event.name in FEE_EVENTS:
        code = FEE_EVENTS[event.name]
        tables = tables_on(when)
        ledger_fee_earned(
            claim=claim,
            code=code,
            excl_vat=tables.amount(code),
            vat_percent=tables.percent("vat_rate"),
            key=f"event-{event.pk}",
            tariff_id=tables.tariffs[code].id,
        )
    elif event.name == "serve_summons" and claim.served_on:
        debt = debt_for(claim, on=_summons_date(claim) or claim.served_on)
        ledger_debt_established(
            claim=claim,
            principal=debt.principal,
            interest=debt.claimable,
            costs=debt.costs,
            flat_compensation=debt.flat_compensation,
            key=f"event-{event.pk}",
            data={"provisional": debt.provisional, "versions": debt.versions},
        )

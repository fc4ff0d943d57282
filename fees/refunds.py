"""What comes back of the advance when a dossier stops (domain.md section 3, to the letter).

Every deduction is excl. VAT and its VAT is kept with it: refund = (advance excl. VAT −
deductions) × 1.21, computed as the advance paid less each deduction with its own VAT, so that
the refund is exactly what the ledger used for those items (no cent lost to rounding).
Nothing above the advance is charged without a recorded consent.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from claims.models import Claim, ClaimEvent
from fees.ledger import ZERO
from fees.models import LedgerEntry, LedgerTransaction, Payment, Refund
from fees.money import HUNDRED, Tables, damages_clause, money, percent_of
from fees.selectors import exact_sum, tables_on

R = Refund.Reason


@dataclass(frozen=True)
class Deduction:
    code: str  # file_fee, solvency_fee, bailiff_costs
    amount_excl_vat: Decimal
    amount_incl_vat: Decimal
    tariff_id: int | None = None  # the tariff row a fee came from


@dataclass
class RefundQuote:
    reason: str
    advance_excl_vat: Decimal
    vat_percent: Decimal
    deductions: list[Deduction] = field(default_factory=list)
    amount: Decimal = ZERO
    creditor_owes: Decimal = ZERO  # after service: the damages clause, at most 10 %
    certificate_of_irrecoverability: bool = False

    def breakdown(self) -> dict[str, object]:
        return {
            "advance_excl_vat": str(self.advance_excl_vat),
            "vat_percent": str(self.vat_percent),
            "deductions": {d.code: str(d.amount_excl_vat) for d in self.deductions},
            "tariff_ids": {d.code: d.tariff_id for d in self.deductions if d.tariff_id},
            "amount": str(self.amount),
            "creditor_owes": str(self.creditor_owes),
            "certificate_of_irrecoverability": self.certificate_of_irrecoverability,
        }


def paid_advance(claim: Claim) -> Payment | None:
    return claim.payments.filter(state=Payment.State.SUCCEEDED).order_by("-id").first()


def bailiff_costs_incurred(claim: Claim, vat_percent: Decimal) -> Deduction:
    """The bailiff acts already done, as booked in the ledger (VAT included)."""
    booked = -exact_sum(
        LedgerEntry.objects.filter(
            claim=claim,
            ledger_account="bailiff",
            transaction__kind=LedgerTransaction.Kind.BAILIFF_COST,
        )
    )
    return Deduction("bailiff_costs", money(booked * HUNDRED / (HUNDRED + vat_percent)), booked)


def fee_deduction(code: str, tables: Tables, vat_percent: Decimal) -> Deduction:
    excl = tables.amount(code)
    return Deduction(code, excl, excl + percent_of(excl, vat_percent), tables.tariffs[code].id)


def _solvency_checked(claim: Claim) -> bool:
    return ClaimEvent.objects.filter(
        claim=claim, name__in=["solvency_checked", "solvency_doubtful"]
    ).exists()


def _deductions(claim: Claim, reason: str, tables: Tables, vat: Decimal) -> list[Deduction]:
    file_fee, solvency = (
        fee_deduction("file_fee", tables, vat),
        fee_deduction("solvency_fee", tables, vat),
    )
    # The solvency check is a bailiff cost actually incurred once it was done.
    incurred = [
        *([solvency] if _solvency_checked(claim) else []),
        bailiff_costs_incurred(claim, vat),
    ]
    match reason:
        case R.CANCELLED_EARLY | R.REJECTED:
            return []
        case R.CANCELLED_BEFORE_SERVICE | R.SOLVENCY_STOP:
            return [file_fee, solvency]
        case R.CONTESTED | R.DEBTOR_INSOLVENT:
            return [file_fee, *incurred]
        case _:
            raise ValueError(f"unknown refund reason {reason!r}")


_BY_TRANSITION = {
    "reject": R.REJECTED,
    "contest": R.CONTESTED,
    "debtor_insolvent": R.DEBTOR_INSOLVENT,
    "stop_after_solvency": R.SOLVENCY_STOP,
}


def refund_reason_for(claim: Claim, *, transition: str, at: datetime) -> str | None:
    """The refund rule for a claim that stops by `transition` at `at`; None: no refund rule."""
    if transition in _BY_TRANSITION:
        return _BY_TRANSITION[transition]
    if transition != "cancel":
        return None
    if claim.served_on is not None:
        return R.STOPPED_AFTER_SERVICE
    window = timedelta(hours=settings.REFUND_FULL_WINDOW_HOURS)
    if claim.submitted_at and at - claim.submitted_at <= window:
        return R.CANCELLED_EARLY
    return R.CANCELLED_BEFORE_SERVICE


def refund_quote(claim: Claim, reason: str) -> RefundQuote:
    """The refund for `reason`, with its breakdown. Without a paid advance, nothing."""
    payment = paid_advance(claim)
    tables = tables_on(timezone.localdate())
    vat = tables.percent("vat_rate")
    advance_excl = Decimal(str(payment.quote["excl_vat"])) if payment else ZERO
    quote = RefundQuote(reason=reason, advance_excl_vat=advance_excl, vat_percent=vat)
    if reason == R.STOPPED_AFTER_SERVICE:
        quote.creditor_owes = damages_owed(claim, tables)
        return quote
    quote.deductions = _deductions(claim, reason, tables, vat)
    kept = sum((d.amount_incl_vat for d in quote.deductions), ZERO)
    quote.amount = max(payment.amount - kept, ZERO) if payment else ZERO
    quote.certificate_of_irrecoverability = reason == R.SOLVENCY_STOP
    return quote


def damages_owed(claim: Claim, tables: Tables) -> Decimal:
    """Stopped after service: the creditor owes the damages clause, never above 10 %."""
    principal = claim.total
    owed = damages_clause(principal, claim.damages_clause_percent, claim.damages_clause_minimum)
    return min(owed, percent_of(principal, tables.percent("ios_cap")))

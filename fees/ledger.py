"""The ledger of one dossier: balanced transactions, imputation, and the creditor's statement.

Every transaction's entries sum to zero, and no account may end on the wrong side: the platform
never pays out money it does not hold, never uses more advance than was paid (costs beyond it
need the creditor's recorded consent), and never collects more than the debtor owes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import Claim
from creditors.models import User
from fees.models import (
    CostConsent,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    SplitRule,
)
from fees.money import money
from fees.selectors import exact_sum, ledger_balances

A = LedgerAccount
Kind = LedgerTransaction.Kind
ZERO = Decimal("0.00")
# Accounts whose balance is a debit (≥ 0); all others hold credits (≤ 0).
DEBIT_NORMAL = {
    A.BANK,
    A.CREDITOR_CHARGE,
    A.DEBTOR_COSTS,
    A.DEBTOR_FLAT,
    A.DEBTOR_INTEREST,
    A.DEBTOR_PRINCIPAL,
}
# Order of imputation of a debtor payment: costs, then interest, then principal (art. 1254).
IMPUTATION = (A.DEBTOR_COSTS, A.DEBTOR_FLAT, A.DEBTOR_INTEREST, A.DEBTOR_PRINCIPAL)
SPLIT_PART = {
    A.DEBTOR_COSTS: SplitRule.Part.ADVANCE,
    A.DEBTOR_FLAT: SplitRule.Part.FLAT_COMPENSATION,
    A.DEBTOR_INTEREST: SplitRule.Part.INTEREST,
    A.DEBTOR_PRINCIPAL: SplitRule.Part.PRINCIPAL,
}


class LedgerError(ValidationError):
    pass


Posting = tuple[str, Decimal]


def _check_balanced(postings: Sequence[Posting]) -> None:
    if sum((amount for _account, amount in postings), ZERO) != ZERO:
        raise LedgerError(_("A ledger transaction must balance."))


def _check_sides(balances: dict[str, Decimal]) -> None:
    for account, balance in balances.items():
        wrong = balance < 0 if account in DEBIT_NORMAL else balance > 0
        if wrong:
            label = A(account).label
            raise LedgerError({"amount": [_("This would overdraw “%(a)s”.") % {"a": label}]})


@transaction.atomic
def ledger_post(
    *,
    claim: Claim,
    kind: str,
    postings: Sequence[Posting],
    actor: User | None = None,
    memo: str = "",
    data: dict[str, Any] | None = None,
    booked_on: date | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Book a balanced transaction on `claim`; an idempotency key books it once."""
    if idempotency_key:
        existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    rounded = [(account, money(amount)) for account, amount in postings if money(amount) != ZERO]
    _check_balanced(rounded)
    Claim.objects.select_for_update().filter(pk=claim.pk).first()  # one booking at a time
    booking = LedgerTransaction.objects.create(
        account_id=claim.account_id,
        claim=claim,
        kind=kind,
        memo=memo,
        data=data or {},
        booked_on=booked_on or timezone.localdate(),
        created_by=actor,
        idempotency_key=idempotency_key,
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            account_id=claim.account_id,
            claim=claim,
            transaction=booking,
            ledger_account=account,
            amount=amount,
        )
        for account, amount in rounded
    )
    _check_sides(ledger_balances(claim_id=claim.pk))
    return booking


def consent_headroom(claim: Claim, balances: dict[str, Decimal]) -> Decimal:
    """How much may still be charged above the advance under the creditor's consents."""
    consented = sum(
        CostConsent.objects.filter(claim=claim).values_list("up_to_amount", flat=True), ZERO
    )
    charged = exact_sum(
        LedgerEntry.objects.filter(claim=claim, ledger_account=A.CREDITOR_CHARGE, amount__gt=0)
    )
    return consented - charged


def _consume(claim: Claim, amount: Decimal) -> list[Posting]:
    """Take `amount` from the advance; beyond it, charge the creditor within its consent."""
    balances = ledger_balances(claim_id=claim.pk)
    available = -balances[A.ADVANCE]
    from_advance = min(available, amount)
    beyond = amount - from_advance
    if beyond > consent_headroom(claim, balances):
        raise LedgerError(
            {"amount": [_("This exceeds the advance: the creditor's consent is needed first.")]}
        )
    return [(A.ADVANCE, from_advance), (A.CREDITOR_CHARGE, beyond)]


def _move(
    *,
    claim: Claim,
    kind: str,
    debit: str,
    credit: str,
    amount: Decimal,
    actor: User | None,
    key: str | None,
) -> LedgerTransaction:
    """A two-legged booking: `amount` from the `credit` account to the `debit` account."""
    return ledger_post(
        claim=claim,
        kind=kind,
        actor=actor,
        idempotency_key=key,
        postings=[(debit, amount), (credit, -amount)],
    )


def ledger_advance_received(
    *, claim: Claim, amount: Decimal, actor: User | None = None, key: str | None = None
) -> LedgerTransaction:
    return _move(
        claim=claim,
        kind=Kind.ADVANCE_RECEIVED,
        debit=A.BANK,
        credit=A.ADVANCE,
        amount=amount,
        actor=actor,
        key=key,
    )


def ledger_fee_earned(
    *,
    claim: Claim,
    code: str,
    excl_vat: Decimal,
    vat_percent: Decimal,
    actor: User | None = None,
    key: str | None = None,
    tariff_id: int | None = None,
) -> LedgerTransaction:
    """A fee the platform earns, paid from the advance (or, beyond it, with consent)."""
    vat = money(excl_vat * vat_percent / 100)
    postings = [*_consume(claim, excl_vat + vat), (A.REVENUE, -excl_vat), (A.VAT, -vat)]
    data = {"code": code, "excl_vat": str(excl_vat), "tariff_id": tariff_id}
    return ledger_post(
        claim=claim,
        kind=Kind.FEE_EARNED,
        actor=actor,
        memo=code,
        data=data,
        postings=postings,
        idempotency_key=key,
    )


def ledger_bailiff_cost(
    *, claim: Claim, amount: Decimal, memo: str, actor: User | None = None
) -> LedgerTransaction:
    """A bailiff act's cost (VAT included), paid from the advance or with consent."""
    postings = [*_consume(claim, amount), (A.BAILIFF, -amount)]
    return ledger_post(
        claim=claim, kind=Kind.BAILIFF_COST, actor=actor, memo=memo, postings=postings
    )


def ledger_debt_established(
    *,
    claim: Claim,
    principal: Decimal,
    interest: Decimal,
    costs: Decimal,
    flat_compensation: Decimal,
    actor: User | None = None,
    key: str | None = None,
    data: dict[str, Any] | None = None,
) -> LedgerTransaction:
    """What the summons claims from the debtor, by part."""
    parts = [
        (A.DEBTOR_COSTS, costs),
        (A.DEBTOR_FLAT, flat_compensation),
        (A.DEBTOR_INTEREST, interest),
        (A.DEBTOR_PRINCIPAL, principal),
    ]
    total = sum((amount for _a, amount in parts), ZERO)
    return ledger_post(
        claim=claim,
        kind=Kind.DEBT_ESTABLISHED,
        actor=actor,
        data=data,
        idempotency_key=key,
        postings=[*parts, (A.CLAIMED, -total)],
    )


def impute(
    balances: dict[str, Decimal], amount: Decimal, order: Sequence[str] = IMPUTATION
) -> list[Posting]:
    """Spread a payment over what is due, in `order`; refuses more than is due."""
    due = sum((balances[account] for account in order), ZERO)
    if amount > due:
        raise LedgerError({"amount": [_("The debtor owes only %(due)s.") % {"due": due}]})
    postings, left = [], amount
    for account in order:
        part = min(balances[account], left)
        if part > 0:
            postings.append((account, -part))
            left -= part
    return postings


def ledger_debtor_payment(
    *,
    claim: Claim,
    amount: Decimal,
    received_on: date,
    actor: User | None = None,
    key: str | None = None,
) -> LedgerTransaction:
    """Money from the debtor on the client account: costs first, then interest, then principal,
    each part credited to whom the split rules say."""
    imputed = impute(ledger_balances(claim_id=claim.pk), amount)
    split = dict(SplitRule.objects.values_list("part", "beneficiary"))
    allocation = []
    for account, negative in imputed:
        beneficiary = split.get(SPLIT_PART[A(account)], SplitRule.Beneficiary.CREDITOR)
        target = A.CREDITOR if beneficiary == SplitRule.Beneficiary.CREDITOR else A.REVENUE
        allocation.append((target, negative))
    postings = [(A.BANK, amount), *imputed, (A.CLAIMED, amount), *allocation]
    return ledger_post(
        claim=claim,
        kind=Kind.DEBTOR_PAYMENT,
        actor=actor,
        booked_on=received_on,
        idempotency_key=key,
        postings=postings,
        data={"imputed": {a: str(-v) for a, v in imputed}},
    )


def ledger_direct_payment(
    *, claim: Claim, amount: Decimal, paid_on: date, actor: User | None = None
) -> LedgerTransaction:
    """The debtor paid the creditor directly: it settles principal (then interest) and leaves
    the costs due, which the bailiff's balance letter claims."""
    order = (A.DEBTOR_PRINCIPAL, A.DEBTOR_INTEREST)
    imputed = impute(ledger_balances(claim_id=claim.pk), amount, order)
    return ledger_post(
        claim=claim,
        kind=Kind.DIRECT_PAYMENT,
        actor=actor,
        booked_on=paid_on,
        postings=[*imputed, (A.CLAIMED, amount)],
        data={"imputed": {a: str(-v) for a, v in imputed}},
    )


def ledger_payout(
    *, claim: Claim, amount: Decimal, actor: User | None = None, key: str | None = None
) -> LedgerTransaction:
    return _move(
        claim=claim,
        kind=Kind.PAYOUT,
        debit=A.CREDITOR,
        credit=A.BANK,
        amount=amount,
        actor=actor,
        key=key,
    )


def ledger_refund(
    *, claim: Claim, amount: Decimal, actor: User | None = None, key: str | None = None
) -> LedgerTransaction:
    return _move(
        claim=claim,
        kind=Kind.REFUND,
        debit=A.ADVANCE,
        credit=A.BANK,
        amount=amount,
        actor=actor,
        key=key,
    )


@dataclass(frozen=True)
class Statement:
    """The creditor's statement, derived from the ledger (never typed)."""

    advance_paid: Decimal
    advance_used: Decimal
    advance_refunded: Decimal
    advance_left: Decimal
    collected_for_creditor: Decimal
    paid_out: Decimal
    due_to_creditor: Decimal
    charged_with_consent: Decimal
    debtor_still_owes: Decimal


def creditor_statement(claim: Claim) -> Statement:
    balances = ledger_balances(claim_id=claim.pk)
    paid = _sum(claim, Kind.ADVANCE_RECEIVED, A.BANK)
    refunded = _sum(claim, Kind.REFUND, A.ADVANCE)
    collected = -_sum(claim, Kind.DEBTOR_PAYMENT, A.CREDITOR)
    paid_out = _sum(claim, Kind.PAYOUT, A.CREDITOR)
    return Statement(
        advance_paid=paid,
        advance_used=paid - refunded + balances[A.ADVANCE],
        advance_refunded=refunded,
        advance_left=-balances[A.ADVANCE],
        collected_for_creditor=collected,
        paid_out=paid_out,
        due_to_creditor=-balances[A.CREDITOR],
        charged_with_consent=balances[A.CREDITOR_CHARGE],
        debtor_still_owes=sum((balances[a] for a in IMPUTATION), ZERO),
    )


def _sum(claim: Claim, kind: str, account: str) -> Decimal:
    return exact_sum(
        LedgerEntry.objects.filter(claim=claim, transaction__kind=kind, ledger_account=account)
    )


def fees_earned(claim: Claim) -> dict[str, Decimal]:
    """Net fee revenue (excl. VAT) booked on the dossier, per fee code."""
    earned: dict[str, Decimal] = {}
    rows = LedgerEntry.objects.filter(
        claim=claim, ledger_account=A.REVENUE, transaction__kind=Kind.FEE_EARNED
    ).values_list("transaction__memo", "amount")
    for code, amount in rows:
        earned[code] = earned.get(code, ZERO) - amount
    return earned


def ledger_fee_reversed(
    *, claim: Claim, code: str, excl_vat: Decimal, vat_percent: Decimal, actor: User | None = None
) -> LedgerTransaction:
    """Give back a fee the refund rule does not let the platform keep."""
    vat = money(excl_vat * vat_percent / 100)
    postings = [(A.REVENUE, excl_vat), (A.VAT, vat), (A.ADVANCE, -(excl_vat + vat))]
    return ledger_post(
        claim=claim,
        kind=Kind.FEE_EARNED,
        actor=actor,
        memo=code,
        data={"code": code, "reversed": str(excl_vat)},
        postings=postings,
    )

"""The ledger of a dossier: it always balances, no account goes to the wrong side, and the
creditor always gets what the refund rules promise. Property-based (hypothesis)."""

import contextlib
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.models import Claim
from claims.services import Actor, claim_note
from claims.states import ActorKind, State
from fees.ledger import (
    DEBIT_NORMAL,
    LedgerError,
    creditor_statement,
    impute,
    ledger_advance_received,
    ledger_bailiff_cost,
    ledger_debt_established,
    ledger_debtor_payment,
    ledger_direct_payment,
    ledger_fee_earned,
    ledger_payout,
    ledger_refund,
)
from fees.models import LedgerEntry, LedgerTransaction, Payment, Refund
from fees.refunds import refund_quote
from fees.selectors import exact_sum, ledger_balances
from fees.services import consent_record
from tests.conftest import World

D = Decimal
PAID = D("336.23")
cents = st.integers(min_value=1, max_value=60_000).map(lambda n: D(n) / 100)
OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["fee", "bailiff", "consent", "payment", "direct", "payout", "refund"]),
        cents,
    ),
    max_size=14,
)
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def fresh_claim(world: World) -> Claim:
    claim = world.claim_in(State.WITH_BAILIFF)
    Payment.objects.create(
        account=world.account,
        claim=claim,
        method="transfer",
        amount=PAID,
        quote={"excl_vat": "277.88"},
        state="succeeded",
        idempotency_key=f"p-{claim.pk}",
    )
    ledger_advance_received(claim=claim, amount=PAID)
    ledger_debt_established(
        claim=claim,
        principal=D("1250.00"),
        interest=D("80.00"),
        costs=D("336.23"),
        flat_compensation=D("40.00"),
    )
    return claim


def apply(world: World, claim: Claim, operation: str, amount: Decimal) -> None:
    actions: dict[str, Any] = {
        "fee": lambda: ledger_fee_earned(
            claim=claim, code="file_fee", excl_vat=amount, vat_percent=D(21)
        ),
        "bailiff": lambda: ledger_bailiff_cost(claim=claim, amount=amount, memo="act"),
        "consent": lambda: consent_record(
            account=world.account, actor=world.owner, claim=claim, up_to=amount
        ),
        "payment": lambda: ledger_debtor_payment(
            claim=claim, amount=amount, received_on=claim.created_at.date()
        ),
        "direct": lambda: ledger_direct_payment(
            claim=claim, amount=amount, paid_on=claim.created_at.date()
        ),
        "payout": lambda: ledger_payout(claim=claim, amount=amount),
        "refund": lambda: ledger_refund(claim=claim, amount=amount),
    }
    actions[operation]()


def assert_sound(claim: Claim) -> dict[str, Decimal]:
    entries = LedgerEntry.objects.filter(claim=claim)
    assert exact_sum(entries) == D("0.00")  # the whole dossier balances
    for booking in LedgerTransaction.objects.filter(claim=claim):
        assert exact_sum(entries.filter(transaction=booking)) == D("0.00")  # each transaction too
    balances = ledger_balances(claim_id=claim.pk)
    for account, balance in balances.items():
        assert balance >= 0 if account in DEBIT_NORMAL else balance <= 0, (account, balance)
    return balances


@pytest.mark.django_db
@HYPOTHESIS
@given(operations=OPERATIONS)
def test_any_sequence_keeps_the_ledger_balanced_and_on_the_right_side(
    world: World, operations: list[tuple[str, Decimal]]
) -> None:
    claim = fresh_claim(world)
    for operation, amount in operations:
        before = LedgerEntry.objects.filter(claim=claim).count()
        try:
            apply(world, claim, operation, amount)
        except LedgerError:
            assert LedgerEntry.objects.filter(claim=claim).count() == before  # refused: no trace
        assert_sound(claim)
    statement = creditor_statement(claim)
    assert statement.advance_left >= 0 and statement.due_to_creditor >= 0
    assert statement.advance_paid == statement.advance_used + statement.advance_refunded + (
        statement.advance_left
    )
    assert statement.collected_for_creditor == statement.paid_out + statement.due_to_creditor


STOP_REASONS = [
    Refund.Reason.CANCELLED_EARLY,
    Refund.Reason.REJECTED,
    Refund.Reason.CANCELLED_BEFORE_SERVICE,
    Refund.Reason.SOLVENCY_STOP,
    Refund.Reason.CONTESTED,
    Refund.Reason.DEBTOR_INSOLVENT,
]
# What the platform may have used of the advance before each stop, per the same rules.
USED_BEFORE: dict[str, list[str]] = {
    Refund.Reason.CANCELLED_EARLY: [],
    Refund.Reason.REJECTED: [],
    Refund.Reason.CANCELLED_BEFORE_SERVICE: ["file_fee", "solvency_fee"],
    Refund.Reason.SOLVENCY_STOP: ["file_fee", "solvency_fee"],
    Refund.Reason.CONTESTED: ["file_fee"],
    Refund.Reason.DEBTOR_INSOLVENT: ["file_fee"],
}
FEES = {"file_fee": D("40.00"), "solvency_fee": D("50.00")}


@pytest.mark.django_db
@HYPOTHESIS
@given(
    reason=st.sampled_from(STOP_REASONS),
    solvency_done=st.booleans(),
    acts=st.lists(st.integers(min_value=1, max_value=4_000).map(lambda n: D(n) / 100), max_size=3),
    payments=st.lists(cents, max_size=3),
)
def test_the_creditor_always_gets_what_the_refund_rules_promise(
    world: World, reason: str, solvency_done: bool, acts: list[Decimal], payments: list[Decimal]
) -> None:
    claim = fresh_claim(world)
    for code in USED_BEFORE[reason]:
        ledger_fee_earned(claim=claim, code=code, excl_vat=FEES[code], vat_percent=D(21))
    if reason in {Refund.Reason.CONTESTED, Refund.Reason.DEBTOR_INSOLVENT}:
        if solvency_done:
            claim_note(
                account=world.account,
                claim=claim,
                name="solvency_checked",
                actor=Actor(kind=ActorKind.BAILIFF, user=world.bailiff),
            )
            ledger_fee_earned(
                claim=claim, code="solvency_fee", excl_vat=FEES["solvency_fee"], vat_percent=D(21)
            )
        for act in acts:
            ledger_bailiff_cost(claim=claim, amount=act, memo="act")
    for amount in payments:  # debtor payments never touch the advance
        with contextlib.suppress(LedgerError):  # more than is due: refused, nothing booked
            ledger_debtor_payment(claim=claim, amount=amount, received_on=claim.created_at.date())
    promised = refund_quote(claim, reason).amount
    left = -ledger_balances(claim_id=claim.pk)["advance"]
    assert promised == left  # exactly what was not used under the rules
    ledger_refund(claim=claim, amount=promised)  # and the ledger can pay it
    assert_sound(claim)
    assert creditor_statement(claim).advance_refunded == promised


def test_imputation_pays_costs_then_interest_then_principal() -> None:
    balances = {
        "debtor_costs": D("100.00"),
        "debtor_flat": D("40.00"),
        "debtor_interest": D("50.00"),
        "debtor_principal": D("1000.00"),
    }
    assert impute(balances, D("170.00")) == [
        ("debtor_costs", D("-100.00")),
        ("debtor_flat", D("-40.00")),
        ("debtor_interest", D("-30.00")),
    ]
    with pytest.raises(LedgerError):
        impute(balances, D("1190.01"))


@pytest.mark.django_db
def test_a_direct_payment_leaves_the_costs_due(world: World) -> None:
    claim = fresh_claim(world)
    ledger_direct_payment(claim=claim, amount=D("1300.00"), paid_on=claim.created_at.date())
    balances = ledger_balances(claim_id=claim.pk)
    assert balances["debtor_principal"] == D("0.00")
    assert balances["debtor_interest"] == D("30.00")
    assert balances["debtor_costs"] == D("336.23") and balances["debtor_flat"] == D("40.00")
    assert balances["bank"] == PAID  # the money went to the creditor, not through us
    assert creditor_statement(claim).debtor_still_owes == D("406.23")


@pytest.mark.django_db
def test_a_debtor_payment_follows_the_split_rules(world: World) -> None:
    claim = fresh_claim(world)
    ledger_debtor_payment(claim=claim, amount=D("1706.23"), received_on=claim.created_at.date())
    balances = ledger_balances(claim_id=claim.pk)
    # principal and the advance recovered go to the creditor; interest and the flat
    # compensation to the platform.
    assert balances["creditor"] == -(D("1250.00") + D("336.23"))
    assert balances["revenue"] == -(D("80.00") + D("40.00"))
    statement = creditor_statement(claim)
    assert statement.collected_for_creditor == D("1586.23")
    assert statement.debtor_still_owes == D("0.00")

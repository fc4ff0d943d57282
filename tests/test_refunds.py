"""Refunds of the advance, case by case, as domain.md section 3 gives them."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from claims.models import Claim
from claims.services import Actor, claim_note, claim_transition
from claims.states import ActorKind, State
from fees.ledger import LedgerError, ledger_bailiff_cost, ledger_fee_earned
from fees.models import Payment, Refund
from fees.selectors import ledger_balances
from fees.services import (
    consent_record,
    payment_confirm_transfer,
    payment_start,
    refund_confirm_payout,
)
from fees.tasks import refunds_from_events
from tests.conftest import World

D = Decimal
PAID = D("336.23")  # the advance for 1,250.00: 277.88 + 21 % VAT


def paid_claim(world: World) -> Claim:
    """A 1,250.00 claim whose advance was paid by transfer and confirmed by staff."""
    claim = world.claim_in(State.AWAITING_ADVANCE)
    payment, checkout_url = payment_start(account=world.account, actor=world.owner, claim=claim)
    assert (payment.method, payment.amount, checkout_url) == ("transfer", PAID, "")
    payment_confirm_transfer(actor=world.staff, payment=payment)
    claim.refresh_from_db()
    assert claim.state == State.ACCEPTED and claim.submitted_at is not None
    return claim


def move(world: World, claim: Claim, *names: str) -> Claim:
    for name in names:
        if name == "hand_off":
            from claims.services import claim_hand_off

            claim_hand_off(
                account=world.account,
                claim=claim,
                office=world.office,
                actor=Actor(kind=ActorKind.SYSTEM),
            )
        else:
            claim_transition(
                account=world.account, claim=claim, name=name, actor=world.cast.actor_for(name)
            )
    return claim


def settled(claim: Claim) -> Refund:
    assert refunds_from_events() == 1
    assert refunds_from_events() == 0  # once per claim
    return Refund.objects.get(claim=claim)


@pytest.mark.django_db
def test_cancelled_within_12_hours_is_refunded_in_full(world: World) -> None:
    claim = paid_claim(world)
    assert claim.submitted_at is not None
    with time_machine.travel(claim.submitted_at + timedelta(hours=11, minutes=59)):
        move(world, claim, "cancel")
    refund = settled(claim)
    assert (refund.reason, refund.amount) == (Refund.Reason.CANCELLED_EARLY, PAID)
    assert refund.method == "transfer" and refund.state == Refund.State.CREATED
    refund_confirm_payout(actor=world.staff, refund=refund)
    assert ledger_balances(claim_id=claim.pk)["bank"] == D("0.00")


@pytest.mark.django_db
def test_rejected_by_review_is_refunded_in_full(world: World) -> None:
    claim = world.claim_in(State.AWAITING_ADVANCE)
    Claim.objects.filter(pk=claim.pk).update(eligibility_verdict="review")
    claim.refresh_from_db()
    payment, _ = payment_start(account=world.account, actor=world.owner, claim=claim)
    payment_confirm_transfer(actor=world.staff, payment=payment)
    claim.refresh_from_db()
    assert claim.state == State.IN_REVIEW
    move(world, claim, "reject")
    refund = settled(claim)
    assert (refund.reason, refund.amount) == (Refund.Reason.REJECTED, PAID)


@pytest.mark.django_db
def test_cancelled_later_but_before_service_keeps_file_and_solvency_fees(world: World) -> None:
    claim = paid_claim(world)
    assert claim.submitted_at is not None
    with time_machine.travel(claim.submitted_at + timedelta(hours=13)):
        move(world, claim, "hand_off", "cancel")
    refund = settled(claim)
    assert refund.reason == Refund.Reason.CANCELLED_BEFORE_SERVICE
    assert refund.amount == D("227.33")  # (277.88 - 40 - 50) x 1.21
    assert refund.breakdown["deductions"] == {"file_fee": "40.00", "solvency_fee": "50.00"}


@pytest.mark.django_db
def test_stopped_after_a_doubtful_solvency_check(world: World) -> None:
    claim = move(world, paid_claim(world), "hand_off", "solvency_doubtful", "stop_after_solvency")
    refund = settled(claim)
    assert (refund.reason, refund.amount) == (Refund.Reason.SOLVENCY_STOP, D("227.33"))
    assert refund.breakdown["certificate_of_irrecoverability"] is True


@pytest.mark.django_db
def test_contested_keeps_the_file_fee_and_the_bailiff_costs_incurred(world: World) -> None:
    claim = move(world, paid_claim(world), "hand_off")
    claim = walk_to_served(world, claim)
    ledger_bailiff_cost(claim=claim, amount=D("100.00"), memo="summons served")  # VAT incl.
    move(world, claim, "contest")
    refund = settled(claim)
    assert refund.reason == Refund.Reason.CONTESTED
    # bailiff 100.00 incl. VAT (82.64 excl.): 336.23 - 48.40 - 100.00
    assert refund.breakdown["deductions"] == {"file_fee": "40.00", "bailiff_costs": "82.64"}
    assert refund.amount == D("187.83")


def walk_to_served(world: World, claim: Claim) -> Claim:
    from claims.services import claim_serve_summons

    return claim_serve_summons(
        account=world.account, claim=claim, actor=world.bailiff, served_on=timezone.localdate()
    )


@pytest.mark.django_db
def test_debtor_insolvent_refunds_the_unused_part(world: World) -> None:
    claim = move(world, paid_claim(world), "hand_off")
    claim_note(
        account=world.account,
        claim=claim,
        name="solvency_checked",
        actor=Actor(kind=ActorKind.BAILIFF, user=world.bailiff),
    )
    ledger_bailiff_cost(claim=claim, amount=D("60.50"), memo="solvency search")
    move(world, claim, "debtor_insolvent")
    refund = settled(claim)
    # (277.88 - 40 - 50 - 50.00) x 1.21 = 166.83
    assert refund.breakdown["deductions"] == {
        "file_fee": "40.00",
        "solvency_fee": "50.00",
        "bailiff_costs": "50.00",
    }
    assert refund.amount == D("166.83")


@pytest.mark.django_db
def test_debtor_insolvent_before_any_check_keeps_only_the_file_fee(world: World) -> None:
    claim = move(world, paid_claim(world), "debtor_insolvent")
    refund = settled(claim)
    assert refund.amount == D("287.83")  # (277.88 - 40) x 1.21


@pytest.mark.django_db
def test_stopped_by_the_creditor_after_service_refunds_nothing(world: World) -> None:
    claim = move(world, paid_claim(world), "hand_off")
    Claim.objects.filter(pk=claim.pk).update(damages_clause_percent=D("15"))
    claim.refresh_from_db()
    claim = walk_to_served(world, claim)
    move(world, claim, "cancel")
    refund = settled(claim)
    assert refund.reason == Refund.Reason.STOPPED_AFTER_SERVICE
    assert refund.amount == D("0.00") and refund.state == Refund.State.SUCCEEDED
    assert refund.breakdown["creditor_owes"] == "125.00"  # 15 % capped at 10 % of 1,250.00


@pytest.mark.django_db
def test_no_advance_no_refund(world: World) -> None:
    claim = world.claim_in(State.AWAITING_ADVANCE)
    move(world, claim, "cancel")
    assert refunds_from_events() == 0
    assert not Refund.objects.filter(claim=claim).exists()


@pytest.mark.django_db
def test_nothing_above_the_advance_without_recorded_consent(world: World) -> None:
    claim = move(world, paid_claim(world), "hand_off")
    ledger_fee_earned(claim=claim, code="file_fee", excl_vat=D("40.00"), vat_percent=D(21))
    with pytest.raises(LedgerError):
        ledger_bailiff_cost(claim=claim, amount=D("400.00"), memo="seizure")
    consent_record(account=world.account, actor=world.owner, claim=claim, up_to=D("200.00"))
    ledger_bailiff_cost(claim=claim, amount=D("400.00"), memo="seizure")
    balances = ledger_balances(claim_id=claim.pk)
    assert balances["advance"] == D("0.00")
    assert balances["creditor_charge"] == D("400.00") - (PAID - D("48.40"))
    with pytest.raises(LedgerError):  # the consent is used up
        ledger_bailiff_cost(claim=claim, amount=D("150.00"), memo="second seizure")


@pytest.mark.django_db
def test_staff_only_confirm_transfers(world: World) -> None:
    from django.core.exceptions import ValidationError

    claim = world.claim_in(State.AWAITING_ADVANCE)
    payment, _ = payment_start(account=world.account, actor=world.owner, claim=claim)
    with pytest.raises(ValidationError):
        payment_confirm_transfer(actor=world.owner, payment=payment)
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.PENDING
    assert payment_confirm_transfer(actor=world.staff, payment=payment) is True
    assert payment_confirm_transfer(actor=world.staff, payment=payment) is False  # once


@pytest.mark.django_db
def test_the_money_page_for_staff(world: World) -> None:
    claim = world.claim_in(State.AWAITING_ADVANCE)
    payment, _ = payment_start(account=world.account, actor=world.owner, claim=claim)
    client = world.client_for(world.staff)
    page = client.get("/backoffice/money/").content.decode()
    assert claim.payment_reference in page and "336.23" in page
    assert client.post("/backoffice/money/", {"payment": payment.pk}).status_code == 302
    assert Claim.objects.get(pk=claim.pk).state == State.ACCEPTED


@pytest.mark.django_db
def test_transfer_instructions_and_the_statement(world: World) -> None:
    claim = world.claim_in(State.AWAITING_ADVANCE)
    client = world.client_for(world.member)
    answer = client.post(f"/api/v1/claims/{claim.code}/advance").json()
    assert answer["method"] == "transfer"
    assert answer["payment_reference"].startswith("+++") and answer["amount"] == "336.23"
    assert (
        world.client_for(world.read_only).post(f"/api/v1/claims/{claim.code}/advance").status_code
        == 403
    )
    payment = Payment.objects.get(claim=claim)
    payment_confirm_transfer(actor=world.staff, payment=payment)
    statement = client.get(f"/api/v1/claims/{claim.code}/money").json()
    assert statement["advance_paid"] == "336.23"
    assert statement["advance_left"] == "336.23"
    assert statement["claim_total"] == "1250.00"
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        statement = client.get(f"/api/v1/claims/{claim.code}/money").json()
    assert statement["refund_if_stopped_now"] == "336.23"  # still within 12 hours


@pytest.mark.django_db
def test_the_ledger_follows_the_claim_and_a_refund_leaves_nothing_behind(world: World) -> None:
    """Event log -> fees booked; a stop -> fees settled by the rule; the advance ends at 0."""
    from fees.tasks import ledger_from_events

    claim = paid_claim(world)  # accepted: the file fee is earned from the advance
    assert ledger_from_events() >= 1
    assert ledger_balances(claim_id=claim.pk)["revenue"] == D("-40.00")
    assert ledger_from_events() == 0  # each event once
    with time_machine.travel(claim.submitted_at + timedelta(hours=2)):  # type: ignore[operator]
        move(world, claim, "cancel")
    refund_confirm_payout(actor=world.staff, refund=settled(claim))
    balances = ledger_balances(claim_id=claim.pk)
    # Cancelled within 12 hours: the file fee was given back and everything refunded.
    assert (balances["advance"], balances["bank"], balances["revenue"]) == (D(0), D(0), D(0))


@pytest.mark.django_db
def test_a_later_cancellation_books_the_fees_the_rule_keeps(world: World) -> None:
    from fees.tasks import ledger_from_events

    claim = paid_claim(world)
    ledger_from_events()
    with time_machine.travel(claim.submitted_at + timedelta(days=1)):  # type: ignore[operator]
        move(world, claim, "cancel")
    refund = settled(claim)
    assert refund.amount == D("227.33")
    refund_confirm_payout(actor=world.staff, refund=refund)
    balances = ledger_balances(claim_id=claim.pk)
    assert balances["advance"] == D("0.00")
    assert balances["revenue"] == D("-90.00") and balances["vat"] == D("-18.90")
    assert balances["bank"] == D("108.90")  # the fees kept, with their VAT


@pytest.mark.django_db
def test_service_establishes_the_debt_with_interest_within_the_cap(world: World) -> None:
    from fees.tasks import ledger_from_events

    claim = move(world, paid_claim(world), "hand_off")
    Claim.objects.filter(pk=claim.pk).update(damages_clause_percent=D("10"))
    claim.refresh_from_db()
    walk_to_served(world, claim)
    ledger_from_events()
    balances = ledger_balances(claim_id=claim.pk)
    assert balances["debtor_principal"] == D("1250.00")
    assert balances["debtor_interest"] == D("125.00")  # 10 % damages + interest, capped at 10 %
    assert balances["debtor_flat"] == D("40.00")
    assert balances["debtor_costs"] == PAID

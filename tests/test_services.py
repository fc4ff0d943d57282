"""Submission, advance, hand-off and service: the services around the state machine."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bailiffs.models import CoverageRange, Office
from claims.models import Claim, ClaimEvent, EligibilityVerdict
from claims.services import (
    SYSTEM,
    InvoiceInput,
    claim_create_draft,
    claim_record_advance,
    claim_record_solvency,
    claim_serve_summons,
    claim_submit,
)
from claims.states import State, TransitionNotAllowed
from tests.conftest import World


@pytest.mark.usefixtures("register")
def test_an_eligible_submission_awaits_its_advance(world: World) -> None:
    claim = world.draft()
    claim_submit(account=world.account, actor=world.owner, claim=claim)
    claim.refresh_from_db()
    assert claim.state == State.AWAITING_ADVANCE
    assert claim.eligibility_verdict == EligibilityVerdict.ELIGIBLE
    names = list(ClaimEvent.objects.filter(claim=claim).values_list("name", flat=True))
    assert names == ["submit", "request_advance"]


@pytest.mark.usefixtures("register")
def test_a_claim_not_yet_due_is_rejected_with_the_reason(world: World) -> None:
    claim = world.draft(due=timezone.localdate() + timedelta(days=5))
    claim_submit(account=world.account, actor=world.owner, claim=claim)
    claim.refresh_from_db()
    assert claim.state == State.REJECTED
    assert [r["code"] for r in claim.eligibility_reasons] == ["invoice_not_due"]
    assert claim.eligibility_register_date == date(2025, 5, 30)
    reject = ClaimEvent.objects.get(claim=claim, name="reject")
    assert reject.reason == "Invoice INV-1 is not due yet."


@pytest.mark.usefixtures("register")
def test_a_time_barred_claim_is_rejected(world: World) -> None:
    claim = world.draft(due=timezone.localdate() - timedelta(days=366 * 10 + 3))
    claim_submit(account=world.account, actor=world.owner, claim=claim)
    claim.refresh_from_db()
    assert claim.state == State.REJECTED
    assert "invoice_time_barred" in [r["code"] for r in claim.eligibility_reasons]


@pytest.mark.django_db
def test_without_a_register_a_belgian_debtor_is_not_registered(world: World) -> None:
    claim = world.draft()
    claim_submit(account=world.account, actor=world.owner, claim=claim)
    claim.refresh_from_db()
    assert claim.state == State.REJECTED
    codes = [r["code"] for r in claim.eligibility_reasons]
    assert codes == ["creditor_not_registered", "debtor_not_registered"]


@pytest.mark.django_db
def test_paid_advance_accepts_and_hands_off_to_the_least_loaded_office(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    busy = world.office  # covers 1000-9999 and already holds a claim
    world.claim_in(State.WITH_BAILIFF)
    idle = Office.objects.create(name="Idle office", enterprise_number="0999000921", capacity=100)
    CoverageRange.objects.create(office=idle, postal_code_from=9000, postal_code_to=9999)
    claim = world.claim_in(State.AWAITING_ADVANCE)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        claim_record_advance(account=world.account, actor=SYSTEM, claim=claim)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.state == State.WITH_BAILIFF
    assert stored.office == idle != busy
    assert stored.service_due_at is not None


@pytest.mark.django_db
def test_hand_off_without_a_covering_office_leaves_the_claim_accepted(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    CoverageRange.objects.all().delete()
    claim = world.claim_in(State.AWAITING_ADVANCE)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        claim_record_advance(account=world.account, actor=SYSTEM, claim=claim)
    assert Claim.objects.get(pk=claim.pk).state == State.ACCEPTED


@pytest.mark.django_db
def test_hand_off_task_is_idempotent(world: World) -> None:
    from claims.tasks import hand_off_claim

    claim = world.claim_in(State.ACCEPTED)
    assert hand_off_claim(claim.pk) == "handed off"
    assert hand_off_claim(claim.pk) == "already handed off"
    assert ClaimEvent.objects.filter(claim=claim, name="hand_off").count() == 1


@pytest.mark.django_db
def test_summons_service_date_is_checked(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        claim_serve_summons(
            account=world.account, claim=claim, actor=world.bailiff, served_on=tomorrow
        )
    assert "served_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        claim_serve_summons(
            account=world.account,
            claim=claim,
            actor=world.bailiff,
            served_on=timezone.localdate() - timedelta(days=30),
        )
    assert Claim.objects.get(pk=claim.pk).state == State.WITH_BAILIFF


@pytest.mark.django_db
def test_summons_stores_the_window(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    today = timezone.localdate()
    claim_serve_summons(account=world.account, claim=claim, actor=world.bailiff, served_on=today)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.state == State.SUMMONS_SERVED
    assert stored.served_on == today
    assert stored.month_ends_on is not None and stored.month_ends_on > today
    assert stored.pv_earliest_on is not None
    assert stored.pv_earliest_on >= stored.month_ends_on + timedelta(days=9)


@pytest.mark.django_db
def test_solvency_below_threshold_asks_the_creditor(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    claim_record_solvency(account=world.account, claim=claim, actor=world.bailiff, score=35)
    assert Claim.objects.get(pk=claim.pk).state == State.WITH_BAILIFF
    assert ClaimEvent.objects.filter(claim=claim, name="solvency_checked").count() == 1
    claim_record_solvency(account=world.account, claim=claim, actor=world.bailiff, score=12)
    assert Claim.objects.get(pk=claim.pk).state == State.SOLVENCY_DOUBTFUL
    with pytest.raises(ValidationError):
        claim_record_solvency(account=world.account, claim=claim, actor=world.bailiff, score=101)
    with pytest.raises(TransitionNotAllowed):
        claim_record_solvency(account=world.account, claim=claim, actor=world.bailiff, score=50)


@pytest.mark.django_db
def test_own_reference_is_unique_per_account_ignoring_case(world: World) -> None:
    world.draft(reference="Ref-1")
    with pytest.raises(ValidationError) as error:
        world.draft(reference="REF-1")
    assert "own_reference" in error.value.message_dict
    world.draft(account=world.other_account, reference="ref-1")  # another account may reuse it


@pytest.mark.django_db
def test_own_reference_has_at_most_20_characters(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        world.draft(reference="X" * 21)
    assert "own_reference" in error.value.message_dict


@pytest.mark.django_db
def test_credit_notes_cannot_exceed_the_invoice(world: World) -> None:
    with pytest.raises(ValidationError):
        claim_create_draft(
            account=world.account,
            actor=world.owner,
            company=world.company,
            debtor=world.debtor,
            invoices=[
                InvoiceInput(
                    "X", date(2025, 1, 1), date(2025, 2, 1), Decimal("100.00"), Decimal("150.00")
                )
            ],
        )
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_another_accounts_company_cannot_be_used(world: World) -> None:
    with pytest.raises(ValidationError):
        claim_create_draft(
            account=world.account,
            actor=world.owner,
            company=world.other_company,
            debtor=world.debtor,
            invoices=[],
        )

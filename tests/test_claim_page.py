"""The claim page /claims/<code>/: the actions its state allows, the money, comments and notes."""

import hashlib
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bailiffs.models import LegalDocument
from bailiffs.services import bailiff_facilities
from claims.models import AppendOnlyError, Claim, ClaimComment, ClaimEvent, PaymentPlan
from claims.services import (
    SYSTEM,
    Actor,
    claim_comment_add,
    claim_document_add,
    claim_hand_off,
    claim_note,
    claim_record_solvency,
)
from claims.states import ActorKind, State
from fees.models import CostConsent, LedgerTransaction, Refund
from fees.services import payment_confirm_transfer, payment_start
from tests.conftest import World

D = Decimal
PAID = D("336.23")  # the advance for 1,250.00: 277.88 + 21 % VAT
Capture = Callable[..., Any]


def page(world: World, claim: Claim, user: Any = None) -> str:
    response = world.client_for(user or world.owner).get(f"/claims/{claim.code}/")
    assert response.status_code == 200
    return response.content.decode()


def post(client: Client, claim: Claim, action: str, data: dict[str, str] | None = None) -> Any:
    return client.post(f"/claims/{claim.code}/{action}/", data or {})


def paid_claim(world: World) -> Claim:
    """A 1,250.00 claim whose advance was paid by transfer and confirmed by staff (accepted)."""
    claim = world.claim_in(State.AWAITING_ADVANCE)
    payment, _url = payment_start(account=world.account, actor=world.owner, claim=claim)
    payment_confirm_transfer(actor=world.staff, payment=payment)
    claim.refresh_from_db()
    assert claim.state == State.ACCEPTED
    return claim


def state_of(claim: Claim) -> str:
    return Claim.objects.get(pk=claim.pk).state


# --- Cancel ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancel_shows_the_refund_first_then_cancels_and_shows_it(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    claim = paid_claim(world)
    client = world.client_for(world.owner)
    assert f'href="/claims/{claim.code}/cancel/"' in page(world, claim)
    confirm = client.get(f"/claims/{claim.code}/cancel/")
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "€336.23" in html and "refunded in full" in html
    assert state_of(claim) == State.ACCEPTED  # looking changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, claim, "cancel", {"reason": "The debtor paid last week."})
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.code}/#money"
    assert state_of(claim) == State.CANCELLED
    event = ClaimEvent.objects.get(claim=claim, name="cancel")
    assert (event.reason, event.actor, event.actor_kind) == (
        "The debtor paid last week.",
        world.owner,
        ActorKind.CREDITOR,
    )
    refund = Refund.objects.get(claim=claim)
    assert (refund.reason, refund.amount) == (Refund.Reason.CANCELLED_EARLY, PAID)
    after = client.get(response["Location"]).content.decode()
    assert "The claim is cancelled. €336.23 will be refunded to you." in after
    assert "Refund of the advance" in after and "To be transferred to your bank account" in after
    assert "See the refund and cancel" not in after  # a cancelled claim cannot be cancelled


@pytest.mark.django_db
def test_a_later_cancellation_shows_the_fees_kept(world: World) -> None:
    claim = paid_claim(world)
    assert claim.submitted_at is not None
    with time_machine.travel(claim.submitted_at + timedelta(hours=13)):
        client = world.client_for(world.member)
        assert "€227.33" in page(world, claim, world.member)  # refundable now
        html = client.get(f"/claims/{claim.code}/cancel/").content.decode()
        assert "€227.33" in html  # (277.88 - 40 - 50) x 1.21
        assert "€48.40" in html and "€60.50" in html  # file fee and solvency check, VAT incl.
        assert post(client, claim, "cancel", {"reason": "Settled"}).status_code == 302
    assert state_of(claim) == State.CANCELLED


@pytest.mark.django_db
def test_cancel_after_service_says_nothing_comes_back(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    html = world.client_for(world.owner).get(f"/claims/{claim.code}/cancel/").content.decode()
    assert "No advance has been paid" in html  # this walked claim has no payment
    assert "Cancel the claim" in html


@pytest.mark.django_db
def test_cancel_needs_a_reason_and_keeps_the_claim(world: World) -> None:
    claim = paid_claim(world)
    response = post(world.client_for(world.owner), claim, "cancel", {"reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reason_error" role="alert"' in html
    assert "€336.23" in html  # the refund is still shown
    assert state_of(claim) == State.ACCEPTED


@pytest.mark.django_db
def test_cancel_in_a_state_that_does_not_allow_it(world: World) -> None:
    claim = world.claim_in(State.PV_DRAWN)
    client = world.client_for(world.owner)
    assert "See the refund and cancel" not in page(world, claim)
    shown = client.get(f"/claims/{claim.code}/cancel/")
    assert shown.status_code == 409
    assert "can no longer be cancelled" in shown.content.decode()
    assert 'name="reason"' not in shown.content.decode()
    refused = post(client, claim, "cancel", {"reason": "stop"})
    assert refused.status_code == 409
    assert state_of(claim) == State.PV_DRAWN


@pytest.mark.django_db
def test_cancel_as_read_only_and_for_another_tenant(world: World) -> None:
    claim = paid_claim(world)
    read_only = world.client_for(world.read_only)
    assert "See the refund and cancel" not in page(world, claim, world.read_only)
    assert read_only.get(f"/claims/{claim.code}/cancel/").status_code == 403
    assert post(read_only, claim, "cancel", {"reason": "x"}).status_code == 403
    outsider = world.client_for(world.outsider)
    assert outsider.get(f"/claims/{claim.code}/cancel/").status_code == 404
    assert post(outsider, claim, "cancel", {"reason": "x"}).status_code == 404
    assert state_of(claim) == State.ACCEPTED


# --- Direct payment -------------------------------------------------------------------------


@pytest.mark.django_db
def test_report_a_direct_payment(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    client = world.client_for(world.member)
    assert f'action="/claims/{claim.code}/direct-payment/"' in page(world, claim)
    today = timezone.localdate().isoformat()
    response = post(client, claim, "direct-payment", {"amount": "500.00", "paid_on": today})
    assert response.status_code == 302
    assert LedgerTransaction.objects.filter(
        claim=claim, kind=LedgerTransaction.Kind.DIRECT_PAYMENT
    ).exists()
    event = ClaimEvent.objects.get(claim=claim, name="direct_payment_reported")
    assert event.data == {"amount": "500.00", "paid_on": today}
    html = client.get(response["Location"]).content.decode()
    assert "The direct payment of €500.00 is recorded. The costs stay due" in html
    assert 'Paid to you directly (reported)</dt><dd class="num">€500.00' in html


@pytest.mark.django_db
def test_a_direct_payment_in_dutch_with_a_decimal_comma(world: World) -> None:
    claim = world.claim_in(State.READY_FOR_PV, served_days_ago=60)
    client = world.client_for(world.owner)
    data = {"amount": "1.000,50", "paid_on": timezone.localdate().isoformat()}
    response = client.post(f"/nl/claims/{claim.code}/direct-payment/", data)
    assert response.status_code == 302
    assert ClaimEvent.objects.get(claim=claim, name="direct_payment_reported").data["amount"] == (
        "1000.50"
    )


@pytest.mark.django_db
def test_a_direct_payment_with_errors_keeps_the_input(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    client = world.client_for(world.owner)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = post(client, claim, "direct-payment", {"amount": "500.00", "paid_on": tomorrow})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="direct_payment-paid_on_error" role="alert"' in html
    assert "This date is in the future." in html
    assert 'value="500.00"' in html  # nothing typed is lost
    today = timezone.localdate().isoformat()
    too_much = post(client, claim, "direct-payment", {"amount": "99999.00", "paid_on": today})
    assert too_much.status_code == 400
    assert 'id="direct_payment-amount_error" role="alert"' in too_much.content.decode()
    assert not ClaimEvent.objects.filter(claim=claim, name="direct_payment_reported").exists()


@pytest.mark.django_db
def test_no_direct_payment_before_service(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    assert "/direct-payment/" not in page(world, claim)
    data = {"amount": "10.00", "paid_on": timezone.localdate().isoformat()}
    response = post(world.client_for(world.owner), claim, "direct-payment", data)
    assert response.status_code == 409
    assert "A direct payment can be reported once the summons is served." in (
        response.content.decode()
    )
    assert not ClaimEvent.objects.filter(claim=claim, name="direct_payment_reported").exists()


# --- Read-only members and other tenants, for every action -----------------------------------

ACTIONS: list[tuple[str, State, dict[str, str]]] = [
    ("direct-payment", State.SUMMONS_SERVED, {"amount": "10.00", "paid_on": "2026-01-02"}),
    ("solvency", State.SOLVENCY_DOUBTFUL, {"decision": "stop"}),
    ("pv", State.READY_FOR_PV, {}),
    ("consent", State.ENFORCEABLE, {"up_to_amount": "100.00"}),
    ("comment", State.WITH_BAILIFF, {"kind": "note", "body": "hello"}),
    ("plan", State.SUMMONS_SERVED, {"decision": "accept"}),
]


def _with_plan(world: World, claim: Claim) -> PaymentPlan:
    due = timezone.localdate() + timedelta(days=10)
    return bailiff_facilities(
        actor=world.bailiff,
        claim=claim,
        instalments=[
            {"due_date": due, "amount": D("600.00")},
            {"due_date": due + timedelta(days=30), "amount": D("650.00")},
        ],
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "state", "data"), ACTIONS)
def test_read_only_sees_no_form_and_is_refused(
    world: World, action: str, state: State, data: dict[str, str]
) -> None:
    claim = world.claim_in(state, served_days_ago=60 if state != State.SUMMONS_SERVED else 10)
    if action == "plan":
        _with_plan(world, claim)
    assert f'action="/claims/{claim.code}/{action}/"' in page(world, claim, world.owner)
    html = page(world, claim, world.read_only)
    assert f'action="/claims/{claim.code}/{action}/"' not in html
    assert "Possible next steps" not in html
    events = ClaimEvent.objects.filter(claim=claim).count()
    assert post(world.client_for(world.read_only), claim, action, data).status_code == 403
    assert ClaimEvent.objects.filter(claim=claim).count() == events
    assert state_of(claim) == state
    assert not ClaimComment.objects.exists() and not CostConsent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "state", "data"), ACTIONS)
def test_another_tenants_claim_is_404_for_every_action(
    world: World, action: str, state: State, data: dict[str, str]
) -> None:
    theirs = world.draft(account=world.other_account)
    mine = world.claim_in(state)
    outsider = world.client_for(world.outsider)  # owner of the other account
    assert post(world.client_for(world.owner), theirs, action, data).status_code == 404
    assert post(outsider, mine, action, data).status_code == 404
    assert world.client_for(world.owner).get(f"/claims/{theirs.code}/").status_code == 404
    assert state_of(mine) == state


# --- Payment plan ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_accept_the_proposed_payment_plan(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    plan = _with_plan(world, claim)
    html = page(world, claim)
    assert "€600.00" in html and "€650.00" in html  # the instalments
    due = timezone.localdate() + timedelta(days=10)
    assert f"{due:%d/%m/%Y}" in html  # SHORT_DATE_FORMAT in (Belgian) English
    client = world.client_for(world.owner)
    response = post(client, claim, "plan", {"decision": "accept"})
    assert response.status_code == 302
    assert state_of(claim) == State.FACILITIES_GRANTED
    plan.refresh_from_db()
    assert plan.state == PaymentPlan.State.ACCEPTED
    assert "You accepted the payment plan" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_decline_the_proposed_payment_plan(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    plan = _with_plan(world, claim)
    response = post(world.client_for(world.member), claim, "plan", {"decision": "decline"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PaymentPlan.State.DECLINED
    assert state_of(claim) == State.SUMMONS_SERVED
    assert ClaimEvent.objects.filter(claim=claim, name="facilities_declined").exists()
    assert "/plan/" not in page(world, claim)  # nothing left to decide


@pytest.mark.django_db
def test_no_plan_no_decision(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    assert "/plan/" not in page(world, claim)
    response = post(world.client_for(world.owner), claim, "plan", {"decision": "accept"})
    assert response.status_code == 409
    assert "There is no proposed payment plan to decide on." in response.content.decode()
    assert state_of(claim) == State.SUMMONS_SERVED


@pytest.mark.django_db
def test_a_decision_without_a_button_says_so(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    _with_plan(world, claim)
    response = post(world.client_for(world.owner), claim, "plan", {})
    assert response.status_code == 400
    assert "Choose one of the buttons." in response.content.decode()
    assert state_of(claim) == State.SUMMONS_SERVED


# --- Solvency -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_continue_at_own_risk_after_a_doubtful_solvency_check(world: World) -> None:
    claim = world.claim_in(State.SOLVENCY_DOUBTFUL)
    html = page(world, claim)
    assert "Continue at own risk" in html and "certificate of irrecoverability" in html
    response = post(world.client_for(world.owner), claim, "solvency", {"decision": "continue"})
    assert response.status_code == 302
    assert state_of(claim) == State.WITH_BAILIFF
    assert ClaimEvent.objects.get(claim=claim, name="continue_at_own_risk").actor == world.owner


@pytest.mark.django_db
def test_stop_after_a_doubtful_solvency_check(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    claim = paid_claim(world)
    claim_hand_off(account=world.account, claim=claim, office=world.office, actor=SYSTEM)
    claim_record_solvency(account=world.account, claim=claim, actor=world.bailiff, score=12)
    html = page(world, claim)
    assert "you get €227.33 back" in html  # the advance less the file fee and solvency check
    client = world.client_for(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, claim, "solvency", {"decision": "stop"})
    assert response.status_code == 302
    assert state_of(claim) == State.IRRECOVERABLE
    assert Refund.objects.get(claim=claim).amount == D("227.33")
    after = client.get(response["Location"]).content.decode()
    assert "The procedure is stopped." in after
    assert "The certificate is being prepared" in after


@pytest.mark.django_db
def test_no_solvency_decision_in_another_state(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    assert "/solvency/" not in page(world, claim)
    response = post(world.client_for(world.owner), claim, "solvency", {"decision": "stop"})
    assert response.status_code == 409
    assert "There is no doubtful solvency check to decide on." in response.content.decode()
    assert state_of(claim) == State.WITH_BAILIFF


# --- PV -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ask_for_the_pv_once_the_window_is_over(world: World) -> None:
    claim = world.claim_in(State.READY_FOR_PV, served_days_ago=60)
    assert claim.pv_earliest_on is not None
    html = page(world, claim)
    assert "the PV can be drawn since" in html
    day = claim.pv_earliest_on
    assert f"since {day.day} {day:%B} {day.year}" in html  # DATE_FORMAT, e.g. "since 3 March 2026"
    client = world.client_for(world.owner)
    response = post(client, claim, "pv")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.pv_requested_at is not None
    assert ClaimEvent.objects.filter(claim=claim, name="pv_requested").count() == 1
    after = client.get(response["Location"]).content.decode()
    assert "The bailiff office is asked to draw the PV" in after
    assert "You asked the office for the PV on" in after
    assert f'action="/claims/{claim.code}/pv/"' not in after
    assert post(client, claim, "pv").status_code == 409  # once
    assert ClaimEvent.objects.filter(claim=claim, name="pv_requested").count() == 1


@pytest.mark.django_db
def test_no_pv_request_during_the_window(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    assert "/pv/" not in page(world, claim)
    response = post(world.client_for(world.owner), claim, "pv")
    assert response.status_code == 409
    claim.refresh_from_db()
    assert claim.pv_requested_at is None


# --- Consent --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_consent_to_enforcement_costs(world: World) -> None:
    claim = world.claim_in(State.ENFORCEABLE)
    client = world.client_for(world.owner)
    response = post(client, claim, "consent", {"up_to_amount": "1000.00"})
    assert response.status_code == 302
    consent = CostConsent.objects.get(claim=claim)
    assert (consent.up_to_amount, consent.given_by) == (D("1000.00"), world.owner)
    html = client.get(response["Location"]).content.decode()
    assert "You consented to enforcement costs up to €1,000.00." in html
    assert "So far you consented to costs up to €1,000.00." in html


@pytest.mark.django_db
def test_consent_errors_and_wrong_state(world: World) -> None:
    claim = world.claim_in(State.ENFORCEABLE)
    client = world.client_for(world.owner)
    response = post(client, claim, "consent", {"up_to_amount": "-5"})
    assert response.status_code == 400
    assert 'id="consent-up_to_amount_error" role="alert"' in response.content.decode()
    accepted = world.claim_in(State.ACCEPTED)
    assert "/consent/" not in page(world, accepted)
    assert post(client, accepted, "consent", {"up_to_amount": "100.00"}).status_code == 409
    assert not CostConsent.objects.exists()


# --- Certificate and legal documents --------------------------------------------------------


def _legal(world: World, claim: Claim, kind: str) -> LegalDocument:
    """A stored legal document; a second one of the same kind supersedes the first."""
    previous = LegalDocument.objects.filter(claim=claim, kind=kind).order_by("-version").first()
    version = previous.version + 1 if previous else 1
    content = f"%PDF-1.4 {kind} {version}".encode()
    return LegalDocument.objects.create(
        account=world.account,
        claim=claim,
        kind=kind,
        language="nl",
        version=version,
        template_version="test",
        file=ContentFile(content, name=f"{kind}.pdf"),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        supersedes=previous,
    )


@pytest.mark.django_db
def test_download_the_certificate_and_current_legal_documents(world: World) -> None:
    claim = world.claim_in(State.IRRECOVERABLE)
    old = _legal(world, claim, "certificate")
    current = _legal(world, claim, "certificate")
    for user in (world.owner, world.read_only):  # reading is for every member
        html = page(world, claim, user)
        assert "Download the certificate (PDF)" in html
        assert f"/claims/{claim.code}/legal/{current.pk}/" in html
        assert f"/claims/{claim.code}/legal/{old.pk}/" not in html  # superseded
    download = world.client_for(world.read_only).get(f"/claims/{claim.code}/legal/{current.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


# --- Comments and notes ---------------------------------------------------------------------


@pytest.mark.django_db
def test_notes_stay_with_the_team_and_comments_reach_the_office(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    client = world.client_for(world.member)
    note = {"kind": "note", "body": "Call their accountant first."}
    comment = {"kind": "comment", "body": "The debtor moved to Kouter 5."}
    assert post(client, claim, "comment", note).status_code == 302
    response = post(client, claim, "comment", comment)
    assert response.status_code == 302
    assert response["Location"].endswith("#comments")
    html = client.get(response["Location"]).content.decode()
    assert "Your comment is saved and shared with the bailiff office." in html
    assert html.index("Call their accountant first.") < html.index("The debtor moved to Kouter 5.")
    assert "member@a.test" in html and "note, only your team" in html
    assert list(ClaimComment.objects.values_list("kind", "author__email")) == [
        ("note", "member@a.test"),
        ("comment", "member@a.test"),
    ]
    office = world.client_for(world.bailiff).get(f"/bailiff/claims/{claim.code}/")
    assert office.status_code == 200
    office_html = office.content.decode()
    assert "The debtor moved to Kouter 5." in office_html
    assert "Call their accountant first." not in office_html


@pytest.mark.django_db
def test_an_empty_comment_is_refused_next_to_the_field(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    response = post(world.client_for(world.owner), claim, "comment", {"kind": "comment"})
    assert response.status_code == 400
    assert 'id="comment-body_error" role="alert"' in response.content.decode()
    assert not ClaimComment.objects.exists()


@pytest.mark.django_db
def test_the_comment_service_refuses_read_only_members(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    with pytest.raises(PermissionDenied):
        claim_comment_add(
            account=world.account, actor=world.read_only, claim=claim, kind="note", body="x"
        )
    comment = claim_comment_add(
        account=world.account, actor=world.owner, claim=claim, kind="note", body=" x "
    )
    assert comment.body == "x"
    with pytest.raises(AppendOnlyError):
        comment.save()


# --- Money and query counts -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_money_overview_in_the_readers_language(world: World) -> None:
    claim = paid_claim(world)
    client = world.client_for(world.owner)
    english = page(world, claim)
    assert 'Claim total</dt><dd class="num">€1,250.00' in english
    assert 'Advance paid</dt><dd class="num">€336.23' in english
    assert 'Refundable now</dt><dd class="num">€336.23' in english
    dutch = client.get(f"/nl/claims/{claim.code}/").content.decode()
    assert "€\u00a01.250,00" in dutch
    french = client.get(f"/fr/claims/{claim.code}/").content.decode()
    assert "1\u202f250,00\u00a0€" in french or "1\u00a0250,00\u00a0€" in french


@pytest.mark.django_db
def test_a_closed_claim_refunds_nothing_now(world: World) -> None:
    claim = world.claim_in(State.PAID)
    assert 'Refundable now</dt><dd class="num">€0.00' in page(world, claim)


def _grow(world: World, claim: Claim, times: int) -> None:
    """More events, documents and comments on the same claim."""
    for index in range(times):
        claim_note(
            account=world.account,
            claim=claim,
            name="summons_manner",
            actor=Actor(kind=ActorKind.BAILIFF, user=world.bailiff),
        )
        claim_document_add(
            account=world.account,
            actor=world.owner,
            claim=claim,
            kind="invoice",
            upload=SimpleUploadedFile(f"f{index}.pdf", b"%PDF-1.4 x", "application/pdf"),
        )
        claim_comment_add(
            account=world.account, actor=world.owner, claim=claim, kind="comment", body="x"
        )
        _legal(world, claim, "balance_letter")


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_however_long_the_history(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    _with_plan(world, claim)
    client = world.client_for(world.owner)
    _grow(world, claim, 1)
    client.get(f"/claims/{claim.code}/")  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/claims/{claim.code}/").status_code == 200
    _grow(world, claim, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/claims/{claim.code}/")
    assert response.content.decode().count('class="comment comment-comment"') == 9
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


@pytest.mark.django_db
def test_a_draft_page_renders_and_offers_to_continue_once_the_wizard_exists(world: World) -> None:
    claim = world.draft()
    html = page(world, claim)
    try:
        resume = reverse("submit:resume", args=[claim.code])
    except NoReverseMatch:
        assert "Continue the submission" not in html
    else:
        assert f'href="{resume}"' in html and "Continue the submission" in html
    assert "Continue the submission" not in page(world, world.claim_in(State.ACCEPTED))


@pytest.mark.django_db
def test_the_api_reports_a_direct_payment_through_the_same_service(world: World) -> None:
    client = world.client_for(world.owner)
    data = {"amount": "250.00", "paid_on": timezone.localdate().isoformat()}
    early = world.claim_in(State.WITH_BAILIFF)
    assert client.post(f"/api/v1/claims/{early.code}/direct-payment", data).status_code == 409
    served = world.claim_in(State.SUMMONS_SERVED)
    assert client.post(f"/api/v1/claims/{served.code}/direct-payment", data).status_code == 200
    assert "€250.00" in page(world, served)
    assert not ClaimEvent.objects.filter(claim=early, name="direct_payment_reported").exists()


@pytest.mark.django_db
def test_a_link_to_a_claim_of_another_of_my_accounts_switches_to_that_account(
    world: World,
) -> None:
    from creditors.models import Role
    from creditors.services import membership_add

    membership_add(
        account=world.other_account, actor=world.owner, user=world.owner, role=Role.MEMBER
    )
    theirs = world.draft(account=world.other_account, reference="B-9")
    client = world.client_for(world.owner)  # acts in account A (the oldest membership)

    response = client.get(f"/claims/{theirs.code}/")

    assert response.status_code == 302
    assert response["Location"] == f"/claims/{theirs.code}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert theirs.code in page.content.decode()
    assert "You now act in" in page.content.decode()


@pytest.mark.django_db
def test_a_claim_of_an_account_i_am_not_in_stays_not_found(world: World) -> None:
    theirs = world.draft(account=world.other_account, reference="B-9")
    assert world.client_for(world.owner).get(f"/claims/{theirs.code}/").status_code == 404

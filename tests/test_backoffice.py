"""The back-office review queue: oldest SLA first, findings, decisions as events."""

from datetime import datetime

import pytest
import time_machine

from claims.models import Claim, ClaimEvent
from claims.services import SYSTEM, Actor, claim_record_advance, claim_transition
from claims.states import ActorKind, State
from tests.conftest import World

BRUSSELS = __import__("zoneinfo").ZoneInfo("Europe/Brussels")


def _in_review(world: World, paid_at: datetime, reference: str) -> Claim:
    claim = world.draft(reference=reference)
    findings = [{"code": "debtor_form_unknown", "params": {}}]
    claim_transition(
        account=world.account,
        claim=claim,
        name="submit",
        actor=Actor(kind=ActorKind.CREDITOR, user=world.owner),
        changes={"eligibility_verdict": "review", "eligibility_reasons": findings},
    )
    claim_transition(account=world.account, claim=claim, name="request_advance", actor=SYSTEM)
    with time_machine.travel(paid_at, tick=False):
        claim_record_advance(account=world.account, actor=SYSTEM, claim=claim)
    claim.refresh_from_db()
    return claim


@pytest.mark.django_db
def test_queue_lists_claims_to_review_oldest_sla_first(world: World) -> None:
    later = _in_review(world, datetime(2025, 3, 12, 10, tzinfo=BRUSSELS), "LATER")
    sooner = _in_review(world, datetime(2025, 3, 11, 10, tzinfo=BRUSSELS), "SOONER")
    world.claim_in(State.ACCEPTED)  # nothing to review
    html = world.client_for(world.staff).get("/backoffice/review/").content.decode()
    assert html.index(sooner.code) < html.index(later.code)
    assert html.count("/backoffice/review/") >= 2


@pytest.mark.django_db
def test_detail_shows_findings_and_the_timer_in_the_readers_language(world: World) -> None:
    claim = _in_review(world, datetime(2025, 3, 11, 10, tzinfo=BRUSSELS), "R1")
    client = world.client_for(world.staff)
    html = client.get(f"/backoffice/review/{claim.code}/").content.decode()
    assert "debtor_form_unknown" in html
    assert "a legal form we do not know" in html
    assert 'datetime="2025-03-11T14:00:00+01:00"' in html  # paid 10:00 + 4 working hours


@pytest.mark.django_db
def test_staff_accept_with_a_reason_and_the_claim_is_handed_off(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    claim = _in_review(world, datetime(2025, 3, 11, 10, tzinfo=BRUSSELS), "R2")
    client = world.client_for(world.staff)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(
            f"/backoffice/review/{claim.code}/",
            {"action": "accept", "reason": "Form checked by hand"},
        )
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.state == State.WITH_BAILIFF
    accept = ClaimEvent.objects.get(claim=claim, name="accept")
    assert (accept.actor, accept.reason) == (world.staff, "Form checked by hand")


@pytest.mark.django_db
def test_staff_reject_needs_a_reason_the_creditor_then_sees(world: World) -> None:
    claim = _in_review(world, datetime(2025, 3, 11, 10, tzinfo=BRUSSELS), "R3")
    client = world.client_for(world.staff)
    response = client.post(f"/backoffice/review/{claim.code}/", {"action": "reject", "reason": ""})
    assert response.status_code == 400
    assert "Say why the claim is rejected." in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).state == State.IN_REVIEW
    client.post(
        f"/backoffice/review/{claim.code}/",
        {"action": "reject", "reason": "The debtor is a foundation of public law."},
    )
    assert Claim.objects.get(pk=claim.pk).state == State.REJECTED
    event = ClaimEvent.objects.get(claim=claim, name="reject")
    assert event.data == {"refund": "full"}  # the advance was paid: refunded in full
    creditor_view = world.client_for(world.owner).get(f"/claims/{claim.code}/").content.decode()
    assert "The debtor is a foundation of public law." in creditor_view


@pytest.mark.django_db
def test_staff_set_aside_a_review_finding_with_a_note(world: World) -> None:
    claim = _in_review(world, datetime(2025, 3, 11, 10, tzinfo=BRUSSELS), "R4")
    client = world.client_for(world.staff)
    response = client.post(
        f"/backoffice/review/{claim.code}/",
        {"action": "override", "code": "debtor_form_unknown", "reason": ""},
    )
    assert response.status_code == 400
    client.post(
        f"/backoffice/review/{claim.code}/",
        {"action": "override", "code": "debtor_form_unknown", "reason": "Form 999 is a GmbH"},
    )
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.eligibility_reasons[0]["overridden"]["note"] == "Form 999 is a GmbH"
    event = ClaimEvent.objects.get(claim=claim, name="finding_overridden")
    assert event.reason == "Form 999 is a GmbH" and event.actor == world.staff


@pytest.mark.django_db
def test_a_flagged_claim_is_in_the_queue_until_set_aside(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    Claim.objects.filter(pk=claim.pk).update(review_flag="debtor_dissolution")
    client = world.client_for(world.staff)
    assert claim.code in client.get("/backoffice/review/").content.decode()
    client.post(
        f"/backoffice/review/{claim.code}/",
        {"action": "override", "code": "debtor_dissolution", "reason": "Checked"},
    )
    assert claim.code not in client.get("/backoffice/review/").content.decode()


@pytest.mark.django_db
def test_a_blocking_finding_cannot_be_set_aside(world: World) -> None:
    claim = _in_review(world, datetime(2025, 3, 11, 10, tzinfo=BRUSSELS), "R5")
    response = world.client_for(world.staff).post(
        f"/backoffice/review/{claim.code}/",
        {"action": "override", "code": "debtor_bankrupt", "reason": "no"},
    )
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["owner", "read_only", "bailiff", "outsider"])
def test_only_staff_see_the_back_office(world: World, role: str) -> None:
    claim = _in_review(world, datetime(2025, 3, 11, 10, tzinfo=BRUSSELS), "R6")
    client = world.client_for(getattr(world, role))
    assert client.get("/backoffice/review/").status_code == 404
    assert client.post(f"/backoffice/review/{claim.code}/", {"action": "accept"}).status_code == 404
    assert Claim.objects.get(pk=claim.pk).state == State.IN_REVIEW


@pytest.mark.django_db
def test_staff_are_told_when_todays_interest_rate_is_missing(world: World) -> None:
    client = world.client_for(world.staff)
    with time_machine.travel(datetime(2026, 11, 24, 10, tzinfo=BRUSSELS)):  # 2026 H2: no rate
        assert (
            "No commercial interest rate is known for today"
            in client.get("/backoffice/review/").content.decode()
        )
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=BRUSSELS)):
        page = client.get("/backoffice/money/").content.decode()
        assert "No commercial interest rate is known for today" not in page

"""Bailiff offices: assignment, the office API and portal, actions, webhooks."""

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from bailiffs.models import CoverageRange, Office, OfficeMembership, OfficeNotification
from bailiffs.services import MAX_TRIES, claim_reassign, office_notify
from bailiffs.tasks import deliver_webhooks
from claims.models import Claim, ClaimDocument, ClaimEvent
from claims.services import claim_sweep_due
from claims.states import State
from claims.tasks import hand_off_claim
from creditors.models import User
from creditors.services import api_token_create
from tests.conftest import World

D = Decimal


def api(world: World, user: User | None = None) -> APIClient:
    client = APIClient()
    _token, secret = api_token_create(user=user or world.bailiff, account=None, name="office")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def act(client: APIClient, claim: Claim, action: str, **data: Any) -> Any:
    return client.post(f"/api/v1/bailiff/claims/{claim.code}/{action}", data, format="json")


@pytest.mark.django_db
def test_assignment_prefers_the_least_loaded_office_relative_to_capacity(world: World) -> None:
    small = Office.objects.create(name="Small", enterprise_number="0999000525", capacity=2)
    CoverageRange.objects.create(office=small, postal_code_from=9000, postal_code_to=9099)
    # world.office covers everything with capacity 500 and holds 3 claims: 3/500 < 1/2.
    for _ in range(3):
        world.claim_in(State.WITH_BAILIFF)
    busy = world.claim_in(State.WITH_BAILIFF)
    Claim.objects.filter(pk=busy.pk).update(office=small)
    assert Claim.objects.filter(office=world.office).count() == 3
    claim = world.claim_in(State.ACCEPTED)
    assert hand_off_claim(claim.pk) == "handed off"
    assert Claim.objects.get(pk=claim.pk).office == world.office
    world.office.capacity = 3
    world.office.save()
    second = world.claim_in(State.ACCEPTED)
    hand_off_claim(second.pk)  # now 4/3 against 1/2
    assert Claim.objects.get(pk=second.pk).office == small


@pytest.mark.django_db
def test_no_office_covering_the_postal_code_waits_for_staff(world: World) -> None:
    CoverageRange.objects.all().delete()
    claim = world.claim_in(State.ACCEPTED)
    assert hand_off_claim(claim.pk) == "no office"
    assert hand_off_claim(claim.pk) == "no office"
    assert Claim.objects.get(pk=claim.pk).state == State.ACCEPTED
    assert ClaimEvent.objects.filter(claim=claim, name="no_office").count() == 1
    claim_reassign(actor=world.staff, claim=claim, office=world.office, reason="covers 9000 now")
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.state, stored.office) == (State.WITH_BAILIFF, world.office)


@pytest.mark.django_db
def test_the_office_is_emailed_on_hand_off(world: World) -> None:
    claim = world.claim_in(State.ACCEPTED)
    mail.outbox.clear()
    hand_off_claim.apply(args=(claim.pk,))
    # on_commit runs at once here: the test's transaction is not committed, so call directly
    office_notify(claim=Claim.objects.get(pk=claim.pk), office=world.office, event="claim.assigned")
    assert mail.outbox and mail.outbox[-1].to == ["bailiff@office.test"]
    assert claim.code in mail.outbox[-1].subject


@pytest.mark.django_db
def test_an_office_sees_only_its_own_claims(world: World) -> None:
    other = Office.objects.create(name="Other office", enterprise_number="0999000624")
    stranger = User.objects.create_user(email="clerk@other.test", password="x" * 12)
    OfficeMembership.objects.create(office=other, user=stranger)
    mine = world.claim_in(State.WITH_BAILIFF)
    assert api(world).get("/api/v1/bailiff/claims").json()["count"] == 1
    theirs_client = api(world, stranger)
    assert theirs_client.get("/api/v1/bailiff/claims").json()["count"] == 0
    assert theirs_client.get(f"/api/v1/bailiff/claims/{mine.code}").status_code == 404
    assert act(theirs_client, mine, "solvency", score=50).status_code == 404
    assert ClaimEvent.objects.filter(claim=mine, name="solvency_checked").count() == 0
    portal = Client()
    portal.force_login(stranger)
    assert portal.get(f"/bailiff/claims/{mine.code}/").status_code == 404


@pytest.mark.django_db
def test_the_work_queue_is_sorted_by_the_next_deadline(world: World) -> None:
    later = world.claim_in(State.SUMMONS_SERVED, served_days_ago=1)
    sooner = world.claim_in(State.SUMMONS_SERVED, served_days_ago=20)
    body = api(world).get("/api/v1/bailiff/claims").json()
    codes = [item["code"] for item in body["results"]]
    assert codes.index(sooner.code) < codes.index(later.code)
    assert body["results"][0]["creditor_registration_number"] == "0999000822"
    filtered = api(world).get("/api/v1/bailiff/claims?state=with_bailiff").json()
    assert filtered["count"] == 0
    html = world.client_for(world.bailiff).get("/bailiff/").content.decode()
    assert html.index(sooner.code) < html.index(later.code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "action", "data"),
    [
        (State.ACCEPTED, "solvency", {"score": 50}),
        (State.SUMMONS_SERVED, "summons", {"served_on": "2026-01-01", "manner": "at_seat"}),
        (State.WITH_BAILIFF, "payment", {"amount": "10.00", "paid_on": "2026-01-01"}),
        (
            State.WITH_BAILIFF,
            "facilities",
            {"instalments": [{"due_date": "2026-12-01", "amount": "100.00"}]},
        ),
        (State.WITH_BAILIFF, "contest", {"reason": "not delivered"}),
        (State.SUMMONS_SERVED, "pv", {"drawn_on": "2026-01-01"}),
        (State.SUMMONS_SERVED, "title", {"reference": "CBB/1", "granted_on": "2026-01-01"}),
        (
            State.PV_DRAWN,
            "enforcement",
            {"step": "order_to_pay", "cost": "0.00", "done_on": "2026-01-01"},
        ),
        (State.PAID, "close", {"outcome": "paid"}),
    ],
)
def test_every_action_in_a_wrong_state_is_a_409_and_changes_nothing(
    world: World, state: State, action: str, data: dict[str, Any]
) -> None:
    claim = world.claim_in(state, served_days_ago=60)
    Claim.objects.filter(pk=claim.pk).update(office=world.office)
    before = ClaimEvent.objects.filter(claim=claim).count()
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        response = act(api(world), claim, action, **data)
    assert response.status_code == 409, response.content
    assert "detail" in response.json()
    assert Claim.objects.get(pk=claim.pk).state == state
    assert ClaimEvent.objects.filter(claim=claim).count() == before


@pytest.mark.django_db
def test_a_date_before_the_allowed_one_is_a_400(world: World) -> None:
    client = api(world)
    claim = world.claim_in(State.WITH_BAILIFF)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = act(client, claim, "summons", served_on=yesterday, manner="at_seat")
    assert response.status_code == 400
    assert list(response.json()) == ["served_on"]
    ready = world.claim_in(State.READY_FOR_PV, served_days_ago=60)
    Claim.objects.filter(pk=ready.pk).update(pv_requested_at=timezone.now())
    assert ready.pv_earliest_on is not None
    early = (ready.pv_earliest_on - timedelta(days=1)).isoformat()
    response = act(client, ready, "pv", drawn_on=early)
    assert response.status_code == 400 and list(response.json()) == ["drawn_on"]
    assert Claim.objects.get(pk=ready.pk).state == State.READY_FOR_PV


@pytest.mark.django_db
def test_the_pv_waits_for_the_creditors_request(world: World) -> None:
    claim = world.claim_in(State.READY_FOR_PV, served_days_ago=60)
    today = timezone.localdate().isoformat()
    assert act(api(world), claim, "pv", drawn_on=today).status_code == 409
    creditor = world.client_for(world.owner)
    assert creditor.post(f"/api/v1/claims/{claim.code}/pv-request").status_code == 200
    assert act(api(world), claim, "pv", drawn_on=today).status_code == 200
    assert Claim.objects.get(pk=claim.pk).state == State.PV_DRAWN


@pytest.mark.django_db
def test_the_whole_procedure_by_api(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from fees.services import payment_confirm_transfer, payment_start

    client, creditor = api(world), world.client_for(world.owner)
    claim = world.claim_in(State.AWAITING_ADVANCE)
    payment, _ = payment_start(account=world.account, actor=world.owner, claim=claim)
    with django_capture_on_commit_callbacks(execute=True):
        payment_confirm_transfer(actor=world.staff, payment=payment)
    claim.refresh_from_db()
    assert claim.state == State.WITH_BAILIFF
    today = timezone.localdate()
    assert act(client, claim, "solvency", score=12).json()["state"] == "solvency_doubtful"
    assert (
        creditor.post(
            f"/api/v1/claims/{claim.code}/solvency-decision", {"decision": "continue"}
        ).status_code
        == 200
    )
    body = act(client, claim, "summons", served_on=today.isoformat(), manner="at_seat").json()
    assert body["state"] == "summons_served"
    plan = [{"due_date": (today + timedelta(days=10)).isoformat(), "amount": "500.00"}]
    assert act(client, claim, "facilities", instalments=plan).status_code == 200
    assert (
        creditor.post(f"/api/v1/claims/{claim.code}/facilities", {"accept": True}).json()["state"]
        == "facilities_granted"
    )
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        body = act(client, claim, "facilities", missed_instalment=True).json()
    assert body["state"] == "summons_served"
    claim.refresh_from_db()
    assert claim.window_ends_at is not None
    with time_machine.travel(claim.window_ends_at + timedelta(minutes=1)):
        assert claim_sweep_due().moved == 1
        client, creditor = api(world), world.client_for(world.owner)  # sessions last two weeks
        assert creditor.post(f"/api/v1/claims/{claim.code}/pv-request").status_code == 200
        day = timezone.localdate().isoformat()
        assert act(client, claim, "pv", drawn_on=day).json()["state"] == "pv_drawn"
        body = act(client, claim, "title", reference="CBB-2026-77", granted_on=day).json()
        assert body["state"] == "enforceable"
        refused = act(client, claim, "enforcement", step="seizure_bank", cost="900.00", done_on=day)
        assert refused.status_code == 400  # beyond the advance, and no consent yet
        assert (
            creditor.post(
                f"/api/v1/claims/{claim.code}/consent", {"up_to_amount": "1000.00"}
            ).status_code
            == 200
        )
        body = act(
            client, claim, "enforcement", step="seizure_bank", cost="900.00", done_on=day
        ).json()
        assert body["state"] == "enforcement"
        body = act(client, claim, "receipt", received="500.00", paid_out="0.00", on=day).json()
        assert body["state"] == "enforcement"
        body = act(client, claim, "close", outcome="irrecoverable", reason="nothing left").json()
    assert body["state"] == "irrecoverable"
    names = list(ClaimEvent.objects.filter(claim=claim).values_list("name", flat=True))
    for expected in [
        "solvency_doubtful",
        "continue_at_own_risk",
        "serve_summons",
        "facilities_requested",
        "grant_facilities",
        "miss_instalment",
        "window_elapsed",
        "pv_requested",
        "draw_pv",
        "request_title",
        "grant_title",
        "start_enforcement",
        "enforcement_step",
        "debtor_paid",
        "enforcement_failed",
    ]:
        assert expected in names


@pytest.mark.django_db
def test_a_contest_with_the_answer_form_ends_the_ios(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    client = api(world)
    form = SimpleUploadedFile("answer.pdf", b"%PDF-1.4 answer form", "application/pdf")
    response = client.post(
        f"/api/v1/bailiff/claims/{claim.code}/contest",
        {"reason": "Goods never delivered", "answer_form": form},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert Claim.objects.get(pk=claim.pk).state == State.CONTESTED
    document = ClaimDocument.objects.get(claim=claim)
    assert document.kind == "answer_form" and document.uploaded_by == world.bailiff
    # The creditor downloads it through its own access check.
    creditor = world.client_for(world.owner)
    assert creditor.get(f"/claims/{claim.code}/documents/{document.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_full_payment_through_the_office_closes_the_claim(world: World) -> None:
    from fees.services import payment_confirm_transfer, payment_start

    claim = world.claim_in(State.AWAITING_ADVANCE)
    payment, _ = payment_start(account=world.account, actor=world.owner, claim=claim)
    payment_confirm_transfer(actor=world.staff, payment=payment)
    hand_off_claim(claim.pk)
    today = timezone.localdate().isoformat()
    client = api(world)
    act(client, claim, "summons", served_on=today, manner="in_person")
    money = world.client_for(world.owner).get(f"/api/v1/claims/{claim.code}/money").json()
    due = D(money["debtor_still_owes"]) if D(money["debtor_still_owes"]) else None
    body = act(client, claim, "payment", amount="100.00", paid_on=today).json()
    assert body["state"] == "summons_served"
    money = world.client_for(world.owner).get(f"/api/v1/claims/{claim.code}/money").json()
    rest = D(money["debtor_still_owes"])
    assert due is None or rest == due - D("100.00")
    body = act(client, claim, "payment", amount=str(rest), paid_on=today).json()
    assert body["state"] == "paid"


@pytest.mark.django_db
def test_the_portal_records_an_action_and_shows_errors_next_to_it(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    portal = world.client_for(world.bailiff)
    page = portal.get(f"/bailiff/claims/{claim.code}/").content.decode()
    assert 'name="score"' in page and 'value="summons"' in page
    response = portal.post(f"/bailiff/claims/{claim.code}/", {"action": "solvency", "score": "x"})
    assert response.status_code == 400
    assert (
        portal.post(
            f"/bailiff/claims/{claim.code}/", {"action": "solvency", "score": "55"}
        ).status_code
        == 302
    )
    assert ClaimEvent.objects.filter(claim=claim, name="solvency_checked").exists()


# --- webhooks ---------------------------------------------------------------------------------


class Receiver:
    """A local webhook endpoint that fails the first `failures` calls."""

    def __init__(self, secret: str, failures: int) -> None:
        self.secret, self.failures = secret, failures
        self.received: list[tuple[dict[str, Any], bool]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stamp = self.headers["X-IOS-Timestamp"]
                expected = hmac.new(
                    receiver.secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256
                ).hexdigest()
                valid = self.headers["X-IOS-Signature"] == f"sha256={expected}"
                receiver.received.append((json.loads(body), valid))
                failing = receiver.failures > 0
                receiver.failures -= 1
                self.send_response(500 if failing else 204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def receiver_factory() -> Iterator[Any]:
    made: list[Receiver] = []

    def make(failures: int) -> Receiver:
        made.append(Receiver("s3cret", failures))
        return made[-1]

    yield make
    for receiver in made:
        receiver.server.shutdown()


@pytest.mark.django_db
def test_a_signed_webhook_is_retried_with_backoff_until_delivered(
    world: World, receiver_factory: Any
) -> None:
    receiver = receiver_factory(failures=2)
    Office.objects.filter(pk=world.office.pk).update(
        webhook_url=receiver.url, webhook_secret="s3cret"
    )
    world.office.refresh_from_db()
    claim = world.claim_in(State.WITH_BAILIFF)
    notification = office_notify(claim=claim, office=world.office, event="claim.assigned")
    assert deliver_webhooks() == 0  # 500
    assert deliver_webhooks() == 0  # not due again yet: backoff
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert deliver_webhooks() == 0  # second failure
    with time_machine.travel(timezone.now() + timedelta(minutes=8)):
        assert deliver_webhooks() == 1
    stored = OfficeNotification.objects.get(pk=notification.pk)
    assert (stored.state, stored.attempts) == ("delivered", 3)
    assert all(valid for _payload, valid in receiver.received)
    assert receiver.received[0][0]["claim"] == claim.code


@pytest.mark.django_db
def test_after_ten_failed_tries_over_a_day_staff_are_alerted(
    world: World, receiver_factory: Any
) -> None:
    receiver = receiver_factory(failures=100)
    Office.objects.filter(pk=world.office.pk).update(
        webhook_url=receiver.url, webhook_secret="s3cret"
    )
    world.office.refresh_from_db()
    claim = world.claim_in(State.WITH_BAILIFF)
    notification = office_notify(claim=claim, office=world.office, event="claim.assigned")
    start = timezone.now()
    for hour in range(0, 25 * 60, 5):  # every 5 minutes for a day
        with time_machine.travel(start + timedelta(minutes=hour)):
            deliver_webhooks()
    stored = OfficeNotification.objects.get(pk=notification.pk)
    assert stored.state == "failed" and stored.attempts == MAX_TRIES == 10
    assert len(receiver.received) == 10
    alert = ClaimEvent.objects.get(claim=claim, name="office_not_reached")
    assert "10 times" in alert.reason


@pytest.mark.django_db
def test_staff_see_hand_off_problems_and_reassign(world: World) -> None:
    other = Office.objects.create(name="Second office", enterprise_number="0999000624")
    CoverageRange.objects.all().delete()
    waiting = world.claim_in(State.ACCEPTED)
    hand_off_claim(waiting.pk)
    staff = world.client_for(world.staff)
    page = staff.get("/backoffice/handoff/").content.decode()
    assert waiting.code in page
    assert (
        staff.post(
            "/backoffice/handoff/", {"code": waiting.code, "office": other.pk, "reason": ""}
        ).status_code
        == 400
    )
    response = staff.post(
        "/backoffice/handoff/",
        {"code": waiting.code.lower(), "office": other.pk, "reason": "manual"},
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=waiting.pk).office == other
    creditor_page = world.client_for(world.owner).get(f"/claims/{waiting.code}/").content.decode()
    assert "Second office" in creditor_page


@pytest.mark.django_db
def test_an_office_member_creates_and_revokes_a_hashed_token(world: World) -> None:
    from creditors.models import ApiToken

    portal = world.client_for(world.bailiff)
    page = portal.post("/bailiff/tokens/", {"name": "case system"}).content.decode()
    token = ApiToken.objects.get(user=world.bailiff, name="case system")
    secret = page.split("<code>")[1].split("</code>")[0]
    assert secret not in token.token_hash and len(token.token_hash) == 64  # stored hashed
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/bailiff/claims").status_code == 200
    portal.post("/bailiff/tokens/", {"revoke": token.pk})
    assert client.get("/api/v1/bailiff/claims").status_code == 401

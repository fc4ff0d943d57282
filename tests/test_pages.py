"""Creditor pages /claims/ and /claims/<code>/, login, healthz."""

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from claims.services import claim_sweep_due
from claims.states import State
from tests.conftest import World


@pytest.mark.django_db
def test_login_page_and_login(world: World) -> None:
    EmailAddress.objects.create(user=world.owner, email=world.owner.email, verified=True)
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/", {"login": "owner@a.test", "password": "pw-123456789"}
    )
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).status_code == 200
    assert client.get("/claims/").status_code == 200


@pytest.mark.django_db
def test_wrong_password_shows_the_error_next_to_the_form(world: World) -> None:
    response = Client().post("/accounts/login/", {"login": "owner@a.test", "password": "x"})
    assert response.status_code == 200
    assert b'role="alert"' in response.content


@pytest.mark.django_db
def test_claim_list_shows_own_claims_with_constant_queries(world: World) -> None:
    client = world.client_for(world.read_only)
    world.claim_in(State.SUMMONS_SERVED)
    theirs = world.draft(account=world.other_account)
    with CaptureQueriesContext(connection) as one:
        response = client.get("/claims/")
    assert response.status_code == 200
    assert theirs.code.encode() not in response.content
    for _ in range(6):
        world.claim_in(State.SUMMONS_SERVED)
    with CaptureQueriesContext(connection) as seven:
        response = client.get("/claims/")
    assert response.content.count(b'class="state state-summons_served"') == 7
    assert len(seven) == len(one)


@pytest.mark.django_db
def test_claim_detail_shows_history_and_deadlines(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    response = world.client_for(world.member).get(f"/claims/{claim.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert claim.code in html
    assert "Summons served" in html
    assert "PV possible from" in html
    assert "Summons to pay served" in html  # the history says each step in words
    assert "serve_summons" not in html  # never the internal event name
    assert "Possible next steps" in html


@pytest.mark.django_db
def test_read_only_member_sees_no_actions(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    html = world.client_for(world.read_only).get(f"/claims/{claim.code}/").content.decode()
    assert "Possible next steps" not in html


@pytest.mark.django_db
def test_another_tenants_claim_page_is_404(world: World) -> None:
    theirs = world.draft(account=world.other_account)
    assert world.client_for(world.owner).get(f"/claims/{theirs.code}/").status_code == 404


@pytest.mark.django_db
def test_pages_exist_in_dutch_and_french(world: World) -> None:
    client = world.client_for(world.owner)
    assert client.get("/nl/claims/").status_code == 200
    assert client.get("/fr/claims/").status_code == 200


@pytest.mark.django_db
def test_anonymous_is_sent_to_login() -> None:
    response = Client().get("/claims/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_healthz_reports_the_last_sweep() -> None:
    client = Client()
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["last_sweep_at"] is None
    claim_sweep_due()
    assert client.get("/healthz").json()["last_sweep_at"] is not None


@pytest.mark.django_db
def test_search_by_reference_debtor_or_invoice_number(world: World) -> None:
    first = world.draft(reference="PO-7781")
    second = world.draft(reference="OTHER")
    client = world.client_for(world.owner)
    html = client.get("/claims/?q=po-77").content.decode()
    assert first.code in html and second.code not in html
    body = client.get("/api/v1/claims?search=inv-1").json()
    assert body["count"] == 2  # both carry invoice INV-1
    body = client.get("/api/v1/claims?search=schrijnwerkerij").json()
    assert body["count"] == 2
    assert client.get("/api/v1/claims?search=nothing-like-this").json()["count"] == 0
    theirs = world.draft(account=world.other_account, reference="PO-7781")
    assert theirs.code not in client.get("/claims/?q=PO-7781").content.decode()


@pytest.mark.django_db
def test_filter_by_state_and_bad_state_is_a_400(world: World) -> None:
    world.claim_in(State.PAID)
    world.draft()
    client = world.client_for(world.owner)
    assert client.get("/api/v1/claims?state=paid").json()["count"] == 1
    response = client.get("/api/v1/claims?state=nonsense")
    assert response.status_code == 400
    assert list(response.json()) == ["state"]


@pytest.mark.django_db
def test_a_user_in_two_accounts_switches_between_them(world: World) -> None:
    from creditors.models import Role
    from creditors.services import membership_add

    membership_add(
        account=world.other_account, actor=world.outsider, user=world.owner, role=Role.READ_ONLY
    )
    mine = world.draft(reference="A-CLAIM")
    theirs = world.draft(account=world.other_account, reference="B-CLAIM")
    client = world.client_for(world.owner)
    assert mine.code in client.get("/claims/").content.decode()
    response = client.post("/accounts/switch/", {"account": world.other_account.pk})
    assert response.status_code == 302
    html = client.get("/claims/").content.decode()
    assert theirs.code in html and mine.code not in html
    assert client.get(f"/api/v1/claims/{theirs.code}").status_code == 200
    assert client.get(f"/api/v1/claims/{mine.code}").status_code == 404  # not the chosen account
    # The page of a claim in another of the user's accounts (a link in an e-mail) switches to it.
    assert client.get(f"/claims/{mine.code}/")["Location"] == f"/claims/{mine.code}/"
    assert mine.code in client.get("/claims/").content.decode()
    assert client.post("/accounts/switch/", {"account": "x"}).status_code == 404


@pytest.mark.django_db
def test_filters_company_action_needed_and_sort(world: World) -> None:
    from creditors.services import company_create

    second = company_create(
        account=world.account,
        actor=world.owner,
        name="Second NV",
        country="BE",
        registration_number="0999000921",
        language="nl",
    )
    to_pay = world.claim_in(State.AWAITING_ADVANCE)
    waiting = world.claim_in(State.WITH_BAILIFF)
    Claim.objects.filter(pk=waiting.pk).update(company=second)
    client = world.client_for(world.owner)
    body = client.get("/api/v1/claims?action_needed=true").json()
    assert [item["code"] for item in body["results"]] == [to_pay.code]
    body = client.get(f"/api/v1/claims?company={second.pk}").json()
    assert [item["code"] for item in body["results"]] == [waiting.code]
    newest_first = [i["code"] for i in client.get("/api/v1/claims").json()["results"]]
    oldest_first = [i["code"] for i in client.get("/api/v1/claims?sort=created").json()["results"]]
    assert newest_first == list(reversed(oldest_first)) == [waiting.code, to_pay.code]
    assert list(client.get("/api/v1/claims?sort=price").json()) == ["sort"]
    other_company = world.other_company.pk
    assert list(client.get(f"/api/v1/claims?company={other_company}").json()) == ["company"]
    html = client.get("/claims/?action_needed=1").content.decode()
    assert to_pay.code in html and waiting.code not in html
    html = client.get(f"/claims/?company={second.pk}&sort=created").content.decode()
    assert waiting.code in html and to_pay.code not in html


@pytest.mark.django_db
def test_detail_shows_the_timeline_the_window_and_the_money(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED, served_days_ago=10)
    html = world.client_for(world.owner).get(f"/claims/{claim.code}/").content.decode()
    assert 'class="timeline"' in html and 'class="window"' in html
    assert html.count('<li class="done">') == 4  # submitted, accepted, with bailiff, served
    assert claim.pv_earliest_on is not None
    assert f'datetime="{claim.pv_earliest_on.isoformat()}"' in html  # the coming PV day
    assert "Advance paid" in html


def test_the_window_places_today_between_service_and_the_pv_day() -> None:
    from datetime import date

    from claims.models import Claim as ClaimModel
    from claims.timeline import claim_window

    claim = ClaimModel(
        served_on=date(2025, 1, 15),
        month_ends_on=date(2025, 2, 17),
        pv_earliest_on=date(2025, 2, 26),
    )
    window = claim_window(claim, today=date(2025, 2, 5))
    assert window is not None
    assert (window.month_percent, window.today_percent) == (79, 50)  # 33 and 21 of 42 days
    assert claim_window(claim, today=date(2026, 1, 1)).today_percent == 100  # type: ignore[union-attr]
    assert claim_window(ClaimModel()) is None

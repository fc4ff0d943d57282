"""GET /api/v1/claims and /api/v1/claims/<code>, and the public deadline calculator."""

from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from claims.states import State
from creditors.services import api_token_create, api_token_revoke
from tests.conftest import World


@pytest.mark.django_db
def test_list_shows_state_deadlines_and_history(world: World) -> None:
    claim = world.claim_in(State.SUMMONS_SERVED)
    world.draft(account=world.other_account)  # never shown to A
    response = world.client_for(world.owner).get("/api/v1/claims")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["code"] == claim.code
    assert item["state"] == "summons_served"
    assert item["total"] == "1250.00"
    assert item["invoices"][0]["amount"] == "1250.00"
    assert claim.month_ends_on is not None
    assert item["deadlines"]["month_ends_on"] == claim.month_ends_on.isoformat()
    assert item["deadlines"]["window_ends_at"].endswith(("+01:00", "+02:00"))
    names = [event["name"] for event in item["events"]]
    assert names == ["submit", "request_advance", "accept_on_payment", "hand_off", "serve_summons"]


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_claims(world: World) -> None:
    client = world.client_for(world.owner)
    world.claim_in(State.WITH_BAILIFF)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/claims").status_code == 200
    for _ in range(8):
        world.claim_in(State.WITH_BAILIFF)
    with CaptureQueriesContext(connection) as nine:
        assert client.get("/api/v1/claims").json()["count"] == 9
    assert len(nine) == len(one)
    assert len(one) <= 9  # session, user, membership, count, claims, invoices, events+actors


@pytest.mark.django_db
def test_detail_and_other_tenants_claim(world: World) -> None:
    mine = world.claim_in(State.ACCEPTED)
    theirs = world.draft(account=world.other_account)
    client = world.client_for(world.owner)
    response = client.get(f"/api/v1/claims/{mine.code}")
    assert response.status_code == 200
    assert response.json()["state_label"] == "Accepted"
    assert client.get(f"/api/v1/claims/{mine.code.lower()}").status_code == 200
    assert client.get(f"/api/v1/claims/{theirs.code}").status_code == 404
    assert client.get("/api/v1/claims/NOSUCHCODE").status_code == 404


@pytest.mark.django_db
def test_anonymous_is_refused(world: World) -> None:
    assert Client().get("/api/v1/claims").status_code in {401, 403}


@pytest.mark.django_db
def test_bearer_token_acts_in_its_account_until_revoked(world: World) -> None:
    claim = world.draft()
    token, secret = api_token_create(user=world.owner, account=world.account, name="ERP")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(f"/api/v1/claims/{claim.code}").status_code == 200
    api_token_revoke(token=token, actor=world.owner)
    assert client.get(f"/api/v1/claims/{claim.code}").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get("/api/v1/claims").status_code == 401


def test_deadline_calculator_worked_example(client: Client) -> None:
    response = client.get("/api/v1/calculator/deadlines?served_on=2025-01-15")
    assert response.status_code == 200
    assert response.json() == {
        "served_on": "2025-01-15",
        "month_ends_on": "2025-02-17",
        "pv_earliest_on": "2025-02-26",
    }


@pytest.mark.parametrize(
    ("served_on", "month_ends_on", "pv_earliest_on"),
    [
        ("2025-01-31", "2025-02-28", "2025-03-10"),  # short month; +9 = Sun 9 Mar -> Mon 10
        ("2024-01-31", "2024-02-29", "2024-03-11"),  # leap year; +9 = Sat 9 Mar -> Mon 11
        ("2025-11-30", "2025-12-30", "2026-01-08"),  # +9 = Thu 8 Jan 2026
        ("2025-04-01", "2025-05-02", "2025-05-12"),  # 1 May holiday -> Fri 2 May
    ],
)
def test_deadline_calculator_month_ends(
    client: Client, served_on: str, month_ends_on: str, pv_earliest_on: str
) -> None:
    body = client.get(f"/api/v1/calculator/deadlines?served_on={served_on}").json()
    assert (body["month_ends_on"], body["pv_earliest_on"]) == (month_ends_on, pv_earliest_on)


def test_deadline_calculator_less_conservative_reading(client: Client, settings: object) -> None:
    settings.IOS_PV_CONSERVATIVE = False  # type: ignore[attr-defined]
    body = client.get("/api/v1/calculator/deadlines?served_on=2025-01-15").json()
    assert body["pv_earliest_on"] == "2025-02-25"


@pytest.mark.parametrize("value", ["", "2025-02-30", "tomorrow", "15/01/2025"])
def test_deadline_calculator_bad_input_names_the_field(client: Client, value: str) -> None:
    response = client.get(f"/api/v1/calculator/deadlines?served_on={value}")
    assert response.status_code == 400
    assert list(response.json()) == ["served_on"]
    assert isinstance(response.json()["served_on"][0], str)


def test_deadline_calculator_missing_field_in_french(client: Client) -> None:
    response = client.get("/api/v1/calculator/deadlines", HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9")
    assert response.status_code == 400
    assert response.json() == {"served_on": ["Ce champ est obligatoire."]}


def test_deadline_calculator_any_calendar_date(client: Client) -> None:
    for day in (date(2016, 7, 2), date(2030, 12, 31), date(2028, 2, 29)):
        assert client.get(f"/api/v1/calculator/deadlines?served_on={day}").status_code == 200


def test_openapi_schema_lists_the_endpoints(client: Client) -> None:
    response = client.get("/api/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/claims", "/api/v1/claims/{code}", "/api/v1/calculator/deadlines"} <= set(paths)

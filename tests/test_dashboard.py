"""The dashboard: claims by state, outstanding and recovered amounts, the recovery chart."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.dashboard import STATE_GROUPS, claims_by_state, dashboard_amounts
from claims.demo import walk_to
from claims.models import Claim
from claims.states import State
from creditors.models import Language
from creditors.selectors import SESSION_COMPANY_KEY
from creditors.services import company_create
from fees.ledger import ledger_debt_established, ledger_debtor_payment, ledger_direct_payment
from tests.conftest import World

BRUSSELS = ZoneInfo("Europe/Brussels")
ZERO = Decimal("0.00")


def _claim(world: World, state: State, amount: str, **kwargs: object) -> Claim:
    return walk_to(world.draft(amount=amount, **kwargs), state, world.cast)  # type: ignore[arg-type]


def _debt(claim: Claim, principal: str) -> None:
    ledger_debt_established(
        claim=claim, principal=Decimal(principal), interest=ZERO, costs=ZERO, flat_compensation=ZERO
    )


def _collect(claim: Claim, principal: str, paid: str) -> None:
    """The debtor pays `paid` through the bailiff on a debt of `principal`: all for the creditor."""
    _debt(claim, principal)
    ledger_debtor_payment(claim=claim, amount=Decimal(paid), received_on=date.today())


def _direct(claim: Claim, principal: str, paid: str) -> None:
    _debt(claim, principal)
    ledger_direct_payment(claim=claim, amount=Decimal(paid), paid_on=date.today())


def _count(html: str, attribute: str, value: str) -> int:
    """The count shown next to a group (data-group) or a state (data-state) on the page."""
    if attribute == "group":
        match = re.search(
            rf'data-group="{value}">\s*<h3>[^<]*<span class="count">(\d+)</span>', html
        )
    else:
        match = re.search(rf'<span class="count" data-state="{value}">(\d+)</span>', html)
    assert match, f"no count for {attribute}={value}"
    return int(match.group(1))


@pytest.fixture
def portfolio(world: World) -> World:
    """Account A: 2 drafts, 3 claims in progress (500 + 1000 + 2000), 1 paid, 1 contested,
    1 cancelled; 300 collected through the bailiff and 200 paid directly. Account B has its own
    claims in progress, which A must never see."""
    world.draft(amount="111.00")
    world.draft(amount="222.00")
    _claim(world, State.AWAITING_ADVANCE, "500.00")
    served = _claim(world, State.SUMMONS_SERVED, "1000.00")
    ready = _claim(world, State.READY_FOR_PV, "2000.00")
    _claim(world, State.PAID, "4000.00")
    _claim(world, State.CONTESTED, "8000.00")
    _claim(world, State.CANCELLED, "16000.00")
    _collect(served, "1000.00", "300.00")
    _direct(ready, "2000.00", "200.00")
    other = walk_to(
        world.draft(account=world.other_account, amount="99999.00"),
        State.SUMMONS_SERVED,
        world.cast,
    )
    _collect(other, "99999.00", "5000.00")
    return world


def test_every_state_is_in_exactly_one_group() -> None:
    grouped = [state for _key, _label, states in STATE_GROUPS for state in states]
    assert sorted(grouped) == sorted(State)


@pytest.mark.django_db
def test_counts_per_state_group_with_links_to_the_filtered_list(portfolio: World) -> None:
    response = portfolio.client_for(portfolio.owner).get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    expected_groups = {
        "drafts": 2, "advance": 1, "review": 0, "bailiff": 0, "window": 2, "after_pv": 0,
        "paid": 1, "unpaid": 1, "stopped": 1,
    }  # fmt: skip
    assert {key: _count(html, "group", key) for key in expected_groups} == expected_groups
    assert _count(html, "state", "summons_served") == 1
    assert _count(html, "state", "ready_for_pv") == 1
    assert _count(html, "state", "contested") == 1
    assert 'href="/claims/?state=summons_served"' in html
    assert 'href="/claims/?state=draft"' in html


@pytest.mark.django_db
def test_outstanding_and_recovered_amounts(portfolio: World) -> None:
    amounts = dashboard_amounts(account=portfolio.account)
    assert amounts.outstanding == Decimal("3500.00")  # 500 + 1000 + 2000; no drafts, no closed
    assert amounts.open_claims == 3
    assert (amounts.collected, amounts.direct) == (Decimal("300.00"), Decimal("200.00"))
    assert amounts.recovered == Decimal("500.00")
    english = portfolio.client_for(portfolio.owner).get("/dashboard/").content.decode()
    assert "€3,500.00" in english and "€500.00" in english
    dutch = portfolio.client_for(portfolio.owner).get("/nl/dashboard/").content.decode()
    assert "€\u00a03.500,00" in dutch


@pytest.mark.django_db
def test_another_tenants_claims_are_never_counted(portfolio: World) -> None:
    html = portfolio.client_for(portfolio.owner).get("/dashboard/").content.decode()
    assert "99,999.00" not in html and "5,000.00" not in html
    assert _count(html, "group", "window") == 2
    # B's owner sees B's figures only.
    other = portfolio.client_for(portfolio.outsider).get("/dashboard/").content.decode()
    assert _count(other, "group", "window") == 1
    assert _count(other, "group", "drafts") == 0
    assert "€99,999.00" in other and "€5,000.00" in other
    assert "€3,500.00" not in other


@pytest.mark.django_db
def test_read_only_member_sees_the_dashboard_without_actions(portfolio: World) -> None:
    client = portfolio.client_for(portfolio.read_only)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "€3,500.00" in response.content.decode()
    assert b'method="post" action="/dashboard' not in response.content
    assert client.post("/dashboard/").status_code == 405


@pytest.mark.django_db
def test_bailiffs_staff_and_anonymous_get_no_dashboard(world: World) -> None:
    assert world.client_for(world.bailiff).get("/dashboard/").status_code == 404
    assert world.client_for(world.staff).get("/dashboard/").status_code == 404
    assert Client().get("/dashboard/").status_code == 302


@pytest.mark.django_db
def test_the_company_chosen_in_the_header_narrows_every_figure(portfolio: World) -> None:
    second = company_create(
        account=portfolio.account, actor=portfolio.owner, name="A Two BV", country="BE",
        registration_number="0999000921", language=Language.NL,
    )  # fmt: skip
    claim = _claim(portfolio, State.SUMMONS_SERVED, "700.00")
    Claim.objects.filter(pk=claim.pk).update(company=second)
    assert dashboard_amounts(account=portfolio.account, company=second).outstanding == Decimal(
        "700.00"
    )
    groups = {g.key: g.count for g in claims_by_state(account=portfolio.account, company=second)}
    assert groups["window"] == 1 and groups["drafts"] == 0
    client = portfolio.client_for(portfolio.owner)
    session = client.session
    session[SESSION_COMPANY_KEY] = second.pk
    session.save()
    html = client.get("/dashboard/").content.decode()
    assert "€700.00" in html and "A Two BV" in html
    assert f'href="/claims/?state=summons_served&amp;company={second.pk}"' in html
    assert _count(html, "group", "window") == 1


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=BRUSSELS)


def _submitted_on(world: World, day: date, state: State, amount: str) -> Claim:
    with time_machine.travel(_at(day), tick=False):
        return _claim(world, state, amount)


def _months(html: str) -> dict[str, str]:
    return dict(re.findall(r'<g class="month" data-month="([\d-]+)" data-rate="([\d.]*)">', html))


@pytest.mark.django_db
def test_the_chart_has_one_bar_per_month_with_its_recovery_rate(world: World) -> None:
    march_a = _submitted_on(world, date(2026, 3, 10), State.SUMMONS_SERVED, "1000.00")
    march_b = _submitted_on(world, date(2026, 3, 20), State.READY_FOR_PV, "3000.00")
    may = _submitted_on(world, date(2026, 5, 5), State.SUMMONS_SERVED, "2000.00")
    _submitted_on(world, date(2026, 5, 6), State.REJECTED, "9000.00")  # never in the procedure
    _submitted_on(world, date(2025, 5, 6), State.SUMMONS_SERVED, "9000.00")  # before the chart
    _collect(march_a, "1000.00", "300.00")
    _direct(march_b, "3000.00", "200.00")
    _collect(may, "2000.00", "2000.00")
    with time_machine.travel(_at(date(2026, 6, 15)), tick=False):
        html = world.client_for(world.owner).get("/dashboard/").content.decode()
    months = _months(html)
    assert list(months) == [f"{y}-{m:02d}" for y, m in [(2025, 7 + i) for i in range(6)]] + [
        f"2026-{m:02d}" for m in range(1, 7)
    ]
    assert months["2026-03"] == "12.5"  # (300 + 200) / (1000 + 3000)
    assert months["2026-05"] == "100.0"  # the rejected claim is left out
    assert [rate for rate in months.values() if rate] == ["12.5", "100.0"]
    assert html.count('<rect class="bar"') == 2
    assert 'role="img"' in html and "aria-label=" in html
    assert "March 2026 12.5 %" in html  # the text alternative names every month's rate
    assert "<details>" in html and "€4,000.00" in html  # the table: March claimed 4,000


@pytest.mark.django_db
def test_the_chart_keeps_svg_numbers_unlocalised_in_french(world: World) -> None:
    claim = _submitted_on(world, date(2026, 3, 10), State.SUMMONS_SERVED, "3000.00")
    _collect(claim, "3000.00", "1000.00")
    with time_machine.travel(_at(date(2026, 6, 15)), tick=False):
        html = world.client_for(world.owner).get("/fr/dashboard/").content.decode()
    assert _months(html)["2026-03"] == "33.3"
    rect = re.search(r'<rect class="bar" x="([^"]+)" y="([^"]+)" width="([^"]+)"', html)
    assert rect and all("," not in value for value in rect.groups())
    assert "33,3 %" in html  # what people read is in their language


def _queries_for_dashboard(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboard/").status_code == 200
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_claims(world: World) -> None:
    client = world.client_for(world.owner)
    _collect(_claim(world, State.SUMMONS_SERVED, "100.00"), "100.00", "10.00")
    few = _queries_for_dashboard(client)
    for state in (State.PAID, State.SUMMONS_SERVED, State.READY_FOR_PV, State.CANCELLED):
        for _index in range(3):
            _collect(_claim(world, State.SUMMONS_SERVED, "100.00"), "100.00", "10.00")
            _claim(world, state, "250.00")
    world.draft()
    assert Claim.objects.filter(account=world.account).count() == 26
    assert _queries_for_dashboard(client) == few

"""The quote: tariff brackets, interest per period, the damages clause and the 10 % cap."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from fees.money import (
    Bracket,
    Rate,
    advance,
    damages_clause,
    interest,
    ios_cap,
    money,
    refund_of,
)
from fees.selectors import tables_on

D = Decimal
URL = "/api/v1/calculator/quote"


@pytest.mark.parametrize(
    ("total", "excl"),
    [
        ("0.01", "187.54"),
        ("124.99", "187.54"),
        ("125.00", "223.56"),
        ("369.99", "223.56"),
        ("370.00", "259.74"),
        ("619.99", "259.74"),
        ("620.00", "277.88"),
        ("1859.99", "277.88"),
        ("1860.00", "314.06"),
        ("3719.99", "314.06"),
        ("3720.00", "350.08"),
        ("12399.99", "350.08"),
        ("12400.00", "386.38"),
        ("37199.99", "386.38"),
        ("37200.00", "458.72"),
        ("5000000.00", "458.72"),
    ],
)
@pytest.mark.django_db
def test_every_bracket_edge(total: str, excl: str) -> None:
    tables = tables_on(date(2026, 11, 24))
    result = advance(D(total), tables.brackets, vat_percent=D(21))
    assert result.excl_vat == D(excl)
    assert result.vat == money(D(excl) * D("0.21"))
    assert result.incl_vat == result.excl_vat + result.vat


@pytest.mark.django_db
def test_the_older_advance_table_applies_to_older_dates() -> None:
    tables = tables_on(date(2020, 5, 1))
    assert advance(D("1250.00"), tables.brackets, vat_percent=D(21)).excl_vat == D("249.17")


@pytest.mark.django_db
def test_partner_discount_halves_the_advance(client: Client) -> None:
    body = client.get(
        URL,
        {
            "principal": "1250.00",
            "due_date": "2026-01-15",
            "on": "2026-03-01",
            "partner_discount": "true",
        },
    ).json()
    assert body["advance"] == {"excl_vat": "138.94", "vat": "29.18", "incl_vat": "168.12"}


def test_money_rounds_a_half_cent_up_and_refuses_floats() -> None:
    assert money(D("0.005")) == D("0.01")
    assert money(D("2.675")) == D("2.68")  # a float would give 2.67
    assert money("58.3548") == D("58.35")
    with pytest.raises(TypeError):
        money(0.1)  # type: ignore[arg-type]


RATES = [
    Rate(1, date(2024, 1, 1), date(2024, 6, 30), D("12.50")),
    Rate(2, date(2024, 7, 1), date(2024, 12, 31), D("12.50")),
    Rate(3, date(2025, 1, 1), date(2025, 6, 30), D("11.50")),
    Rate(4, date(2025, 7, 1), date(2025, 12, 31), D("10.50")),
    Rate(5, date(2026, 1, 1), date(2026, 6, 30), D("10.50")),
]


def exact(principal: str, *periods: tuple[int, str]) -> Decimal:
    total = sum((D(principal) * D(rate) / 100 * days / 365 for days, rate in periods), D(0))
    return money(total)


def test_interest_across_a_half_year_boundary_is_split() -> None:
    # Due 20 Jun 2025: 21-30 Jun = 10 days at 11.50 %, 1-10 Jul = 10 days at 10.50 %.
    result = interest(D("10000.00"), date(2025, 6, 20), date(2025, 7, 10), RATES)
    assert result.amount == exact("10000.00", (10, "11.50"), (10, "10.50")) == D("60.27")
    assert result.rate_ids == (3, 4)
    assert not result.provisional


def test_interest_across_new_year_and_a_leap_year() -> None:
    # 2024 is a leap year: 29 Feb counts as a day, and the divisor stays 365.
    result = interest(D("1000.00"), date(2024, 2, 28), date(2024, 3, 1), RATES)
    assert result.days == 2
    assert result.amount == exact("1000.00", (2, "12.50")) == D("0.68")
    across = interest(D("1000.00"), date(2024, 12, 30), date(2025, 1, 2), RATES)
    assert across.amount == exact("1000.00", (1, "12.50"), (2, "11.50"))


def test_no_interest_on_or_before_the_due_date() -> None:
    assert interest(D("1000.00"), date(2025, 3, 1), date(2025, 3, 1), RATES).amount == D("0.00")
    assert interest(D("1000.00"), date(2025, 3, 1), date(2025, 2, 1), RATES).amount == D("0.00")


def test_a_day_without_a_known_rate_uses_the_last_one_and_is_provisional() -> None:
    result = interest(D("1000.00"), date(2026, 6, 29), date(2026, 7, 3), RATES)
    assert result.provisional
    assert result.amount == exact("1000.00", (4, "10.50"))


@pytest.mark.django_db
def test_due_dates_before_2016_are_refused_with_a_clear_message(client: Client) -> None:
    response = client.get(URL, {"principal": "100.00", "due_date": "2015-12-31"})
    assert response.status_code == 400
    assert response.json() == {"due_date": ["No interest rate is known for due dates before 2016."]}
    assert client.get(URL, {"principal": "100.00", "due_date": "2016-01-01"}).status_code == 200


def test_damages_clause_with_a_minimum() -> None:
    assert damages_clause(D("1000.00"), D("10")) == D("100.00")
    assert damages_clause(D("100.00"), D("10"), D("50.00")) == D("50.00")
    assert damages_clause(D("1000.00"), D("0"), D("50.00")) == D("0.00")
    assert damages_clause(D("333.33"), D("15")) == D("50.00")  # 49.9995 -> 50.00


def test_the_cap_bites_and_does_not() -> None:
    assert ios_cap(D("1000.00"), D("30.00"), D("50.00")) == ios_cap(D("1000.00"), D("80"), D(0))
    free = ios_cap(D("1000.00"), D("30.00"), D("50.00"))
    assert (free.cap, free.claimable, free.cap_applied) == (D("100.00"), D("80.00"), False)
    edge = ios_cap(D("1000.00"), D("50.00"), D("50.00"))
    assert (edge.claimable, edge.cap_applied) == (D("100.00"), False)
    bites = ios_cap(D("1000.00"), D("50.00"), D("50.01"))
    assert (bites.claimable, bites.cap_applied) == (D("100.00"), True)
    assert ios_cap(D("0.05"), D("0"), D("0.01")).cap == D("0.01")  # 0.005 rounds up


@pytest.mark.django_db
def test_the_quote_endpoint(client: Client) -> None:
    response = client.get(
        URL,
        {
            "principal": "1250.00",
            "due_date": "2025-06-20",
            "on": "2025-07-10",
            "damages_clause_percent": "5",
            "invoices": "3",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["advance"] == {"excl_vat": "277.88", "vat": "58.35", "incl_vat": "336.23"}
    assert body["interest"] == str(exact("1250.00", (10, "11.50"), (10, "10.50")))
    assert body["damages_clause"] == "62.50"
    assert body["ios_cap"] == "125.00"
    assert body["claimable_interest_and_damages"] == str(D(body["interest"]) + D("62.50"))
    assert body["cap_applied"] is False
    assert body["flat_compensation"] == "120.00"
    assert body["total_claim"] == str(
        D("1250.00") + D(body["claimable_interest_and_damages"]) + D("120.00")
    )


@pytest.mark.django_db
def test_defaults_and_the_cap_in_the_endpoint(client: Client) -> None:
    body = client.get(
        URL,
        {
            "principal": "1000.00",
            "due_date": "2016-01-01",
            "on": "2026-01-01",
            "damages_clause_percent": "10",
        },
    ).json()
    assert body["cap_applied"] is True
    assert body["claimable_interest_and_damages"] == "100.00"
    assert body["flat_compensation"] == "40.00"
    assert body["total_claim"] == "1140.00"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"principal": "abc", "due_date": "2025-01-01"}, "principal"),
        ({"principal": "-5.00", "due_date": "2025-01-01"}, "principal"),
        ({"principal": "10.001", "due_date": "2025-01-01"}, "principal"),
        ({"principal": "10.00", "due_date": "2025-02-30"}, "due_date"),
        ({"principal": "10.00"}, "due_date"),
        ({"principal": "10.00", "due_date": "2025-01-01", "on": "soon"}, "on"),
        ({"principal": "10.00", "due_date": "2025-01-01", "invoices": "0"}, "invoices"),
        (
            {"principal": "10.00", "due_date": "2025-01-01", "damages_clause_percent": "-1"},
            "damages_clause_percent",
        ),
    ],
)
@pytest.mark.django_db
def test_bad_input_names_the_field(client: Client, params: dict[str, str], field: str) -> None:
    response = client.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_refund_formula_keeps_vat_with_each_deduction() -> None:
    assert refund_of(D("277.88"), D("0"), D("21")) == D("336.23")
    assert refund_of(D("277.88"), D("90.00"), D("21")) == D("227.33")  # 187.88 x 1.21
    assert refund_of(D("80.00"), D("90.00"), D("21")) == D("0.00")


def test_brackets_refuse_what_no_bracket_covers() -> None:
    with pytest.raises(ValueError):
        advance(D("5"), [Bracket(1, D("10"), None, D("1"))], vat_percent=D(21))

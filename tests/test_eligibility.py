"""POST /api/v1/eligibility/check: every reason code, in NL, FR and EN."""

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from claims.eligibility import REASONS, Reason, add_years
from debtors.language import document_language

URL = "/api/v1/eligibility/check"
GHENT, NAMUR, BRUSSELS_NL, IXELLES, EUPEN = (
    "0999.000.723",
    "0999.000.822",
    "0999.001.020",
    "0999.000.921",
    "0999.001.119",
)


def body(**changes: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "creditor": {"country": "BE", "registration_number": NAMUR},
        "debtor": {"registration_number": GHENT},
        "invoices": [
            {
                "number": "F-1",
                "issue_date": "2026-01-05",
                "due_date": "2026-02-04",
                "amount": "1250.00",
            }
        ],
        "on": "2026-06-01",
    }
    request.update(changes)
    return request


def check(client: Client, request: dict[str, Any], language: str = "en") -> Any:
    response = client.post(
        URL, request, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200, response.content
    return response.json()


def codes(answer: Any) -> list[str]:
    return [reason["code"] for reason in answer["reasons"]]


@pytest.mark.usefixtures("register")
def test_an_eligible_claim(client: Client) -> None:
    answer = check(client, body())
    assert answer == {
        "verdict": "eligible",
        "reasons": [],
        "debtor": {"name": "Fixture Schrijnwerkerij Gent", "postal_code": "9000", "language": "nl"},
        "prescription_date": "2036-02-04",
    }


def invoice(**changes: Any) -> dict[str, Any]:
    base = {
        "number": "F-9",
        "issue_date": "2026-01-05",
        "due_date": "2026-02-04",
        "amount": "100.00",
    }
    return base | changes


# Each reason code with a request that provokes it and the verdict it must give.
CASES: dict[str, tuple[dict[str, Any], str]] = {
    "creditor_country_not_eligible": (
        {"creditor": {"country": "PT", "registration_number": "PT500000000"}},
        "ineligible",
    ),
    "creditor_not_registered": (
        {"creditor": {"country": "BE", "registration_number": "0403.170.701"}},
        "ineligible",
    ),
    "debtor_not_registered": ({"debtor": {"registration_number": "0403170701"}}, "ineligible"),
    "debtor_not_belgian": (
        {"debtor": {"registration_number": "FR40303265045", "country": "FR"}},
        "ineligible",
    ),
    "debtor_bankrupt": ({"debtor": {"registration_number": "0999.000.129"}}, "ineligible"),
    "debtor_reorganisation": ({"debtor": {"registration_number": "0999.000.228"}}, "ineligible"),
    "debtor_public_body": ({"debtor": {"registration_number": "0999.000.525"}}, "ineligible"),
    "debtor_address_missing": ({"debtor": {"registration_number": "0999.000.426"}}, "ineligible"),
    "claim_contested": ({"contested": True}, "ineligible"),
    "invoice_not_due": ({"invoices": [invoice(due_date="2026-06-01")]}, "ineligible"),
    "invoice_not_positive": (
        {"invoices": [invoice(amount="100.00", credit_notes="100.00")]},
        "ineligible",
    ),
    "invoice_time_barred": ({"invoices": [invoice(due_date="2016-05-31")]}, "ineligible"),
    "debtor_dissolution": ({"debtor": {"registration_number": "0999.000.327"}}, "review"),
    "debtor_situation_unknown": ({"debtor": {"registration_number": "0200.245.711"}}, "review"),
    "debtor_form_unknown": ({"debtor": {"registration_number": "0999.000.624"}}, "review"),
}


def test_every_reason_code_has_a_case() -> None:
    assert set(CASES) == set(REASONS)


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize("code", sorted(CASES))
def test_each_reason_code_with_its_messages_in_three_languages(client: Client, code: str) -> None:
    changes, verdict = CASES[code]
    messages = {}
    for language in ("en", "nl", "fr"):
        answer = check(client, body(**changes), language)
        assert answer["verdict"] == verdict
        assert code in codes(answer)
        messages[language] = next(r["message"] for r in answer["reasons"] if r["code"] == code)
    with translation.override("en"):
        params = {"invoice": "F-9", "date": "2026-05-31"} if code.startswith("invoice") else {}
        assert messages["en"] == Reason(code, params).message
    assert len(set(messages.values())) == 3, messages  # three different languages
    if code.startswith("invoice"):
        assert all("F-9" in message for message in messages.values())


@pytest.mark.usefixtures("register")
def test_dutch_and_french_messages_read_right(client: Client) -> None:
    request = body(debtor={"registration_number": "0999.000.129"})
    assert check(client, request, "nl-BE,nl;q=0.9")["reasons"][0]["message"] == (
        "De schuldenaar is failliet."
    )
    assert (
        check(client, request, "fr-BE")["reasons"][0]["message"] == "Le débiteur est en faillite."
    )


@pytest.mark.usefixtures("register")
def test_every_reason_is_given_not_just_the_first(client: Client) -> None:
    request = body(
        debtor={"registration_number": "0200.245.711"},
        contested=True,
        invoices=[
            invoice(number="A", due_date="2026-07-01"),
            invoice(number="B", amount="10.00", credit_notes="20.00"),
        ],
    )
    answer = check(client, request)
    assert answer["verdict"] == "ineligible"  # an ineligible reason wins over review
    assert codes(answer) == [
        "debtor_situation_unknown",
        "debtor_form_unknown",
        "claim_contested",
        "invoice_not_due",
        "invoice_not_positive",
    ]


@pytest.mark.usefixtures("register")
def test_a_sole_trader_with_an_address_is_eligible(client: Client) -> None:
    address = {"street": "Kerkstraat 1", "postal_code": "8000", "city": "Brugge"}
    answer = check(client, body(debtor={"registration_number": "0999.000.426", "address": address}))
    assert answer["verdict"] == "eligible"
    assert answer["debtor"]["postal_code"] == "8000"
    assert answer["debtor"]["language"] == "nl"


@pytest.mark.usefixtures("register")
def test_a_foreign_creditor_with_a_valid_number(client: Client) -> None:
    for country, number in [
        ("NL", "NL004495445B01"),
        ("FR", "732 829 320"),
        ("DE", "DE136695976"),
        ("LU", "B123456"),
        ("IT", "IT00743110157"),
        ("ES", "A13585625"),
        ("AT", "FN 122119m"),
    ]:
        creditor = {"country": country, "registration_number": number}
        assert check(client, body(creditor=creditor))["verdict"] == "eligible", country


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize(
    ("number", "language"),
    [(GHENT, "nl"), (NAMUR, "fr"), (IXELLES, "fr"), (BRUSSELS_NL, "nl"), (EUPEN, "de")],
)
def test_the_document_language_follows_the_seat(client: Client, number: str, language: str) -> None:
    answer = check(client, body(debtor={"registration_number": number}))
    assert answer["debtor"]["language"] == language


def test_brussels_without_a_register_language_follows_the_request_then_french() -> None:
    assert document_language("1000", register_languages={"nl", "fr"}, requested="nl") == "nl"
    assert document_language("1000", register_languages=set(), requested="en") == "fr"
    assert document_language("1000", register_languages={"fr", "nl"}, chosen="nl") == "nl"
    assert document_language("4791") == "de" and document_language("4792") == "fr"
    assert document_language("1300") == "fr" and document_language("1500") == "nl"


@pytest.mark.usefixtures("register")
def test_prescription_date_is_the_earliest_term(client: Client) -> None:
    invoices = [
        invoice(number="A", due_date="2024-02-29"),
        invoice(number="B", due_date="2025-03-01", periodic=True),
    ]
    answer = check(client, body(invoices=invoices))
    # 29 Feb 2024 + 10 years -> 28 Feb 2034; 1 Mar 2025 + 5 years -> 1 Mar 2030 (a Friday:
    # prescription dates are not moved to working days).
    assert answer["prescription_date"] == "2030-03-01"
    assert add_years(__import__("datetime").date(2024, 2, 29), 10).isoformat() == "2034-02-28"


@pytest.mark.usefixtures("register")
def test_time_barred_only_after_the_prescription_date(client: Client) -> None:
    request = body(invoices=[invoice(due_date="2016-06-01")], on="2026-06-01")
    assert check(client, request)["verdict"] == "eligible"  # the last day still counts
    request["on"] = "2026-06-02"
    assert codes(check(client, request)) == ["invoice_time_barred"]


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"debtor": {"registration_number": "0403.170.702"}}, "debtor"),
        ({"creditor": {"country": "BE", "registration_number": "12AB"}}, "creditor"),
        ({"creditor": {"country": "NL", "registration_number": "1234"}}, "creditor"),
        ({"invoices": []}, "invoices"),
        ({"invoices": [invoice(due_date="2026-02-30")]}, "invoices"),
        ({"invoices": [invoice(amount="ten")]}, "invoices"),
        ({"invoices": [invoice(credit_notes="-5.00")]}, "invoices"),
        ({"on": "yesterday"}, "on"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    client: Client, changes: dict[str, Any], field: str
) -> None:
    response = client.post(URL, body(**changes), content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.usefixtures("register")
def test_a_malformed_number_says_what_is_wrong(client: Client) -> None:
    response = client.post(
        URL,
        body(debtor={"registration_number": "0403.170.702"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json() == {
        "debtor": {
            "registration_number": ["This enterprise number fails its check digits (mod 97)."]
        }
    }


@pytest.mark.usefixtures("register")
def test_on_defaults_to_today(client: Client) -> None:
    request = body()
    del request["on"]
    assert check(client, request)["verdict"] == "eligible"


@pytest.mark.usefixtures("register")
def test_sixty_checks_a_minute_per_address(client: Client) -> None:
    for _ in range(60):
        assert client.post(URL, body(), content_type="application/json").status_code == 200
    assert client.post(URL, body(), content_type="application/json").status_code == 429
    other = client.post(URL, body(), content_type="application/json", REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


def test_the_schema_documents_the_check(client: Client) -> None:
    schema = client.get("/api/schema", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/eligibility/check"]["post"]
    assert "debtor_public_body" in operation["description"]
    assert "requestBody" in operation

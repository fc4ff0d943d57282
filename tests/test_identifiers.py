"""Enterprise and VAT numbers in any common spelling (domain.md section 4)."""

import pytest

from debtors.identifiers import (
    format_be_enterprise,
    normalise_be_enterprise,
    normalise_registration,
)


@pytest.mark.parametrize(
    "raw",
    [
        "0403.170.701",
        "BE 0403170701",
        "403170701",
        "BE0403.170.701",
        " 0403 170 701 ",
        "be0403170701",
    ],
)
def test_belgian_spellings_normalise_to_ten_digits(raw: str) -> None:
    assert normalise_be_enterprise(raw) == "0403170701"
    assert format_be_enterprise("0403170701") == "0403.170.701"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0403.170.702", "fails its check digits"),
        ("2403.170.701", "starts with 0 or 1"),
        ("12345", "has 10 digits"),
        ("04O3170701", "only digits"),
        ("", "Enter an enterprise number"),
    ],
)
def test_malformed_belgian_numbers_say_what_is_wrong(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalise_be_enterprise(raw)


@pytest.mark.parametrize(
    ("country", "raw", "expected"),
    [
        ("NL", "12345678", "12345678"),  # KvK: no stdnum module, format only
        ("NL", "NL004495445B01", "004495445B01"),
        ("FR", "732 829 320", "732829320"),
        ("FR", "FR40303265045", "40303265045"),
        ("DE", "DE136695976", "136695976"),
        ("LU", "B123456", "B123456"),
        ("IT", "IT00743110157", "00743110157"),
        ("ES", "A13585625", "A13585625"),
        ("AT", "FN 122119m", "122119m"),
        ("BE", "BE 0403170701", "0403170701"),
    ],
)
def test_foreign_creditor_numbers(country: str, raw: str, expected: str) -> None:
    assert normalise_registration(country, raw) == expected


@pytest.mark.parametrize(
    ("country", "raw"),
    [("NL", "1234567"), ("FR", "732829321"), ("AT", "hello"), ("PT", "500000000")],
)
def test_bad_foreign_numbers_are_refused(country: str, raw: str) -> None:
    with pytest.raises(ValueError):
        normalise_registration(country, raw)

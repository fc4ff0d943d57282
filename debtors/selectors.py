"""Reads of the enterprise register."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max

from debtors.classification import FORM, SITUATION, classify
from debtors.identifiers import format_be_enterprise
from debtors.language import REGISTER_LANGUAGES
from debtors.models import (
    Classification,
    CodeOverride,
    Denomination,
    Enterprise,
    RegisterAddress,
    RegisterCode,
    RegisterExtract,
)

NATURAL_PERSON = "1"
SEAT = "REGO"
NAME, COMMERCIAL_NAME = "001", "003"


@dataclass(frozen=True)
class Seat:
    street: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class RegisterEntry:
    number: str
    natural_person: bool
    situation_code: str
    situation: Classification
    form_code: str
    form: Classification | None  # None: no form check applies (natural persons)
    name: str
    name_languages: frozenset[str]
    seat: Seat | None


@dataclass
class _ClassificationCache:
    key: tuple[object, ...] | None = None
    table: dict[tuple[str, str], Classification] = field(default_factory=dict)


_cache = _ClassificationCache()


def _classification_key() -> tuple[object, ...]:
    latest = RegisterExtract.objects.aggregate(top=Max("id"), at=Max("imported_at"))
    overrides = CodeOverride.objects.aggregate(changed=Max("updated_at"), n=Count("id"))
    return (latest["top"], latest["at"], overrides["changed"], overrides["n"])


def classification_cache_clear() -> None:
    _cache.key = None


def classification_table() -> dict[tuple[str, str], Classification]:
    """(category, code) → classification, from code.csv descriptions and the overrides.

    Cached in the process until a new extract or an override changes it.
    """
    key = _classification_key()
    if _cache.key != key:
        descriptions: dict[tuple[str, str], list[str]] = {}
        rows = RegisterCode.objects.filter(category__in=[SITUATION, FORM])
        for category, code, text in rows.values_list("category", "code", "description"):
            descriptions.setdefault((category, code), []).append(text or "")
        table = {key_: classify(key_[0], texts) for key_, texts in descriptions.items()}
        for override in CodeOverride.objects.all():
            table[(override.category, override.code)] = Classification(override.classification)
        _cache.key, _cache.table = key, table
    return _cache.table


def register_date() -> date | None:
    """The snapshot date of the register in use (the last extract applied)."""
    latest = RegisterExtract.objects.order_by("-imported_at", "-id").first()
    return latest.snapshot_date if latest else None


def _name(denominations: list[Denomination]) -> str:
    for wanted in (NAME, COMMERCIAL_NAME):
        for denomination in denominations:
            if denomination.type_of_denomination == wanted and denomination.denomination:
                return denomination.denomination
    return (denominations[0].denomination or "") if denominations else ""


def register_lookup(number: str) -> RegisterEntry | None:
    """The register's entry for a normalised (ten-digit) enterprise number, or None."""
    number = format_be_enterprise(number)  # the register keeps the extract's spelling
    enterprise = Enterprise.objects.filter(number=number).first()
    if enterprise is None:
        return None
    denominations = list(Denomination.objects.filter(entity_number=number).order_by("id"))
    address = (
        RegisterAddress.objects.filter(entity_number=number, type_of_address=SEAT)
        .order_by("id")
        .first()
    )
    table = classification_table()
    natural = enterprise.type_of_enterprise == NATURAL_PERSON
    situation_code = enterprise.juridical_situation or ""
    form_code = enterprise.juridical_form or ""
    unknown = Classification.UNKNOWN
    situation = table.get((SITUATION, situation_code), unknown)
    form = None if natural else table.get((FORM, form_code), unknown)
    return RegisterEntry(
        number=number.replace(".", ""),
        natural_person=natural,
        situation_code=situation_code,
        situation=situation,
        form_code=form_code,
        form=form,
        name=_name(denominations),
        name_languages=frozenset(
            REGISTER_LANGUAGES[d.language]
            for d in denominations
            if d.language in REGISTER_LANGUAGES
        ),
        seat=_seat(address) if address else None,
    )


def _seat(address: RegisterAddress) -> Seat:
    street = " ".join(
        part
        for part in (address.street_nl or address.street_fr, address.house_number, address.box)
        if part
    )
    return Seat(
        street=street,
        postal_code=address.zipcode or "",
        city=address.municipality_nl or address.municipality_fr or "",
    )

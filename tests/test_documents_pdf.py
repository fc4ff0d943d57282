"""Legal documents as PDF: the text (extracted with pypdf) holds the mandatory mentions of
art. 1394/21 in the debtor's language, the amounts the money module gives for that claim and
both register numbers; only the shipped fonts are embedded; versions are immutable."""

import hashlib
import io
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from bailiffs.documents import (
    FONT_FAMILY,
    TEMPLATE_VERSION,
    DocumentError,
    DocumentIntegrityError,
    document_current,
    document_language_for,
    document_request_rerender,
    document_response,
    document_store,
    documents_for_event,
    documents_from_events,
    format_amount,
    format_date,
    format_iban,
    render_document,
    render_pdf,
)
from bailiffs.models import LegalDocument
from claims.codes import format_payment_reference
from claims.demo import walk_to
from claims.models import Claim, ClaimEvent
from claims.services import InvoiceInput, claim_create_draft
from claims.states import State
from creditors.models import Company, Language
from creditors.services import company_create
from debtors.identifiers import format_be_enterprise
from debtors.models import Debtor, RegisterExtract
from debtors.services import debtor_upsert
from fees.ledger import creditor_statement, ledger_direct_payment
from fees.models import Payment
from fees.selectors import ledger_balances
from fees.services import debt_for, ledger_follow_event
from tests.conftest import World

D = Decimal
ADVANCE = D("336.23")

# What art. 1394/21 asks the summons to say, as each language says it (domain.md §1).
MENTIONS = {
    "nl": [
        "Aanmaning tot betalen",
        "art. 1394/21 Ger.W.",
        "De verbintenis",  # the obligation
        "binnen een termijn van één maand vanaf de betekening",  # the demand to pay
        "Betaling uitsluitend door overschrijving op de derdenrekening",  # how
        "Betalen:",  # the options
        "Betalingsfaciliteiten vragen",
        "De schuld betwisten",
        "met opgave van uw redenen",
        "proces-verbaal van niet-betwisting",  # without reaction
        "uitvoerbaar worden verklaard",
        "Antwoordformulier",  # the answer form
        "Ondernemingsnummer (KBO)",  # the register numbers
    ],
    "fr": [
        "Sommation de payer",
        "art. 1394/21 C.jud.",
        "L'obligation",
        "dans un délai d'un mois à compter de la signification",
        "Paiement uniquement par virement sur le compte de tiers",
        "Payer :",
        "Demander des facilités de paiement",
        "Contester la dette",
        "en indiquant vos motifs",
        "procès-verbal de non-contestation",
        "déclaré exécutoire",
        "Formulaire de réponse",
        "Numéro d'entreprise (BCE)",
    ],
    "de": [
        "Zahlungsaufforderung",
        "Art. 1394/21 Ger.GB",
        "Die Verpflichtung",
        "innerhalb einer Frist von einem Monat ab der Zustellung",
        "Zahlung ausschließlich durch Überweisung auf das Anderkonto",
        "Zahlen:",
        "Zahlungserleichterungen beantragen",
        "Die Schuld bestreiten",
        "unter Angabe Ihrer Gründe",
        "Protokoll der Nichtbestreitung",
        "für vollstreckbar erklärt",
        "Antwortformular",
        "Unternehmensnummer (ZDU)",
    ],
}
TITLES = {
    "summons": {"nl": "Aanmaning tot betalen", "fr": "Sommation de payer",
                "de": "Zahlungsaufforderung"},
    "pv": {"nl": "Proces-verbaal van niet-betwisting", "fr": "Procès-verbal de non-contestation",
           "de": "Protokoll der Nichtbestreitung"},
    "certificate": {"nl": "Attest van oninbaarheid", "fr": "Attestation d'irrécouvrabilité",
                    "de": "Bescheinigung der Uneinbringlichkeit"},
    "balance_letter": {"nl": "Saldobrief", "fr": "Lettre de solde", "de": "Saldoschreiben"},
}  # fmt: skip


# --- Helpers -------------------------------------------------------------------------------------


def words(text: str) -> str:
    """Whitespace (line breaks, no-break spaces) collapsed: phrases survive line wrapping."""
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return words(" ".join(page.extract_text() for page in reader.pages))


def _dictionary(value: Any) -> DictionaryObject:
    value = value.get_object() if value is not None else None
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


def _fonts_in(resources: Any, found: dict[str, bool]) -> None:
    resources = _dictionary(resources)
    for reference in _dictionary(resources.get("/Font")).values():
        font = _dictionary(reference)
        parts = [font, *(_dictionary(d) for d in font.get("/DescendantFonts", []))]
        embedded = any(
            key in _dictionary(part.get("/FontDescriptor"))
            for part in parts
            for key in ("/FontFile", "/FontFile2", "/FontFile3")
        )
        name = str(font["/BaseFont"]).lstrip("/")
        found[name.split("+", 1)[-1]] = embedded  # without the subset tag ABCDEF+
    for xobject in _dictionary(resources.get("/XObject")).values():
        _fonts_in(_dictionary(xobject).get("/Resources"), found)


def pdf_fonts(pdf: bytes) -> dict[str, bool]:
    """Every font the PDF uses (page and form resources), name → embedded (like `pdffonts`)."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        _fonts_in(page.get("/Resources"), found)
    return found


def creditor(world: World) -> Company:
    """A creditor whose number differs from every debtor's, so each number is checked."""
    existing = Company.objects.filter(account=world.account, registration_number="0403170701")
    if existing.exists():
        return existing.get()
    return company_create(
        account=world.account, actor=world.owner, name="Crediteur Bouwmaterialen NV",
        country="BE", registration_number="0403.170.701", vat_number="BE0403170701",
        street="Industrieweg 12", postal_code="9000", city="Gent", language=Language.NL,
    )  # fmt: skip


def pay_advance(world: World, claim: Claim) -> None:
    Payment.objects.create(
        account=world.account, claim=claim, method="transfer", amount=ADVANCE,
        quote={}, state="succeeded", idempotency_key=f"advance-{claim.pk}",
    )  # fmt: skip


def served_claim(
    world: World,
    number: str,
    *,
    company: Company | None = None,
    state: State = State.SUMMONS_SERVED,
    damages: str = "5.00",
) -> Claim:
    """A claim on the register's debtor `number`, walked to `state` with its advance paid."""
    debtor = debtor_upsert(account=world.account, actor=world.owner, registration_number=number)
    due = timezone.localdate() - timedelta(days=120)
    claim = claim_create_draft(
        account=world.account,
        actor=world.owner,
        company=company or creditor(world),
        debtor=debtor,
        invoices=[
            InvoiceInput("F-2026-001", due - timedelta(days=30), due, D("1250.00")),
            InvoiceInput("F-2026-002", due + timedelta(days=10), due + timedelta(days=40),
                         D("2480.50")),
        ],
    )  # fmt: skip
    Claim.objects.filter(pk=claim.pk).update(
        damages_clause_percent=D(damages), damages_clause_minimum=D("50.00")
    )
    claim.refresh_from_db()
    pay_advance(world, claim)
    return walk_to(claim, state, world.cast)


# --- Formatting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "language", "expected"),
    [
        ("1234.56", "nl", "€\u00a01.234,56"),
        ("1234567.8", "fr", "€\u00a01.234.567,80"),
        ("40", "de", "€\u00a040,00"),
        ("-0.5", "nl", "€\u00a0-0,50"),
        ("1234.56", "en", "€\u00a01,234.56"),
    ],
)
def test_amounts_follow_the_document_languages_convention(
    amount: str, language: str, expected: str
) -> None:
    assert format_amount(D(amount), language) == expected


def test_dates_and_accounts_are_written_out() -> None:
    day = date(2026, 1, 1)
    assert format_date(day, "nl") == "1 januari 2026"
    assert format_date(day, "fr") == "1er janvier 2026"
    assert format_date(day, "de") == "1. Januar 2026"
    assert format_iban("be68539007547034") == "BE68 5390 0754 7034"


# --- The summons ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "language"),
    [
        ("0999000723", "nl"),  # Gent 9000
        ("0999000822", "fr"),  # Namur 5000
        ("0999001020", "nl"),  # Brussels 1000: the register's denomination is Dutch
        ("0999000921", "fr"),  # Ixelles 1050: the register's denomination is French
        ("0999001119", "de"),  # Eupen 4700: the German-speaking area
    ],
)
def test_the_summons_says_everything_art_1394_21_asks_in_the_debtors_language(
    world: World, register: RegisterExtract, number: str, language: str
) -> None:
    claim = served_claim(world, number)
    assert document_language_for(claim) == language

    text = pdf_text(render_pdf(claim, "summons", language))

    for mention in MENTIONS[language]:
        assert words(mention) in text, mention
    for other in {"nl", "fr", "de"} - {language}:  # and no other language's text
        assert MENTIONS[other][0] not in text
    # Every amount exactly as the money module gives it for this claim on the service day.
    assert claim.served_on is not None
    debt = debt_for(claim, on=claim.served_on)
    total = debt.principal + debt.claimable + debt.flat_compensation + debt.costs
    for amount in (debt.principal, debt.interest, debt.damages_clause, debt.claimable,
                   debt.flat_compensation, debt.costs, total):  # fmt: skip
        assert words(format_amount(amount, language)) in text, amount
    assert debt.costs == ADVANCE and debt.damages_clause == D("186.53")  # 5 % of 3,730.50
    # How to pay: the office's client account and the dossier's structured reference.
    assert words(format_iban(world.office.client_account_iban)) in text
    reference = format_payment_reference(claim.payment_reference)
    assert reference in text
    # The answer form's payment line keeps the reference whole.
    with_reference = {"nl": "met de mededeling", "fr": "avec la communication",
                      "de": "mit der Mitteilung"}  # fmt: skip
    assert f"{with_reference[language]} {reference}" in text
    # Both parties' register numbers (and the office's).
    assert format_be_enterprise(claim.company.registration_number) in text
    assert format_be_enterprise(number) in text
    assert format_be_enterprise(world.office.enterprise_number) in text
    # The summons cost is an unsettled tariff: said to be set by the bailiff, never invented.
    unsettled = {"nl": "te bepalen door de gerechtsdeurwaarder", "fr": "à fixer par l'huissier",
                 "de": "vom Gerichtsvollzieher nach dem Tarif festzusetzen"}  # fmt: skip
    assert unsettled[language] in text


@pytest.mark.django_db
def test_the_cap_is_shown_when_interest_and_damages_exceed_ten_percent(
    world: World, register: RegisterExtract
) -> None:
    claim = served_claim(world, "0999000723", damages="10.00")
    assert claim.served_on is not None
    debt = debt_for(claim, on=claim.served_on)
    assert debt.cap_applied and debt.claimable == D("373.05")

    text = pdf_text(render_pdf(claim, "summons", "nl"))

    assert "beperkt tot 10 % van de hoofdsom, dus ten hoogste € 373,05" in text
    assert "De beperking is toegepast." in text
    assert words(format_amount(debt.interest + debt.damages_clause, "nl")) not in text


@pytest.mark.django_db
def test_a_foreign_creditor_shows_its_own_register_number(
    world: World, register: RegisterExtract
) -> None:
    dutch = company_create(
        account=world.account, actor=world.owner, name="Groothandel BV", country="NL",
        registration_number="12345678", language=Language.NL,
    )  # fmt: skip
    claim = served_claim(world, "0999000822", company=dutch)

    text = pdf_text(render_pdf(claim, "summons", "fr"))

    assert "Numéro d'immatriculation: 12345678 (NL)" in text
    assert "Numéro d'entreprise (BCE): 0999.000.822" in text


@pytest.mark.django_db
def test_the_manual_override_wins_over_the_seat(world: World, register: RegisterExtract) -> None:
    claim = served_claim(world, "0999000723")
    Claim.objects.filter(pk=claim.pk).update(document_language_override="fr")
    claim.refresh_from_db()

    assert document_language_for(claim) == "fr"
    document = document_store(claim=claim, kind="summons")
    assert document.language == "fr"
    assert "Sommation de payer" in pdf_text(document.file.read())


@pytest.mark.django_db
def test_without_a_usable_postal_code_the_language_falls_back_to_french(world: World) -> None:
    claim = world.claim_in(State.WITH_BAILIFF)
    Debtor.objects.filter(pk=claim.debtor_id).update(postal_code="")
    claim.refresh_from_db()
    assert document_language_for(claim) == "fr"


@pytest.mark.django_db
def test_a_summons_renders_quickly(world: World, register: RegisterExtract) -> None:
    claim = served_claim(world, "0999000723")
    render_pdf(claim, "summons", "nl")  # the first render loads the fonts once per process
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        render_pdf(claim, "summons", "nl")
        timings.append(time.perf_counter() - started)
    # About 0.2 s on a developer machine; the bound only catches a gross regression.
    assert sorted(timings)[1] < 1.0, timings


# --- Every kind, every language, only our fonts -----------------------------------------------


@pytest.fixture
def claims_by_kind(world: World, register: RegisterExtract) -> dict[str, Claim]:
    balance = served_claim(world, "0999001119")
    serve = ClaimEvent.objects.get(claim=balance, name="serve_summons")
    ledger_follow_event(serve)  # what the summons claims, booked as the ledger task does
    ledger_direct_payment(claim=balance, amount=D("3000.00"), paid_on=timezone.localdate())
    return {
        "summons": served_claim(world, "0999000822"),
        "pv": served_claim(world, "0999001020", state=State.PV_DRAWN),
        "certificate": served_claim(world, "0999000921", state=State.IRRECOVERABLE),
        "balance_letter": balance,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["summons", "pv", "certificate", "balance_letter"])
def test_each_kind_renders_in_each_language_with_only_the_shipped_fonts(
    claims_by_kind: dict[str, Claim], kind: str
) -> None:
    claim = claims_by_kind[kind]
    for language in ("nl", "fr", "de"):
        pdf = render_pdf(claim, kind, language)
        text = pdf_text(pdf)
        assert TITLES[kind][language] in text
        assert format_be_enterprise(claim.debtor.registration_number) in text
        assert format_be_enterprise(claim.company.registration_number) in text
        fonts = pdf_fonts(pdf)
        ours = FONT_FAMILY.replace(" ", "-")
        assert fonts and all(name.startswith(ours) for name in fonts), fonts
        assert all(fonts.values()), f"a font is not embedded: {fonts}"
        assert {name.removeprefix(ours) for name in fonts} <= {"", "-Bold"}


@pytest.mark.django_db
def test_the_pv_states_the_window_and_the_uncontested_amounts(
    claims_by_kind: dict[str, Claim],
) -> None:
    claim = claims_by_kind["pv"]
    assert claim.served_on and claim.month_ends_on and claim.pv_earliest_on
    text = pdf_text(render_pdf(claim, "pv", "nl"))
    debt = debt_for(claim, on=claim.served_on)
    for day in (claim.served_on, claim.month_ends_on, claim.pv_earliest_on):
        assert f"{day.day} " in text and str(day.year) in text
    for amount in (debt.principal, debt.claimable, debt.flat_compensation, debt.costs):
        assert words(format_amount(amount, "nl")) in text
    assert "centraal register voor onbetwiste geldschulden" in text


@pytest.mark.django_db
def test_the_certificate_gives_the_reason_and_the_unpaid_principal(
    claims_by_kind: dict[str, Claim],
) -> None:
    claim = claims_by_kind["certificate"]
    text = pdf_text(render_pdf(claim, "certificate", "fr"))
    assert "L'enquête de solvabilité du débiteur" in text
    assert words(format_amount(debt_for(claim, on=timezone.localdate()).principal, "fr")) in text
    assert "récupérer la TVA" in text


@pytest.mark.django_db
def test_the_balance_letter_claims_what_the_ledger_says_is_left(
    claims_by_kind: dict[str, Claim],
) -> None:
    claim = claims_by_kind["balance_letter"]
    text = pdf_text(render_pdf(claim, "balance_letter", "de"))
    balances = ledger_balances(claim_id=claim.pk)
    left = creditor_statement(claim).debtor_still_owes
    assert left > 0 and balances["debtor_costs"] == ADVANCE
    assert words(format_amount(D("3000.00"), "de")) in text  # the direct payment
    for amount in (balances["debtor_costs"], balances["debtor_flat"],
                   balances["debtor_interest"], balances["debtor_principal"], left):  # fmt: skip
        assert words(format_amount(amount, "de")) in text
    assert format_payment_reference(claim.payment_reference) in text


@pytest.mark.django_db
def test_a_character_our_fonts_lack_is_refused_not_drawn_with_a_system_font(
    world: World, register: RegisterExtract
) -> None:
    claim = served_claim(world, "0999000723")
    Debtor.objects.filter(pk=claim.debtor_id).update(name="株式会社 Gent")
    claim.refresh_from_db()
    with pytest.raises(DocumentError):
        render_pdf(claim, "summons", "nl")


# --- Storage, versions, download -------------------------------------------------------------


@pytest.mark.django_db
def test_a_correction_is_a_new_version_that_supersedes_the_old_one(
    world: World, register: RegisterExtract
) -> None:
    claim = served_claim(world, "0999000723")
    first = document_store(claim=claim, kind="summons")
    second = document_store(claim=claim, kind="summons", actor=world.staff, reason="typo")

    assert (first.version, second.version) == (1, 2)
    assert second.supersedes == first and first.superseded_by == second
    assert document_current(claim, "summons") == second
    assert LegalDocument.objects.filter(claim=claim, kind="summons").count() == 2  # both kept
    for document in (first, second):
        content = document.file.read()
        assert hashlib.sha256(content).hexdigest() == document.sha256
        assert document.size == len(content) and content.startswith(b"%PDF-")
        name = document.file.name or ""
        assert name.startswith(f"legal/{claim.account_id}/") and name.endswith(".pdf")
        assert document.template_version == TEMPLATE_VERSION["summons"]
        assert document.language == "nl"
    assert first.file.name != second.file.name
    text = pdf_text(second.file.open("rb").read())
    assert "versie 2 (vervangt versie 1 van" in text and "summons-2026.1" in text
    assert second.created_by == world.staff and second.reason == "typo"


@pytest.mark.django_db
def test_a_stored_document_cannot_be_modified(world: World, register: RegisterExtract) -> None:
    document = document_store(claim=served_claim(world, "0999000723"), kind="summons")
    document.reason = "rewritten"
    with pytest.raises(ValueError, match="immutable"):
        document.save()
    assert LegalDocument.objects.get(pk=document.pk).reason == ""


@pytest.mark.django_db
def test_the_download_is_the_stored_pdf_and_refuses_a_tampered_file(
    world: World, register: RegisterExtract
) -> None:
    claim = served_claim(world, "0999000723")
    document_store(claim=claim, kind="summons")
    document = document_store(claim=claim, kind="summons", reason="new address")

    response = document_response(document)

    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and f"summons-{claim.code}-v2-nl.pdf" in disposition
    assert response.getvalue() == document.file.open("rb").read()
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(DocumentIntegrityError):
        document_response(document)


# --- Events and tasks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("hand_off", ["summons"]),
        ("draw_pv", ["pv"]),
        ("stop_after_solvency", ["certificate"]),
        ("enforcement_failed", ["certificate"]),
        ("direct_payment_reported", ["balance_letter"]),
        ("serve_summons", []),
        ("submit", []),
    ],
)
def test_documents_for_event(name: str, kinds: list[str]) -> None:
    assert documents_for_event(ClaimEvent(name=name)) == kinds


@pytest.mark.django_db
def test_the_event_log_renders_each_document_once(world: World, register: RegisterExtract) -> None:
    served = served_claim(world, "0999000723")
    stopped = served_claim(world, "0999000822", state=State.IRRECOVERABLE)

    assert documents_from_events() == 3  # two hand-offs and a stop after the solvency check

    assert document_current(served, "summons") is not None
    assert document_current(stopped, "summons") is not None
    certificate = document_current(stopped, "certificate")
    assert certificate is not None and certificate.language == "fr"
    assert documents_from_events() == 0  # the cursor moved on
    render_document(served.pk, "summons")  # a replayed task keeps the first version
    assert LegalDocument.objects.filter(claim=served, kind="summons").count() == 1


@pytest.mark.django_db
def test_render_document_with_a_reason_makes_one_new_version_per_reason(
    world: World, register: RegisterExtract
) -> None:
    claim = served_claim(world, "0999000723")
    first = render_document(claim.pk, "balance_letter")
    again = render_document(claim.pk, "balance_letter", "direct payment (event 7)")
    replay = render_document(claim.pk, "balance_letter", "direct payment (event 7)")
    later = render_document(claim.pk, "balance_letter", "direct payment (event 9)")

    versions = LegalDocument.objects.filter(claim=claim, kind="balance_letter")
    assert first != again == replay != later
    assert sorted(versions.values_list("version", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
def test_staff_re_render_after_commit_with_a_reason(
    world: World,
    register: RegisterExtract,
    django_capture_on_commit_callbacks: Any,
) -> None:
    claim = served_claim(world, "0999000723")
    with pytest.raises(ValidationError):
        document_request_rerender(claim=claim, kind="summons", actor=world.owner, reason="x")
    with pytest.raises(ValidationError):
        document_request_rerender(claim=claim, kind="summons", actor=world.staff, reason=" ")

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        document_request_rerender(
            claim=claim, kind="summons", actor=world.staff, reason="debtor moved"
        )
        assert document_current(claim, "summons") is None  # nothing before the commit

    document = document_current(claim, "summons")
    assert document is not None and document.created_by == world.staff
    assert document.reason == "debtor moved"

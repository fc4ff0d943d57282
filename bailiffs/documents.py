"""Legal documents of a dossier as PDF: the summons to pay with its answer form, the PV of
non-contestation, the certificate of irrecoverability and the balance letter.

- The language is the one of the debtor's seat (law of 15 June 1935, domain.md §7), unless
  the claim carries a manual override.
- Every amount comes from the money module for that claim (`fees.services.debt_for`, the
  tariff tables and the ledger), formatted by one helper: nothing is typed twice.
- A document is rendered by a Celery task after the event that asks for it is committed, then
  stored immutable with its SHA-256 and template version; a correction is a new version that
  supersedes the previous one (`LegalDocument.supersedes`).
- The fonts are the ones shipped in `static/fonts/` (DejaVu Sans, with its LICENSE): the PDF
  embeds them and no other, so it looks the same on every machine.

The legal texts below are a working draft for the three languages; they must be reviewed by a
bailiff or a lawyer before production use.
"""

import gc
import hashlib
import io
import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib import request

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError, transaction
from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bailiffs.models import LegalDocument, Office
from claims.codes import format_payment_reference
from claims.models import Claim, ClaimEvent
from creditors.models import User
from debtors.identifiers import format_be_enterprise
from debtors.language import document_language
from debtors.selectors import register_lookup
from fees.ledger import IMPUTATION, ZERO
from fees.models import InterestRate, LedgerAccount, LedgerEntry, LedgerTransaction, OutboxCursor
from fees.money import interest, ios_cap, money
from fees.selectors import ledger_balances, tables_on
from fees.services import Debt, debt_for

logger = logging.getLogger(__name__)
# fontTools logs every table of every subset at INFO, WeasyPrint every rendering step: a few
# hundred lines per document in the worker's log. Their warnings still show.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

Kind = LegalDocument.Kind
LANGUAGES = ("nl", "fr", "de")
FALLBACK_LANGUAGE = "fr"

# The version of each kind's template and texts, stored with every rendered document.
# Bump rule: any change to a kind's template, to the shared templates it includes
# (base, parties, amounts, invoices), to its TEXTS or COMMON texts, to the CSS or to the fonts
# that can change the rendered PDF gets a new version of every kind it affects:
# "<kind>-<year>.<n>", n counting from 1 within the year. Never reuse a version string.
TEMPLATE_VERSION: dict[str, str] = {
    Kind.SUMMONS: "summons-2026.1",
    Kind.PV: "pv-2026.1",
    Kind.CERTIFICATE: "certificate-2026.1",
    Kind.BALANCE_LETTER: "balance_letter-2026.1",
}

# --- Fonts -----------------------------------------------------------------------------------

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
# A family name of our own, so that only the shipped files can ever satisfy it.
FONT_FAMILY = "IOS Document Sans"
# The characters a document may use: Latin (with every diacritic), Greek, Cyrillic,
# punctuation, currency and common symbols. A character outside them cannot be drawn with our
# fonts and makes the render fail (see render_pdf) rather than fall back to a system font.
UNICODE_RANGES = (
    (0x0020, 0x036F),  # Basic Latin … Latin Extended-B, IPA, spacing and combining marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # General Punctuation
    (0x20A0, 0x20CF),  # Currency symbols
    (0x2100, 0x22FF),  # Letterlike symbols, number forms, arrows, mathematical operators
    (0x25A0, 0x26FF),  # Geometric shapes, miscellaneous symbols (ballot boxes)
    (0xFB00, 0xFB06),  # Latin ligatures
)


def font_uri(style: str) -> str:
    return (FONT_DIR / FONT_FILES[style]).as_uri()


@cache
def _font_bytes() -> dict[str, bytes]:
    """What WeasyPrint gets for each shipped font URI: the font cut to UNICODE_RANGES.

    Done once per process. The glyphs are the shipped ones, unchanged; the cut only spares
    every render most of its time (without HarfBuzz-Subset on the machine WeasyPrint subsets
    with fontTools, which otherwise decompiles all 6,000 glyphs each time). The OpenType layout
    tables go (WeasyPrint never embeds them); kerning stays in the legacy 'kern' table, which
    HarfBuzz applies.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(
        hinting=False, legacy_kern=True, notdef_outline=True, name_IDs=["*"], name_legacy=True
    )
    options.name_languages = ["*"]
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "MATH", "FFTM"]
    unicodes = [code for start, end in UNICODE_RANGES for code in range(start, end + 1)]
    fonts = {}
    for style in FONT_FILES:
        font = TTFont(FONT_DIR / FONT_FILES[style])
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        fonts[font_uri(style)] = buffer.getvalue()
    return fonts


@cache
def _covered() -> frozenset[int]:
    """The code points every shipped face can draw (regular and bold alike)."""
    from fontTools.ttLib import TTFont

    faces = [TTFont(io.BytesIO(content)) for content in _font_bytes().values()]
    return frozenset.intersection(*(frozenset(face.getBestCmap()) for face in faces))


def _check_coverage(html: str) -> None:
    """Refuse a character our fonts lack: it would be drawn with a system font, or as an
    empty box, and the document would depend on the machine or lose a letter."""
    missing = sorted(
        char for char in set(html) if ord(char) not in _covered() and char not in "\n\r\t"
    )
    if missing:
        shown = ", ".join(f"U+{ord(char):04X} {char}" for char in missing[:10])
        raise DocumentError(f"the shipped fonts cannot draw: {shown}")


class DocumentError(Exception):
    """A document cannot be rendered (missing data, a font that is not ours)."""


def _url_fetcher() -> Any:
    """WeasyPrint's fetcher, restricted to the shipped fonts: a legal document loads nothing
    else (no network, no other file), and fails instead of falling back silently."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontFetcher(URLFetcher):
        def __init__(self) -> None:
            request.OpenerDirector.__init__(self)  # no handlers: nothing is ever opened
            self._fail_on_errors = True

        def fetch(self, url: str, headers: object = None) -> Any:
            content = _font_bytes().get(url)
            if content is None:
                raise DocumentError(f"legal documents load only the shipped fonts, not {url}")
            return URLFetcherResponse(url, content, {"Content-Type": "font/ttf"})

    return FontFetcher()


# --- Formatting (one helper per kind of value) --------------------------------------------------

MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "en": "January February March April May June July August September October November December",
}
NBSP = "\u00a0"


def format_amount(value: Decimal, language: str) -> str:
    """An amount in the document language's convention: `€ 1.234,56` in nl, fr and de."""
    amount = money(value)
    units, cents = f"{abs(amount):.2f}".split(".")
    sign = "-" if amount < 0 else ""
    if language == "en":
        return f"€{NBSP}{sign}{int(units):,}.{cents}"
    return f"€{NBSP}{sign}{int(units):,}".replace(",", ".") + f",{cents}"


def format_percent(value: Decimal, language: str) -> str:
    text = f"{value.normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if language != "en":
        text = text.replace(".", ",")
    return f"{text}{NBSP}%"


def format_date(value: date | None, language: str) -> str:
    if value is None:
        return "—"
    month = MONTHS[language].split()[value.month - 1]
    if language == "de":
        return f"{value.day}. {month} {value.year}"
    if language == "fr" and value.day == 1:
        return f"1er {month} {value.year}"
    return f"{value.day} {month} {value.year}"


def format_date_short(value: date, language: str) -> str:
    """Numeric, for tables: 10/09/2026 (nl, fr), 10.09.2026 (de)."""
    separator = "." if language == "de" else "/"
    return f"{value.day:02d}{separator}{value.month:02d}{separator}{value.year}"


def format_iban(iban: str) -> str:
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)) or "—"


def format_register_number(country: str, number: str) -> str:
    """A Belgian enterprise number as `0123.456.749`; a foreign one as given, with its country."""
    if country == "BE" and len(number) == 10 and number.isdigit():
        return format_be_enterprise(number)
    return f"{number} ({country})"


def _typography(language: str, text: str) -> str:
    """French spacing: no line break before : ; ? ! nor inside « »."""
    if language != "fr":
        return text
    for mark in (" :", " ;", " ?", " !", " »"):
        text = text.replace(mark, NBSP + mark[1:])
    return text.replace("« ", "«" + NBSP)


# --- Language ----------------------------------------------------------------------------------


def document_language_for(claim: Claim) -> str:
    """nl, fr or de: the manual override, else the language of the debtor's seat.

    In Brussels the register's denomination language decides, then the creditor's choice
    (`claim.language`); "fr" when the postal code says nothing.
    """
    if claim.document_language_override in LANGUAGES:
        return claim.document_language_override
    debtor = claim.debtor
    entry = register_lookup(debtor.registration_number) if debtor.country == "BE" else None
    language = document_language(
        debtor.postal_code,
        register_languages=entry.name_languages if entry else frozenset(),
        chosen=claim.language,
    )
    return language if language in LANGUAGES else FALLBACK_LANGUAGE


# --- Texts -----------------------------------------------------------------------------------
# Per kind and language; `{name}` placeholders are filled from the document's values (every
# value is escaped by the template). COMMON holds the labels all kinds share.

COMMON: dict[str, dict[str, str]] = {
    "nl": {
        "creditor": "Schuldeiser",
        "debtor": "Schuldenaar",
        "office": "Gerechtsdeurwaarder",
        "enterprise_number": "Ondernemingsnummer (KBO)",
        "register_number": "Registernummer",
        "vat_number": "Btw-nummer",
        "iban": "Derdenrekening (IBAN)",
        "beneficiary": "Begunstigde",
        "reference": "Gestructureerde mededeling",
        "dossier": "Dossier",
        "own_reference": "Referentie schuldeiser",
        "page": "Pagina",
        "version": "versie",
        "replaces": "vervangt versie {replaced_version} van {replaced_on}",
        "item": "Post",
        "justification": "Verantwoording",
        "amount": "Bedrag",
        "invoice": "Factuur",
        "invoice_date": "Datum",
        "due_date": "Vervaldag",
        "invoice_amount": "Bedrag",
        "credit_notes": "Creditnota's",
        "outstanding": "Openstaand",
        "days": "dagen",
        "signature": "De gerechtsdeurwaarder",
        "done_on": "Opgemaakt op {today}.",
        "principal_label": "Hoofdsom",
        "principal_why": "Onbetaalde facturen (zie hieronder), na aftrek van de creditnota's.",
        "interest_label": "Nalatigheidsinterest",
        "interest_short": "Interest",
        "interest_why": "Art. 5 van de wet van 2 augustus 2002 betreffende de bestrijding van de "
        "betalingsachterstand bij handelstransacties: enkelvoudige interest vanaf de dag na de "
        "vervaldag tot en met {on}, tegen {rates}.",
        "rate_item": "{percent} van {start} tot en met {end}",
        "rate_open": "{percent} vanaf {start}",
        "damages_label": "Schadebeding",
        "damages_why": "Contractueel schadebeding: {percent} van de hoofdsom{minimum}.",
        "damages_minimum": ", met een minimum van {amount}",
        "damages_none": "Geen schadebeding bedongen.",
        "claimable_label": "Interest en schadebeding samen",
        "claimable_why": "In de procedure voor onbetwiste geldschulden beperkt tot "
        "{cap_percent} van de hoofdsom, dus ten hoogste {cap}.",
        "cap_applied": "De beperking is toegepast.",
        "flat_label": "Forfaitaire vergoeding",
        "flat_why": "Art. 6 van de wet van 2 augustus 2002: {unit} per onbetaalde factuur, "
        "× {count}.",
        "costs_label": "Kosten",
        "costs_why": "Voorschot op de kosten van de procedure, betaald door de schuldeiser "
        "(nazicht van het dossier, betekening van de aanmaning en proces-verbaal), btw "
        "inbegrepen.",
        "summons_cost_label": "waarvan kosten van de betekening van de aanmaning",
        "summons_cost_unsettled": "te bepalen door de gerechtsdeurwaarder volgens het tarief "
        "(bedrag nog niet vastgesteld)",
        "total_label": "Totaal verschuldigd",
        "provisional": "De interestvoet voor een deel van de periode is nog niet bekendgemaakt: "
        "de laatst bekende voet is voorlopig toegepast.",
    },
    "fr": {
        "creditor": "Créancier",
        "debtor": "Débiteur",
        "office": "Huissier de justice",
        "enterprise_number": "Numéro d'entreprise (BCE)",
        "register_number": "Numéro d'immatriculation",
        "vat_number": "Numéro de TVA",
        "iban": "Compte de tiers (IBAN)",
        "beneficiary": "Bénéficiaire",
        "reference": "Communication structurée",
        "dossier": "Dossier",
        "own_reference": "Référence du créancier",
        "page": "Page",
        "version": "version",
        "replaces": "remplace la version {replaced_version} du {replaced_on}",
        "item": "Poste",
        "justification": "Justification",
        "amount": "Montant",
        "invoice": "Facture",
        "invoice_date": "Date",
        "due_date": "Échéance",
        "invoice_amount": "Montant",
        "credit_notes": "Notes de crédit",
        "outstanding": "Impayé",
        "days": "jours",
        "signature": "L'huissier de justice",
        "done_on": "Fait le {today}.",
        "principal_label": "Principal",
        "principal_why": "Factures impayées (voir ci-dessous), sous déduction des notes de crédit.",
        "interest_label": "Intérêts de retard",
        "interest_short": "Intérêts",
        "interest_why": "Art. 5 de la loi du 2 août 2002 concernant la lutte contre le retard de "
        "paiement dans les transactions commerciales : intérêts simples à partir du lendemain "
        "de l'échéance jusqu'au {on} inclus, au taux de {rates}.",
        "rate_item": "{percent} du {start} au {end}",
        "rate_open": "{percent} à partir du {start}",
        "damages_label": "Clause pénale",
        "damages_why": "Clause pénale contractuelle : {percent} du principal{minimum}.",
        "damages_minimum": ", avec un minimum de {amount}",
        "damages_none": "Aucune clause pénale n'a été stipulée.",
        "claimable_label": "Intérêts et clause pénale ensemble",
        "claimable_why": "Limités, dans la procédure de recouvrement de dettes non contestées, "
        "à {cap_percent} du principal, soit au maximum {cap}.",
        "cap_applied": "La limite est appliquée.",
        "flat_label": "Indemnité forfaitaire",
        "flat_why": "Art. 6 de la loi du 2 août 2002 : {unit} par facture impayée, × {count}.",
        "costs_label": "Frais",
        "costs_why": "Provision sur les frais de la procédure payée par le créancier (examen du "
        "dossier, signification de la sommation et procès-verbal), TVA comprise.",
        "summons_cost_label": "dont frais de signification de la sommation",
        "summons_cost_unsettled": "à fixer par l'huissier de justice selon le tarif (montant "
        "non encore déterminé)",
        "total_label": "Total dû",
        "provisional": "Le taux d'intérêt d'une partie de la période n'est pas encore publié : "
        "le dernier taux connu a été appliqué provisoirement.",
    },
    "de": {
        "creditor": "Gläubiger",
        "debtor": "Schuldner",
        "office": "Gerichtsvollzieher",
        "enterprise_number": "Unternehmensnummer (ZDU)",
        "register_number": "Registernummer",
        "vat_number": "MwSt.-Nummer",
        "iban": "Anderkonto (IBAN)",
        "beneficiary": "Empfänger",
        "reference": "Strukturierte Mitteilung",
        "dossier": "Akte",
        "own_reference": "Referenz des Gläubigers",
        "page": "Seite",
        "version": "Version",
        "replaces": "ersetzt Version {replaced_version} vom {replaced_on}",
        "item": "Posten",
        "justification": "Begründung",
        "amount": "Betrag",
        "invoice": "Rechnung",
        "invoice_date": "Datum",
        "due_date": "Fälligkeit",
        "invoice_amount": "Betrag",
        "credit_notes": "Gutschriften",
        "outstanding": "Offen",
        "days": "Tage",
        "signature": "Der Gerichtsvollzieher",
        "done_on": "Ausgefertigt am {today}.",
        "principal_label": "Hauptsumme",
        "principal_why": "Unbezahlte Rechnungen (siehe unten), abzüglich der Gutschriften.",
        "interest_label": "Verzugszinsen",
        "interest_short": "Zinsen",
        "interest_why": "Art. 5 des Gesetzes vom 2. August 2002 zur Bekämpfung des "
        "Zahlungsverzugs im Handelsverkehr: einfache Zinsen ab dem Tag nach der Fälligkeit bis "
        "einschließlich {on}, zum Satz von {rates}.",
        "rate_item": "{percent} vom {start} bis {end}",
        "rate_open": "{percent} ab dem {start}",
        "damages_label": "Schadensersatzklausel",
        "damages_why": "Vertragliche Schadensersatzklausel: {percent} der Hauptsumme{minimum}.",
        "damages_minimum": ", mindestens {amount}",
        "damages_none": "Keine Schadensersatzklausel vereinbart.",
        "claimable_label": "Zinsen und Schadensersatzklausel zusammen",
        "claimable_why": "Im Verfahren zur Beitreibung unbestrittener Geldforderungen auf "
        "{cap_percent} der Hauptsumme begrenzt, also höchstens {cap}.",
        "cap_applied": "Die Begrenzung wurde angewandt.",
        "flat_label": "Pauschalentschädigung",
        "flat_why": "Art. 6 des Gesetzes vom 2. August 2002: {unit} je unbezahlte Rechnung, "
        "× {count}.",
        "costs_label": "Kosten",
        "costs_why": "Vom Gläubiger gezahlter Vorschuss auf die Verfahrenskosten (Prüfung der "
        "Akte, Zustellung der Zahlungsaufforderung und Protokoll), einschließlich MwSt.",
        "summons_cost_label": "davon Kosten der Zustellung der Zahlungsaufforderung",
        "summons_cost_unsettled": "vom Gerichtsvollzieher nach dem Tarif festzusetzen (Betrag "
        "noch nicht festgelegt)",
        "total_label": "Geschuldeter Gesamtbetrag",
        "provisional": "Der Zinssatz für einen Teil des Zeitraums ist noch nicht veröffentlicht: "
        "der zuletzt bekannte Satz wurde vorläufig angewandt.",
    },
}

TEXTS: dict[str, dict[str, dict[str, str]]] = {
    Kind.SUMMONS: {
        "nl": {
            "title": "Aanmaning tot betalen",
            "subtitle": "Invordering van onbetwiste geldschulden — art. 1394/21 Ger.W.",
            "served_on": "Betekend op",
            "intro": "Op verzoek van {creditor}, hierna „de schuldeiser”, betekent de "
            "ondergetekende gerechtsdeurwaarder van {office} aan {debtor}, hierna „de "
            "schuldenaar”, deze aanmaning tot betalen overeenkomstig artikel 1394/21 van het "
            "Gerechtelijk Wetboek, in het kader van de procedure voor de invordering van "
            "onbetwiste geldschulden (art. 1394/20 tot 1394/27 Ger.W.).",
            "h_obligation": "1. De verbintenis",
            "obligation": "De schuld vloeit voort uit de contractuele verbintenis(sen) tussen de "
            "schuldeiser en de schuldenaar, aangegaan in het kader van de beroepsactiviteit van "
            "de schuldenaar, zoals blijkt uit de volgende facturen, die op hun vervaldag "
            "onbetaald zijn gebleven:",
            "h_amounts": "2. Bedragen en hun verantwoording",
            "amounts_on": "Berekend op {on}.",
            "h_demand": "3. Aanmaning om binnen één maand te betalen",
            "demand": "De schuldenaar wordt aangemaand om het totaal verschuldigde bedrag van "
            "{total} te betalen binnen een termijn van één maand vanaf de betekening van deze "
            "aanmaning.",
            "how": "Betaling uitsluitend door overschrijving op de derdenrekening van de "
            "gerechtsdeurwaarder:",
            "h_options": "4. Uw mogelijkheden binnen die termijn van één maand",
            "option_pay": "Betalen: het totaal verschuldigde bedrag betalen zoals hierboven "
            "vermeld. Daarmee eindigt de procedure.",
            "option_facilities": "Betalingsfaciliteiten vragen: met het bijgevoegde "
            "antwoordformulier een afbetalingsvoorstel doen. Staat de schuldeiser ze toe, dan "
            "wordt de procedure geschorst zolang u ze naleeft; wordt een afbetaling niet "
            "nagekomen, dan loopt de procedure verder.",
            "option_contest": "De schuld betwisten: met het bijgevoegde antwoordformulier de "
            "schuld geheel of gedeeltelijk betwisten, met opgave van uw redenen. De procedure "
            "eindigt dan; de schuldeiser kan zich tot de rechter wenden.",
            "return_form": "U bezorgt het antwoordformulier binnen de termijn van één maand aan "
            "de gerechtsdeurwaarder: {office_address}.",
            "h_silence": "5. Gevolgen als u niet reageert",
            "silence": "Betaalt u niet, vraagt u geen betalingsfaciliteiten en betwist u de "
            "schuld niet binnen de termijn van één maand, dan kan de gerechtsdeurwaarder op "
            "verzoek van de schuldeiser, ten vroegste acht dagen na het verstrijken van die "
            "termijn, een proces-verbaal van niet-betwisting opstellen. Dat proces-verbaal kan "
            "door een magistraat uitvoerbaar worden verklaard en kan dan worden ten uitvoer "
            "gelegd zoals een vonnis, onder meer door beslag.",
            "counsel": "U kunt zich laten bijstaan door een advocaat.",
            "h_parties": "Partijen",
            "h_attachments": "Bijlagen",
            "attach_evidence": "Afschrift van de stukken waarop de schuldeiser zijn vordering "
            "steunt",
            "attach_form": "Antwoordformulier",
            "form_title": "Antwoordformulier",
            "form_subtitle": "Bij de aanmaning tot betalen — art. 1394/21 Ger.W.",
            "form_return": "Terug te bezorgen aan de gerechtsdeurwaarder binnen één maand na de "
            "betekening van de aanmaning:",
            "form_intro": "Ondergetekende, die handelt voor de schuldenaar, kruist één "
            "mogelijkheid aan:",
            "form_pay": "Ik betaal het totaal verschuldigde bedrag van {total} op rekening "
            "{iban} met de mededeling {reference}.",
            "form_facilities": "Ik vraag betalingsfaciliteiten. Mijn voorstel (bedragen en data "
            "van de afbetalingen):",
            "form_contest": "Ik betwist de schuld (geheel of gedeeltelijk) om de volgende redenen:",
            "form_sign": "Datum, naam, hoedanigheid en handtekening",
        },
        "fr": {
            "title": "Sommation de payer",
            "subtitle": "Recouvrement de dettes d'argent non contestées — art. 1394/21 C.jud.",
            "served_on": "Signifiée le",
            "intro": "À la requête de {creditor}, ci-après « le créancier », l'huissier de "
            "justice soussigné de {office} signifie à {debtor}, ci-après « le débiteur », la "
            "présente sommation de payer conformément à l'article 1394/21 du Code judiciaire, "
            "dans le cadre de la procédure de recouvrement de dettes d'argent non contestées "
            "(art. 1394/20 à 1394/27 C.jud.).",
            "h_obligation": "1. L'obligation",
            "obligation": "La dette résulte de l'obligation ou des obligations contractuelles "
            "entre le créancier et le débiteur, contractées dans le cadre de l'activité "
            "professionnelle du débiteur, comme en attestent les factures suivantes, restées "
            "impayées à leur échéance :",
            "h_amounts": "2. Montants et leur justification",
            "amounts_on": "Calculés au {on}.",
            "h_demand": "3. Sommation de payer dans un délai d'un mois",
            "demand": "Le débiteur est sommé de payer le montant total dû de {total} dans un "
            "délai d'un mois à compter de la signification de la présente sommation.",
            "how": "Paiement uniquement par virement sur le compte de tiers de l'huissier de "
            "justice :",
            "h_options": "4. Vos possibilités dans ce délai d'un mois",
            "option_pay": "Payer : payer le montant total dû indiqué ci-dessus. La procédure "
            "prend alors fin.",
            "option_facilities": "Demander des facilités de paiement : faire une proposition "
            "d'échelonnement au moyen du formulaire de réponse ci-joint. Si le créancier les "
            "accorde, la procédure est suspendue tant que vous les respectez ; si une échéance "
            "n'est pas payée, la procédure reprend.",
            "option_contest": "Contester la dette : contester la dette, en tout ou en partie, en "
            "indiquant vos motifs au moyen du formulaire de réponse ci-joint. La procédure prend "
            "alors fin ; le créancier peut s'adresser au juge.",
            "return_form": "Vous faites parvenir le formulaire de réponse à l'huissier de justice "
            "dans le délai d'un mois : {office_address}.",
            "h_silence": "5. Conséquences en l'absence de réaction",
            "silence": "Si, dans le délai d'un mois, vous ne payez pas, ne demandez pas de "
            "facilités de paiement et ne contestez pas la dette, l'huissier de justice peut, à "
            "la requête du créancier et au plus tôt huit jours après l'expiration de ce délai, "
            "dresser un procès-verbal de non-contestation. Ce procès-verbal peut être déclaré "
            "exécutoire par un magistrat et être ensuite exécuté comme un jugement, notamment "
            "par voie de saisie.",
            "counsel": "Vous pouvez vous faire assister par un avocat.",
            "h_parties": "Parties",
            "h_attachments": "Annexes",
            "attach_evidence": "Copie des pièces sur lesquelles le créancier fonde sa créance",
            "attach_form": "Formulaire de réponse",
            "form_title": "Formulaire de réponse",
            "form_subtitle": "Joint à la sommation de payer — art. 1394/21 C.jud.",
            "form_return": "À renvoyer à l'huissier de justice dans le mois de la signification "
            "de la sommation :",
            "form_intro": "Le soussigné, agissant pour le débiteur, coche une possibilité :",
            "form_pay": "Je paie le montant total dû de {total} sur le compte {iban} avec la "
            "communication {reference}.",
            "form_facilities": "Je demande des facilités de paiement. Ma proposition (montants "
            "et dates des paiements) :",
            "form_contest": "Je conteste la dette (en tout ou en partie) pour les motifs "
            "suivants :",
            "form_sign": "Date, nom, qualité et signature",
        },
        "de": {
            "title": "Zahlungsaufforderung",
            "subtitle": "Beitreibung unbestrittener Geldforderungen — Art. 1394/21 Ger.GB",
            "served_on": "Zugestellt am",
            "intro": "Auf Antrag von {creditor}, nachstehend „der Gläubiger“, stellt der "
            "unterzeichnete Gerichtsvollzieher von {office} {debtor}, nachstehend „der "
            "Schuldner“, diese Zahlungsaufforderung gemäß Artikel 1394/21 des "
            "Gerichtsgesetzbuches zu, im Rahmen des Verfahrens zur Beitreibung unbestrittener "
            "Geldforderungen (Art. 1394/20 bis 1394/27 Ger.GB).",
            "h_obligation": "1. Die Verpflichtung",
            "obligation": "Die Schuld ergibt sich aus der vertraglichen Verpflichtung bzw. den "
            "vertraglichen Verpflichtungen zwischen dem Gläubiger und dem Schuldner, eingegangen "
            "im Rahmen der beruflichen Tätigkeit des Schuldners, wie aus den folgenden "
            "Rechnungen hervorgeht, die bei Fälligkeit unbezahlt geblieben sind:",
            "h_amounts": "2. Beträge und ihre Begründung",
            "amounts_on": "Berechnet zum {on}.",
            "h_demand": "3. Aufforderung, innerhalb eines Monats zu zahlen",
            "demand": "Der Schuldner wird aufgefordert, den geschuldeten Gesamtbetrag von "
            "{total} innerhalb einer Frist von einem Monat ab der Zustellung dieser "
            "Zahlungsaufforderung zu zahlen.",
            "how": "Zahlung ausschließlich durch Überweisung auf das Anderkonto des "
            "Gerichtsvollziehers:",
            "h_options": "4. Ihre Möglichkeiten innerhalb dieser Frist von einem Monat",
            "option_pay": "Zahlen: den geschuldeten Gesamtbetrag wie oben angegeben zahlen. "
            "Damit endet das Verfahren.",
            "option_facilities": "Zahlungserleichterungen beantragen: mit dem beiliegenden "
            "Antwortformular einen Ratenzahlungsvorschlag machen. Gewährt der Gläubiger sie, "
            "wird das Verfahren ausgesetzt, solange Sie sie einhalten; wird eine Rate nicht "
            "gezahlt, wird das Verfahren fortgesetzt.",
            "option_contest": "Die Schuld bestreiten: mit dem beiliegenden Antwortformular die "
            "Schuld ganz oder teilweise unter Angabe Ihrer Gründe bestreiten. Das Verfahren "
            "endet dann; der Gläubiger kann sich an das Gericht wenden.",
            "return_form": "Das Antwortformular senden Sie innerhalb der Frist von einem Monat "
            "an den Gerichtsvollzieher: {office_address}.",
            "h_silence": "5. Folgen, wenn Sie nicht reagieren",
            "silence": "Wenn Sie innerhalb der Frist von einem Monat weder zahlen noch "
            "Zahlungserleichterungen beantragen noch die Schuld bestreiten, kann der "
            "Gerichtsvollzieher auf Antrag des Gläubigers frühestens acht Tage nach Ablauf "
            "dieser Frist ein Protokoll der Nichtbestreitung aufnehmen. Dieses Protokoll kann "
            "von einem Magistrat für vollstreckbar erklärt und dann wie ein Urteil vollstreckt "
            "werden, unter anderem durch Pfändung.",
            "counsel": "Sie können sich von einem Rechtsanwalt beistehen lassen.",
            "h_parties": "Parteien",
            "h_attachments": "Anlagen",
            "attach_evidence": "Abschrift der Unterlagen, auf die der Gläubiger seine Forderung "
            "stützt",
            "attach_form": "Antwortformular",
            "form_title": "Antwortformular",
            "form_subtitle": "Zur Zahlungsaufforderung — Art. 1394/21 Ger.GB",
            "form_return": "Innerhalb eines Monats nach der Zustellung der Zahlungsaufforderung "
            "an den Gerichtsvollzieher zurückzusenden:",
            "form_intro": "Der Unterzeichnete, der für den Schuldner handelt, kreuzt eine "
            "Möglichkeit an:",
            "form_pay": "Ich zahle den geschuldeten Gesamtbetrag von {total} auf das Konto "
            "{iban} mit der Mitteilung {reference}.",
            "form_facilities": "Ich beantrage Zahlungserleichterungen. Mein Vorschlag (Beträge "
            "und Daten der Raten):",
            "form_contest": "Ich bestreite die Schuld (ganz oder teilweise) aus folgenden Gründen:",
            "form_sign": "Datum, Name, Funktion und Unterschrift",
        },
    },
    Kind.PV: {
        "nl": {
            "title": "Proces-verbaal van niet-betwisting",
            "subtitle": "Invordering van onbetwiste geldschulden — art. 1394/20 tot 1394/27 Ger.W.",
            "intro": "Op verzoek van {creditor}, de schuldeiser, stelt de ondergetekende "
            "gerechtsdeurwaarder van {office} op {today} het volgende vast:",
            "fact_served": "Op {served_on} werd aan {debtor} een aanmaning tot betalen betekend "
            "overeenkomstig artikel 1394/21 van het Gerechtelijk Wetboek.",
            "fact_month": "De termijn van één maand om te reageren is verstreken op "
            "{month_ends_on}.",
            "fact_silence": "Binnen die termijn heeft de schuldenaar de schuld niet betaald en "
            "niet betwist, en er lopen geen betalingsfaciliteiten die hij naleeft.",
            "fact_delay": "Dit proces-verbaal wordt opgesteld ten vroegste acht dagen na het "
            "verstrijken van die termijn (vanaf {pv_earliest_on}).",
            "h_parties": "Partijen",
            "h_amounts": "Onbetwiste bedragen",
            "amounts_on": "Zoals vermeld in de aanmaning, berekend op {on}.",
            "next": "Dit proces-verbaal wordt overgemaakt aan een magistraat van het "
            "beheerscomité van het Centraal Bestand van berichten van beslag om uitvoerbaar te "
            "worden verklaard, en daarna opgenomen in het centraal register voor onbetwiste "
            "geldschulden (art. 1394/27 Ger.W.).",
        },
        "fr": {
            "title": "Procès-verbal de non-contestation",
            "subtitle": "Recouvrement de dettes d'argent non contestées — art. 1394/20 à "
            "1394/27 C.jud.",
            "intro": "À la requête de {creditor}, créancier, l'huissier de justice soussigné de "
            "{office} constate le {today} ce qui suit :",
            "fact_served": "Le {served_on}, une sommation de payer conforme à l'article 1394/21 "
            "du Code judiciaire a été signifiée à {debtor}.",
            "fact_month": "Le délai d'un mois pour réagir a expiré le {month_ends_on}.",
            "fact_silence": "Dans ce délai, le débiteur n'a ni payé ni contesté la dette, et "
            "aucune facilité de paiement respectée par lui n'est en cours.",
            "fact_delay": "Le présent procès-verbal est dressé au plus tôt huit jours après "
            "l'expiration de ce délai (à partir du {pv_earliest_on}).",
            "h_parties": "Parties",
            "h_amounts": "Montants non contestés",
            "amounts_on": "Tels qu'indiqués dans la sommation, calculés au {on}.",
            "next": "Le présent procès-verbal est transmis à un magistrat du comité de gestion "
            "du Fichier central des avis de saisie afin d'être déclaré exécutoire, puis "
            "enregistré dans le registre central des dettes non contestées (art. 1394/27 "
            "C.jud.).",
        },
        "de": {
            "title": "Protokoll der Nichtbestreitung",
            "subtitle": "Beitreibung unbestrittener Geldforderungen — Art. 1394/20 bis 1394/27 "
            "Ger.GB",
            "intro": "Auf Antrag von {creditor}, dem Gläubiger, stellt der unterzeichnete "
            "Gerichtsvollzieher von {office} am {today} Folgendes fest:",
            "fact_served": "Am {served_on} wurde {debtor} eine Zahlungsaufforderung gemäß "
            "Artikel 1394/21 des Gerichtsgesetzbuches zugestellt.",
            "fact_month": "Die Frist von einem Monat zur Reaktion ist am {month_ends_on} "
            "abgelaufen.",
            "fact_silence": "Innerhalb dieser Frist hat der Schuldner die Schuld weder gezahlt "
            "noch bestritten, und es laufen keine Zahlungserleichterungen, die er einhält.",
            "fact_delay": "Dieses Protokoll wird frühestens acht Tage nach Ablauf dieser Frist "
            "aufgenommen (ab dem {pv_earliest_on}).",
            "h_parties": "Parteien",
            "h_amounts": "Unbestrittene Beträge",
            "amounts_on": "Wie in der Zahlungsaufforderung angegeben, berechnet zum {on}.",
            "next": "Dieses Protokoll wird einem Magistrat des Verwaltungsausschusses der "
            "Zentraldatei der Pfändungsmitteilungen übermittelt, um für vollstreckbar erklärt zu "
            "werden, und danach in das Zentralregister der unbestrittenen Geldforderungen "
            "eingetragen (Art. 1394/27 Ger.GB).",
        },
    },
    Kind.CERTIFICATE: {
        "nl": {
            "title": "Attest van oninbaarheid",
            "subtitle": "Invordering van onbetwiste geldschulden — art. 1394/20 tot 1394/27 Ger.W.",
            "intro": "De ondergetekende gerechtsdeurwaarder van {office} verklaart dat de hierna "
            "beschreven schuldvordering van {creditor} op {debtor} oninbaar is.",
            "reason_solvency": "Het solvabiliteitsonderzoek van de schuldenaar heeft uitgewezen "
            "dat een invordering weinig kans op slagen heeft; de schuldeiser heeft op {date} "
            "beslist de procedure stop te zetten.",
            "reason_enforcement": "De gedwongen tenuitvoerlegging is op {date} zonder resultaat "
            "gebleven: er werden geen voor beslag vatbare goederen of tegoeden gevonden.",
            "reason_other": "De invordering is op {date} zonder resultaat beëindigd.",
            "h_parties": "Partijen",
            "h_amounts": "Onbetaalde schuldvordering",
            "collected": "Tijdens de procedure geïnd op de hoofdsom",
            "outstanding_total": "Openstaande hoofdsom",
            "purpose": "Dit attest wordt aan de schuldeiser afgeleverd zodat hij de "
            "schuldvordering in zijn boekhouding als oninbaar kan afboeken en de btw op de "
            "onbetaalde facturen kan terugvorderen, volgens de regels die daarop van toepassing "
            "zijn.",
        },
        "fr": {
            "title": "Attestation d'irrécouvrabilité",
            "subtitle": "Recouvrement de dettes d'argent non contestées — art. 1394/20 à "
            "1394/27 C.jud.",
            "intro": "L'huissier de justice soussigné de {office} atteste que la créance de "
            "{creditor} sur {debtor} décrite ci-dessous est irrécouvrable.",
            "reason_solvency": "L'enquête de solvabilité du débiteur a montré qu'un recouvrement "
            "a peu de chances d'aboutir ; le créancier a décidé le {date} d'arrêter la "
            "procédure.",
            "reason_enforcement": "L'exécution forcée est restée sans résultat le {date} : aucun "
            "bien ni avoir saisissable n'a été trouvé.",
            "reason_other": "Le recouvrement a pris fin sans résultat le {date}.",
            "h_parties": "Parties",
            "h_amounts": "Créance impayée",
            "collected": "Recouvré sur le principal pendant la procédure",
            "outstanding_total": "Principal restant dû",
            "purpose": "La présente attestation est délivrée au créancier afin de lui permettre "
            "d'amortir la créance comme irrécouvrable dans sa comptabilité et de récupérer la "
            "TVA sur les factures impayées, selon les règles applicables.",
        },
        "de": {
            "title": "Bescheinigung der Uneinbringlichkeit",
            "subtitle": "Beitreibung unbestrittener Geldforderungen — Art. 1394/20 bis 1394/27 "
            "Ger.GB",
            "intro": "Der unterzeichnete Gerichtsvollzieher von {office} bescheinigt, dass die "
            "nachstehend beschriebene Forderung von {creditor} gegen {debtor} uneinbringlich "
            "ist.",
            "reason_solvency": "Die Solvenzprüfung des Schuldners hat ergeben, dass eine "
            "Beitreibung wenig Aussicht auf Erfolg hat; der Gläubiger hat am {date} beschlossen, "
            "das Verfahren einzustellen.",
            "reason_enforcement": "Die Zwangsvollstreckung ist am {date} ergebnislos geblieben: "
            "es wurden keine pfändbaren Güter oder Guthaben gefunden.",
            "reason_other": "Die Beitreibung wurde am {date} ergebnislos beendet.",
            "h_parties": "Parteien",
            "h_amounts": "Unbezahlte Forderung",
            "collected": "Während des Verfahrens auf die Hauptsumme eingezogen",
            "outstanding_total": "Offene Hauptsumme",
            "purpose": "Diese Bescheinigung wird dem Gläubiger ausgestellt, damit er die "
            "Forderung in seiner Buchhaltung als uneinbringlich abschreiben und die MwSt. auf "
            "die unbezahlten Rechnungen nach den geltenden Regeln zurückfordern kann.",
        },
    },
    Kind.BALANCE_LETTER: {
        "nl": {
            "title": "Saldobrief",
            "subtitle": "Invordering van onbetwiste geldschulden",
            "greeting": "Geachte mevrouw, geachte heer,",
            "paid": "De schuldeiser, {creditor}, heeft ons meegedeeld dat u rechtstreeks aan "
            "hem hebt betaald:",
            "paid_item": "{amount} op {date}",
            "imputed": "Een rechtstreekse betaling aan de schuldeiser wordt aangerekend op de "
            "hoofdsom en daarna op de interest. De kosten van de procedure en de forfaitaire "
            "vergoeding blijven verschuldigd.",
            "h_balance": "Nog verschuldigd op {today}",
            "demand": "Wij verzoeken u dit saldo van {total} onverwijld te betalen op de "
            "derdenrekening van de gerechtsdeurwaarder, met de gestructureerde mededeling "
            "hieronder. Zonder betaling kan de procedure voor het saldo worden voortgezet.",
            "nothing_due": "Er is niets meer verschuldigd.",
            "h_parties": "Partijen",
            "closing": "Met de meeste hoogachting,",
        },
        "fr": {
            "title": "Lettre de solde",
            "subtitle": "Recouvrement de dettes d'argent non contestées",
            "greeting": "Madame, Monsieur,",
            "paid": "Le créancier, {creditor}, nous a informés que vous lui avez payé "
            "directement :",
            "paid_item": "{amount} le {date}",
            "imputed": "Un paiement direct au créancier est imputé sur le principal, puis sur "
            "les intérêts. Les frais de la procédure et l'indemnité forfaitaire restent dus.",
            "h_balance": "Reste dû au {today}",
            "demand": "Nous vous prions de payer ce solde de {total} sans délai sur le compte de "
            "tiers de l'huissier de justice, avec la communication structurée ci-dessous. À "
            "défaut de paiement, la procédure peut être poursuivie pour le solde.",
            "nothing_due": "Plus rien n'est dû.",
            "h_parties": "Parties",
            "closing": "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations "
            "distinguées.",
        },
        "de": {
            "title": "Saldoschreiben",
            "subtitle": "Beitreibung unbestrittener Geldforderungen",
            "greeting": "Sehr geehrte Damen und Herren,",
            "paid": "Der Gläubiger, {creditor}, hat uns mitgeteilt, dass Sie direkt an ihn "
            "gezahlt haben:",
            "paid_item": "{amount} am {date}",
            "imputed": "Eine direkte Zahlung an den Gläubiger wird auf die Hauptsumme und danach "
            "auf die Zinsen angerechnet. Die Verfahrenskosten und die Pauschalentschädigung "
            "bleiben geschuldet.",
            "h_balance": "Noch geschuldet am {today}",
            "demand": "Wir bitten Sie, diesen Restbetrag von {total} unverzüglich auf das "
            "Anderkonto des Gerichtsvollziehers mit der nachstehenden strukturierten Mitteilung "
            "zu zahlen. Ohne Zahlung kann das Verfahren für den Restbetrag fortgesetzt werden.",
            "nothing_due": "Es ist nichts mehr geschuldet.",
            "h_parties": "Parteien",
            "closing": "Mit freundlichen Grüßen",
        },
    },
}


class _Values(dict[str, str]):
    """Placeholder values; a text asking for one the document does not provide fails loudly
    (a mandatory mention must never go missing quietly)."""

    def __missing__(self, key: str) -> str:
        raise DocumentError(f"a document text needs {{{key}}}, which the document lacks")


# Texts formatted later, once per item (e.g. each direct payment of a balance letter).
ITEM_TEXTS = {"paid_item"}
# Values a line must never break inside (an amount, a date, an account, a reference).
UNBROKEN = {"total", "iban", "reference", "code", "on", "today", "date", "amount", "served_on",
            "month_ends_on", "pv_earliest_on"}  # fmt: skip


def _fill(language: str, text: str, values: dict[str, str]) -> SafeString:
    """`text` with its placeholders filled: HTML-escaped, the UNBROKEN values kept on one
    line, French spacing applied to the text itself."""
    known = _Values(
        {
            key: format_html('<span class="nowrap">{}</span>', value)
            if key in UNBROKEN
            else conditional_escape(value)
            for key, value in values.items()
        }
    )
    return mark_safe(conditional_escape(_typography(language, text)).format_map(known))


def _texts(kind: str, language: str, values: dict[str, str]) -> dict[str, str]:
    """The kind's texts in `language`, placeholders filled (see _fill)."""
    return {
        key: text if key in ITEM_TEXTS else _fill(language, text, values)
        for key, text in TEXTS[kind][language].items()
    }


def _common(language: str) -> dict[str, str]:
    """The shared labels (those with placeholders are filled where they are used)."""
    return {key: _typography(language, text) for key, text in COMMON[language].items()}


# --- Context -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of an amount table: label, justification, amount (text)."""

    label: str
    why: str
    amount: str
    strong: bool = False
    sub: bool = False


def _address(street: str, postal_code: str, city: str, country: str = "BE") -> str:
    place = " ".join(part for part in (postal_code, city) if part)
    parts = [part for part in (street, place) if part]
    if country and country != "BE":
        parts.append(country)
    return ", ".join(parts)


def _office_of(claim: Claim) -> Office:
    if claim.office is None:
        raise DocumentError(f"claim {claim.code} has no bailiff office")
    return claim.office


def _parties(claim: Claim, office: Office) -> dict[str, dict[str, str]]:
    company, debtor = claim.company, claim.debtor
    return {
        "creditor": {
            "name": company.name,
            "address": _address(company.street, company.postal_code, company.city, company.country),
            "number": format_register_number(company.country, company.registration_number),
            "belgian": "yes" if company.country == "BE" else "",
            "vat": company.vat_number,
        },
        "debtor": {
            "name": debtor.name,
            "address": _address(debtor.street, debtor.postal_code, debtor.city, debtor.country),
            "number": format_register_number(debtor.country, debtor.registration_number),
            "belgian": "yes" if debtor.country == "BE" else "",
            "vat": "",
        },
        "office": {
            "name": office.name,
            "address": _address(office.street, office.postal_code, office.city),
            "number": format_register_number("BE", office.enterprise_number),
            "belgian": "yes",
            "vat": "",
        },
    }


def _amount_on(claim: Claim, kind: str) -> date:
    """The day the amounts are computed for: the service date once known, else today."""
    if kind == Kind.BALANCE_LETTER:
        return timezone.localdate()
    return claim.served_on or timezone.localdate()


def _rates_text(rate_ids: Iterable[object], language: str, common: dict[str, str]) -> str:
    rates = InterestRate.objects.filter(pk__in=list(rate_ids)).order_by("valid_from")
    items = []
    for rate in rates:
        values = {
            "percent": format_percent(rate.rate_percent, language),
            "start": format_date(rate.valid_from, language),
            "end": format_date(rate.valid_to, language),
        }
        template = common["rate_item"] if rate.valid_to else common["rate_open"]
        items.append(template.format_map(values))
    return "; ".join(items) or "—"


def _debt_rows(claim: Claim, debt: Debt, on: date, language: str) -> dict[str, Any]:
    """The summons' amount table: each amount of `debt` with its justification."""
    common = COMMON[language]
    tables = tables_on(on)
    fmt = partial(format_amount, language=language)
    invoices = list(claim.invoices.all())
    # Per-invoice interest, from the same money function `debt_for` sums.
    lines = []
    for invoice in invoices:
        accrued = interest(invoice.outstanding, invoice.due_date, on, tables.commercial_rates)
        lines.append((invoice, accrued))
    if sum((accrued.amount for _, accrued in lines), ZERO) != debt.interest:
        raise DocumentError("per-invoice interest does not add up to the debt's interest")
    cap_percent = tables.percent("ios_cap")
    cap = ios_cap(debt.principal, debt.interest, debt.damages_clause, cap_percent).cap
    if claim.damages_clause_percent > 0:
        minimum = (
            common["damages_minimum"].format(amount=fmt(claim.damages_clause_minimum))
            if claim.damages_clause_minimum is not None
            else ""
        )
        damages_why = common["damages_why"].format(
            percent=format_percent(claim.damages_clause_percent, language), minimum=minimum
        )
    else:
        damages_why = common["damages_none"]
    claimable_why = common["claimable_why"].format(
        cap_percent=format_percent(cap_percent, language), cap=fmt(cap)
    )
    if debt.cap_applied:
        claimable_why += " " + common["cap_applied"]
    # The summons cost is part of the advance; its own figure is an *unsettled* tariff row
    # (domain.md §3): shown when set, else said to be set by the bailiff (never invented).
    summons_cost = tables.tariffs.get("summons_cost")
    summons_cost_row = (
        Row(common["summons_cost_label"], "", fmt(summons_cost.amount), sub=True)
        if summons_cost is not None and summons_cost.amount is not None
        else Row(common["summons_cost_label"], common["summons_cost_unsettled"], "—", sub=True)
    )
    rate_ids = debt.versions.get("interest_rates", [])
    total = debt.principal + debt.claimable + debt.flat_compensation + debt.costs
    rows = [
        Row(common["principal_label"], common["principal_why"], fmt(debt.principal)),
        Row(
            common["interest_label"],
            common["interest_why"].format(
                on=format_date(on, language),
                rates=_rates_text(rate_ids if isinstance(rate_ids, list) else [], language, common),
            ),
            fmt(debt.interest),
        ),
        Row(common["damages_label"], damages_why, fmt(debt.damages_clause)),
        Row(common["claimable_label"], claimable_why, fmt(debt.claimable), strong=True),
        Row(
            common["flat_label"],
            common["flat_why"].format(
                unit=fmt(tables.amount("flat_compensation")), count=len(invoices)
            ),
            fmt(debt.flat_compensation),
        ),
        Row(common["costs_label"], common["costs_why"], fmt(debt.costs)),
        summons_cost_row,
        Row(common["total_label"], "", fmt(total), strong=True),
    ]
    return {
        "rows": [_typeset_row(row, language) for row in rows],
        "total": fmt(total),
        "invoices": [
            {
                "number": invoice.number,
                "issue_date": format_date_short(invoice.issue_date, language),
                "due_date": format_date_short(invoice.due_date, language),
                "amount": fmt(invoice.amount),
                "credit_notes": fmt(invoice.credit_notes),
                "outstanding": fmt(invoice.outstanding),
                "interest": fmt(accrued.amount),
                "days": str(max(accrued.days, 0)),
            }
            for invoice, accrued in lines
        ],
        "provisional": debt.provisional,
    }


def _typeset_row(row: Row, language: str) -> Row:
    return Row(
        _typography(language, row.label),
        _typography(language, row.why),
        row.amount,
        row.strong,
        row.sub,
    )


def _debt_established(claim: Claim) -> bool:
    return LedgerTransaction.objects.filter(
        claim=claim, kind=LedgerTransaction.Kind.DEBT_ESTABLISHED
    ).exists()


def _balance(claim: Claim, language: str) -> dict[str, Any]:
    """What the debtor still owes, by part, from the ledger (after direct payments)."""
    common = COMMON[language]
    fmt = partial(format_amount, language=language)
    balances = ledger_balances(claim_id=claim.pk)
    labels = {
        LedgerAccount.DEBTOR_COSTS: common["costs_label"],
        LedgerAccount.DEBTOR_FLAT: common["flat_label"],
        LedgerAccount.DEBTOR_INTEREST: common["claimable_label"],
        LedgerAccount.DEBTOR_PRINCIPAL: common["principal_label"],
    }
    total = sum((balances[account] for account in IMPUTATION), ZERO)
    rows = [Row(labels[account], "", fmt(balances[account])) for account in IMPUTATION]
    rows.append(Row(common["total_label"], "", fmt(total), strong=True))
    paid = (
        LedgerEntry.objects.filter(
            claim=claim,
            transaction__kind=LedgerTransaction.Kind.DIRECT_PAYMENT,
            ledger_account=LedgerAccount.CLAIMED,
        )
        .order_by("transaction__booked_on", "pk")
        .values_list("transaction__booked_on", "amount")
    )
    return {
        "rows": [_typeset_row(row, language) for row in rows],
        "total": fmt(total),
        "nothing_due": total <= 0,
        "direct_payments": [
            {"date": format_date(booked_on, language), "amount": fmt(amount)}
            for booked_on, amount in paid
        ],
    }


def _certificate(claim: Claim, debt: Debt, language: str) -> dict[str, Any]:
    fmt = partial(format_amount, language=language)
    outstanding = (
        ledger_balances(claim_id=claim.pk)[LedgerAccount.DEBTOR_PRINCIPAL]
        if _debt_established(claim)
        else debt.principal
    )
    final = (
        ClaimEvent.objects.filter(
            claim=claim, name__in=["stop_after_solvency", "enforcement_failed"]
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    reason = {
        "stop_after_solvency": "reason_solvency",
        "enforcement_failed": "reason_enforcement",
    }.get(final.name if final else "", "reason_other")
    when = timezone.localdate(final.created_at) if final else timezone.localdate()
    return {
        "reason_key": reason,
        "reason_date": format_date(when, language),
        "principal": fmt(debt.principal),
        "collected": fmt(debt.principal - outstanding),
        "some_collected": outstanding < debt.principal,
        "outstanding": fmt(outstanding),
    }


def document_context(claim: Claim, kind: str, language: str) -> dict[str, Any]:
    """Everything a template shows, every figure from the money module for `claim`."""
    if kind not in TEMPLATE_VERSION:
        raise DocumentError(f"unknown document kind {kind!r}")
    if language not in LANGUAGES:
        raise DocumentError(f"unknown document language {language!r}")
    office = _office_of(claim)
    on = _amount_on(claim, kind)
    today = timezone.localdate()
    parties = _parties(claim, office)
    debt = debt_for(claim, on=on)
    context: dict[str, Any] = {
        "kind": kind,
        "language": language,
        "template_version": TEMPLATE_VERSION[kind],
        "font_family": FONT_FAMILY,
        "fonts": {style: font_uri(style) for style in FONT_FILES},
        "claim": claim,
        "code": claim.code,
        "own_reference": claim.own_reference,
        "reference": format_payment_reference(claim.payment_reference),
        "iban": format_iban(office.client_account_iban),
        "parties": parties,
        "debt": debt,
        "on": format_date(on, language),
        "today": format_date(today, language),
        "served_on": format_date(claim.served_on, language) if claim.served_on else "",
    }
    values = {
        "creditor": parties["creditor"]["name"],
        "debtor": parties["debtor"]["name"],
        "office": parties["office"]["name"],
        "office_address": f"{office.name}, {parties['office']['address']}",
        "code": claim.code,
        "on": context["on"],
        "today": context["today"],
        "served_on": format_date(claim.served_on, language),
        "month_ends_on": format_date(claim.month_ends_on, language),
        "pv_earliest_on": format_date(claim.pv_earliest_on, language),
        "reference": context["reference"],
        "iban": context["iban"],
    }
    if kind in (Kind.SUMMONS, Kind.PV):
        amounts = _debt_rows(claim, debt, on, language)
        context["amounts"] = amounts
        values["total"] = amounts["total"]
    elif kind == Kind.CERTIFICATE:
        context["amounts"] = _debt_rows(claim, debt, on, language)
        context["certificate"] = _certificate(claim, debt, language)
        values["date"] = context["certificate"]["reason_date"]
    else:
        context["balance"] = _balance(claim, language)
        values["total"] = context["balance"]["total"]
    context["t"] = _texts(kind, language, values)
    context["c"] = _common(language)
    context["done_on"] = context["c"]["done_on"].format(today=context["today"])
    context["parties_in_order"] = [
        (context["c"]["creditor"], parties["creditor"]),
        (context["c"]["debtor"], parties["debtor"]),
    ]
    if kind == Kind.CERTIFICATE:
        context["certificate"]["reason"] = context["t"][context["certificate"]["reason_key"]]
    if kind == Kind.BALANCE_LETTER:
        item = context["t"]["paid_item"]
        context["balance"]["paid_lines"] = [
            _fill(language, item, payment) for payment in context["balance"]["direct_payments"]
        ]
    if kind == Kind.SUMMONS:
        context["attachments"] = [
            document.original_name for document in claim.documents.order_by("uploaded_at", "pk")
        ]
    return context


# --- Rendering ---------------------------------------------------------------------------------


def render_html(claim: Claim, kind: str, language: str, **extra: Any) -> str:
    context = document_context(claim, kind, language)
    context.update(extra)
    return render_to_string(f"documents/{kind}.html", context)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection during a render: a full collection of a web or worker
    process's heap, triggered by the many layout objects, would add ~50 % to the time. The
    garbage is collected afterwards as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(
    claim: Claim,
    kind: str,
    language: str,
    *,
    version: int | None = None,
    replaces: LegalDocument | None = None,
) -> bytes:
    """The document as PDF bytes, with only the shipped fonts embedded."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    footer: dict[str, Any] = {"version": version, "replaces": ""}
    if replaces is not None:
        replaced_on = format_date(timezone.localdate(replaces.created_at), language)
        footer["replaces"] = COMMON[language]["replaces"].format(
            replaced_version=replaces.version, replaced_on=replaced_on
        )
    html = render_html(claim, kind, language, footer=footer)
    _check_coverage(html)
    try:
        with _gc_paused():
            document = HTML(string=html, url_fetcher=_url_fetcher()).render()
            pdf = document.write_pdf()
    except FatalURLFetchingError as exc:  # a BaseException: turn it into an ordinary error
        raise DocumentError(str(exc)) from exc
    foreign = {font.family for font in document.fonts.values()} - {FONT_FAMILY}
    if foreign:
        # A character none of our fonts has was drawn with a system font: refuse the document
        # rather than let it depend on the machine (fix the text, or ship a font that has it).
        raise DocumentError(f"a glyph fell back to a system font: {sorted(foreign)}")
    return bytes(pdf)


# --- Storage -----------------------------------------------------------------------------------


def document_current(claim: Claim, kind: str) -> LegalDocument | None:
    """The latest version of one kind of document of `claim` (None before the first)."""
    return LegalDocument.objects.filter(claim=claim, kind=kind).order_by("-version").first()


def document_versions(claim: Claim) -> list[LegalDocument]:
    """Every stored document of `claim`, by kind, newest version first."""
    return list(LegalDocument.objects.filter(claim=claim).order_by("kind", "-version"))


def document_store(
    *,
    claim: Claim,
    kind: str,
    actor: User | None = None,
    reason: str = "",
    if_missing: bool = False,
) -> LegalDocument:
    """Render and store a new version of `kind` for `claim`; it supersedes the current one.

    The claim row is locked meanwhile, so two concurrent calls cannot both make version n.
    With `if_missing`, an existing current version is returned instead (checked under the
    lock). The file is written under `legal/<account>/<random>.pdf` with its SHA-256.
    """
    if kind not in TEMPLATE_VERSION:
        raise DocumentError(f"unknown document kind {kind!r}")
    name = ""
    try:
        with transaction.atomic():
            locked = (  # of=self: PostgreSQL cannot lock the nullable side of a join (office)
                Claim.objects.select_for_update(of=("self",))
                .select_related("company", "debtor", "office", "account")
                .get(pk=claim.pk)
            )
            current = document_current(locked, kind)
            if current is not None and if_missing:
                return current
            language = document_language_for(locked)
            version = current.version + 1 if current else 1
            pdf = render_pdf(locked, kind, language, version=version, replaces=current)
            name = default_storage.save(
                f"legal/{locked.account_id}/{uuid.uuid4().hex}.pdf", ContentFile(pdf)
            )
            return LegalDocument.objects.create(
                account_id=locked.account_id,
                claim=locked,
                kind=kind,
                language=language,
                version=version,
                template_version=TEMPLATE_VERSION[kind],
                file=name,
                size=len(pdf),
                sha256=hashlib.sha256(pdf).hexdigest(),
                supersedes=current,
                reason=reason,
                created_by=actor,
            )
    except BaseException:
        if name:  # the row was not stored: do not leave its file behind
            default_storage.delete(name)
        raise


def document_request_rerender(*, claim: Claim, kind: str, actor: User, reason: str) -> None:
    """Staff ask for a new version (a correction): rendered by the task after commit."""
    if not actor.is_staff:
        raise ValidationError({"kind": [_("Only staff can re-render a legal document.")]})
    if kind not in TEMPLATE_VERSION:
        raise ValidationError({"kind": [_("Unknown document kind.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why a new version is needed.")]})
    claim_id, actor_id = claim.pk, actor.pk
    transaction.on_commit(
        lambda: render_document.delay(claim_id, kind, reason.strip(), actor_id=actor_id)
    )


class DocumentIntegrityError(Exception):
    """A stored file no longer matches the SHA-256 recorded when it was made."""


def document_filename(document: LegalDocument) -> str:
    kind = document.kind.replace("_", "-")
    return f"{kind}-{document.claim.code}-v{document.version}-{document.language}.pdf"


def document_response(document: LegalDocument) -> FileResponse:
    """The stored PDF as a download, after checking its bytes against the recorded SHA-256.

    Permission checks are the caller's (the claim's creditor account or its office).
    """
    with document.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise DocumentIntegrityError(f"legal document {document.pk} does not match its hash")
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=document_filename(document),
        content_type="application/pdf",
    )
    response["Content-Length"] = str(len(content))
    response["ETag"] = f'"{document.sha256}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Events and tasks --------------------------------------------------------------------------

# Which claim events ask for which documents.
EVENT_DOCUMENTS: dict[str, list[str]] = {
    "hand_off": [Kind.SUMMONS],  # the office needs the summons to serve it
    "draw_pv": [Kind.PV],
    "stop_after_solvency": [Kind.CERTIFICATE],
    "enforcement_failed": [Kind.CERTIFICATE],
    "direct_payment_reported": [Kind.BALANCE_LETTER],  # a note event
}
# Documents that may be needed again for a later event of the same kind (each direct payment
# changes the balance): these get a new version per event, the others are made once.
REPEATED = {Kind.BALANCE_LETTER}


def documents_for_event(event: ClaimEvent) -> list[str]:
    return [str(kind) for kind in EVENT_DOCUMENTS.get(event.name, [])]


def _event_reason(event: ClaimEvent, kind: str) -> str:
    return f"{event.name} (event {event.pk})" if kind in REPEATED else ""


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def render_document(claim_id: int, kind: str, reason: str = "", actor_id: int | None = None) -> int:
    """Render and store a document; returns its id. Safe to run again.

    Without a reason it makes the first version only (an existing one is kept). With a reason
    it makes a new version, unless the current one was already made for that same reason (a
    retried task or a replayed event does not stack versions).
    """
    claim = Claim.objects.get(pk=claim_id)
    if reason:
        current = document_current(claim, kind)
        if current is not None and current.reason == reason:
            return current.pk
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    document = document_store(
        claim=claim, kind=kind, actor=actor, reason=reason, if_missing=not reason
    )
    return document.pk


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def documents_from_events(chunk: int = 200) -> int:
    """Follow the claim event log (the outbox) and render the documents its events ask for.

    Events are read only once committed, so a document is always rendered after the change
    that asks for it. Returns the number of events read.
    """
    cursor, _created = OutboxCursor.objects.get_or_create(name="documents")
    events = list(
        ClaimEvent.objects.filter(pk__gt=cursor.last_event_id, name__in=list(EVENT_DOCUMENTS))
        .only("pk", "name", "claim_id")
        .order_by("pk")[:chunk]
    )
    for event in events:
        for kind in documents_for_event(event):
            render_document.delay(event.claim_id, kind, _event_reason(event, kind))
    if events:
        OutboxCursor.objects.filter(pk=cursor.pk).update(last_event_id=events[-1].pk)
    return len(events)

"""The one eligibility service (art. 1394/20; domain.md sections 1, 4, 5, 6, 7).

It returns every reason a claim is not (or not surely) eligible, each with a stable code and a
message rendered in the active language. The public pre-check and a claim's submission run it
alike; a submission stores the result with the register date it used.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from debtors.identifiers import BELGIUM, CREDITOR_COUNTRIES
from debtors.language import document_language
from debtors.models import Classification
from debtors.selectors import RegisterEntry, register_date, register_lookup

ORDINARY_PRESCRIPTION_YEARS = 10  # old Civil Code art. 2262bis
PERIODIC_PRESCRIPTION_YEARS = 5  # art. 2277

ELIGIBLE, INELIGIBLE, REVIEW = "eligible", "ineligible", "review"

# code -> (blocking, message). Blocking reasons make a claim ineligible; the others ask a person.
REASONS: dict[str, tuple[bool, Promise]] = {
    "creditor_country_not_eligible": (True, _(
        "The creditor must be registered in Belgium, the Netherlands, France, Germany, "
        "Luxembourg, Italy, Spain or Austria.")),
    "creditor_not_registered": (True, _(
        "The creditor's enterprise number is not in the Belgian enterprise register.")),
    "debtor_not_registered": (True, _(
        "The debtor's enterprise number is not in the Belgian enterprise register.")),
    "debtor_not_belgian": (True, _(
        "The debtor must be an enterprise registered in Belgium.")),
    "debtor_bankrupt": (True, _("The debtor is bankrupt.")),
    "debtor_reorganisation": (True, _("The debtor is in judicial reorganisation.")),
    "debtor_public_body": (True, _(
        "The debtor is a public body; public bodies cannot be summoned this way.")),
    "debtor_address_missing": (True, _(
        "The debtor is a natural person without an address in the register: give the address.")),
    "claim_contested": (True, _(
        "The debt is contested; only uncontested debts can be collected this way.")),
    "invoice_not_due": (True, _("Invoice %(invoice)s is not due yet.")),
    "invoice_not_positive": (True, _(
        "Invoice %(invoice)s leaves nothing to pay after credit notes.")),
    "invoice_time_barred": (True, _("Invoice %(invoice)s is time-barred since %(date)s.")),
    "debtor_dissolution": (False, _(
        "The debtor is being dissolved or liquidated: a person will review the claim.")),
    "debtor_situation_unknown": (False, _(
        "The register gives the debtor a situation we do not know: a person will review it.")),
    "debtor_form_unknown": (False, _(
        "The register gives the debtor a legal form we do not know: a person will review it.")),
}  # fmt: skip


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return REASONS[self.code][0]

    @property
    def message(self) -> str:
        """The message in the active language."""
        return (
            str(REASONS[self.code][1]) % self.params if self.params else str(REASONS[self.code][1])
        )

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params}


@dataclass(frozen=True)
class InvoiceFacts:
    number: str
    due_date: date
    amount: Decimal
    credit_notes: Decimal = Decimal("0.00")
    periodic: bool = False


@dataclass(frozen=True)
class DebtorAddress:
    street: str = ""
    postal_code: str = ""
    city: str = ""


@dataclass(frozen=True)
class ClaimFacts:
    """What the check needs; numbers are already normalised (debtors.identifiers)."""

    creditor_country: str
    creditor_number: str
    debtor_country: str
    debtor_number: str
    invoices: Sequence[InvoiceFacts]
    on: date
    debtor_address: DebtorAddress | None = None
    contested: bool = False
    chosen_language: str | None = None
    requested_language: str | None = None


@dataclass(frozen=True)
class DebtorFacts:
    name: str
    postal_code: str
    language: str | None


@dataclass
class Verdict:
    reasons: list[Reason]
    debtor: DebtorFacts | None
    prescription_date: date | None
    register_date: date | None

    @property
    def verdict(self) -> str:
        if any(reason.blocking for reason in self.reasons):
            return INELIGIBLE
        return REVIEW if self.reasons else ELIGIBLE


def add_years(day: date, years: int) -> date:
    """Same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def prescription_date(invoices: Sequence[InvoiceFacts]) -> date | None:
    """The earliest of the invoices' terms: due date + 10 years, or + 5 for periodic sums."""
    dates = [
        add_years(
            i.due_date, PERIODIC_PRESCRIPTION_YEARS if i.periodic else ORDINARY_PRESCRIPTION_YEARS
        )
        for i in invoices
    ]
    return min(dates, default=None)


def _invoice_reasons(invoices: Sequence[InvoiceFacts], on: date) -> list[Reason]:
    reasons = []
    for invoice in invoices:
        params = {"invoice": invoice.number}
        if invoice.due_date >= on:
            reasons.append(Reason("invoice_not_due", params))
        if invoice.amount - invoice.credit_notes <= 0:
            reasons.append(Reason("invoice_not_positive", params))
        term = add_years(invoice.due_date, PERIODIC_PRESCRIPTION_YEARS if invoice.periodic
                         else ORDINARY_PRESCRIPTION_YEARS)  # fmt: skip
        if on > term:
            reasons.append(Reason("invoice_time_barred", {**params, "date": term.isoformat()}))
    return reasons


def _creditor_reasons(facts: ClaimFacts) -> list[Reason]:
    if facts.creditor_country not in CREDITOR_COUNTRIES:
        return [Reason("creditor_country_not_eligible")]
    if facts.creditor_country == BELGIUM and register_lookup(facts.creditor_number) is None:
        return [Reason("creditor_not_registered")]
    return []


_SITUATION_REASONS = {
    Classification.BANKRUPT: "debtor_bankrupt",
    Classification.REORGANISATION: "debtor_reorganisation",
    Classification.DISSOLUTION: "debtor_dissolution",
    Classification.UNKNOWN: "debtor_situation_unknown",
}
_FORM_REASONS = {
    Classification.PUBLIC_BODY: "debtor_public_body",
    Classification.UNKNOWN: "debtor_form_unknown",
}


def _debtor_reasons(entry: RegisterEntry, address: DebtorAddress | None) -> list[Reason]:
    reasons = []
    if code := _SITUATION_REASONS.get(entry.situation):
        reasons.append(Reason(code))
    if entry.form is not None and (code := _FORM_REASONS.get(entry.form)):
        reasons.append(Reason(code))
    if entry.seat is None and not (address and address.postal_code.strip()):
        reasons.append(Reason("debtor_address_missing"))
    return reasons


def _debtor_facts(entry: RegisterEntry, facts: ClaimFacts) -> DebtorFacts:
    postal_code = entry.seat.postal_code if entry.seat else ""
    if not postal_code and facts.debtor_address:
        postal_code = facts.debtor_address.postal_code.strip()
    language = document_language(
        postal_code,
        register_languages=entry.name_languages,
        chosen=facts.chosen_language,
        requested=facts.requested_language,
    )
    return DebtorFacts(name=entry.name, postal_code=postal_code, language=language)


def eligibility_check(*, facts: ClaimFacts) -> Verdict:
    """Every reason the claim described by `facts` is not (surely) eligible on `facts.on`."""
    reasons = _creditor_reasons(facts)
    debtor = None
    if facts.debtor_country != BELGIUM:
        reasons.append(Reason("debtor_not_belgian"))
    else:
        entry = register_lookup(facts.debtor_number)
        if entry is None:
            reasons.append(Reason("debtor_not_registered"))
        else:
            reasons += _debtor_reasons(entry, facts.debtor_address)
            debtor = _debtor_facts(entry, facts)
    if facts.contested:
        reasons.append(Reason("claim_contested"))
    reasons += _invoice_reasons(facts.invoices, facts.on)
    return Verdict(
        reasons=reasons,
        debtor=debtor,
        prescription_date=prescription_date(facts.invoices),
        register_date=register_date(),
    )

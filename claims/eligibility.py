"""First eligibility checks a submission runs (domain.md sections 1 and 5).

This covers what a claim itself shows: invoices present, amounts, due dates, prescription and
the debtor's country. The enterprise register, insolvency and public-body checks join this
verdict when the register lands (issue 3).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from claims.models import Claim, EligibilityVerdict

ORDINARY_PRESCRIPTION_YEARS = 10  # old Civil Code art. 2262bis
PERIODIC_PRESCRIPTION_YEARS = 5  # art. 2277


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    blocking: bool = True


@dataclass
class Result:
    reasons: list[Reason] = field(default_factory=list)
    prescription_date: date | None = None

    @property
    def verdict(self) -> EligibilityVerdict:
        if any(reason.blocking for reason in self.reasons):
            return EligibilityVerdict.INELIGIBLE
        if self.reasons:
            return EligibilityVerdict.REVIEW
        return EligibilityVerdict.ELIGIBLE

    def reason_dicts(self) -> list[dict[str, str | bool]]:
        return [
            {"code": r.code, "message": r.message, "blocking": r.blocking} for r in self.reasons
        ]

    def summary(self) -> str:
        return "; ".join(reason.message for reason in self.reasons)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def evaluate(*, claim: Claim, on: date) -> Result:
    """Every reason a claim is not (or not surely) eligible on `on`; messages in English.

    The stored messages are in English (the audit language); the API translates codes.
    """
    result = Result()
    invoices = list(claim.invoices.all())
    with override("en"):
        if not invoices:
            result.reasons.append(Reason("no_invoices", str(_("The claim has no invoice."))))
        for invoice in invoices:
            _check_invoice(result, invoice.number, invoice.outstanding, invoice.due_date, on)
            term = PERIODIC_PRESCRIPTION_YEARS if invoice.periodic else ORDINARY_PRESCRIPTION_YEARS
            barred_on = add_years(invoice.due_date, term)
            if result.prescription_date is None or barred_on < result.prescription_date:
                result.prescription_date = barred_on
        if result.prescription_date is not None and result.prescription_date <= on:
            result.reasons.append(Reason("prescribed", str(_("The claim is time-barred."))))
        if claim.debtor.country != "BE":
            result.reasons.append(
                Reason("debtor_not_belgian", str(_("The debtor must be a Belgian enterprise.")))
            )
    return result


def _check_invoice(result: Result, number: str, outstanding: Decimal, due: date, on: date) -> None:
    if outstanding <= 0:
        result.reasons.append(
            Reason("nothing_due", str(_("Invoice %(n)s: nothing remains due.") % {"n": number}))
        )
    if due >= on:
        result.reasons.append(
            Reason("not_yet_due", str(_("Invoice %(n)s is not yet due.") % {"n": number}))
        )

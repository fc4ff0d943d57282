"""Pure money calculations (domain.md section 3). Decimal only, rounded in one helper.

No database here: the tables come in as arguments (fees.selectors loads them), so that every
function can be tested and benchmarked on its own.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
DAYS_IN_YEAR = Decimal(365)  # the law of 2 Aug 2002: principal × rate × days / 365


def money(value: Decimal | str | int) -> Decimal:
    """The one rounding helper: to the cent, half up. Strings in, never floats."""
    if isinstance(value, float):
        raise TypeError("money() takes Decimal, str or int, never float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    return money(amount * percent / HUNDRED)


class NoRateError(ValueError):
    """No rate covers the due date (the tables start in 2016)."""


@dataclass(frozen=True)
class Bracket:
    id: int
    min_value: Decimal
    max_value: Decimal | None
    advance_excl_vat: Decimal


@dataclass(frozen=True)
class Rate:
    id: int
    valid_from: date
    valid_to: date | None
    percent: Decimal


@dataclass(frozen=True)
class Advance:
    excl_vat: Decimal
    vat: Decimal
    incl_vat: Decimal
    bracket_id: int


def advance(
    claim_total: Decimal,
    brackets: Sequence[Bracket],
    *,
    vat_percent: Decimal,
    discount_percent: Decimal = Decimal(0),
) -> Advance:
    """The advance for a claim total: its bracket, less the partner discount, plus VAT."""
    bracket = next(
        (
            b
            for b in brackets
            if b.min_value <= claim_total and (b.max_value is None or claim_total <= b.max_value)
        ),
        None,
    )
    if bracket is None:
        raise ValueError(f"no advance bracket covers {claim_total}")
    excl = money(bracket.advance_excl_vat * (HUNDRED - discount_percent) / HUNDRED)
    vat = percent_of(excl, vat_percent)
    return Advance(excl_vat=excl, vat=vat, incl_vat=excl + vat, bracket_id=bracket.id)


@dataclass(frozen=True)
class Interest:
    amount: Decimal
    provisional: bool  # a day had no known rate: the last known one was used
    rate_ids: tuple[int, ...]
    days: int


def interest(principal: Decimal, due: date, on: date, rates: Sequence[Rate]) -> Interest:
    """Simple interest for each day after `due` up to and including `on`, per rate period.

    `rates` are ordered by `valid_from` (fees.selectors gives them so). Each day bears the rate
    in force on it (annual rate / 365); the periods are summed exactly and rounded once, half
    up. A day no rate covers bears the last known rate, and the result is then provisional
    (domain.md section 10).
    """
    if on <= due:
        return Interest(Decimal("0.00"), False, (), 0)
    if not rates or due < rates[0].valid_from:
        raise NoRateError(f"no interest rate is known for a due date of {due.isoformat()}")
    day, last_day = due.toordinal() + 1, on.toordinal()
    percent_days = Decimal(0)  # Σ rate × days
    used: list[int] = []
    provisional = False
    known = rates[0]
    for rate in rates:
        start = rate.valid_from.toordinal()
        stop = rate.valid_to.toordinal() if rate.valid_to else last_day
        if stop < day:
            known = rate
            continue
        if start > day:  # a gap in the table: the last known rate carries on, provisionally
            gap_end = min(start - 1, last_day)
            percent_days += known.percent * (gap_end - day + 1)
            provisional, day = True, gap_end + 1
            if day > last_day:
                break
        upto = min(stop, last_day)
        percent_days += rate.percent * (upto - day + 1)
        used.append(rate.id)
        known, day = rate, upto + 1
        if day > last_day:
            break
    if day <= last_day:  # past the end of the table
        percent_days += known.percent * (last_day - day + 1)
        provisional = True
        if known.id not in used:
            used.append(known.id)
    amount = money(principal * percent_days / (HUNDRED * DAYS_IN_YEAR))
    return Interest(amount, provisional, tuple(used), (on - due).days)


def damages_clause(principal: Decimal, percent: Decimal, minimum: Decimal | None = None) -> Decimal:
    """The creditor's contractual damages clause: a percentage, with an optional minimum."""
    amount = percent_of(principal, percent)
    return max(amount, money(minimum)) if minimum is not None and percent > 0 else amount


@dataclass(frozen=True)
class Capped:
    cap: Decimal
    claimable: Decimal
    cap_applied: bool


def ios_cap(
    principal: Decimal,
    interest_amount: Decimal,
    damages: Decimal,
    cap_percent: Decimal = Decimal(10),
) -> Capped:
    """In IOS, interest plus damages clause together may not exceed 10 % of the principal."""
    cap = percent_of(principal, cap_percent)
    wanted = interest_amount + damages
    return Capped(cap=cap, claimable=min(wanted, cap), cap_applied=wanted > cap)


def refund_of(advance_excl: Decimal, deductions_excl: Decimal, vat_percent: Decimal) -> Decimal:
    """(advance excl. VAT − deductions) × (1 + VAT), never below zero (domain.md §3)."""
    base = max(advance_excl - deductions_excl, Decimal(0))
    return money(base * (HUNDRED + vat_percent) / HUNDRED)


@dataclass(frozen=True)
class TariffValue:
    id: int
    amount: Decimal | None
    percent: Decimal | None
    unsettled: bool


@dataclass(frozen=True)
class Tables:
    """The tariff rows in force on one day, and the commercial rates."""

    brackets: tuple[Bracket, ...]
    commercial_rates: tuple[Rate, ...]
    tariffs: dict[str, TariffValue]

    def amount(self, code: str) -> Decimal:
        value = self.tariffs[code].amount
        if value is None:
            raise ValueError(f"tariff {code} has no amount (unsettled)")
        return value

    def percent(self, code: str) -> Decimal:
        value = self.tariffs[code].percent
        if value is None:
            raise ValueError(f"tariff {code} has no rate")
        return value


@dataclass(frozen=True)
class QuoteInput:
    principal: Decimal  # the claim total: invoice principals after credit notes
    due_date: date
    on: date
    damages_percent: Decimal = Decimal(0)
    damages_minimum: Decimal | None = None
    invoices: int = 1
    partner_discount: bool = False


@dataclass(frozen=True)
class Quote:
    advance: Advance
    interest: Interest
    damages_clause: Decimal
    capped: Capped
    flat_compensation: Decimal
    total_claim: Decimal
    versions: dict[str, object]


def compute_quote(request: QuoteInput, tables: Tables) -> Quote:
    """What a claim costs the creditor and what it claims from the debtor (domain.md §3)."""
    discount = tables.percent("partner_discount") if request.partner_discount else Decimal(0)
    the_advance = advance(
        request.principal,
        tables.brackets,
        vat_percent=tables.percent("vat_rate"),
        discount_percent=discount,
    )
    the_interest = interest(
        request.principal, request.due_date, request.on, tables.commercial_rates
    )
    damages = damages_clause(request.principal, request.damages_percent, request.damages_minimum)
    capped = ios_cap(request.principal, the_interest.amount, damages, tables.percent("ios_cap"))
    flat = money(tables.amount("flat_compensation") * request.invoices)
    used = ("vat_rate", "ios_cap", "flat_compensation") + (
        ("partner_discount",) if request.partner_discount else ()
    )
    return Quote(
        advance=the_advance,
        interest=the_interest,
        damages_clause=damages,
        capped=capped,
        flat_compensation=flat,
        total_claim=request.principal + capped.claimable + flat,
        versions={
            "advance_bracket": the_advance.bracket_id,
            "interest_rates": list(the_interest.rate_ids),
            **{code: tables.tariffs[code].id for code in used},
        },
    )

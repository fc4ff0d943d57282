"""Reads of tariffs, rates and the ledger."""

from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from fees.models import AdvanceBracket, InterestRate, LedgerAccount, LedgerEntry, Tariff
from fees.money import Bracket, Rate, Tables, TariffValue


def _in_force(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def _latest_per_code(rows: QuerySet[Tariff]) -> dict[str, TariffValue]:
    values: dict[str, TariffValue] = {}
    for row in rows.order_by("code", "-valid_from", "-id"):
        values.setdefault(
            row.code, TariffValue(row.pk, row.amount, row.rate_percent, row.unsettled)
        )
    return values


def tables_on(on: date) -> Tables:
    """The tariff rows in force on `on` (the earliest ones before the tables start)."""
    brackets = AdvanceBracket.objects.filter(_in_force(on))
    if not brackets.exists():
        first = AdvanceBracket.objects.order_by("valid_from").values_list("valid_from", flat=True)
        brackets = AdvanceBracket.objects.filter(valid_from=first[:1])
    tariffs = _latest_per_code(Tariff.objects.filter(_in_force(on)))
    if len(tariffs) < len(Tariff.Code):  # before the tables start: their first rows
        tariffs = {**_latest_per_code(Tariff.objects.all()), **tariffs}
    rates = InterestRate.objects.filter(kind=InterestRate.Kind.COMMERCIAL)
    return Tables(
        brackets=tuple(
            Bracket(b.pk, b.min_value, b.max_value, b.advance_excl_vat)
            for b in brackets.order_by("min_value")
        ),
        commercial_rates=tuple(
            Rate(r.pk, r.valid_from, r.valid_to, r.rate_percent)
            for r in rates.order_by("valid_from")
        ),
        tariffs=tariffs,
    )


def exact_sum(amounts: QuerySet[LedgerEntry]) -> Decimal:
    """Sum of the entries' amounts, in Decimal (SQLite's SUM works in floating point)."""
    return sum(amounts.values_list("amount", flat=True), Decimal("0.00"))


def ledger_balances(*, claim_id: int) -> dict[str, Decimal]:
    """Signed balance of every ledger account of one dossier (debit +, credit −)."""
    balances = {account.value: Decimal("0.00") for account in LedgerAccount}
    entries = LedgerEntry.objects.filter(claim_id=claim_id)
    for account, amount in entries.values_list("ledger_account", "amount"):
        balances[account] += amount
    return balances


def commercial_rate_missing(on: date) -> bool:
    """True when no commercial rate covers `on`: interest is then provisional (domain.md §10)."""
    return not InterestRate.objects.filter(
        _in_force(on), kind=InterestRate.Kind.COMMERCIAL
    ).exists()

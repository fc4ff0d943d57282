"""Amounts as people read them in their language: `€ 1.234,56` (nl), `1 234,56 €` (fr)."""

from decimal import Decimal

from django.utils import numberformat, translation
from django.utils.formats import get_format

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def format_money(amount: Decimal | str | int | None, language: str | None = None) -> str:
    """Two decimals, grouped thousands, the euro sign where the language puts it."""
    if amount is None or amount == "":
        return ""
    language = language or translation.get_language() or "en"
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    number = numberformat.format(
        value,
        decimal_sep=str(get_format("DECIMAL_SEPARATOR", language)),
        decimal_pos=2,
        grouping=3,
        thousand_sep=str(get_format("THOUSAND_SEPARATOR", language)),
        force_grouping=True,
    )
    if language.startswith("fr"):
        return f"{number}{NBSP}€"
    if language.startswith("nl"):
        return f"€{NBSP}{number}"
    return f"€{number}"

"""Template filters of the portal: amounts in the reader's language."""

from decimal import Decimal

from django import template

from ios_platform.formatting import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | str | int | None) -> str:
    """`{{ claim.total|money }}` → `€ 1.234,56` in Dutch, `1 234,56 €` in French."""
    return format_money(amount)

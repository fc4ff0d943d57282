"""Writes about debtors."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from creditors.models import Account, User
from debtors.identifiers import BELGIUM, normalise_be_enterprise
from debtors.language import document_language
from debtors.models import Debtor
from debtors.selectors import register_lookup


def debtor_upsert(
    *,
    account: Account,
    actor: User,
    registration_number: str,
    country: str = BELGIUM,
    name: str = "",
    street: str = "",
    postal_code: str = "",
    city: str = "",
    language: str = "",
) -> Debtor:
    """The account's debtor with this number, created or completed from the register.

    A Belgian number is normalised (400 naming the field when malformed); what the creditor
    leaves empty comes from the register's seat and name.
    """
    if country == BELGIUM:
        try:
            registration_number = normalise_be_enterprise(registration_number)
        except ValueError as exc:
            raise ValidationError({"registration_number": [str(exc)]}) from exc
    entry = register_lookup(registration_number) if country == BELGIUM else None
    seat = entry.seat if entry else None
    values = {
        "name": name or (entry.name if entry else ""),
        "street": street or (seat.street if seat else ""),
        "postal_code": postal_code or (seat.postal_code if seat else ""),
        "city": city or (seat.city if seat else ""),
    }
    languages = entry.name_languages if entry else frozenset()
    values["language"] = (
        language or document_language(values["postal_code"], register_languages=languages) or "fr"
    )
    if not values["name"]:
        message = _("Enter the debtor's name: the register does not know this number.")
        raise ValidationError({"name": [message]})
    debtor, _created = Debtor.objects.update_or_create(
        account=account, country=country, registration_number=registration_number, defaults=values
    )
    return debtor

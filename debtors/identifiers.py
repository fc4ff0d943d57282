"""Enterprise and VAT numbers (domain.md section 4).

Belgian numbers normalise to ten digits with the mod-97 check. Creditors registered in the seven
other countries give a register or VAT number, checked with python-stdnum where it has a module
and by format where it has none. Errors are ValueError with a message for the creditor.
"""

import re
from collections.abc import Callable
from types import ModuleType

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.at import businessid as at_businessid
from stdnum.at import uid as at_uid
from stdnum.be import vat as be_vat
from stdnum.de import handelsregisternummer as de_hr
from stdnum.de import vat as de_vat
from stdnum.es import cif as es_cif
from stdnum.es import nif as es_nif
from stdnum.fr import rcs as fr_rcs
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva
from stdnum.it import iva as it_iva
from stdnum.lu import tva as lu_tva
from stdnum.nl import btw as nl_btw

BELGIUM = "BE"
# Royal Decree of 17 Aug 2018: the creditor may be registered in one of these instead of BE.
CREDITOR_COUNTRIES = ("BE", "NL", "FR", "DE", "LU", "IT", "ES", "AT")


def normalise_be_enterprise(raw: str) -> str:
    """`0403.170.701`, `BE 0403170701`, `403170701` → `0403170701`, or ValueError."""
    digits = re.sub(r"[\s.\-/]", "", raw or "").upper().removeprefix("BE")
    if not digits:
        raise ValueError(_("Enter an enterprise number."))
    if not digits.isdigit():
        raise ValueError(_("An enterprise number has only digits (e.g. 0403.170.701)."))
    if len(digits) == 9:  # old numbers take a leading 0
        digits = "0" + digits
    if len(digits) != 10:
        raise ValueError(_("An enterprise number has 10 digits (e.g. 0403.170.701)."))
    if digits[0] not in "01":
        raise ValueError(_("A Belgian enterprise number starts with 0 or 1."))
    if not be_vat.is_valid(digits):
        raise ValueError(_("This enterprise number fails its check digits (mod 97)."))
    return digits


def format_be_enterprise(digits: str) -> str:
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def _format_check(pattern: str) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def validate(raw: str) -> str:
        compact = re.sub(r"\s", "", raw).upper()
        if not compiled.fullmatch(compact):
            raise stdnum_errors.InvalidFormat()
        return compact

    return validate


def _module(module: ModuleType) -> Callable[[str], str]:
    return lambda raw: str(module.validate(raw))


# Register numbers first, then VAT numbers; the first validator that accepts the number wins.
_FOREIGN: dict[str, tuple[Callable[[str], str], ...]] = {
    "NL": (_format_check(r"\d{8}"), _module(nl_btw)),  # KvK has no stdnum module: 8 digits
    "FR": (_module(fr_siren), _module(fr_siret), _module(fr_rcs), _module(fr_tva)),
    "DE": (_module(de_hr), _module(de_vat)),
    "LU": (_format_check(r"[A-Z]\d{1,6}"), _module(lu_tva)),  # RCS: a letter and digits
    "IT": (_format_check(r"[A-Z]{2}-?\d{1,7}"), _module(it_iva)),  # REA: province and digits
    "ES": (_module(es_cif), _module(es_nif)),
    "AT": (_module(at_businessid), _module(at_uid)),
}


def normalise_registration(country: str, raw: str) -> str:
    """A creditor's register or VAT number in its country's compact form, or ValueError."""
    country = (country or "").upper()
    if country == BELGIUM:
        return normalise_be_enterprise(raw)
    validators = _FOREIGN.get(country)
    if validators is None:
        raise ValueError(_("Creditors must be registered in BE, NL, FR, DE, LU, IT, ES or AT."))
    if not (raw or "").strip():
        raise ValueError(_("Enter a register or VAT number."))
    for validate in validators:
        try:
            return validate(raw)
        except (stdnum_errors.ValidationError, ValueError):
            continue
    raise ValueError(
        _("This is not a valid register or VAT number for %(country)s.") % {"country": country}
    )

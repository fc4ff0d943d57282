"""The language of judicial documents for a debtor's seat (law of 15 June 1935; domain.md §7)."""

GERMAN_AREA = range(4700, 4792)  # the German-speaking communes
BRUSSELS = range(1000, 1300)
# KBO denomination language codes: 1 French, 2 Dutch, 3 German, 4 English.
REGISTER_LANGUAGES = {"1": "fr", "2": "nl", "3": "de", "4": "en"}


def _area_language(code: int) -> str | None:
    if code in GERMAN_AREA:
        return "de"
    if 1300 <= code <= 1499 or 4000 <= code <= 7999:
        return "fr"
    if 1500 <= code <= 3999 or 8000 <= code <= 9999:
        return "nl"
    return None


def document_language(
    postal_code: str,
    *,
    register_languages: set[str] | frozenset[str] = frozenset(),
    chosen: str | None = None,
    requested: str | None = None,
) -> str | None:
    """nl, fr or de for a Belgian postal code; None when the code says nothing.

    In Brussels the register's denomination language decides; when it gives none or both, the
    creditor's choice, and before the creditor chose, the request's language if nl or fr, else fr.
    """
    code = int(postal_code) if postal_code.strip().isdigit() else None
    if code is None:
        return None
    if code not in BRUSSELS:
        return _area_language(code)
    official = {language for language in register_languages if language in {"nl", "fr"}}
    if len(official) == 1:
        return official.pop()
    if chosen in {"nl", "fr"}:
        return chosen
    return requested if requested in {"nl", "fr"} else "fr"

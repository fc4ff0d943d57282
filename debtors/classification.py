"""Reading juridical situations and forms from their code.csv descriptions (domain.md section 6).

The numeric codes for bankruptcy, reorganisation and liquidation are not settled, so a code is
classified by what the extract says it means, in Dutch, French or German, never by its number.
A code without a description needs review; a reviewed override (CodeOverride) always wins.
"""

import re
from collections.abc import Iterable

from debtors.models import Classification

SITUATION = "JuridicalSituation"
FORM = "JuridicalForm"


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


# Checked in this order: the gravest reading of a description wins.
_SITUATION_RULES: tuple[tuple[Classification, re.Pattern[str]], ...] = (
    (Classification.BANKRUPT, _words(r"faillissement", r"faillite", r"konkurs")),
    (Classification.REORGANISATION, _words(r"reorganisatie", r"réorganisation", r"reorganisation")),
    (
        Classification.DISSOLUTION,
        _words(r"ontbinding", r"dissolution", r"vereffening", r"liquidation", r"auflösung"),
    ),
    # The normal situation, and situations that only tell the enterprise's history.
    (
        Classification.NORMAL,
        _words(
            r"normale toestand", r"situation normale", r"gewöhnlicher zustand",
            r"oprichting", r"création", r"gründung", r"verlenging", r"prorogation",
            r"verlängerung",
        ),
    ),
)  # fmt: skip

_PUBLIC_FORM = _words(
    r"\bopenbare? instelling", r"établissement public", r"öffentliche einrichtung",
    r"overheidsdienst", r"service public", r"öffentliche[rn]? dienst",
    r"publiekrechtelijk", r"de droit public", r"öffentlichen rechts",
    r"\bgemeente\b", r"\bcommune\b", r"\bprovincie\b", r"\bprovince\b", r"\bocmw\b", r"\bcpas\b",
    r"\bpolitiezone\b", r"zone de police", r"hulpverleningszone", r"zone de secours",
    r"\bstaat\b", r"\bétat\b", r"gemeenschap\b", r"communauté (?:flamande|française|germanophone)",
    r"\bgewest\b", r"\brégion (?:wallonne|de bruxelles)",
)  # fmt: skip


def classify_situation(descriptions: Iterable[str]) -> Classification:
    texts = [text for text in descriptions if text.strip()]
    if not texts:
        return Classification.UNKNOWN
    for classification, pattern in _SITUATION_RULES:
        if any(pattern.search(text) for text in texts):
            return classification
    return Classification.UNKNOWN


def classify_form(descriptions: Iterable[str]) -> Classification:
    texts = [text for text in descriptions if text.strip()]
    if not texts:
        return Classification.UNKNOWN
    if any(_PUBLIC_FORM.search(text) for text in texts):
        return Classification.PUBLIC_BODY
    return Classification.PRIVATE


def classify(category: str, descriptions: Iterable[str]) -> Classification:
    return (
        classify_situation(descriptions) if category == SITUATION else classify_form(descriptions)
    )

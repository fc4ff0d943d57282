"""The compiled catalogues match their .po files, and every string is really translated."""

import ast
import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
# Proper names that read the same in the target language.
SAME_IN_TARGET = {("fr", "France"), ("fr", "Luxembourg")}


def po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (singular entries; the header is skipped)."""
    entries: dict[str, str] = {}
    pattern = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.MULTILINE)
    text = path.read_text()
    for match in pattern.finditer(text):
        msgid = "".join(ast.literal_eval(line) for line in match.group(1).splitlines())
        msgstr = "".join(ast.literal_eval(line) for line in match.group(2).splitlines())
        if msgid:
            entries[msgid] = msgstr
    assert "#, fuzzy" not in text.split("\n\n", 1)[1], f"{path} has fuzzy entries"
    return entries


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_string_is_translated_and_compiled(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    entries = po_entries(folder / "django.po")
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert untranslated == []
    same = [m for m, s in entries.items() if s == m and (language, m) not in SAME_IN_TARGET]
    assert same == [], "a translation equals its English source"
    stale = [msgid for msgid, msgstr in entries.items() if compiled.gettext(msgid) != msgstr]
    assert stale == [], "run `python manage.py compilemessages`"
    for msgid, msgstr in entries.items():  # placeholders survive translation
        assert set(re.findall(r"%\(\w+\)s", msgid)) == set(re.findall(r"%\(\w+\)s", msgstr))

"""The compiled catalogues match their .po files, and every string is really translated."""

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = ["nl", "fr"]
# The same options as the documented command (README): no `#:` lines, no venv, bench or tests.
MAKEMESSAGES = {
    "locale": LANGUAGES,
    "no_location": True,
    "ignore_patterns": [".venv", "bench", "tests"],
}
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


def po_msgids(path: Path) -> set[str]:
    """The msgids of a .po file, obsolete (#~) entries and the header left out."""
    pattern = re.compile(r'^msgid ((?:".*"\n)+)', re.MULTILINE)
    found = (
        "".join(ast.literal_eval(line) for line in m.group(1).splitlines())
        for m in pattern.finditer(path.read_text())
    )
    return {msgid for msgid in found if msgid}


def _mirrored(path: Path, mirror: Path) -> Path:
    """`path` moved from the project root into `mirror` (unchanged outside the project)."""
    return mirror / path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def test_catalogues_hold_every_message_of_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """makemessages on a copy of locale/ finds the same messages as the committed catalogues.

    makemessages writes into the `locale` folder of the directory it walks, whatever LOCALE_PATHS
    says, so it runs in a mirror of the project: symlinks to the sources, a copy of locale/.
    """
    for entry in ROOT.iterdir():
        if not entry.name.startswith(".") and entry.name != "locale":
            (tmp_path / entry.name).symlink_to(entry)
    shutil.copytree(LOCALE, tmp_path / "locale")
    monkeypatch.chdir(tmp_path)
    ignored_roots = {
        "STATIC_ROOT": _mirrored(Path(settings.STATIC_ROOT), tmp_path),
        "MEDIA_ROOT": _mirrored(Path(settings.MEDIA_ROOT), tmp_path),
    }
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"], **ignored_roots):
        call_command("makemessages", symlinks=True, verbosity=0, **MAKEMESSAGES)
    for language in LANGUAGES:
        po = Path("LC_MESSAGES") / "django.po"
        fresh, committed = (
            po_msgids(tmp_path / "locale" / language / po),
            po_msgids(LOCALE / language / po),
        )
        assert fresh - committed == set(), (
            f"new messages: run makemessages for {language} and translate them"
        )
        assert committed - fresh == set(), (
            f"messages no longer in the source: run makemessages for {language}"
        )

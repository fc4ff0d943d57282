"""Regenerate the portal's screenshots (docs/screenshots/) from a RUNNING server.

    python manage.py screenshots [--base-url http://127.0.0.1:8000] [--out docs/screenshots]

The server must hold the demo data (`seed_demo`, which `bin/run` loads); `bin/screenshots`
starts one on a temporary directory, runs this command and stops it. Pages are found by URL
name: a name that does not resolve yet (a page not built) is skipped with a line, and so is a
page that answers with an error or not with HTML. The claim codes come from the pages themselves
(the claim list filtered by state, the review list, the bailiff's queue), so any server with the
demo data will do.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, Response, sync_playwright

from claims.demo import DEMO_PASSWORD

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 20_000
LOCALES = {"en": "en-GB", "nl": "nl-BE", "fr": "fr-BE"}
LOGINS = {"owner": "owner@demo.test", "staff": "staff@demo.test", "bailiff": "bailiff@demo.test"}
ANONYMOUS = "anonymous"
CODE_PLACEHOLDER = "CODE0PLACEHOLDER"

# Demo claims worth a picture of their detail page: one per kind of situation.
DETAIL_STATES = (
    "draft",
    "awaiting_advance",
    "in_review",
    "with_bailiff",
    "solvency_doubtful",
    "summons_served",
    "facilities_granted",
    "ready_for_pv",
    "pv_drawn",
    "enforceable",
    "paid",
    "contested",
    "rejected",
    "cancelled",
    "irrecoverable",
)
TRANSLATED_DETAIL_STATE = "summons_served"  # the detail page shown in nl and fr as well


@dataclass(frozen=True)
class CodeSource:
    """Where a page's `code` comes from: the first link on the `listing` page to one of the
    `links` URL names (a draft in the claim list links to the wizard, the others to their page)."""

    listing: str
    links: tuple[str, ...]
    query: str = ""


@dataclass(frozen=True)
class Shot:
    name: str
    url_name: str
    role: str
    code: CodeSource | None = None
    languages: tuple[str, ...] = ("en",)


def _claim_in(state: str) -> CodeSource:
    # Oldest first: the demo's one-per-state claims, not DEMO-SWEEP that the sweep moves on.
    links = ("claims:detail", "submit:resume")
    return CodeSource("claims:list", links, f"state={state}&sort=created")


def _shots() -> Iterator[Shot]:
    everywhere = ("en", "nl", "fr")
    yield Shot("login", "account_login", ANONYMOUS, languages=everywhere)
    yield Shot("sign-up", "account_signup", ANONYMOUS)
    yield Shot("password-reset", "account_reset_password", ANONYMOUS)
    yield Shot("dashboard", "dashboard", "owner", languages=everywhere)
    yield Shot("claim-list", "claims:list", "owner", languages=everywhere)
    for state in DETAIL_STATES:
        languages = everywhere if state == TRANSLATED_DETAIL_STATE else ("en",)
        yield Shot(f"claim-{state}", "claims:detail", "owner", _claim_in(state), languages)
    yield from _wizard_shots()
    yield Shot("companies", "creditors:companies", "owner")
    yield Shot("team", "creditors:team", "owner")
    yield Shot("settings", "notifications:settings", "owner")
    yield Shot("two-factor", "mfa_index", "owner")
    yield Shot("backoffice-review", "backoffice:review-list", "staff")
    review = CodeSource("backoffice:review-list", ("backoffice:review-detail",))
    yield Shot("backoffice-review-claim", "backoffice:review-detail", "staff", review)
    yield Shot("backoffice-money", "backoffice:money", "staff")
    yield Shot("backoffice-handoff", "backoffice:handoff", "staff")
    yield Shot("bailiff-queue", "bailiffs:queue", "bailiff")
    yield Shot(
        "bailiff-claim",
        "bailiffs:claim",
        "bailiff",
        CodeSource("bailiffs:queue", ("bailiffs:claim",)),
    )
    yield Shot("bailiff-tokens", "bailiffs:tokens", "bailiff")


def _wizard_shots() -> Iterator[Shot]:
    """The new-claim pages, in the order the submission URLconf declares them.

    A page without arguments is shown as is; one that takes a claim `code` is shown for the
    demo draft, or for the demo claim awaiting its advance when it is about paying. A page that
    only redirects for these claims (resuming, a transfer not chosen yet) is skipped.
    """
    namespace = get_resolver().namespace_dict.get("submit")
    if namespace is None:
        return
    for pattern in _patterns(namespace[1]):
        if not pattern.name:
            continue
        kwargs = set(getattr(pattern.pattern, "converters", {}))
        name = f"submit:{pattern.name}"
        if not kwargs:
            yield Shot(f"new-claim-{pattern.name}", name, "owner")
        elif kwargs == {"code"}:
            paying = "pay" in pattern.name or "transfer" in pattern.name
            state = "awaiting_advance" if paying else "draft"
            yield Shot(f"new-claim-{pattern.name}", name, "owner", _claim_in(state))


def _patterns(resolver: URLResolver) -> Iterator[URLPattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLPattern):
            yield entry
        elif isinstance(entry, URLResolver) and not entry.namespace:
            yield from _patterns(entry)


@dataclass
class Session:
    """The browser, one logged-in context per (role, language), and what was found so far."""

    browser: Browser
    base_url: str
    contexts: dict[tuple[str, str], BrowserContext] = field(default_factory=dict)
    codes: dict[tuple[str, CodeSource], str | None] = field(default_factory=dict)
    seen: set[tuple[str, str]] = field(default_factory=set)  # (final URL, language)

    def page(self, role: str, language: str) -> Page:
        key = (role, language)
        if key not in self.contexts:
            context = self.browser.new_context(
                base_url=self.base_url,
                locale=LOCALES[language],
                timezone_id=settings.TIME_ZONE,
                viewport=VIEWPORT,  # type: ignore[arg-type]
            )
            context.set_default_timeout(TIMEOUT_MS)
            if role != ANONYMOUS:
                _log_in(context, LOGINS[role])
            self.contexts[key] = context
        return (
            self.contexts[key].pages[0]
            if self.contexts[key].pages
            else self.contexts[key].new_page()
        )

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


def _code_in(href: str, url_names: tuple[str, ...]) -> str | None:
    """The `code` of a link to one of these URL names (in any language), or None."""
    try:
        match = resolve(href)
    except Resolver404:
        return None
    code = match.kwargs.get("code")
    return code if match.view_name in url_names and isinstance(code, str) else None


def _whole_page(response: Response | None) -> bool:
    """A document with its <html>, not an htmx fragment (the browser would wrap one in a page)."""
    if response is None:
        return False
    return "<html" in response.text()[:1000].lower()


def _log_in(context: BrowserContext, email: str) -> None:
    """Log in through allauth's form, as a person would."""
    page = context.new_page()
    page.goto(reverse("account_login"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    try:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    except Exception as exc:
        raise CommandError(f"Could not log in as {email} (is the demo data loaded?)") from exc


class Command(BaseCommand):
    help = "Save a PNG of each portal page from a running server with the demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "screenshots"))
        parser.add_argument("--chromium", default="/usr/bin/chromium")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        written: list[Path] = []
        failed: list[str] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=options["chromium"], args=CHROMIUM_ARGS, headless=True
            )
            session = Session(browser, options["base_url"].rstrip("/"))
            try:
                for shot in _shots():
                    for language in shot.languages:
                        self._take(session, shot, language, out, written, failed)
            finally:
                session.close()
                browser.close()
        self._remove_stale(out, written)
        self._write_index(out, written)
        self.stdout.write(f"{len(written)} screenshots in {out}.")
        if failed:
            raise CommandError("These pages failed: " + ", ".join(failed))

    def _take(
        self, session: Session, shot: Shot, language: str, out: Path,
        written: list[Path], failed: list[str],
    ) -> None:  # fmt: skip
        label = f"{language}/{shot.name}"
        try:
            url = self._url(session, shot, language)
        except NoReverseMatch:
            self.stdout.write(f"skip  {label}: the URL name {shot.url_name!r} does not resolve yet")
            return
        except LookupError as exc:
            self.stdout.write(f"skip  {label}: {exc}")
            return
        page = session.page(shot.role, language)
        response = page.goto(url)
        status = response.status if response else 0
        content_type = response.headers.get("content-type", "") if response else ""
        if status >= 400:
            self.stdout.write(self.style.ERROR(f"fail  {label}: {url} answered {status}"))
            failed.append(label)
            return
        if not content_type.startswith("text/html") or not _whole_page(response):
            self.stdout.write(f"skip  {label}: {url} is not a whole page ({content_type})")
            return
        landed = urlsplit(page.url).path
        if landed != urlsplit(url).path:
            self.stdout.write(f"skip  {label}: {url} redirects to {landed}")
            return
        if (landed, language) in session.seen:
            self.stdout.write(f"skip  {label}: {url} was saved already")
            return
        session.seen.add((landed, language))
        page.wait_for_load_state("networkidle")
        path = out / language / f"{shot.name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        written.append(path)
        self.stdout.write(f"saved {path.relative_to(out)}  ({page.url})")

    def _url(self, session: Session, shot: Shot, language: str) -> str:
        """The page's address in `language`; NoReverseMatch or LookupError if there is none."""
        with translation.override(language):
            if shot.code is None:
                return reverse(shot.url_name)
            reverse(shot.url_name, kwargs={"code": CODE_PLACEHOLDER})  # resolves at all?
            code = self._code(session, shot.role, shot.code)
            return reverse(shot.url_name, kwargs={"code": code})

    def _code(self, session: Session, role: str, source: CodeSource) -> str:
        key = (role, source)
        if key not in session.codes:
            session.codes[key] = self._first_code(session, role, source)
        code = session.codes[key]
        if code is None:
            links = " or ".join(source.links)
            raise LookupError(f"no {links} link on {source.listing}?{source.query}")
        return code

    def _first_code(self, session: Session, role: str, source: CodeSource) -> str | None:
        with translation.override("en"):
            listing = reverse(source.listing) + (f"?{source.query}" if source.query else "")
        page = session.page(role, "en")
        page.goto(listing)
        for href in page.locator("main a[href]").evaluate_all("els => els.map(e => e.pathname)"):
            code = _code_in(href, source.links)
            if code:
                return code
        return None

    def _remove_stale(self, out: Path, written: list[Path]) -> None:
        """A page that no longer exists must not keep an old picture."""
        keep = set(written)
        for path in out.glob("*/*.png"):
            if path not in keep:
                path.unlink()
                self.stdout.write(f"removed stale {path.relative_to(out)}")

    def _write_index(self, out: Path, written: list[Path]) -> None:
        names = sorted({path.stem for path in written}, key=[p.stem for p in written].index)
        rows = ["| page | " + " | ".join(LOCALES) + " |", "|---|" + "---|" * len(LOCALES)]
        for name in names:
            cells = [
                f"[{language}]({language}/{name}.png)"
                if out / language / f"{name}.png" in written
                else ""
                for language in LOCALES
            ]
            rows.append(f"| {name} | " + " | ".join(cells) + " |")
        text = (
            "# Screenshots\n\nGenerated by `bin/screenshots` (or `python manage.py screenshots`"
            " against a running server with the demo data); do not edit by hand.\n\n"
            + "\n".join(rows)
            + "\n"
        )
        (out / "README.md").write_text(text)

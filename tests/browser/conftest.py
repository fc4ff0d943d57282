"""Fixtures for the tests that drive the portal in a real browser (Debian's chromium).

The browser tests are marked `browser`. Locally they skip when /usr/bin/chromium is missing;
in CI (the `CI` env var set) a missing chromium is an error, as for the postgres/redis markers.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from creditors.models import Role, User
from creditors.services import membership_add, user_create_verified
from tests.conftest import IN_CI, World

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
HERE = Path(__file__).resolve().parent
PASSWORD = "browser-pass-2026"
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test: skip without chromium, fail in CI."""
    ours = [item for item in items if HERE in Path(str(item.path)).parents]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    if not ours or CHROMIUM.exists():
        return
    if IN_CI:
        raise pytest.UsageError(f"CI runs without {CHROMIUM}: install Debian's chromium.")
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=f"needs chromium at {CHROMIUM}"))


def _serialized_contents() -> dict[str, str]:
    """The rows the migrations made (tariffs...), as serialized when the test DB was set up."""
    found = {}
    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            found[alias] = contents
    return found


@pytest.fixture(scope="package")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    # The sync API runs an event loop in the test thread; Django would then refuse the ORM calls
    # the test itself makes (fixtures, assertions), so allow them for the browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    serialized = _serialized_contents()
    try:
        with sync_playwright() as p:
            # With a running loop Django keeps its connections per context, not per thread: the
            # test now gets new connection objects, which must also know the serialized rows for
            # the serialized rollback to restore them after the previous test's flush.
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
            yield p
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def base_url(live_server: LiveServer, django_db_serialized_rollback: None) -> str:
    """The live server's URL. The serialized rollback restores the migrations' rows (tariffs)
    that the live server's transactional flush would otherwise remove for later tests."""
    return live_server.url


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    # An English browser: the portal's language comes from Accept-Language until switched.
    context = browser.new_context(base_url=base_url, locale="en-GB", timezone_id="Europe/Brussels")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def creditor(world: World) -> User:
    """A verified user (can log in through allauth) who is a member of the world's account."""
    user = user_create_verified(email="creditor@browser.test", password=PASSWORD)
    membership_add(account=world.account, actor=world.owner, user=user, role=Role.MEMBER)
    return user


def log_in_context(context: BrowserContext, base_url: str, user: User) -> None:
    """Give the browser a session of `user` without going through the login form."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": base_url}])


@pytest.fixture
def logged_in_page(context: BrowserContext, base_url: str, creditor: User) -> Page:
    log_in_context(context, base_url, creditor)
    return context.new_page()


@pytest.fixture
def staff_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A staff member's page in a browser context of its own (its own cookies and session)."""
    staff = user_create_verified(email="staff@browser.test", password=PASSWORD, is_staff=True)
    context = browser.new_context(base_url=base_url, locale="en-GB", timezone_id="Europe/Brussels")
    context.set_default_timeout(TIMEOUT_MS)
    log_in_context(context, base_url, staff)
    yield context.new_page()
    context.close()

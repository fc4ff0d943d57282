"""The creditor portal in Debian's chromium against the live server (pages that exist today)."""

import re

from playwright.sync_api import Page, expect

from claims.states import State
from creditors.models import User
from tests.browser.conftest import PASSWORD
from tests.conftest import World

MAX_TABS = 30


def _tab_to(page: Page, element_id: str) -> None:
    """Press Tab until the element with this id has the focus (it must be reachable)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def test_log_in_through_the_login_form(page: Page, creditor: User) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Email")).fill(creditor.email)
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator("header")).to_contain_text(creditor.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")


def test_wrong_password_shows_the_error_and_stays_logged_out(page: Page, creditor: User) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Email")).fill(creditor.email)
    page.get_by_label(re.compile("^Password")).fill("not-the-password")
    page.locator("main form").get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("header")).not_to_contain_text(creditor.email)


def test_login_form_works_with_the_keyboard_only(page: Page, creditor: User) -> None:
    page.goto("/accounts/login/")
    _tab_to(page, "id_login")
    page.keyboard.type(creditor.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator("header")).to_contain_text(creditor.email)


def test_claim_list_shows_the_claims_and_filters_by_state(
    logged_in_page: Page, world: World
) -> None:
    page = logged_in_page
    served = world.claim_in(State.SUMMONS_SERVED)
    draft = world.draft(reference="BROWSER-DRAFT")
    theirs = world.draft(account=world.other_account, reference="NOT-OURS")
    page.goto("/claims/")
    rows = page.locator("table.grid tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_role("link", name=served.code)).to_be_visible()
    expect(page.get_by_role("link", name=draft.code)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(theirs.code)

    page.locator("#state").select_option(State.DRAFT.value)
    page.locator("form[role=search]").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"state=draft"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(draft.code)
    expect(rows.first).to_contain_text("BROWSER-DRAFT")
    expect(page.locator("#state")).to_have_value(State.DRAFT.value)


def test_claim_detail_shows_the_progress_line(logged_in_page: Page, world: World) -> None:
    page = logged_in_page
    claim = world.claim_in(State.SUMMONS_SERVED)
    page.goto("/claims/")
    page.get_by_role("link", name=claim.code).click()
    expect(page).to_have_url(re.compile(rf"/claims/{claim.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(claim.code)
    timeline = page.locator("ol.timeline")
    expect(timeline).to_be_visible()
    # Submitted, accepted, with the bailiff and served are done, each with its date.
    done = timeline.locator("li.done")
    expect(done).to_have_count(4)
    expect(done.last).to_contain_text("Summons served")
    expect(done.locator("time")).to_have_count(4)
    # Waiting for the PV is the coming step, with its date.
    expect(timeline.locator("li.coming").first).to_contain_text("Ready for the PV")


def test_language_switcher_turns_the_list_into_dutch_with_dutch_amounts(
    logged_in_page: Page, world: World
) -> None:
    page = logged_in_page
    claim = world.claim_in(State.SUMMONS_SERVED)  # one invoice of 1,250.00 (the world's draft)
    page.goto("/claims/")
    amount = page.locator("table.grid tbody tr td.num").first
    expect(amount).to_have_text(re.compile(r"^\s*€1,250\.00\s*$"))

    page.get_by_label("Language").select_option("nl")
    expect(page).to_have_url(re.compile(r"/nl/claims/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vorderingen")
    # `€ 1.250,00`: a no-break space after the euro sign, a dot for thousands, a decimal comma.
    expect(amount).to_have_text(re.compile("^\\s*€\u00a01\\.250,00\\s*$"))
    expect(page.get_by_role("link", name=claim.code)).to_be_visible()

    # The choice sticks: the next page is Dutch as well.
    page.get_by_role("link", name=claim.code).click()
    expect(page).to_have_url(re.compile(rf"/nl/claims/{claim.code}/$"))
    expect(page.locator("main")).to_contain_text("Voortgang")

"""A creditor's whole journey in Debian's chromium, once in English and once in French.

Sign up (the verification link read from the test mailbox), add a company, submit a claim in
the three steps with an upload, pay the advance by transfer, have staff confirm it, find the
claim in the list and open it; then submit a second claim, pay it and cancel it, seeing the
refund before confirming.

Locators are ids, names and CSS classes rather than visible text: the French catalogue is being
completed, and these tests check the flow and the formats (language, amounts, URLs, states).
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from claims.models import Claim
from claims.states import State
from debtors.models import RegisterExtract
from fees.models import Payment, Refund

PASSWORD = "Unpaid-Invoices-2026"
ORGANISATION = "Bakkerij Peeters"
# Two ordinary, active companies of the KBO sample (debtors/data/kbo_sample): one collects,
# the other owes.
CREDITOR_NAME, CREDITOR_NUMBER = "Fixture Logistique Bruxelles", "0999.000.921"
DEBTOR_NAME, DEBTOR_NUMBER = "Fixture Schrijnwerkerij Gent", "0999.000.723"
IBAN = "BE71 0961 2345 6769"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LINK = re.compile(r"https?://\S+")
SPACES = re.compile(r"[\s\u00a0\u202f]+")
OGM = re.compile(r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")
# The claim's amounts as each language writes them (the money filter, ios_platform/formatting).
AMOUNTS = {
    "en": {"1250.00": "€1,250.00", "980.00": "€980.00"},
    "fr": {"1250.00": "1 250,00 €", "980.00": "980,00 €"},
}


def _plain(text: str) -> str:
    """No-break and narrow no-break spaces (French amounts) read as ordinary spaces."""
    return SPACES.sub(" ", text).strip()


def _shown(text: str) -> re.Pattern[str]:
    """A pattern for `text` as the page shows it, whatever kind of space it uses."""
    return re.compile(r"\s+".join(re.escape(word) for word in _plain(text).split(" ")))


@dataclass(frozen=True)
class Creditor:
    """The creditor's page and the language prefix of its URLs ("" for English)."""

    page: Page
    language: str

    @property
    def prefix(self) -> str:
        return "" if self.language == "en" else f"/{self.language}"

    def url(self, path: str) -> re.Pattern[str]:
        """The page at `path` in the creditor's language (perhaps scrolled to an anchor)."""
        return re.compile(r"^https?://[^/]+" + re.escape(self.prefix) + path + r"(#[\w-]+)?$")

    def goto(self, path: str) -> None:
        self.page.goto(self.prefix + path)
        expect(self.page.locator("html")).to_have_attribute("lang", self.language)

    def amount(self, value: str) -> re.Pattern[str]:
        return _shown(AMOUNTS[self.language][value])


# --- the steps of the journey -------------------------------------------------------------


def _sign_up(page: Page, language: str, email: str) -> Creditor:
    """Sign up in `language` (chosen with the header's switcher), verify, end logged in."""
    page.goto("/accounts/signup/")
    if language != "en":
        page.locator("#language").select_option(language)
        expect(page).to_have_url(re.compile(rf"/{language}/accounts/signup/$"))
    creditor = Creditor(page, language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_organisation").fill(ORGANISATION)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(creditor.url("/accounts/confirm-email/"))
    expect(page.locator("header")).not_to_contain_text(email)  # not before verifying

    [message] = mail.outbox
    assert message.to == [email]
    [link] = LINK.findall(str(message.body))
    assert f"{creditor.prefix}/accounts/confirm-email/" in link  # in the language signed up in
    page.goto(link)
    expect(page.locator("main")).to_contain_text(email)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(creditor.url("/dashboard/"))
    expect(page.locator("header")).to_contain_text(email)
    expect(page.locator("header .account-name")).to_have_text(ORGANISATION)
    return creditor


def _add_company(creditor: Creditor) -> None:
    page = creditor.page
    creditor.goto("/companies/")
    form = page.locator("section.company-form form")
    form.locator("#id_name").fill(CREDITOR_NAME)
    expect(form.locator("#id_country")).to_have_value("BE")
    form.locator("#id_registration_number").fill(CREDITOR_NUMBER)
    form.locator("#id_iban").fill(IBAN)
    form.locator("button[type=submit]").click()
    row = page.locator("table.companies tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CREDITOR_NAME)
    expect(row).to_contain_text("0999000921")


def _step_debtor(creditor: Creditor) -> str:
    """Step 1: the company and the debtor's number, checked live as it is typed (htmx)."""
    page = creditor.page
    creditor.goto("/claims/new/")
    page.locator("#id_company").select_option(label=CREDITOR_NAME)
    page.locator("#id_debtor_number").press_sequentially(DEBTOR_NUMBER)
    check = page.locator("#debtor-check")
    expect(check.locator(".check-name")).to_have_text(DEBTOR_NAME)
    expect(check.locator(".register-check-eligible .check-address")).to_contain_text("9000 Gent")
    page.locator("form.wizard .wizard-actions button[type=submit]").click()
    expect(page).to_have_url(creditor.url(r"/claims/new/[^/]+/invoices/"))
    return page.url.rstrip("/").split("/")[-2]


def _step_invoices(creditor: Creditor, amount: str, reference: str) -> None:
    """Step 2: one invoice, due two months ago (due, not time-barred), and its PDF."""
    page = creditor.page
    due = timezone.localdate() - timedelta(days=60)
    page.locator("#id_invoices-0-number").fill(f"F-{reference}")
    page.locator("#id_invoices-0-issue_date").fill((due - timedelta(days=30)).isoformat())
    page.locator("#id_invoices-0-due_date").fill(due.isoformat())
    page.locator("#id_invoices-0-amount").fill(amount)
    page.locator("#id_own_reference").fill(reference)
    invoice_pdf: FilePayload = {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF}
    page.locator("#id_invoice_file").set_input_files(files=invoice_pdf)
    page.locator(".wizard-actions button[name=continue]").click()
    expect(page).to_have_url(creditor.url(r"/claims/new/[^/]+/quote/"))


def _step_quote(creditor: Creditor, amount: str) -> str:
    """Step 3: the verdict and the quote; confirm and submit. Returns the advance shown."""
    page = creditor.page
    expect(page.locator("section.verdict-eligible")).to_be_visible()
    expect(page.locator("[data-figure=principal]")).to_have_text(creditor.amount(amount))
    advance = _plain(page.locator("[data-figure=advance_incl_vat]").inner_text())
    assert advance, "the quote shows the advance"
    page.locator("#id_confirm").check()
    page.locator("form.confirm button[type=submit]").click()
    expect(page).to_have_url(creditor.url(r"/claims/new/[^/]+/pay/"))
    expect(page.locator("[data-figure=advance_incl_vat]")).to_have_text(_shown(advance))
    return advance


def _pay_by_transfer(creditor: Creditor, code: str, advance: str) -> None:
    page = creditor.page
    page.locator("input[name=method][value=transfer]").check()
    page.locator("form.wizard .wizard-actions button[type=submit]").click()
    expect(page).to_have_url(creditor.url(f"/claims/new/{code}/transfer/"))
    expect(page.locator("[data-figure=amount]")).to_have_text(_shown(advance))
    expect(page.locator(".transfer-details .ogm")).to_have_text(OGM)
    assert Claim.objects.get(code=code).state == State.AWAITING_ADVANCE


def _submit_claim(creditor: Creditor, amount: str, reference: str) -> tuple[str, str]:
    """The three steps and the choice of a transfer: the claim's code and its advance."""
    code = _step_debtor(creditor)
    _step_invoices(creditor, amount, reference)
    advance = _step_quote(creditor, amount)
    _pay_by_transfer(creditor, code, advance)
    return code, advance


def _staff_confirms_transfer(staff_page: Page, code: str) -> None:
    staff_page.goto("/backoffice/money/")
    row = staff_page.locator("table.grid tbody tr", has_text=code)
    expect(row).to_have_count(1)
    row.get_by_role("button", name="Received").click()
    expect(staff_page).to_have_url(re.compile(r"/backoffice/money/$"))
    expect(row).to_have_count(0)


def _claim_in_list(creditor: Creditor, code: str, amount: str) -> None:
    page = creditor.page
    creditor.goto("/claims/")
    row = page.locator("table.grid tbody tr", has_text=code)
    expect(row).to_have_count(1)
    expect(row.locator(".state")).to_have_class(re.compile(r"\bstate-accepted\b"))
    expect(row.locator("td.num")).to_have_text(creditor.amount(amount))
    expect(row).to_contain_text(DEBTOR_NAME)
    row.get_by_role("link", name=code).click()
    expect(page).to_have_url(creditor.url(f"/claims/{code}/"))


def _claim_page_shows(creditor: Creditor, code: str, amount: str, advance: str) -> None:
    page = creditor.page
    expect(page.locator("html")).to_have_attribute("lang", creditor.language)
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.locator("main .state").first).to_have_class(re.compile(r"\bstate-accepted\b"))
    money = page.locator("#money")
    expect(money).to_contain_text(creditor.amount(amount))  # the claim total
    expect(money).to_contain_text(_shown(advance))  # the advance paid
    expect(page.get_by_role("link", name="invoice.pdf")).to_be_visible()


def _cancel(creditor: Creditor, code: str, advance: str) -> None:
    """The refund is shown first; only the confirmation cancels the claim."""
    page = creditor.page
    page.locator(".action-cancel a").click()
    expect(page).to_have_url(creditor.url(f"/claims/{code}/cancel/"))
    expect(page.locator(".refund-quote tr.total")).to_contain_text(_shown(advance))
    assert Claim.objects.get(code=code).state == State.ACCEPTED  # nothing happened yet
    page.locator("#id_reason").fill("The debtor called and promised to pay.")
    page.locator(".cancel-form button.danger").click()
    expect(page).to_have_url(creditor.url(f"/claims/{code}/"))
    expect(page.locator("main .state").first).to_have_class(re.compile(r"\bstate-cancelled\b"))
    expect(page.locator(".messages")).to_contain_text(_shown(advance))
    expect(page.locator("table.refunds tbody tr")).to_contain_text(_shown(advance))
    # Cancelled within the first hours: the whole advance paid comes back.
    paid = Payment.objects.get(claim__code=code, state=Payment.State.SUCCEEDED)
    assert Refund.objects.get(claim__code=code).amount == paid.amount


# --- the journey ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_creditor_signs_up_submits_pays_by_transfer_and_cancels_a_second_claim(
    page: Page, staff_page: Page, register: RegisterExtract, language: str
) -> None:
    creditor = _sign_up(page, language, f"anna.{language}@peeters.test")
    _add_company(creditor)

    first, first_advance = _submit_claim(creditor, "1250.00", "FIRST")
    _staff_confirms_transfer(staff_page, first)
    _claim_in_list(creditor, first, "1250.00")
    _claim_page_shows(creditor, first, "1250.00", first_advance)

    second, second_advance = _submit_claim(creditor, "980.00", "SECOND")
    _staff_confirms_transfer(staff_page, second)
    _claim_in_list(creditor, second, "980.00")
    _cancel(creditor, second, second_advance)

    assert Claim.objects.get(code=first).state == State.ACCEPTED
    assert set(Claim.objects.values_list("account__name", flat=True)) == {ORGANISATION}

"""The submission wizard: step 1 with the live register check, step 2 invoices and documents,
step 3 verdict, quote and confirmation, then the advance by transfer or card."""

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from claims.models import Claim, ClaimDocument, Invoice
from claims.services import (
    DraftDetails,
    InvoiceInput,
    claim_document_add,
    claim_document_remove,
    claim_submit,
    claim_update_draft,
)
from claims.states import State, TransitionNotAllowed
from creditors.models import Language
from creditors.selectors import SESSION_COMPANY_KEY
from creditors.services import company_create
from debtors.models import RegisterExtract
from fees.models import Payment
from fees.money import QuoteInput, compute_quote
from fees.selectors import tables_on
from fees.services import advance_for, debt_for
from ios_platform.formatting import format_money
from tests.conftest import World
from tests.fake_stripe import FakeStripe

GHENT = "0999.000.723"  # an ordinary company in the KBO sample
NAMUR = "0999.000.822"
PUBLIC_BODY = "0999.000.525"  # a federal public service
UNKNOWN = "0403.170.701"  # valid check digits, not in the sample
PDF = b"%PDF-1.4 an invoice"


def _today() -> date:
    return timezone.localdate()


def _pdf(name: str = "invoice-F1.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def _management(total: int, initial: int = 0) -> dict[str, str]:
    return {
        "invoices-TOTAL_FORMS": str(total),
        "invoices-INITIAL_FORMS": str(initial),
        "invoices-MIN_NUM_FORMS": "1",
        "invoices-MAX_NUM_FORMS": "100",
    }


def _invoice(index: int, number: str, amount: str, due_days_ago: int = 40, **extra: str) -> dict:
    due = _today() - timedelta(days=due_days_ago)
    return {
        f"invoices-{index}-number": number,
        f"invoices-{index}-issue_date": (due - timedelta(days=30)).isoformat(),
        f"invoices-{index}-due_date": due.isoformat(),
        f"invoices-{index}-amount": amount,
        **{f"invoices-{index}-{key}": value for key, value in extra.items()},
    }


def _step2(*invoices: dict[str, str], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {**_management(len(invoices)), "damages_clause_percent": "0"}
    for invoice in invoices:
        data |= invoice
    return data | fields


def _start(client: Client, world: World, number: str = GHENT) -> Claim:
    response = client.post("/claims/new/", {"company": world.company.pk, "debtor_number": number})
    assert response.status_code == 302, response.content.decode()
    code = response["Location"].split("/")[-3]
    assert response["Location"] == f"/claims/new/{code}/invoices/"
    return Claim.objects.get(code=code)


def _figures(page: str) -> dict[str, str]:
    """The amounts the page marks with data-figure, as the reader sees them."""
    return dict(re.findall(r'data-figure="([a-z_]+)">([^<]+)<', page))


def _with_invoices(client: Client, world: World, number: str, *invoices: dict) -> Claim:
    claim = _start(client, world, number)
    response = client.post(
        f"/claims/new/{claim.code}/invoices/", _step2(*invoices, **{"continue": "1"})
    )
    assert response.status_code == 302, response.content.decode()
    return claim


# --- Step 1 and the live check -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_live_check_shows_name_address_and_verdict(
    world: World, register: RegisterExtract
) -> None:
    client = world.client_for(world.owner)

    def check(number: str) -> str:
        response = client.get(
            "/claims/new/check/", {"debtor_number": number}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        return response.content.decode()

    known = check("0999000723")
    assert "<html" not in known  # a fragment for the aria-live region
    assert "Fixture Schrijnwerkerij Gent" in known and "Fixturestraat 7, 9000 Gent" in known
    assert "can be summoned through the IOS procedure" in known
    assert "register-check-eligible" in known

    public = check(PUBLIC_BODY)
    assert "Fixture Service public fédéral" in public
    assert "register-check-ineligible" in public and "public body" in public

    assert "Not found in the enterprise register" in check(UNKNOWN)
    assert "fails its check digits" in check("0999.000.724")
    assert "only digits" in check("12AB")


@pytest.mark.django_db
def test_step_one_wires_the_live_check_and_shows_the_progress(
    world: World, register: RegisterExtract
) -> None:
    page = world.client_for(world.owner).get("/claims/new/").content.decode()
    assert 'hx-get="/claims/new/check/"' in page
    assert 'hx-trigger="input changed delay:300ms"' in page
    assert 'id="debtor-check"' in page and 'aria-live="polite"' in page
    assert "Step 1 of 3" in page and '<span aria-current="step">Company and debtor</span>' in page
    assert f'<option value="{world.company.pk}" selected>A NV</option>' in page
    assert '<label for="id_debtor_number">' in page


@pytest.mark.django_db
def test_step_one_preselects_the_company_chosen_in_the_header(world: World) -> None:
    first = company_create(
        account=world.account, actor=world.owner, name="0-Alpha BV", country="BE",
        registration_number="0999000921", language=Language.FR,
    )  # fmt: skip
    client = world.client_for(world.owner)
    page = client.get("/claims/new/").content.decode()
    assert f'<option value="{first.pk}" selected>0-Alpha BV</option>' in page
    session = client.session
    session[SESSION_COMPANY_KEY] = world.company.pk
    session.save()
    page = client.get("/claims/new/").content.decode()
    assert f'<option value="{world.company.pk}" selected>A NV</option>' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "message"),
    [("0999.000.724", "fails its check digits"), (UNKNOWN, "not in the enterprise register")],
)
def test_a_bad_number_is_told_next_to_the_field_and_kept(
    world: World, register: RegisterExtract, number: str, message: str
) -> None:
    client = world.client_for(world.owner)
    response = client.post("/claims/new/", {"company": world.company.pk, "debtor_number": number})
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(
        r'<ul class="field-error" id="id_debtor_number_error" role="alert">(.*?)</ul>', page, re.S
    )
    assert error is not None and message in error.group(1)
    assert f'value="{number}"' in page  # nothing typed is lost
    assert Claim.objects.filter(account=world.account).count() == 0


@pytest.mark.django_db
def test_step_one_again_changes_the_debtor_of_the_draft(
    world: World, register: RegisterExtract
) -> None:
    client = world.client_for(world.owner)
    claim = _start(client, world, GHENT)
    assert claim.debtor.name == "Fixture Schrijnwerkerij Gent" and claim.language == "nl"
    page = client.get(f"/claims/new/{claim.code}/debtor/").content.decode()
    assert f'value="{GHENT}"' in page and "Fixture Schrijnwerkerij Gent" in page  # checked at once
    response = client.post(
        f"/claims/new/{claim.code}/debtor/", {"company": world.company.pk, "debtor_number": NAMUR}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.debtor.name == "Fixture Menuiserie Namur" and claim.language == "fr"
    assert Claim.objects.filter(account=world.account).count() == 1


# --- The full walk ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_full_walk_with_a_transfer(world: World, register: RegisterExtract) -> None:
    client = world.client_for(world.owner)
    claim = _start(client, world, GHENT)
    assert claim.state == State.DRAFT and claim.company == world.company

    step2 = _step2(
        _invoice(0, "F-2026-001", "1000.00", credit_notes="150.00"),
        _invoice(1, "F-2026-002", "2500.00", due_days_ago=70),
        damages_clause_percent="10",
        damages_clause_minimum="50",
        own_reference="DOS-42",
        invoice_file=_pdf(),
        **{"continue": "1"},
    )
    response = client.post(f"/claims/new/{claim.code}/invoices/", step2)
    assert (
        response.status_code == 302 and response["Location"] == f"/claims/new/{claim.code}/quote/"
    )
    claim.refresh_from_db()
    invoices = list(Invoice.objects.filter(claim=claim).order_by("number"))
    assert [(i.number, i.amount, i.credit_notes) for i in invoices] == [
        ("F-2026-001", Decimal("1000.00"), Decimal("150.00")),
        ("F-2026-002", Decimal("2500.00"), Decimal("0.00")),
    ]
    assert (claim.own_reference, claim.damages_clause_percent) == ("DOS-42", Decimal("10.00"))
    assert claim.damages_clause_minimum == Decimal("50.00")
    document = ClaimDocument.objects.get(claim=claim)
    assert (document.kind, document.original_name) == ("invoice", "invoice-F1.pdf")

    # Leaving and coming back: the draft resumes at the quote, and step 2 shows what was saved.
    assert (
        client.get(f"/claims/new/{claim.code}/")["Location"] == f"/claims/new/{claim.code}/quote/"
    )
    page = client.get(f"/claims/new/{claim.code}/invoices/").content.decode()
    for saved in (
        'value="F-2026-002"',
        'value="150.00"',
        'value="DOS-42"',
        'value="10.00"',
        "invoice-F1.pdf",
    ):
        assert saved in page

    # Step 3: the figures are the money module's own.
    quote = client.get(f"/claims/new/{claim.code}/quote/")
    assert quote.status_code == 200
    page = quote.content.decode()
    assert "Step 3 of 3" in page and "Eligible for the IOS procedure" in page
    advance, debt = advance_for(claim), debt_for(claim, on=_today())
    assert _figures(page) == {
        "advance_excl_vat": format_money(advance.excl_vat),
        "advance_vat": format_money(advance.vat),
        "advance_incl_vat": format_money(advance.incl_vat),
        "principal": format_money(Decimal("3350.00")),
        "interest": format_money(debt.interest),
        "damages_clause": format_money(debt.damages_clause),
        "cap": format_money(Decimal("335.00")),
        "claimable": format_money(debt.claimable),
        "flat_compensation": format_money(debt.flat_compensation),
        "total_claim": format_money(debt.principal + debt.claimable + debt.flat_compensation),
    }
    assert debt.damages_clause == Decimal("335.00") and debt.cap_applied  # 10 % + interest > cap
    assert "What comes back when" in page and "Submit the claim" in page

    # Submitting needs the confirmation; then the claim awaits its advance.
    refused = client.post(f"/claims/new/{claim.code}/quote/", {})
    assert refused.status_code == 400 and "Tick the box to confirm" in refused.content.decode()
    assert Claim.objects.get(pk=claim.pk).state == State.DRAFT
    submitted = client.post(f"/claims/new/{claim.code}/quote/", {"confirm": "on"})
    assert submitted["Location"] == f"/claims/new/{claim.code}/pay/"
    assert Claim.objects.get(pk=claim.pk).state == State.AWAITING_ADVANCE

    pay = client.get(f"/claims/new/{claim.code}/pay/").content.decode()
    assert 'value="transfer"' in pay and 'value="stripe"' not in pay  # no Stripe configured
    assert _figures(pay)["advance_incl_vat"] == format_money(advance.incl_vat)
    for _click in range(2):  # a second click reuses the pending payment
        response = client.post(f"/claims/new/{claim.code}/pay/", {"method": "transfer"})
        assert response["Location"] == f"/claims/new/{claim.code}/transfer/"
    payment = Payment.objects.get(claim=claim)
    assert (payment.method, payment.state, payment.amount) == (
        "transfer",
        "pending",
        advance.incl_vat,
    )

    transfer = client.get(f"/claims/new/{claim.code}/transfer/").content.decode()
    digits = claim.payment_reference
    assert f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++" in transfer
    assert "BE71 0961 2345 6769" in transfer and format_money(advance.incl_vat) in transfer
    assert "staff confirm" in transfer.lower()

    # Staff see the transfer on the money page and confirm it: the claim moves on.
    staff = world.client_for(world.staff)
    assert digits in staff.get("/backoffice/money/").content.decode()
    assert staff.post("/backoffice/money/", {"payment": payment.pk}).status_code == 302
    assert Claim.objects.get(pk=claim.pk).state not in {State.DRAFT, State.AWAITING_ADVANCE}
    assert client.get(f"/claims/new/{claim.code}/")["Location"] == f"/claims/{claim.code}/"


@pytest.mark.django_db
def test_the_quote_equals_the_public_calculator(world: World, register: RegisterExtract) -> None:
    claim = world.draft(amount="1250.00")
    Claim.objects.filter(pk=claim.pk).update(damages_clause_percent=Decimal("5"))
    page = world.client_for(world.owner).get(f"/claims/new/{claim.code}/quote/").content.decode()
    invoice = claim.invoices.get()
    expected = compute_quote(
        QuoteInput(
            principal=invoice.amount,
            due_date=invoice.due_date,
            on=_today(),
            damages_percent=Decimal("5"),
        ),
        tables_on(_today()),
    )
    figures = _figures(page)
    assert figures["advance_incl_vat"] == format_money(expected.advance.incl_vat)
    assert figures["interest"] == format_money(expected.interest.amount)
    assert figures["damages_clause"] == format_money(expected.damages_clause)
    assert figures["cap"] == format_money(expected.capped.cap)
    assert figures["total_claim"] == format_money(expected.total_claim)


@pytest.mark.django_db
def test_the_quote_reads_amounts_in_dutch(world: World, register: RegisterExtract) -> None:
    claim = world.draft(amount="1250.00")
    page = world.client_for(world.owner).get(f"/nl/claims/new/{claim.code}/quote/").content.decode()
    assert '<html lang="nl">' in page
    assert "€\u00a01.250,00" in page  # the principal, the Dutch way


# --- Step 2: errors next to the fields, nothing lost ------------------------------------------


@pytest.mark.django_db
def test_invoice_errors_are_next_to_the_fields_and_nothing_is_lost(
    world: World, register: RegisterExtract
) -> None:
    client = world.client_for(world.owner)
    claim = _start(client, world)
    bad = _invoice(0, "F-9", "100.00", credit_notes="150.00")
    bad["invoices-0-due_date"] = "2020-01-01"  # before the issue date
    response = client.post(
        f"/claims/new/{claim.code}/invoices/", _step2(bad, own_reference="KEEP-ME")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_invoices-0-credit_notes_error" role="alert"' in page
    assert "Credit notes cannot exceed the invoice amount." in page
    assert 'id="id_invoices-0-due_date_error" role="alert"' in page
    assert 'value="F-9"' in page and 'value="KEEP-ME"' in page and 'value="150.00"' in page
    assert not Invoice.objects.filter(claim=claim).exists()


@pytest.mark.django_db
def test_duplicate_numbers_and_a_used_reference_are_refused(
    world: World, register: RegisterExtract
) -> None:
    client = world.client_for(world.owner)
    world.draft(reference="TAKEN")
    claim = _start(client, world)
    url = f"/claims/new/{claim.code}/invoices/"
    twice = client.post(url, _step2(_invoice(0, "F-1", "10.00"), _invoice(1, "F-1", "20.00")))
    assert twice.status_code == 400
    assert "Each invoice number may appear only once." in twice.content.decode()
    taken = client.post(url, _step2(_invoice(0, "F-1", "10.00"), own_reference="taken"))
    assert taken.status_code == 400
    assert re.search(
        r'id="id_own_reference_error" role="alert"><li>This reference is already used',
        taken.content.decode(),
    )
    assert not Invoice.objects.filter(claim=claim).exists()


@pytest.mark.django_db
def test_add_a_row_keeps_what_was_typed(world: World, register: RegisterExtract) -> None:
    client = world.client_for(world.owner)
    claim = _start(client, world)
    url = f"/claims/new/{claim.code}/invoices/"
    saved = client.post(url, _step2(_invoice(0, "F-1", "10.00"), add_row="1"))
    assert saved["Location"] == f"{url}?add=1"
    page = client.get(saved["Location"]).content.decode()
    assert 'value="F-1"' in page and 'name="invoices-1-number"' in page
    assert 'name="invoices-TOTAL_FORMS" value="2"' in page
    # An incomplete first row: nothing saved, but a second row comes with the typed data.
    incomplete = _invoice(0, "F-2", "")
    response = client.post(url, _step2(incomplete, add_row="1"))
    page = response.content.decode()
    assert response.status_code == 400 and 'value="F-2"' in page
    assert 'name="invoices-1-number"' in page


@pytest.mark.django_db
def test_a_file_of_another_type_is_refused_and_the_invoices_are_kept(
    world: World, register: RegisterExtract
) -> None:
    client = world.client_for(world.owner)
    claim = _start(client, world)
    text = SimpleUploadedFile("notes.pdf", b"just text", "application/pdf")
    response = client.post(
        f"/claims/new/{claim.code}/invoices/",
        _step2(_invoice(0, "F-1", "500.00"), terms_file=text, **{"continue": "1"}),
    )
    assert response.status_code == 400
    assert re.search(
        r'id="id_terms_file_error" role="alert"><li>Only PDF, PNG or JPEG',
        response.content.decode(),
    )
    assert not ClaimDocument.objects.filter(claim=claim).exists()
    assert Invoice.objects.filter(claim=claim).count() == 1  # what was valid is saved


@pytest.mark.django_db
def test_the_draft_service_replaces_invoices_only_while_a_draft(world: World) -> None:
    claim = world.draft()
    due = _today() - timedelta(days=40)
    rows = [InvoiceInput("N-1", due - timedelta(days=30), due, Decimal("80.00"))]
    claim_update_draft(
        account=world.account, actor=world.owner, claim=claim, invoices=rows,
        details=DraftDetails(own_reference="R-1"),
    )  # fmt: skip
    assert list(Invoice.objects.filter(claim=claim).values_list("number", flat=True)) == ["N-1"]
    claim_submit(account=world.account, actor=world.owner, claim=claim)
    with pytest.raises(TransitionNotAllowed):
        claim_update_draft(
            account=world.account, actor=world.owner, claim=claim, invoices=rows,
            details=DraftDetails(),
        )  # fmt: skip
    with pytest.raises(TransitionNotAllowed):  # another tenant's claim
        claim_update_draft(
            account=world.other_account, actor=world.outsider, claim=world.draft(),
            invoices=rows, details=DraftDetails(),
        )  # fmt: skip


# --- Resuming ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_resume_sends_a_claim_to_the_step_it_stopped_at(
    world: World, register: RegisterExtract
) -> None:
    client = world.client_for(world.member)
    bare = _start(client, world)
    assert (
        client.get(f"/claims/new/{bare.code}/")["Location"] == f"/claims/new/{bare.code}/invoices/"
    )
    quote = client.get(f"/claims/new/{bare.code}/quote/")  # no invoices yet: step 2 first
    assert quote["Location"] == f"/claims/new/{bare.code}/invoices/"
    awaiting = world.claim_in(State.AWAITING_ADVANCE)
    assert (
        client.get(f"/claims/new/{awaiting.code}/")["Location"]
        == f"/claims/new/{awaiting.code}/pay/"
    )
    # A submitted claim's data cannot be edited any more.
    assert (
        client.get(f"/claims/new/{awaiting.code}/invoices/")["Location"]
        == f"/claims/new/{awaiting.code}/pay/"
    )
    accepted = world.claim_in(State.ACCEPTED)
    assert client.get(f"/claims/new/{accepted.code}/")["Location"] == f"/claims/{accepted.code}/"


# --- Ineligible claims ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_public_body_debtor_is_explained_and_cannot_be_paid(
    world: World, register: RegisterExtract
) -> None:
    client = world.client_for(world.owner)
    claim = _with_invoices(client, world, PUBLIC_BODY, _invoice(0, "F-1", "900.00"))
    page = client.get(f"/claims/new/{claim.code}/quote/").content.decode()
    assert "cannot be collected through the IOS procedure" in page
    assert "public bodies cannot be summoned this way" in page
    assert "public bodies can only be summoned before the court" in page  # what else to do
    assert "summary procedure" in page
    assert "Submit the claim" not in page and "advance_incl_vat" not in page
    assert "/pay/" not in page
    assert client.post(f"/claims/new/{claim.code}/quote/", {"confirm": "on"}).status_code == 409
    assert Claim.objects.get(pk=claim.pk).state == State.DRAFT
    assert client.post(f"/claims/new/{claim.code}/pay/", {"method": "transfer"}).status_code == 409
    assert not Payment.objects.filter(claim=claim).exists()


@pytest.mark.django_db
def test_a_time_barred_invoice_is_explained(world: World, register: RegisterExtract) -> None:
    client = world.client_for(world.owner)
    claim = _with_invoices(
        client, world, GHENT, _invoice(0, "OLD-1", "900.00", due_days_ago=11 * 366)
    )
    page = client.get(f"/claims/new/{claim.code}/quote/").content.decode()
    assert "Invoice OLD-1 is time-barred since" in page
    assert "remove it in step 2" in page and f"/claims/new/{claim.code}/invoices/" in page
    assert "Submit the claim" not in page


@pytest.mark.django_db
def test_a_claim_rejected_on_submission_is_explained_and_cannot_be_paid(
    world: World, register: RegisterExtract
) -> None:
    client = world.client_for(world.owner)
    claim = _with_invoices(client, world, PUBLIC_BODY, _invoice(0, "F-1", "900.00"))
    claim_submit(account=world.account, actor=world.owner, claim=claim)  # the register changed
    assert claim.state == State.REJECTED
    assert (
        client.get(f"/claims/new/{claim.code}/")["Location"] == f"/claims/new/{claim.code}/quote/"
    )
    page = client.get(f"/claims/new/{claim.code}/quote/").content.decode()
    assert "public bodies cannot be summoned this way" in page and "Start a new claim" in page
    assert "Submit the claim" not in page
    assert (
        client.get(f"/claims/new/{claim.code}/pay/")["Location"]
        == f"/claims/new/{claim.code}/quote/"
    )
    assert client.post(f"/claims/new/{claim.code}/pay/", {"method": "transfer"}).status_code == 409
    assert not Payment.objects.filter(claim=claim).exists()


# --- Card payments through the fake Stripe ------------------------------------------------------


@pytest.fixture
def fake_stripe(settings: Any) -> Iterator[FakeStripe]:
    fake = FakeStripe("whsec_test_secret").start()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.mark.django_db
def test_the_card_choice_redirects_to_checkout_once(world: World, fake_stripe: FakeStripe) -> None:
    claim = world.claim_in(State.AWAITING_ADVANCE)
    client = world.client_for(world.member)
    assert 'value="stripe"' in client.get(f"/claims/new/{claim.code}/pay/").content.decode()
    first = client.post(f"/claims/new/{claim.code}/pay/", {"method": "stripe"})
    assert first.status_code == 302 and first["Location"].startswith(
        f"{fake_stripe.url}/pay/cs_test_"
    )
    second = client.post(f"/claims/new/{claim.code}/pay/", {"method": "stripe"})
    assert second["Location"] == first["Location"]
    payment = Payment.objects.get(claim=claim)
    assert (
        payment.method == "stripe"
        and payment.stripe_session_id == first["Location"].rsplit("/", 1)[1]
    )
    assert len(fake_stripe.sessions) == 1


@pytest.mark.django_db
def test_the_card_choice_is_refused_without_stripe(world: World) -> None:
    claim = world.claim_in(State.AWAITING_ADVANCE)
    response = world.client_for(world.owner).post(
        f"/claims/new/{claim.code}/pay/", {"method": "stripe"}
    )
    assert response.status_code == 400
    assert not Payment.objects.filter(claim=claim).exists()


# --- Who may use the wizard -------------------------------------------------------------------


def _wizard_urls(code: str) -> list[str]:
    steps = ("", "debtor/", "invoices/", "quote/", "pay/", "transfer/")
    return [f"/claims/new/{code}/{step}" for step in steps]


@pytest.mark.django_db
def test_a_read_only_member_is_refused_everywhere(world: World, register: RegisterExtract) -> None:
    claim = world.draft()
    awaiting = world.claim_in(State.AWAITING_ADVANCE)
    client = world.client_for(world.read_only)
    for url in ["/claims/new/", "/claims/new/check/", *_wizard_urls(claim.code)]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert b'<form method="post" class="wizard"' not in response.content
    assert (
        client.post(
            "/claims/new/", {"company": world.company.pk, "debtor_number": GHENT}
        ).status_code
        == 403
    )
    assert client.post(f"/claims/new/{claim.code}/quote/", {"confirm": "on"}).status_code == 403
    assert (
        client.post(f"/claims/new/{awaiting.code}/pay/", {"method": "transfer"}).status_code == 403
    )
    assert Claim.objects.get(pk=claim.pk).state == State.DRAFT
    assert Claim.objects.filter(account=world.account).count() == 2
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_another_accounts_draft_is_not_found(world: World, register: RegisterExtract) -> None:
    claim = world.draft()
    awaiting = world.claim_in(State.AWAITING_ADVANCE)
    client = world.client_for(world.outsider)  # the owner of account B
    for url in _wizard_urls(claim.code) + _wizard_urls(awaiting.code):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/claims/new/{claim.code}/quote/", {"confirm": "on"}).status_code == 404
    assert (
        client.post(f"/claims/new/{awaiting.code}/pay/", {"method": "transfer"}).status_code == 404
    )
    step2 = _step2(_invoice(0, "HIJACK", "10.00"))
    assert client.post(f"/claims/new/{claim.code}/invoices/", step2).status_code == 404
    assert Claim.objects.get(pk=claim.pk).state == State.DRAFT
    assert not Invoice.objects.filter(number="HIJACK").exists() and not Payment.objects.exists()
    # Account B's own new-claim page lists only B's companies.
    page = client.get("/claims/new/").content.decode()
    assert "B BV" in page and "A NV" not in page


@pytest.mark.django_db
def test_staff_and_bailiffs_have_no_wizard(world: World) -> None:
    claim = world.draft()
    for user in (world.staff, world.bailiff):
        client = world.client_for(user)
        assert client.get("/claims/new/").status_code == 404
        assert client.get(f"/claims/new/{claim.code}/quote/").status_code == 404


@pytest.mark.django_db
def test_the_last_invoice_cannot_be_removed(world: World, register: RegisterExtract) -> None:
    client = world.client_for(world.owner)
    claim = _with_invoices(client, world, GHENT, _invoice(0, "F-1", "500.00"))
    removed = _step2(_invoice(0, "F-1", "500.00", DELETE="on"))
    response = client.post(f"/claims/new/{claim.code}/invoices/", removed)
    assert response.status_code == 400
    assert "Keep at least one invoice." in response.content.decode()
    assert Invoice.objects.filter(claim=claim).count() == 1


@pytest.mark.django_db
def test_a_wrong_file_is_removed_from_the_draft_and_the_typed_invoices_are_saved(
    world: World, register: RegisterExtract
) -> None:
    client = world.client_for(world.owner)
    claim = _start(client, world)
    url = f"/claims/new/{claim.code}/invoices/"
    client.post(url, _step2(_invoice(0, "F-1", "500.00"), invoice_file=_pdf("wrong.pdf")))
    document = ClaimDocument.objects.get(claim=claim)
    assert "wrong.pdf" in client.get(url).content.decode()

    response = client.post(
        url, _step2(_invoice(0, "F-1", "650.00"), remove_document=str(document.pk)), follow=True
    )

    page = response.content.decode()
    assert "wrong.pdf is removed." in page
    assert not ClaimDocument.objects.filter(claim=claim).exists()
    assert Invoice.objects.get(claim=claim).amount == Decimal("650.00")  # nothing typed is lost
    assert claim.events.filter(name="document_removed").count() == 1


@pytest.mark.django_db
def test_files_of_a_submitted_claim_or_another_claim_cannot_be_removed(world: World) -> None:
    submitted = world.claim_in(State.AWAITING_ADVANCE)
    kept = claim_document_add(
        account=world.account, actor=world.owner, claim=submitted, kind="invoice", upload=_pdf()
    )
    with pytest.raises(ValidationError, match="only be removed from a draft"):
        claim_document_remove(
            account=world.account, actor=world.owner, claim=submitted, document_id=kept.pk
        )
    draft = world.draft()
    with pytest.raises(ValidationError, match="not on the claim"):
        claim_document_remove(
            account=world.account, actor=world.owner, claim=draft, document_id=kept.pk
        )
    assert ClaimDocument.objects.filter(pk=kept.pk).exists()


@pytest.mark.django_db
def test_a_read_only_member_cannot_remove_a_file(world: World) -> None:
    draft = world.draft()
    kept = claim_document_add(
        account=world.account, actor=world.owner, claim=draft, kind="invoice", upload=_pdf()
    )
    response = world.client_for(world.read_only).post(
        f"/claims/new/{draft.code}/invoices/", {"remove_document": str(kept.pk)}
    )
    assert response.status_code == 403
    assert ClaimDocument.objects.filter(pk=kept.pk).exists()


@pytest.mark.django_db
def test_a_card_payment_after_a_transfer_was_announced_withdraws_the_transfer(
    world: World, fake_stripe: FakeStripe
) -> None:
    from fees.services import payment_succeed

    claim = world.claim_in(State.AWAITING_ADVANCE)
    client = world.client_for(world.owner)
    client.post(f"/claims/new/{claim.code}/pay/", {"method": "transfer"})
    client.post(f"/claims/new/{claim.code}/pay/", {"method": "stripe"})
    card = Payment.objects.get(claim=claim, method="stripe")
    staff = world.client_for(world.staff)
    assert claim.payment_reference in staff.get("/backoffice/money/").content.decode()

    assert payment_succeed(payment=card, actor=None) is True

    transfer = Payment.objects.get(claim=claim, method="transfer")
    assert transfer.state == Payment.State.FAILED  # staff no longer see it to confirm
    assert claim.payment_reference not in staff.get("/backoffice/money/").content.decode()

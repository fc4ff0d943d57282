"""The submission wizard: (1) company and debtor, (2) invoices and documents, (3) quote,
confirmation and payment of the advance.

Every step saves the draft, so a creditor can leave and come back: `resume` sends a claim to
the step it stopped at. Views parse input and call services. Another account's claim is a 404;
read-only members are refused (403) on every page of the wizard.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from claims import eligibility
from claims.codes import format_payment_reference
from claims.forms import (
    BaseInvoiceFormSet,
    ConfirmForm,
    DebtorForm,
    DetailsForm,
    InvoiceFormSet,
    PayForm,
    UploadForm,
)
from claims.models import Claim, EligibilityVerdict
from claims.selectors import claim_get
from claims.services import (
    claim_create_draft,
    claim_document_add,
    claim_document_remove,
    claim_facts,
    claim_submit,
    claim_update_draft,
    claim_update_draft_parties,
)
from claims.states import ActorKind, State, TransitionNotAllowed
from creditors.models import Company, Membership, User
from creditors.selectors import (
    companies_of,
    current_company,
    membership_required,
)
from debtors.identifiers import BELGIUM, format_be_enterprise, normalise_be_enterprise
from debtors.models import Debtor
from debtors.selectors import RegisterEntry, register_lookup
from debtors.services import debtor_upsert
from fees import gateway
from fees.models import Payment
from fees.money import NoRateError
from fees.services import advance_for, claim_quote, payment_start, refund_rules_for

STEP_NAMES = (
    gettext_lazy("Company and debtor"),
    gettext_lazy("Invoices and documents"),
    gettext_lazy("Quote and payment"),
)

# What else a creditor can do when a finding blocks the IOS procedure, in plain words.
ALTERNATIVES: dict[str, Promise] = {
    "creditor_country_not_eligible": gettext_lazy(
        "Only creditors registered in one of these countries can use this procedure: collect "
        "through an ordinary court claim instead."
    ),
    "creditor_not_registered": gettext_lazy(
        "Check your company's register number on the companies page, then try again."
    ),
    "debtor_not_registered": gettext_lazy(
        "Check the enterprise number in step 1. A debtor that is not a registered enterprise "
        "can be summoned before the court (an ordinary claim, or the summary procedure for "
        "undisputed debts)."
    ),
    "debtor_not_belgian": gettext_lazy(
        "For a debtor in another EU country, use the European order for payment procedure or a "
        "court claim in that country."
    ),
    "debtor_bankrupt": gettext_lazy(
        "Declare your claim to the bankruptcy trustee through the Central Solvency Register "
        "(RegSol); you may also recover the VAT on the unpaid invoices."
    ),
    "debtor_reorganisation": gettext_lazy(
        "Declare your claim in the judicial reorganisation (through RegSol) and follow the "
        "court-approved plan."
    ),
    "debtor_public_body": gettext_lazy(
        "Send a formal notice, and if it stays unpaid bring an ordinary court claim: public "
        "bodies can only be summoned before the court."
    ),
    "debtor_address_missing": gettext_lazy(
        "Give the debtor's address in step 1, then check the claim again."
    ),
    "claim_contested": gettext_lazy(
        "A contested debt needs a judge: an ordinary court claim, or summary proceedings."
    ),
    "invoice_not_due": gettext_lazy(
        "Wait until the due date has passed and send a friendly reminder; then submit again."
    ),
    "invoice_not_positive": gettext_lazy(
        "Remove this invoice or correct its credit notes in step 2."
    ),
    "invoice_time_barred": gettext_lazy(
        "A time-barred invoice can no longer be enforced: remove it in step 2. The other "
        "invoices can still be collected."
    ),
}


# --- Access -----------------------------------------------------------------------------------


def _writer(request: HttpRequest) -> Membership:
    membership = membership_required(request)
    if not membership.can_write:
        raise PermissionDenied(_("Your role is read-only."))
    return membership


def _claim(request: HttpRequest, code: str) -> tuple[Membership, Claim]:
    """The account's claim (404 for another account's), for a member who may write (403)."""
    membership = membership_required(request)
    claim = claim_get(account=membership.account, code=code)
    if not membership.can_write:
        raise PermissionDenied(_("Your role is read-only."))
    return membership, claim


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _attach(form: forms.Form, exc: ValidationError, errors: list[str]) -> None:
    """Errors of a service: next to the field they name, else in the list shown on top."""
    if not hasattr(exc, "error_dict"):
        errors.extend(exc.messages)
        return
    for field, field_errors in exc.error_dict.items():
        if field in form.fields:
            form.add_error(field, field_errors)
        else:
            errors.extend(message for error in field_errors for message in error.messages)


# --- Where a claim stands in the wizard ---------------------------------------------------------


@dataclass(frozen=True)
class Step:
    number: int
    name: str | Promise
    url: str  # "" when the step cannot be opened from here
    current: bool


def _steps(current: int, claim: Claim | None) -> list[Step]:
    """The progress indicator; the steps of a draft can be opened again (not the current one)."""
    urls = ["", "", ""]
    if claim is not None and claim.state == State.DRAFT:
        urls = [
            reverse("submit:debtor", args=[claim.code]),
            reverse("submit:invoices", args=[claim.code]),
            reverse("submit:quote", args=[claim.code]) if claim.invoices.all() else "",
        ]
    return [
        Step(number, name, urls[number - 1] if number != current else "", number == current)
        for number, name in enumerate(STEP_NAMES, start=1)
    ]


def _next_step(claim: Claim) -> str:
    """The URL a claim resumes at: the first step not done yet, or its page once paid."""
    if claim.state == State.DRAFT:
        step = "submit:quote" if claim.invoices.all() else "submit:invoices"
    elif claim.state == State.AWAITING_ADVANCE:
        step = "submit:pay"
    elif claim.state == State.REJECTED:
        step = "submit:quote"
    else:
        step = "claims:detail"
    return reverse(step, args=[claim.code])


@login_required
@require_GET
def resume(request: HttpRequest, code: str) -> HttpResponse:
    _membership, claim = _claim(request, code)
    return redirect(_next_step(claim))


# --- Step 1: company and debtor -------------------------------------------------------------


@dataclass(frozen=True)
class DebtorCheck:
    """What the register and the eligibility service say of a typed enterprise number."""

    typed: str
    error: str = ""
    entry: RegisterEntry | None = None
    findings: tuple[eligibility.Reason, ...] = ()

    @property
    def verdict(self) -> str:
        if any(reason.blocking for reason in self.findings):
            return eligibility.INELIGIBLE
        return eligibility.REVIEW if self.findings else eligibility.ELIGIBLE

    @property
    def number(self) -> str:
        return format_be_enterprise(self.entry.number) if self.entry else ""


def _debtor_findings(number: str) -> tuple[eligibility.Reason, ...]:
    """The findings of the one eligibility service that concern the debtor.

    The creditor and the invoices are not known while the number is typed: their findings
    are left out (an empty creditor country also spares a register lookup).
    """
    facts = eligibility.ClaimFacts(
        creditor_country="",
        creditor_number="",
        debtor_country=BELGIUM,
        debtor_number=number,
        invoices=[],
        on=timezone.localdate(),
    )
    result = eligibility.eligibility_check(facts=facts)
    return tuple(reason for reason in result.reasons if reason.code.startswith("debtor_"))


def debtor_check(typed: str) -> DebtorCheck:
    typed = typed.strip()
    if not typed:
        return DebtorCheck(typed)
    try:
        number = normalise_be_enterprise(typed)
    except ValueError as exc:
        return DebtorCheck(typed, error=str(exc))
    entry = register_lookup(number)
    if entry is None:
        return DebtorCheck(typed)
    return DebtorCheck(typed, entry=entry, findings=_debtor_findings(number))


@login_required
@require_GET
def check(request: HttpRequest) -> HttpResponse:
    """The live check of step 1 (htmx): register name, seat address and verdict."""
    _writer(request)
    typed = request.GET.get("debtor_number", request.GET.get("number", ""))
    return render(request, "submit/_check.html", {"check": debtor_check(typed)})


def _preselected(
    request: HttpRequest, membership: Membership, companies: QuerySet[Company]
) -> int | None:
    """The company chosen in the header's switcher if there is one, else the first."""
    company = current_company(request, membership) or companies.first()
    return company.pk if company is not None else None


def _debtor_form(
    request: HttpRequest, membership: Membership, initial: dict[str, object]
) -> DebtorForm:
    return DebtorForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        companies=companies_of(account=membership.account),
        check_url=reverse("submit:check"),
    )


def _debtor_of(
    form: DebtorForm, membership: Membership, user: User, errors: list[str]
) -> Debtor | None:
    """The account's debtor for the number typed, from the register; None with form errors."""
    data = form.cleaned_data
    if register_lookup(data["debtor_number"]) is None:
        form.add_error(
            "debtor_number",
            _(
                "This number is not in the enterprise register. The IOS procedure needs a "
                "debtor registered in Belgium: check the number."
            ),
        )
        return None
    try:
        return debtor_upsert(
            account=membership.account,
            actor=user,
            registration_number=data["debtor_number"],
            street=data["debtor_street"].strip(),
            postal_code=data["debtor_postal_code"].strip(),
            city=data["debtor_city"].strip(),
        )
    except ValidationError as exc:
        _attach(form, exc, errors)
        return None


def _render_debtor(
    request: HttpRequest, form: DebtorForm, claim: Claim | None, errors: list[str]
) -> HttpResponse:
    typed = (
        form.data.get("debtor_number", "")
        if form.is_bound
        else form.initial.get("debtor_number", "")
    )
    address_given = any(
        form[name].value() for name in ("debtor_street", "debtor_postal_code", "debtor_city")
    )
    context = {
        "form": form,
        "claim": claim,
        "steps": _steps(1, claim),
        "check": debtor_check(str(typed or "")),
        "errors": errors,
        "address_open": address_given or bool(form.errors),
        "has_companies": form.fields["company"].queryset.exists(),  # type: ignore[attr-defined]
    }
    status = 400 if form.is_bound and (form.errors or errors) else 200
    return render(request, "submit/debtor.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Step 1 of a new claim: submitting it creates the draft."""
    membership = _writer(request)
    companies = companies_of(account=membership.account)
    form = _debtor_form(
        request, membership, {"company": _preselected(request, membership, companies)}
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        debtor = _debtor_of(form, membership, _user(request), errors)
        if debtor is not None:
            try:
                claim = claim_create_draft(
                    account=membership.account,
                    actor=_user(request),
                    company=form.cleaned_data["company"],
                    debtor=debtor,
                    invoices=[],
                )
            except ValidationError as exc:
                _attach(form, exc, errors)
            else:
                return redirect("submit:invoices", code=claim.code)
    return _render_debtor(request, form, None, errors)


def _debtor_initial(claim: Claim) -> dict[str, object]:
    debtor = claim.debtor
    initial: dict[str, object] = {
        "company": claim.company_id,
        "debtor_number": format_be_enterprise(debtor.registration_number),
    }
    entry = register_lookup(debtor.registration_number)
    if entry is not None and entry.seat is None:  # the address the creditor gave: keep it
        initial |= {
            "debtor_street": debtor.street,
            "debtor_postal_code": debtor.postal_code,
            "debtor_city": debtor.city,
        }
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def debtor(request: HttpRequest, code: str) -> HttpResponse:
    """Step 1 again, for a draft: change the company or the debtor."""
    membership, claim = _claim(request, code)
    if claim.state != State.DRAFT:
        return redirect(_next_step(claim))
    form = _debtor_form(request, membership, _debtor_initial(claim))
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        new_debtor = _debtor_of(form, membership, _user(request), errors)
        if new_debtor is not None:
            try:
                claim_update_draft_parties(
                    account=membership.account,
                    actor=_user(request),
                    claim=claim,
                    company=form.cleaned_data["company"],
                    debtor=new_debtor,
                )
            except ValidationError as exc:
                _attach(form, exc, errors)
            except TransitionNotAllowed as exc:
                errors.append(str(exc))
            else:
                return redirect("submit:invoices", code=claim.code)
    return _render_debtor(request, form, claim, errors)


# --- Step 2: invoices, damages clause, own reference and documents ---------------------------


def _invoice_initial(claim: Claim) -> list[dict[str, object]]:
    return [
        {
            "number": invoice.number,
            "issue_date": invoice.issue_date,
            "due_date": invoice.due_date,
            "amount": invoice.amount,
            "credit_notes": invoice.credit_notes,
            "periodic": invoice.periodic,
        }
        for invoice in claim.invoices.all()
    ]


def _details_initial(claim: Claim) -> dict[str, object]:
    return {
        "own_reference": claim.own_reference,
        "damages_clause_percent": claim.damages_clause_percent,
        "damages_clause_minimum": claim.damages_clause_minimum,
    }


def _store_uploads(uploads: UploadForm, membership: Membership, user: User, claim: Claim) -> None:
    """Store each file chosen now, whatever else fails, so that no upload is lost."""
    if not uploads.is_valid():
        return
    for name, kind in UploadForm.KINDS.items():
        upload = uploads.cleaned_data.get(name)
        if not upload:
            continue
        try:
            claim_document_add(
                account=membership.account, actor=user, claim=claim, kind=kind, upload=upload
            )
        except ValidationError as exc:
            uploads.add_error(name, exc.messages)


def _one_more_row(request: HttpRequest) -> BaseInvoiceFormSet:
    data = request.POST.copy()
    total = data.get("invoices-TOTAL_FORMS", "0")
    data["invoices-TOTAL_FORMS"] = str(int(total) + 1 if total.isdigit() else 1)
    return InvoiceFormSet(data, prefix="invoices")


def _save_invoices(
    request: HttpRequest,
    membership: Membership,
    claim: Claim,
    invoices: BaseInvoiceFormSet,
    details: DetailsForm,
    errors: list[str],
) -> bool:
    if not (invoices.is_valid() and details.is_valid()):
        return False
    try:
        claim_update_draft(
            account=membership.account,
            actor=_user(request),
            claim=claim,
            invoices=invoices.invoices(),
            details=details.to_details(),
        )
    except ValidationError as exc:
        _attach(details, exc, errors)
        return False
    except TransitionNotAllowed as exc:
        errors.append(str(exc))
        return False
    return True


def _remove_chosen_document(request: HttpRequest, membership: Membership, claim: Claim) -> None:
    """A "Remove" button next to a file: the rest of the form is saved as with "Save"."""
    raw = request.POST.get("remove_document", "")
    if not raw.isdigit():
        return
    try:
        name = claim_document_remove(
            account=membership.account, actor=_user(request), claim=claim, document_id=int(raw)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return
    messages.success(request, _("%(name)s is removed.") % {"name": name})


@login_required
@require_http_methods(["GET", "POST"])
def invoices(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2: every save replaces the draft's invoices and details; files are kept at once."""
    membership, claim = _claim(request, code)
    if claim.state != State.DRAFT:
        return redirect(_next_step(claim))
    errors: list[str] = []
    if request.method == "POST":
        uploads = UploadForm(request.POST, request.FILES)
        _store_uploads(uploads, membership, _user(request), claim)
        _remove_chosen_document(request, membership, claim)
        formset = InvoiceFormSet(request.POST, prefix="invoices")
        details = DetailsForm(request.POST)
        saved = _save_invoices(request, membership, claim, formset, details, errors)
        if saved and not uploads.errors:
            messages.success(request, _("Your draft is saved."))
            if "continue" in request.POST:
                return redirect("submit:quote", code=claim.code)
            add = "?add=1" if "add_row" in request.POST else ""
            return redirect(reverse("submit:invoices", args=[claim.code]) + add)
        if "add_row" in request.POST:
            formset = _one_more_row(request)
        status = 400
    else:
        initial = _invoice_initial(claim)
        extra_row = request.GET.get("add") == "1" and bool(initial)
        formset = InvoiceFormSet(prefix="invoices", initial=initial)
        if extra_row:
            formset.extra = 1
        details = DetailsForm(initial=_details_initial(claim))
        uploads = UploadForm()
        status = 200
    context = {
        "claim": claim,
        "steps": _steps(2, claim),
        "formset": formset,
        "details": details,
        "uploads": uploads,
        "documents": claim.documents.all(),
        "errors": errors,
    }
    return render(request, "submit/invoices.html", context, status=status)


# --- Step 3: verdict, quote, confirmation; then the payment ----------------------------------


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    blocking: bool
    alternative: str


def _findings(reasons: list[eligibility.Reason]) -> list[Finding]:
    return [
        Finding(r.code, r.message, r.blocking, str(ALTERNATIVES.get(r.code, ""))) for r in reasons
    ]


def _verdict_of(claim: Claim, today: date) -> tuple[str, list[eligibility.Reason], date | None]:
    """A draft is checked now, without submitting it; a submitted claim shows what was found."""
    if claim.state == State.DRAFT:
        result = eligibility.eligibility_check(facts=claim_facts(claim, on=today))
        return result.verdict, result.reasons, result.prescription_date
    reasons = [
        eligibility.Reason(item["code"], item.get("params") or {})
        for item in claim.eligibility_reasons
        if item.get("code") in eligibility.REASONS
    ]
    return claim.eligibility_verdict, reasons, None


def _staff_rejection(claim: Claim) -> str:
    """Why staff rejected the claim (a rejection by the check is explained by its findings)."""
    rejections = [event for event in claim.events.all() if event.name == "reject"]
    last = rejections[-1] if rejections else None
    return last.reason if last is not None and last.actor_kind == ActorKind.STAFF else ""


def _quote_context(claim: Claim, today: date) -> dict[str, object]:
    verdict, reasons, prescription = _verdict_of(claim, today)
    context: dict[str, object] = {
        "claim": claim,
        "steps": _steps(3, claim),
        "verdict": verdict,
        "ineligible": verdict == EligibilityVerdict.INELIGIBLE,
        "findings": _findings(reasons),
        "prescription_date": prescription,
        "quote": None,
        "quote_error": "",
    }
    if claim.state == State.REJECTED:
        context |= {"ineligible": True, "rejection": _staff_rejection(claim)}
    if context["ineligible"]:
        return context  # no quote: this claim cannot be paid for
    try:
        context["quote"] = claim_quote(claim, on=today)
    except NoRateError:
        context["quote_error"] = _("No interest rate is known for due dates before 2016.")
    context["refunds"] = refund_rules_for(claim)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def quote(request: HttpRequest, code: str) -> HttpResponse:
    """Step 3: the verdict and the quote; confirming submits the claim (eligibility runs)."""
    membership, claim = _claim(request, code)
    if claim.state not in {State.DRAFT, State.REJECTED}:
        return redirect(_next_step(claim))
    if claim.state == State.DRAFT and not claim.invoices.all():
        messages.error(request, _("Add the invoices first."))
        return redirect("submit:invoices", code=claim.code)
    context = _quote_context(claim, timezone.localdate())
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    if request.method != "POST":
        return render(request, "submit/quote.html", context)
    if claim.state != State.DRAFT or context["ineligible"]:
        return render(request, "submit/quote.html", context, status=409)
    if not form.is_valid():
        return render(request, "submit/quote.html", context, status=400)
    try:
        claim_submit(account=membership.account, actor=_user(request), claim=claim)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect(_next_step(claim))
    if claim.state == State.REJECTED:
        messages.error(request, _("The claim cannot go the IOS way: see why below."))
    return redirect(_next_step(claim))


def _refused(request: HttpRequest, claim: Claim) -> HttpResponse:
    return render(
        request, "submit/refused.html", {"claim": claim, "resume": _next_step(claim)}, status=409
    )


def _structured(reference: str) -> str:
    """+++123/4567/89012+++ for the twelve digits of a Belgian structured reference (OGM)."""
    if len(reference) == 12 and reference.isdigit():
        return format_payment_reference(reference)
    return reference


def _pending_transfer(claim: Claim) -> Payment | None:
    return (
        claim.payments.filter(method=Payment.Method.TRANSFER, state=Payment.State.PENDING)
        .order_by("-id")
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, code: str) -> HttpResponse:
    """Choose how to pay the advance; only a claim that awaits it can be paid for."""
    membership, claim = _claim(request, code)
    if claim.state != State.AWAITING_ADVANCE:
        return _refused(request, claim) if request.method == "POST" else redirect(_next_step(claim))
    form = PayForm(
        request.POST if request.method == "POST" else None, card=gateway.stripe_enabled()
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        back = request.build_absolute_uri(reverse("claims:detail", args=[claim.code]))
        try:
            payment, checkout_url = payment_start(
                account=membership.account,
                actor=_user(request),
                claim=claim,
                method=form.cleaned_data["method"],
                success_url=f"{back}?paid=1",
                cancel_url=request.build_absolute_uri(reverse("submit:pay", args=[claim.code])),
            )
        except ValidationError as exc:
            _attach(form, exc, errors)
        else:
            if payment.method == Payment.Method.STRIPE:
                return redirect(checkout_url)
            return redirect("submit:transfer", code=claim.code)
    context = {
        "claim": claim,
        "steps": _steps(3, claim),
        "form": form,
        "errors": errors,
        "advance": advance_for(claim),
        "review": claim.eligibility_verdict == EligibilityVerdict.REVIEW,
        "pending_transfer": _pending_transfer(claim),
    }
    return render(request, "submit/pay.html", context, status=400 if form.errors or errors else 200)


@login_required
@require_GET
def transfer(request: HttpRequest, code: str) -> HttpResponse:
    """How to pay by transfer: the amount, our IBAN and the claim's structured reference."""
    _membership, claim = _claim(request, code)
    payment = _pending_transfer(claim)
    if claim.state != State.AWAITING_ADVANCE or payment is None:
        return redirect(_next_step(claim))
    context = {
        "claim": claim,
        "steps": _steps(3, claim),
        "payment": payment,
        "iban": settings.PLATFORM_IBAN,
        "card": gateway.stripe_enabled(),
        "reference": _structured(claim.payment_reference),
    }
    return render(request, "submit/transfer.html", context)

"""Creditor pages for claims: the list, the claim page with the actions its state allows,
and downloads.

Every action on the claim page is a form POSTed to its own URL (claims:<action>) and runs the
same service as the API; a refused action re-renders the page with the reason, nothing lost.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import get_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bailiffs.documents import document_response
from bailiffs.models import LegalDocument, OfficeNotification
from bailiffs.selectors import legal_document_get
from bailiffs.services import creditor_decide_plan, creditor_request_pv
from claims.api import upload_response
from claims.models import Claim, ClaimComment, PaymentPlan
from claims.selectors import (
    SORTS,
    cancel_preview,
    claim_document_get,
    claim_get,
    claim_page_get,
    claims_of,
    claims_search,
    direct_payments_received,
    refund_if_stopped,
)
from claims.services import (
    SOLVENCY_DECISIONS,
    claim_cancel,
    claim_comment_add,
    claim_direct_payment_report,
    claim_solvency_decide,
    direct_payment_possible,
)
from claims.states import WITH_OFFICE, State, TransitionNotAllowed
from claims.timeline import claim_history, claim_timeline, claim_window
from creditors.models import Membership, User
from creditors.selectors import (
    SESSION_ACCOUNT_KEY,
    SESSION_COMPANY_KEY,
    claim_membership_of,
    companies_of,
    current_company,
    membership_required,
)
from fees.ledger import creditor_statement
from fees.models import Refund
from fees.services import consent_record
from ios_platform.formatting import format_money

PAGE_SIZE = 50


@dataclass(frozen=True)
class ListFilters:
    """The claim list's filters, as read from the query string (unknown values ignored)."""

    state: str
    company_id: int | None
    needs_action: bool
    sort: str


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    membership = membership_required(request)
    params = request.GET
    query = params.get("q", "")
    company = params.get("company", "")
    state = params.get("state", "")
    sort = params.get("sort", "")
    chosen = current_company(request, membership)  # the header's choice, unless the URL says
    filters = ListFilters(
        state=state if state in State.values else "",
        company_id=int(company) if company.isdigit() else (chosen.pk if chosen else None),
        needs_action=params.get("action_needed") == "1",
        sort=sort if sort in SORTS else "-created",
    )
    claims = claims_search(
        claims_of(account=membership.account),
        query=query,
        state=filters.state,
        company_id=filters.company_id,
        needs_action=filters.needs_action,
        sort=filters.sort,
    )
    page = Paginator(claims.prefetch_related("invoices"), PAGE_SIZE).get_page(params.get("page"))
    others = params.copy()
    others.pop("page", None)
    context = {
        "page": page,
        "query": query,
        "filters": filters,
        "states": State.choices,
        "sorts": SORTS,
        "companies": companies_of(account=membership.account),
        "querystring": others.urlencode(),
        "membership": membership,
    }
    return render(request, "claims/list.html", context)


# --- The claim page: forms of the actions the state allows ---------------------------------


def _without_grouping(value: str) -> str:
    """Drop the thousands separators people type ("1.234,56", "1 234,56", "1,234.56")."""
    decimal_separator = str(get_format("DECIMAL_SEPARATOR"))
    thousand_separator = str(get_format("THOUSAND_SEPARATOR"))
    whole, separator, decimals = value.strip().partition(decimal_separator)
    lone_dot = whole.count(".") == 1 and len(whole.split(".")[1]) != 3
    if thousand_separator == "." and not separator and lone_dot:
        return value.strip()  # "12.50" in Dutch: a decimal point, as Django reads it too
    for grouping in {thousand_separator, " ", "\u00a0", "\u202f"}:
        whole = whole.replace(grouping, "")
    return whole + separator + decimals


class AmountField(forms.DecimalField):
    """An amount in euro, typed as the reader's language writes it; two decimals at most."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(
            max_digits=14, decimal_places=2, min_value=Decimal("0.01"), localize=True, **kwargs
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = _without_grouping(value)
        return super().to_python(value)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you cancel the claim?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DirectPaymentForm(forms.Form):
    amount = AmountField(label=gettext_lazy("Amount the debtor paid you"))
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class DecisionForm(forms.Form):
    """A decision taken with one of the form's buttons (name="decision")."""

    decision = forms.ChoiceField(choices=[])

    def __init__(self, *args: Any, choices: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(choice, choice) for choice in choices]
        field.error_messages["required"] = _("Choose one of the buttons.")


class PlanForm(DecisionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, choices=["accept", "decline"], **kwargs)


class SolvencyForm(DecisionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, choices=list(SOLVENCY_DECISIONS), **kwargs)


class PvRequestForm(forms.Form):
    pass


class ConsentForm(forms.Form):
    up_to_amount = AmountField(
        label=gettext_lazy("Enforcement costs you accept, up to (VAT included)"),
        help_text=gettext_lazy("Nothing above the advance is charged without this consent."),
    )


class CommentForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Who may read it"),
        choices=ClaimComment.Kind.choices,
        initial=ClaimComment.Kind.NOTE,
    )
    body = forms.CharField(
        label=gettext_lazy("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- What each action does ------------------------------------------------------------------

Perform = Callable[[Membership, User, Claim, dict[str, Any]], str]


def _proposed_plan(claim: Claim) -> PaymentPlan | None:
    """The latest plan waiting for the creditor (plans are prefetched with the claim)."""
    proposed = [p for p in claim.payment_plans.all() if p.state == PaymentPlan.State.PROPOSED]
    return max(proposed, key=lambda plan: plan.pk, default=None)


def _report_direct_payment(m: Membership, user: User, claim: Claim, data: dict[str, Any]) -> str:
    claim_direct_payment_report(
        account=m.account, actor=user, claim=claim, amount=data["amount"], paid_on=data["paid_on"]
    )
    return _(
        "The direct payment of %(amount)s is recorded. The costs stay due: the bailiff office "
        "claims them from the debtor with a balance letter."
    ) % {"amount": format_money(data["amount"])}


def _decide_plan(m: Membership, user: User, claim: Claim, data: dict[str, Any]) -> str:
    accept = data["decision"] == "accept"
    creditor_decide_plan(actor=user, claim=claim, accept=accept)
    if accept:
        return _("You accepted the payment plan: the procedure waits while the debtor pays.")
    return _("You declined the payment plan: the procedure goes on.")


def _decide_solvency(m: Membership, user: User, claim: Claim, data: dict[str, Any]) -> str:
    claim_solvency_decide(account=m.account, actor=user, claim=claim, decision=data["decision"])
    if data["decision"] == "continue":
        return _("The procedure goes on at your own risk: the office serves the summons.")
    return _("The procedure is stopped. The refund and the certificate of irrecoverability follow.")


def _request_pv(m: Membership, user: User, claim: Claim, data: dict[str, Any]) -> str:
    creditor_request_pv(actor=user, claim=claim)
    return _("The bailiff office is asked to draw the PV of non-contestation.")


def _consent(m: Membership, user: User, claim: Claim, data: dict[str, Any]) -> str:
    consent_record(account=m.account, actor=user, claim=claim, up_to=data["up_to_amount"])
    return _("You consented to enforcement costs up to %(amount)s.") % {
        "amount": format_money(data["up_to_amount"])
    }


def _comment(m: Membership, user: User, claim: Claim, data: dict[str, Any]) -> str:
    claim_comment_add(
        account=m.account, actor=user, claim=claim, kind=data["kind"], body=data["body"]
    )
    if data["kind"] == ClaimComment.Kind.COMMENT:
        return _("Your comment is saved and shared with the bailiff office.")
    return _("Your note is saved.")


@dataclass(frozen=True)
class PageAction:
    form: type[forms.Form]
    offered: Callable[[Claim], bool]  # may the state have it now?
    perform: Perform  # runs the service; returns the message shown after it
    unavailable: Promise  # why a POST is refused when the state does not offer it
    anchor: str = "actions"


PAGE_ACTIONS: dict[str, PageAction] = {
    "direct_payment": PageAction(
        DirectPaymentForm,
        direct_payment_possible,
        _report_direct_payment,
        gettext_lazy("A direct payment can be reported once the summons is served."),
    ),
    "plan": PageAction(
        PlanForm,
        lambda claim: claim.state == State.SUMMONS_SERVED and _proposed_plan(claim) is not None,
        _decide_plan,
        gettext_lazy("There is no proposed payment plan to decide on."),
    ),
    "solvency": PageAction(
        SolvencyForm,
        lambda claim: claim.state == State.SOLVENCY_DOUBTFUL,
        _decide_solvency,
        gettext_lazy("There is no doubtful solvency check to decide on."),
    ),
    "pv": PageAction(
        PvRequestForm,
        lambda claim: claim.state == State.READY_FOR_PV and claim.pv_requested_at is None,
        _request_pv,
        gettext_lazy(
            "The PV can be asked for once, when the month and the wait after it are over."
        ),
    ),
    "consent": PageAction(
        ConsentForm,
        lambda claim: claim.state in WITH_OFFICE,
        _consent,
        gettext_lazy("Consent to enforcement costs is given while a bailiff office has the claim."),
    ),
    "comment": PageAction(
        CommentForm,
        lambda claim: True,
        _comment,
        gettext_lazy("Comments cannot be added."),
        anchor="comments",
    ),
}


# --- The claim page -------------------------------------------------------------------------


def _writer_or_403(membership: Membership) -> None:
    if not membership.can_write:
        raise PermissionDenied(_("Your role is read-only."))


def _new_form(name: str) -> forms.Form:
    return PAGE_ACTIONS[name].form(auto_id=f"{name}-%s")


def _offered_forms(
    membership: Membership, claim: Claim, bound: dict[str, forms.Form]
) -> dict[str, forms.Form]:
    """The action forms this member may use on the claim now (none for a read-only member)."""
    if not membership.can_write:
        return {}
    return {
        name: bound.get(name) or _new_form(name)
        for name, action in PAGE_ACTIONS.items()
        if action.offered(claim)
    }


def _resume_url(claim: Claim) -> str:
    """The submission wizard's page for a draft, once that page exists."""
    if claim.state != State.DRAFT:
        return ""
    try:
        return reverse("submit:resume", args=[claim.code])
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class Instalment:
    due_date: date
    amount: Decimal


def _instalments(plan: PaymentPlan | None) -> list[Instalment]:
    rows = plan.instalments if plan is not None else []
    return [Instalment(date.fromisoformat(r["due_date"]), Decimal(r["amount"])) for r in rows]


def _current_legal_documents(claim: Claim) -> list[LegalDocument]:
    # superseded_by is prefetched: a document without it is the current version.
    return [doc for doc in claim.legal_documents.all() if not hasattr(doc, "superseded_by")]


def _last_event(claim: Claim, name: str) -> Any:
    return next((e for e in reversed(claim.events.all()) if e.name == name), None)


def _detail_context(
    membership: Membership, claim: Claim, bound: dict[str, forms.Form], error: str
) -> dict[str, Any]:
    preview = cancel_preview(claim)
    plan = _proposed_plan(claim)
    legal = _current_legal_documents(claim)
    return {
        "claim": claim,
        "membership": membership,
        "forms": _offered_forms(membership, claim, bound),
        "can_cancel": membership.can_write and preview is not None,
        "action_error": error,
        "notification": (
            OfficeNotification.objects.filter(claim=claim).order_by("-created_at").first()
            if claim.office_id
            else None
        ),
        "timeline": claim_timeline(claim),
        "history": claim_history(claim),
        "window": claim_window(claim),
        "statement": creditor_statement(claim),
        "direct_payments": direct_payments_received(claim),
        "refundable_now": preview.quote.amount if preview else Decimal("0.00"),
        "plan": plan,
        "instalments": _instalments(plan),
        "solvency_event": _last_event(claim, "solvency_doubtful"),
        "solvency_stop_refund": (
            refund_if_stopped(claim, Refund.Reason.SOLVENCY_STOP).amount
            if claim.state == State.SOLVENCY_DOUBTFUL
            else None
        ),
        "consented": sum((c.up_to_amount for c in claim.consents.all()), Decimal("0.00")),
        "legal_documents": legal,
        "certificates": [doc for doc in legal if doc.kind == LegalDocument.Kind.CERTIFICATE],
        "resume_url": _resume_url(claim),
    }


def _detail_response(
    request: HttpRequest,
    membership: Membership,
    claim: Claim,
    *,
    bound: dict[str, forms.Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = _detail_context(membership, claim, bound or {}, error)
    return render(request, "claims/detail.html", context, status=status)


@login_required
def claim_detail(request: HttpRequest, code: str) -> HttpResponse:
    membership = membership_required(request)
    try:
        claim = claim_page_get(account=membership.account, code=code)
    except Http404:
        # A link from an e-mail may name a claim of another of the user's accounts: act there.
        owner = claim_membership_of(user=request.user, code=code)  # type: ignore[arg-type]
        if owner is None:
            raise
        request.session[SESSION_ACCOUNT_KEY] = owner.account_id
        request.session.pop(SESSION_COMPANY_KEY, None)
        messages.info(request, _("You now act in %(account)s.") % {"account": owner.account})
        return redirect("claims:detail", code=code)
    return _detail_response(request, membership, claim)


def _attach_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's errors go next to the field they name, the others above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _after(claim: Claim, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('claims:detail', args=[claim.code])}#{anchor}")


@login_required
@require_POST
def claim_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Run one of the page's actions; refused, the page shows why with the input kept."""
    membership = membership_required(request)
    claim = claim_page_get(account=membership.account, code=code)
    _writer_or_403(membership)
    page_action = PAGE_ACTIONS[action]
    if not page_action.offered(claim):
        error = str(page_action.unavailable)
        return _detail_response(request, membership, claim, error=error, status=409)
    form = page_action.form(request.POST, auto_id=f"{action}-%s")
    if form.is_valid():
        assert isinstance(request.user, User)
        try:
            message = page_action.perform(membership, request.user, claim, form.cleaned_data)
        except TransitionNotAllowed as exc:
            return _detail_response(request, membership, claim, error=str(exc), status=409)
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, message)
            return _after(claim, page_action.anchor)
    return _detail_response(request, membership, claim, bound={action: form}, status=400)


def _cancelled_message(amount: Decimal) -> str:
    if amount > 0:
        return _("The claim is cancelled. %(amount)s will be refunded to you.") % {
            "amount": format_money(amount)
        }
    return _("The claim is cancelled.")


@login_required
def claim_cancel_page(request: HttpRequest, code: str) -> HttpResponse:
    """First what a cancellation would refund, then (POST) the cancellation itself."""
    membership = membership_required(request)
    claim = claim_page_get(account=membership.account, code=code)
    _writer_or_403(membership)
    preview = cancel_preview(claim)
    form = CancelForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"claim": claim, "preview": preview, "form": form, "error": ""}
    if preview is None:
        context["error"] = _("This claim can no longer be cancelled (it is “%(state)s”).") % {
            "state": claim.get_state_display()
        }
        return render(request, "claims/cancel.html", context, status=409)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            claim_cancel(
                account=membership.account,
                actor=request.user,
                claim=claim,
                reason=form.cleaned_data["reason"],
            )
        except TransitionNotAllowed as exc:
            context["error"] = str(exc)
            return render(request, "claims/cancel.html", context, status=409)
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _cancelled_message(preview.quote.amount))
            return _after(claim, "money")
    status = 400 if request.method == "POST" else 200
    return render(request, "claims/cancel.html", context, status=status)


@login_required
def claim_document_download(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    membership = membership_required(request)
    document = claim_document_get(account=membership.account, code=code, document_id=document_id)
    return upload_response(document)


@login_required
def claim_legal_document(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    membership = membership_required(request)
    claim = claim_get(account=membership.account, code=code)
    return document_response(legal_document_get(claim=claim, document_id=document_id))

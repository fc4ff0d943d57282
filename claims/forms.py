"""Forms of the submission wizard: they parse what the creditor typed; services decide."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from claims.models import DocumentKind
from claims.services import DraftDetails, InvoiceInput
from creditors.models import Company
from debtors.identifiers import normalise_be_enterprise

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACCEPTED_FILES = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"


def _amount_widget(minimum: str) -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": "0.01", "min": minimum, "inputmode": "decimal"})


class DebtorForm(forms.Form):
    """Step 1: the creditor company and the debtor's Belgian enterprise number."""

    company = forms.ModelChoiceField(
        label=_("Creditor company"), queryset=Company.objects.none(), empty_label=None
    )
    debtor_number = forms.CharField(
        label=_("Debtor's enterprise number"),
        max_length=20,
        help_text=_("Belgian enterprise (KBO/BCE) number, e.g. 0403.170.701."),
    )
    debtor_street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    debtor_postal_code = forms.CharField(label=_("Postal code"), max_length=12, required=False)
    debtor_city = forms.CharField(label=_("City"), max_length=100, required=False)

    def __init__(
        self, *args: Any, companies: QuerySet[Company], check_url: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        company = self.fields["company"]
        assert isinstance(company, forms.ModelChoiceField)
        company.queryset = companies
        # The number is checked against the register as it is typed (htmx, see _check.html).
        self.fields["debtor_number"].widget.attrs.update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "hx-get": check_url,
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#debtor-check",
                "hx-sync": "this:replace",
                "aria-controls": "debtor-check",
            }
        )

    def clean_debtor_number(self) -> str:
        try:
            return normalise_be_enterprise(self.cleaned_data["debtor_number"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class InvoiceForm(forms.Form):
    """One invoice of step 2."""

    number = forms.CharField(label=_("Invoice number"), max_length=40)
    issue_date = forms.DateField(label=_("Issue date"), widget=DATE_WIDGET)
    due_date = forms.DateField(label=_("Due date"), widget=DATE_WIDGET)
    amount = forms.DecimalField(
        label=_("Amount (incl. VAT)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=_amount_widget("0.01"),
    )
    credit_notes = forms.DecimalField(
        label=_("Credit notes"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        widget=_amount_widget("0"),
        help_text=_("Credit notes against this invoice, if any."),
    )
    periodic = forms.BooleanField(
        label=_("Periodic sum (rent, subscription…)"),
        required=False,
        help_text=_("Periodic sums are time-barred after 5 years instead of 10."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issued, due = data.get("issue_date"), data.get("due_date")
        if issued and due and due < issued:
            self.add_error("due_date", _("The due date cannot be before the issue date."))
        amount, credit = data.get("amount"), data.get("credit_notes") or Decimal("0")
        if amount is not None and credit > amount:
            self.add_error("credit_notes", _("Credit notes cannot exceed the invoice amount."))
        return data

    def to_input(self) -> InvoiceInput:
        data = self.cleaned_data
        return InvoiceInput(
            number=data["number"].strip(),
            issue_date=data["issue_date"],
            due_date=data["due_date"],
            amount=data["amount"],
            credit_notes=data["credit_notes"] or Decimal("0.00"),
            periodic=data["periodic"],
        )


class BaseInvoiceFormSet(forms.BaseFormSet[InvoiceForm]):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": _("Keep at least one invoice."),
    }

    def add_fields(self, form: InvoiceForm, index: int | None) -> None:
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].label = _("Remove this invoice")

    def clean(self) -> None:
        super().clean()
        numbers = [
            form.cleaned_data["number"].strip()
            for form in self.forms
            if form.cleaned_data.get("number") and not form.cleaned_data.get(DELETION_FIELD_NAME)
        ]
        if len(set(numbers)) != len(numbers):
            raise ValidationError(_("Each invoice number may appear only once."))

    def invoices(self) -> list[InvoiceInput]:
        return [
            form.to_input()
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get(DELETION_FIELD_NAME)  # {}: a blank new row
        ]


InvoiceFormSet = cast(
    type[BaseInvoiceFormSet],
    forms.formset_factory(
        InvoiceForm,
        formset=BaseInvoiceFormSet,
        extra=0,
        min_num=1,
        validate_min=True,
        max_num=100,
        validate_max=True,
        can_delete=True,
    ),
)


class DetailsForm(forms.Form):
    """Step 2: the damages clause and the creditor's own reference."""

    own_reference = forms.CharField(
        label=_("Your own reference"),
        max_length=20,
        required=False,
        help_text=_("Shown in the claim list and on our messages to you."),
    )
    damages_clause_percent = forms.DecimalField(
        label=_("Damages clause (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        initial=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100"}),
        help_text=_(
            "The percentage your terms and conditions add to an unpaid invoice; 0 if none."
        ),
    )
    damages_clause_minimum = forms.DecimalField(
        label=_("Damages clause minimum"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        widget=_amount_widget("0"),
        help_text=_("The minimum amount of the clause, if your terms set one."),
    )

    def to_details(self) -> DraftDetails:
        data = self.cleaned_data
        return DraftDetails(
            own_reference=data["own_reference"].strip(),
            damages_clause_percent=data["damages_clause_percent"] or Decimal("0.00"),
            damages_clause_minimum=data["damages_clause_minimum"],
        )


class UploadForm(forms.Form):
    """Step 2: the evidence that goes with the summons (PDF, PNG or JPEG)."""

    invoice_file = forms.FileField(label=_("Invoice (PDF)"), required=False)
    terms_file = forms.FileField(label=_("Terms and conditions"), required=False)
    reminder_file = forms.FileField(label=_("Last reminder"), required=False)

    KINDS = {
        "invoice_file": DocumentKind.INVOICE,
        "terms_file": DocumentKind.TERMS,
        "reminder_file": DocumentKind.REMINDER,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["accept"] = ACCEPTED_FILES


class ConfirmForm(forms.Form):
    """Step 3: the creditor vouches for the claim before it is checked and submitted."""

    confirm = forms.BooleanField(
        label=_(
            "I confirm the invoices are unpaid and uncontested, that the debt arose from a "
            "contract with this enterprise in its business, and that the documents are genuine."
        ),
        error_messages={"required": _("Tick the box to confirm before you submit.")},
    )


class PayForm(forms.Form):
    """How the advance is paid: by card (only when Stripe is configured) or by transfer."""

    method = forms.ChoiceField(label=_("How do you pay the advance?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, card: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("transfer", _("Bank transfer with the structured reference"))]
        if card:
            choices.insert(0, ("stripe", _("Card (Stripe)")))
        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)
        method.choices = choices
        method.initial = choices[0][0]

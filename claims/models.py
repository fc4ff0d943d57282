"""Claims (dossiers), their invoices, documents and the append-only event log."""

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from bailiffs.models import Office
from claims.states import ActorKind, State
from creditors.models import Account, Company, Language
from debtors.models import Debtor


class EligibilityVerdict(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    REVIEW = "review", _("Needs review")


class Claim(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="claims")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="claims")
    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="claims")
    code = models.CharField(_("code"), max_length=10, unique=True, editable=False)
    payment_reference = models.CharField(max_length=12, unique=True, editable=False)
    own_reference = models.CharField(_("own reference"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    damages_clause_percent = models.DecimalField(
        _("damages clause (%)"), max_digits=5, decimal_places=2, default=Decimal("0.00")
    )
    damages_clause_minimum = models.DecimalField(
        _("damages clause minimum"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    partner_discount = models.BooleanField(_("partner discount"), default=False)
    document_language_override = models.CharField(
        _("document language (override)"),
        max_length=2,
        blank=True,
        choices=[("nl", _("Dutch")), ("fr", _("French")), ("de", _("German"))],
        help_text="Empty: the language of the debtor's seat (law of 15 June 1935).",
    )
    pv_requested_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=24, choices=State.choices, default=State.DRAFT)
    state_changed_at = models.DateTimeField()

    eligibility_verdict = models.CharField(
        max_length=12, choices=EligibilityVerdict.choices, blank=True
    )
    eligibility_reasons = models.JSONField(default=list, blank=True)
    eligibility_register_date = models.DateField(
        null=True, blank=True, help_text="Snapshot date of the register the check used."
    )
    review_flag = models.CharField(
        max_length=40, blank=True, help_text="A finding that asks staff to look again."
    )
    review_flagged_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    advance_paid_at = models.DateTimeField(null=True, blank=True)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    handed_off_at = models.DateTimeField(null=True, blank=True)

    # Deadlines (claims.deadlines computes them; the sweep reads them).
    acceptance_due_at = models.DateTimeField(null=True, blank=True)
    acceptance_sla_breached_at = models.DateTimeField(null=True, blank=True)
    service_due_at = models.DateTimeField(null=True, blank=True)
    service_sla_breached_at = models.DateTimeField(null=True, blank=True)
    served_on = models.DateField(null=True, blank=True)
    month_ends_on = models.DateField(null=True, blank=True)
    pv_earliest_on = models.DateField(null=True, blank=True)
    window_ends_at = models.DateTimeField(
        null=True, blank=True, help_text="00:00 Europe/Brussels on the earliest PV day."
    )
    suspended_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "account",
                Lower("own_reference"),
                condition=~Q(own_reference=""),
                name="claim_own_reference_unique_per_account",
            )
        ]
        indexes = [
            models.Index(fields=["account", "state"]),
            models.Index(fields=["account", "-created_at"]),
            # The sweep's three questions, each answered from a small partial index.
            models.Index(
                fields=["window_ends_at"],
                condition=Q(state=State.SUMMONS_SERVED),
                name="claim_due_window",
            ),
            models.Index(
                fields=["acceptance_due_at"],
                condition=Q(state=State.IN_REVIEW, acceptance_sla_breached_at__isnull=True),
                name="claim_due_acceptance",
            ),
            models.Index(
                fields=["service_due_at"],
                condition=Q(state=State.WITH_BAILIFF, service_sla_breached_at__isnull=True),
                name="claim_due_service",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def total(self) -> Decimal:
        return sum((invoice.outstanding for invoice in self.invoices.all()), Decimal("0.00"))


class Invoice(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=40)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    credit_notes = models.DecimalField(
        _("credit notes"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    periodic = models.BooleanField(_("periodic sum"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "number"], name="invoice_unique_per_claim"),
            models.CheckConstraint(
                condition=Q(credit_notes__gte=0) & Q(credit_notes__lte=models.F("amount")),
                name="invoice_credit_notes_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["account", "number"])]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.credit_notes


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    TERMS = "terms", _("Terms and conditions")
    REMINDER = "reminder", _("Last reminder")
    ANSWER_FORM = "answer_form", _("Debtor's answer form")


def _document_path(instance: "ClaimDocument", filename: str) -> str:
    # A random name: the original name is kept in a column, never trusted as a path.
    return f"claims/{instance.account_id}/{uuid.uuid4().hex}"


class ClaimDocument(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    file = models.FileField(upload_to=_document_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class PaymentPlan(models.Model):
    """Payment facilities the debtor asked for: the creditor accepts or declines them."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        BROKEN = "broken", _("An instalment was missed")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="payment_plans")
    instalments = models.JSONField(help_text='[{"due_date": "YYYY-MM-DD", "amount": "0.00"}]')
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"plan of {self.claim_id} ({self.state})"


class AppendOnlyError(Exception):
    pass


class ClaimEvent(models.Model):
    """One row per state change or note: the audit trail and the notification outbox."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    name = models.CharField(max_length=40)
    from_state = models.CharField(max_length=24, choices=State.choices)
    to_state = models.CharField(max_length=24, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_kind = models.CharField(max_length=10, choices=[(k.value, k.value) for k in ActorKind])
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["claim", "created_at"])]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_state} → {self.to_state} ({self.name})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only: an event, once written, is history.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Claim events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Claim events are append-only.")


class SweepRun(models.Model):
    """One run of the deadline sweep: what it moved and flagged, for /healthz and operators."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    moved = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)

    class Meta:
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"sweep at {self.finished_at:%Y-%m-%d %H:%M:%S}: {self.moved} moved"


class ClaimComment(models.Model):
    """A note for the creditor's own team, or a comment the bailiff office also reads.

    Append-only like the event log: what was written to the office stays as it was sent.
    """

    class Kind(models.TextChoices):
        NOTE = "note", _("Note (only your team)")
        COMMENT = "comment", _("Comment (shared with the bailiff office)")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField(_("text"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["claim", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} on {self.claim_id} by {self.author_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Comments and notes are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Comments and notes are append-only.")

"""Tariffs, rates, the ledger of each dossier, refunds, consents and payments (domain.md §3).

Tariffs and rates are data rows with a validity period; a computed amount stores the row ids it
used. Amounts are Decimal with two places.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.models import Claim
from creditors.models import Account


def money_field(**options: Any) -> models.DecimalField[Decimal, Decimal]:
    """Every amount: Decimal with two places."""
    return models.DecimalField(max_digits=14, decimal_places=2, **options)


class Validity(models.Model):
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Inclusive; empty: open-ended.")

    class Meta:
        abstract = True


class AdvanceBracket(Validity):
    """The advance table: claim-value brackets (classes A–H of the bailiff tariff), excl. VAT."""

    min_value = money_field()
    max_value = money_field(null=True, blank=True, help_text="Inclusive.")
    advance_excl_vat = money_field()

    class Meta:
        ordering = ["-valid_from", "min_value"]

    def __str__(self) -> str:
        upper = self.max_value or "∞"
        return f"{self.min_value}–{upper}: {self.advance_excl_vat} (from {self.valid_from})"


class Tariff(Validity):
    """A single amount or rate: file fee, solvency fee, summons cost, VAT, discounts."""

    class Code(models.TextChoices):
        FILE_FEE = "file_fee", _("File fee (lawyer's check)")
        SOLVENCY_FEE = "solvency_fee", _("Solvency check fee")
        SUMMONS_COST = "summons_cost", _("Summons cost")
        VAT_RATE = "vat_rate", _("VAT rate")
        PARTNER_DISCOUNT = "partner_discount", _("Partner discount on the advance")
        FLAT_COMPENSATION = "flat_compensation", _("Flat compensation per unpaid invoice")
        IOS_CAP = "ios_cap", _("IOS cap on interest and damages clause")

    code = models.CharField(max_length=30, choices=Code.choices)
    amount = money_field(null=True, blank=True)
    rate_percent = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    unsettled = models.BooleanField(default=False, help_text="Not settled by the sources.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["code", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=False)
                | Q(rate_percent__isnull=False)
                | Q(unsettled=True),
                name="tariff_has_amount_or_rate",
            )
        ]

    def __str__(self) -> str:
        value = self.amount if self.amount is not None else f"{self.rate_percent} %"
        return f"{self.code} {value} (from {self.valid_from})"


class InterestRate(Validity):
    class Kind(models.TextChoices):
        COMMERCIAL = "commercial", _("Commercial late-payment rate (law of 2 Aug 2002)")
        CIVIL = "civil", _("Civil legal rate")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    rate_percent = models.DecimalField(max_digits=7, decimal_places=4)

    class Meta:
        ordering = ["kind", "valid_from"]
        indexes = [models.Index(fields=["kind", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.rate_percent} % from {self.valid_from}"


class SplitRule(models.Model):
    """Who receives each part of a successful collection: configuration, not code."""

    class Part(models.TextChoices):
        PRINCIPAL = "principal", _("Principal")
        ADVANCE = "advance", _("Advance")
        INTEREST = "interest", _("Interest")
        DAMAGES = "damages", _("Damages clause")
        DAMAGES_VAT = "damages_vat", _("VAT on the damages clause")
        FLAT_COMPENSATION = "flat_compensation", _("Flat compensation")

    class Beneficiary(models.TextChoices):
        CREDITOR = "creditor", _("Creditor")
        PLATFORM = "platform", _("Platform")

    part = models.CharField(max_length=20, choices=Part.choices, unique=True)
    beneficiary = models.CharField(max_length=10, choices=Beneficiary.choices)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.part} → {self.beneficiary}"


class LedgerAccount(models.TextChoices):
    """The accounts of one dossier's ledger. Amounts are signed: debit +, credit −."""

    BANK = "bank", _("Money held by the platform")
    ADVANCE = "advance", _("Creditor's advance not yet used")
    CREDITOR = "creditor", _("Collected, due to the creditor")
    CREDITOR_CHARGE = "creditor_charge", _("Charged to the creditor with consent")
    REVENUE = "revenue", _("Platform revenue")
    VAT = "vat", _("VAT payable")
    BAILIFF = "bailiff", _("Due to the bailiff office")
    DEBTOR_COSTS = "debtor_costs", _("Costs due by the debtor")
    DEBTOR_FLAT = "debtor_flat", _("Flat compensation due by the debtor")
    DEBTOR_INTEREST = "debtor_interest", _("Interest and damages due by the debtor")
    DEBTOR_PRINCIPAL = "debtor_principal", _("Principal due by the debtor")
    CLAIMED = "claimed", _("Claimed from the debtor (memo)")


class LedgerTransaction(models.Model):
    """A balanced set of entries: the sum of its entries is zero."""

    class Kind(models.TextChoices):
        ADVANCE_RECEIVED = "advance_received", _("Advance received")
        FEE_EARNED = "fee_earned", _("Fee earned")
        BAILIFF_COST = "bailiff_cost", _("Bailiff cost incurred")
        DEBT_ESTABLISHED = "debt_established", _("Amounts claimed from the debtor")
        DEBTOR_PAYMENT = "debtor_payment", _("Debtor payment")
        DIRECT_PAYMENT = "direct_payment", _("Direct payment to the creditor")
        PAYOUT = "payout", _("Payout to the creditor")
        REFUND = "refund", _("Refund of the advance")
        CONSENTED_CHARGE = "consented_charge", _("Cost charged with consent")
        SETTLEMENT = "settlement", _("Creditor settles a charge")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    memo = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    booked_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=80, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.kind} {self.booked_on}"


class LedgerEntry(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="+")
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    ledger_account = models.CharField(max_length=20, choices=LedgerAccount.choices)
    amount = money_field()

    class Meta:
        indexes = [models.Index(fields=["claim", "ledger_account"])]

    def __str__(self) -> str:
        return f"{self.ledger_account} {self.amount}"


class CostConsent(models.Model):
    """The creditor's prior, explicit consent to costs above the advance (domain.md §3)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="consents")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(auto_now_add=True)
    up_to_amount = money_field()

    def __str__(self) -> str:
        return f"consent up to {self.up_to_amount} on {self.claim_id}"


class Payment(models.Model):
    """The advance: by Stripe (card) or by bank transfer with the structured reference."""

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Card (Stripe)")
        TRANSFER = "transfer", _("Bank transfer")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(max_length=10, choices=Method.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    amount = money_field()
    quote = models.JSONField(default=dict, help_text="The advance quote with its tariff versions.")
    idempotency_key = models.CharField(max_length=80, unique=True)
    stripe_session_id = models.CharField(max_length=120, blank=True, db_index=True)
    stripe_payment_intent = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.method} {self.amount} ({self.state})"


class Refund(models.Model):
    class Reason(models.TextChoices):
        CANCELLED_EARLY = "cancelled_early", _("Cancelled within 12 hours of submission")
        REJECTED = "rejected", _("Rejected by the eligibility review")
        CANCELLED_BEFORE_SERVICE = "cancelled_before_service", _("Cancelled before service")
        SOLVENCY_STOP = "solvency_stop", _("Stopped after a doubtful solvency check")
        CONTESTED = "contested", _("Contested by the debtor")
        DEBTOR_INSOLVENT = "debtor_insolvent", _("Debtor bankrupt or reorganised")
        STOPPED_AFTER_SERVICE = "stopped_after_service", _("Stopped by the creditor after service")

    class State(models.TextChoices):
        CREATED = "created", _("Created")
        SENT = "sent", _("Sent")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="refunds")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    amount = money_field()
    breakdown = models.JSONField(default=dict)
    method = models.CharField(max_length=10, choices=Payment.Method.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CREATED)
    idempotency_key = models.CharField(max_length=80, unique=True)
    stripe_refund_id = models.CharField(max_length=120, blank=True)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=~Q(state="failed"), name="one_live_refund_per_claim"
            )
        ]

    def __str__(self) -> str:
        return f"refund {self.amount} ({self.state})"


class OutboxCursor(models.Model):
    """How far a consumer of the claim event log (the outbox) has read."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_event_id}"


class StripeEvent(models.Model):
    """Stripe events already handled, so that a replayed event does nothing."""

    event_id = models.CharField(max_length=120, unique=True)
    type = models.CharField(max_length=80)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id


ZERO = Decimal("0.00")

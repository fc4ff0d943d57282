"""Bailiff offices: organisations of their own, with members and the postal codes they cover."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Office(models.Model):
    name = models.CharField(_("name"), max_length=200)
    enterprise_number = models.CharField(_("enterprise number"), max_length=10, unique=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    client_account_iban = models.CharField(_("client-account IBAN"), max_length=34, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (open claims)"), default=100)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(
        _("webhook secret"), max_length=80, blank=True, help_text="Signs webhooks (HMAC-SHA256)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class OfficeRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    CLERK = "clerk", _("Clerk")


class OfficeMembership(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_memberships"
    )
    role = models.CharField(max_length=20, choices=OfficeRole.choices, default=OfficeRole.CLERK)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "user"], name="office_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.office}"


class CoverageRange(models.Model):
    """An inclusive range of Belgian postal codes an office serves."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="coverage")
    postal_code_from = models.PositiveIntegerField()
    postal_code_to = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(postal_code_from__lte=models.F("postal_code_to")),
                name="coverage_range_ordered",
            )
        ]
        indexes = [models.Index(fields=["postal_code_from", "postal_code_to"])]

    def __str__(self) -> str:
        return f"{self.postal_code_from}–{self.postal_code_to}"


class OfficeNotification(models.Model):
    """A message to an office about a claim: e-mail at once, webhook with retries."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed: staff alerted")

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="notifications")
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="notification_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.office_id} ({self.state})"


class LegalDocument(models.Model):
    """A generated legal document: immutable once stored; a correction is a new version."""

    class Kind(models.TextChoices):
        SUMMONS = "summons", _("Summons to pay with the answer form")
        PV = "pv", _("PV of non-contestation")
        CERTIFICATE = "certificate", _("Certificate of irrecoverability")
        BALANCE_LETTER = "balance_letter", _("Balance letter")

    account = models.ForeignKey("creditors.Account", on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.PROTECT, related_name="legal_documents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(max_length=2)
    version = models.PositiveIntegerField()
    template_version = models.CharField(max_length=40)
    file = models.FileField(upload_to="legal/")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    reason = models.TextField(blank=True, help_text="Why this version was made.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "kind", "version"], name="legal_document_version_unique"
            )
        ]
        ordering = ["claim", "kind", "-version"]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version} of {self.claim_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Immutable: a stored legal document is never rewritten (a correction is a new row).
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Legal documents are immutable; store a new version instead.")
        super().save(*args, **kwargs)

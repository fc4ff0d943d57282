"""Bailiff offices: organisations of their own, with members and the postal codes they cover."""

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

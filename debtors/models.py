"""Debtors as a creditor account knows them (the enterprise register lands in issue 3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditors.models import Account, Language


class Debtor(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="debtors")
    country = models.CharField(_("country"), max_length=2, default="BE")
    registration_number = models.CharField(_("enterprise number"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "country", "registration_number"], name="debtor_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.registration_number})"

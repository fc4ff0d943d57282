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


# --- The enterprise register (KBO/BCE Open Data, domain.md section 6) -------------------------
# Register tables hold no foreign keys and no surrogate sequences, so that a full import can load
# fresh tables and swap them in at once (debtors.kbo_import).


class RegisterExtract(models.Model):
    """One imported extract: the register's date is the SnapshotDate of the last one applied."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full")
        UPDATE = "update", _("Update")

    kind = models.CharField(max_length=6, choices=Kind.choices)
    snapshot_date = models.DateField()
    extract_number = models.CharField(max_length=20, blank=True)
    imported_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    rows = models.JSONField(default=dict, help_text="Rows loaded per file.")

    class Meta:
        get_latest_by = "imported_at"

    def __str__(self) -> str:
        return f"{self.kind} extract of {self.snapshot_date}"


# The register keeps the extract's own values: numbers as the extract spells them
# ("0403.170.701"; establishments "2.123.456.789") and empty fields as NULL, so that
# PostgreSQL can COPY the files straight into fresh tables (debtors.kbo_import).


def _register_text(max_length: int) -> "models.CharField[str | None, str | None]":
    return models.CharField(max_length=max_length, null=True, blank=True)


class Enterprise(models.Model):
    number = models.CharField(max_length=12, primary_key=True)
    status = _register_text(4)
    juridical_situation = _register_text(4)
    type_of_enterprise = _register_text(2)
    juridical_form = _register_text(4)
    juridical_form_cac = _register_text(4)
    start_date = models.DateField(null=True)

    def __str__(self) -> str:
        return self.number


class Denomination(models.Model):
    id = models.BigIntegerField(primary_key=True)
    entity_number = models.CharField(max_length=13, db_index=True)
    language = _register_text(2)
    type_of_denomination = _register_text(4)
    denomination = _register_text(400)

    def __str__(self) -> str:
        return self.denomination or ""


class RegisterAddress(models.Model):
    id = models.BigIntegerField(primary_key=True)
    entity_number = models.CharField(max_length=13, db_index=True)
    type_of_address = _register_text(4)
    country_nl = _register_text(100)
    country_fr = _register_text(100)
    zipcode = _register_text(20)
    municipality_nl = _register_text(200)
    municipality_fr = _register_text(200)
    street_nl = _register_text(200)
    street_fr = _register_text(200)
    house_number = _register_text(40)
    box = _register_text(40)
    extra_address_info = _register_text(400)
    date_striking_off = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.entity_number} {self.type_of_address}"


class RegisterCode(models.Model):
    """code.csv: the meaning of every code, per language."""

    id = models.BigIntegerField(primary_key=True)
    category = models.CharField(max_length=40)
    code = models.CharField(max_length=10)
    language = _register_text(2)
    description = _register_text(400)

    class Meta:
        indexes = [models.Index(fields=["category", "code"], name="register_code_lookup")]

    def __str__(self) -> str:
        return f"{self.category} {self.code} ({self.language}): {self.description}"


class Classification(models.TextChoices):
    NORMAL = "normal", _("Normal situation")
    BANKRUPT = "bankrupt", _("Bankrupt")
    REORGANISATION = "reorganisation", _("Judicial reorganisation")
    DISSOLUTION = "dissolution", _("Dissolution or liquidation")
    PRIVATE = "private", _("Private-law form")
    PUBLIC_BODY = "public_body", _("Public-law form")
    UNKNOWN = "unknown", _("Needs review")


class CodeOverride(models.Model):
    """A reviewed classification that wins over the one read from code.csv descriptions."""

    class Category(models.TextChoices):
        SITUATION = "JuridicalSituation", _("Juridical situation")
        FORM = "JuridicalForm", _("Juridical form")

    category = models.CharField(max_length=40, choices=Category.choices)
    code = models.CharField(max_length=10)
    classification = models.CharField(max_length=20, choices=Classification.choices)
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="code_override_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.code} → {self.classification}"

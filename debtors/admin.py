from django.contrib import admin

from claims.admin import ReadOnlyAdminMixin
from debtors.models import (
    CodeOverride,
    Debtor,
    Denomination,
    Enterprise,
    RegisterAddress,
    RegisterCode,
    RegisterExtract,
)


@admin.register(Debtor)
class DebtorAdmin(admin.ModelAdmin[Debtor]):
    list_display = ["name", "registration_number", "country", "postal_code", "account"]
    search_fields = ["name", "registration_number"]
    list_select_related = ["account"]


@admin.register(CodeOverride)
class CodeOverrideAdmin(admin.ModelAdmin[CodeOverride]):
    """Reviewed classifications that win over the code.csv descriptions."""

    list_display = ["category", "code", "classification", "note", "updated_at"]
    list_filter = ["category", "classification"]
    search_fields = ["code", "note"]


@admin.register(RegisterExtract)
class RegisterExtractAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[RegisterExtract]):
    list_display = ["kind", "snapshot_date", "extract_number", "imported_at", "seconds"]


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Enterprise]):
    list_display = [
        "number",
        "status",
        "juridical_situation",
        "type_of_enterprise",
        "juridical_form",
    ]
    search_fields = ["number"]
    show_full_result_count = False


@admin.register(Denomination)
class DenominationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Denomination]):
    list_display = ["entity_number", "language", "type_of_denomination", "denomination"]
    search_fields = ["entity_number"]
    show_full_result_count = False


@admin.register(RegisterAddress)
class RegisterAddressAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[RegisterAddress]):
    list_display = ["entity_number", "type_of_address", "zipcode", "municipality_nl"]
    search_fields = ["entity_number"]
    show_full_result_count = False


@admin.register(RegisterCode)
class RegisterCodeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[RegisterCode]):
    list_display = ["category", "code", "language", "description"]
    list_filter = ["category", "language"]
    search_fields = ["code", "description"]

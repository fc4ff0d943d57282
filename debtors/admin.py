from django.contrib import admin

from debtors.models import Debtor


@admin.register(Debtor)
class DebtorAdmin(admin.ModelAdmin[Debtor]):
    list_display = ["name", "registration_number", "country", "postal_code", "account"]
    search_fields = ["name", "registration_number"]
    list_select_related = ["account"]

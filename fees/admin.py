from django.contrib import admin

from claims.admin import ReadOnlyAdminMixin
from fees.models import (
    AdvanceBracket,
    CostConsent,
    InterestRate,
    LedgerEntry,
    LedgerTransaction,
    OutboxCursor,
    Payment,
    Refund,
    SplitRule,
    StripeEvent,
    Tariff,
)


@admin.register(AdvanceBracket)
class AdvanceBracketAdmin(admin.ModelAdmin[AdvanceBracket]):
    list_display = ["valid_from", "valid_to", "min_value", "max_value", "advance_excl_vat"]
    list_filter = ["valid_from"]


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin[Tariff]):
    list_display = ["code", "valid_from", "valid_to", "amount", "rate_percent", "unsettled"]
    list_filter = ["code", "unsettled"]


@admin.register(InterestRate)
class InterestRateAdmin(admin.ModelAdmin[InterestRate]):
    list_display = ["kind", "valid_from", "valid_to", "rate_percent"]
    list_filter = ["kind"]


@admin.register(SplitRule)
class SplitRuleAdmin(admin.ModelAdmin[SplitRule]):
    list_display = ["part", "beneficiary", "note"]


class EntryInline(ReadOnlyAdminMixin, admin.TabularInline[LedgerEntry, LedgerTransaction]):
    model = LedgerEntry
    fields = readonly_fields = ("ledger_account", "amount")
    extra = 0


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[LedgerTransaction]):
    """The ledger is written by services only."""

    list_display = ["booked_on", "claim", "kind", "memo", "created_by"]
    list_filter = ["kind"]
    search_fields = ["claim__code"]
    list_select_related = ["claim", "created_by"]
    inlines = [EntryInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[LedgerEntry]):
    list_display = ["transaction", "ledger_account", "amount"]
    list_filter = ["ledger_account"]
    list_select_related = ["transaction"]


@admin.register(CostConsent)
class CostConsentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CostConsent]):
    list_display = ["claim", "given_by", "given_at", "up_to_amount"]
    list_select_related = ["claim", "given_by"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Payment]):
    list_display = ["claim", "method", "state", "amount", "created_at", "confirmed_at"]
    list_filter = ["method", "state"]
    search_fields = ["claim__code", "claim__payment_reference", "stripe_session_id"]
    list_select_related = ["claim"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Refund]):
    list_display = ["claim", "reason", "amount", "method", "state", "created_at"]
    list_filter = ["reason", "method", "state"]
    search_fields = ["claim__code"]
    list_select_related = ["claim"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[StripeEvent]):
    list_display = ["event_id", "type", "received_at"]


@admin.register(OutboxCursor)
class OutboxCursorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[OutboxCursor]):
    list_display = ["name", "last_event_id"]

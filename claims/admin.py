from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from claims.models import Claim, ClaimComment, ClaimDocument, ClaimEvent, Invoice, SweepRun


class ReadOnlyAdminMixin:
    """History is written by services only; the admin may look, never touch."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InvoiceInline(admin.TabularInline[Invoice, Claim]):
    model = Invoice
    extra = 0
    exclude = ["account"]


class EventInline(ReadOnlyAdminMixin, admin.TabularInline[ClaimEvent, Claim]):
    model = ClaimEvent
    extra = 0
    fields = readonly_fields = (
        "created_at", "name", "from_state", "to_state", "actor", "actor_kind", "reason",
    )  # fmt: skip


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin[Claim]):
    list_display = ["code", "account", "debtor", "state", "created_at", "window_ends_at"]
    list_filter = ["state", "eligibility_verdict"]
    search_fields = ["code", "own_reference", "debtor__name", "invoices__number"]
    list_select_related = ["account", "debtor"]
    # The state and its deadlines move only through the state machine's services.
    readonly_fields = [
        "code", "payment_reference", "state", "state_changed_at", "eligibility_verdict",
        "eligibility_reasons", "submitted_at", "advance_paid_at", "office", "handed_off_at",
        "acceptance_due_at", "acceptance_sla_breached_at", "service_due_at",
        "service_sla_breached_at", "served_on", "month_ends_on", "pv_earliest_on",
        "window_ends_at", "suspended_on", "closed_at", "created_by",
    ]  # fmt: skip
    inlines = [InvoiceInline, EventInline]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin[Invoice]):
    list_display = ["number", "claim", "due_date", "amount", "credit_notes"]
    search_fields = ["number", "claim__code"]
    list_select_related = ["claim"]


@admin.register(ClaimDocument)
class ClaimDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ClaimDocument]):
    list_display = ["original_name", "claim", "kind", "content_type", "size", "uploaded_at"]
    list_select_related = ["claim"]


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ClaimEvent]):
    list_display = ["created_at", "claim", "name", "from_state", "to_state", "actor_kind"]
    list_filter = ["name", "actor_kind"]
    search_fields = ["claim__code"]
    list_select_related = ["claim"]


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[SweepRun]):
    list_display = ["started_at", "finished_at", "moved", "flagged"]


@admin.register(ClaimComment)
class ClaimCommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ClaimComment]):
    list_display = ["created_at", "claim", "kind", "author"]
    list_filter = ["kind"]
    search_fields = ["claim__code"]
    list_select_related = ["claim", "author"]

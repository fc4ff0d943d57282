from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import DigestSent, EventEmail, NotificationPreference, NotifiedEvent


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin[NotificationPreference]):
    list_display = ["user", "event_emails", "daily_digest", "language", "updated_at"]
    list_filter = ["event_emails", "daily_digest", "language"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]


class SentLogAdmin:
    """What was sent is a log: the admin may look (and see failures), never write."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EventEmail)
class EventEmailAdmin(SentLogAdmin, admin.ModelAdmin[EventEmail]):
    list_display = ["event", "user", "language", "created_at", "sent_at", "attempts"]
    list_filter = ["language"]
    search_fields = ["user__email", "event__claim__code"]
    list_select_related = ["event", "user"]


@admin.register(NotifiedEvent)
class NotifiedEventAdmin(SentLogAdmin, admin.ModelAdmin[NotifiedEvent]):
    list_display = ["event", "recipients", "created_at"]
    list_select_related = ["event"]


@admin.register(DigestSent)
class DigestSentAdmin(SentLogAdmin, admin.ModelAdmin[DigestSent]):
    list_display = ["user", "date", "events", "sent_at"]
    list_filter = ["date"]
    search_fields = ["user__email"]
    list_select_related = ["user"]

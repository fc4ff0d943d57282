from django.contrib import admin

from bailiffs.models import CoverageRange, Office, OfficeMembership


class CoverageInline(admin.TabularInline[CoverageRange, Office]):
    model = CoverageRange
    extra = 0


class OfficeMembershipInline(admin.TabularInline[OfficeMembership, Office]):
    model = OfficeMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ["name", "enterprise_number", "city", "capacity"]
    search_fields = ["name", "enterprise_number"]
    inlines = [CoverageInline, OfficeMembershipInline]


@admin.register(OfficeMembership)
class OfficeMembershipAdmin(admin.ModelAdmin[OfficeMembership]):
    list_display = ["user", "office", "role"]
    list_select_related = ["user", "office"]


@admin.register(CoverageRange)
class CoverageRangeAdmin(admin.ModelAdmin[CoverageRange]):
    list_display = ["office", "postal_code_from", "postal_code_to"]
    list_select_related = ["office"]

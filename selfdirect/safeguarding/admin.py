"""Safeguarding records in Django's admin, read-only: concerns, enquiries and break-glass openings change only
through the pages (and their services, which audit every change and restrict the person's record)."""

from django.contrib import admin

from .models import BreakGlass, EnquiryAction, SafeguardingConcern, SafeguardingEnquiry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SafeguardingConcern)
class SafeguardingConcernAdmin(ReadOnlyAdmin):
    list_display = ["id", "subject_name", "status", "decision", "received_at", "triage_due_at", "from_public_form"]
    list_filter = ["status", "decision", "from_public_form", "immediate_risk"]
    search_fields = ["subject_name"]


class EnquiryActionInline(admin.TabularInline):
    model = EnquiryAction
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SafeguardingEnquiry)
class SafeguardingEnquiryAdmin(ReadOnlyAdmin):
    list_display = ["id", "person", "kind", "stage", "lead", "opened_at", "due_at", "closed_at"]
    list_filter = ["kind", "stage", "outcome", "outcomes_achieved"]
    inlines = [EnquiryActionInline]


@admin.register(BreakGlass)
class BreakGlassAdmin(ReadOnlyAdmin):
    list_display = ["user", "person", "opened_at", "expires_at", "reviewed_at"]
    list_filter = ["reviewed_at"]

"""Reviews in Django's admin, read-only: reviews are booked, recorded and cancelled on the pages, through the
services that audit them and keep each review's task in step."""

from django.contrib import admin

from .models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["id", "person", "kind", "reason", "status", "due_on", "assigned_to", "completed_on"]
    list_filter = ["status", "kind", "reason"]
    date_hierarchy = "due_on"
    raw_id_fields = ["person", "plan", "assigned_to", "reassessment", "completed_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

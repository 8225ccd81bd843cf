from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .audit import audit_record, diff, snapshot
from .models import AuditEvent, User

_ACCESS_FIELDS = ["role", "is_active", "is_staff", "is_superuser"]


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "teams"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Role in selfdirect", {"fields": ["role", "job_title"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Changes of role or access are permission changes: audit them with old and new values.
        before = snapshot(User.objects.get(pk=obj.pk), _ACCESS_FIELDS) if change else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj, _ACCESS_FIELDS))
        if changes:
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
                obj=obj,
                summary=f"Access changed for {obj.username}",
                changes=changes,
                request=request,
            )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit records are never added, changed or deleted by hand."""

    list_display = ["occurred_at", "actor", "action", "object_type", "object_id", "person_id", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["summary", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

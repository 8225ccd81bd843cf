from django.contrib import admin

from .models import GovernanceSettings, RetentionDecision, SensitiveRecordFlag


@admin.register(RetentionDecision)
class RetentionDecisionAdmin(admin.ModelAdmin):
    """Read-only: decisions are made (and carried out) on the retention review page."""

    list_display = ("person_number", "decision", "decided_by", "decided_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(GovernanceSettings)
admin.site.register(SensitiveRecordFlag)

"""API tokens in Django's admin, read-only: tokens are issued and revoked on the tokens page (/api-tokens/), which
shows the secret once and writes the audit record."""

from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "kind", "user", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["kind"]
    exclude = ["token_hash"]
    raw_id_fields = ["user", "created_by", "revoked_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

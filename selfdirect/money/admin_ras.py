"""Administrators manage resource allocation tables here. Published versions are read-only: "Make a new draft"
copies one to edit, `manage.py ras_import` brings one in from a file, and "Publish" checks a draft (every
outcome, reason and level has points; every age band and group has a price with no cap) and makes it the
version new indicative budgets use. Both actions go through money.ras_services, which writes the audit record."""

from django import forms
from django.contrib import admin, messages

from selfdirect.core.services import DomainError
from selfdirect.rules import allocation
from selfdirect.rules.cld import PRIMARY_SUPPORT_REASONS

from . import ras_services
from .models import RasPrice, RasRule, RasTable


class _FrozenWhenPublished:
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)


class RasRuleInline(_FrozenWhenPublished, admin.TabularInline):
    model = RasRule
    extra = 0
    fields = ["key", "points", "description"]


class RasPriceForm(forms.ModelForm):
    client_group = forms.ChoiceField(
        choices=[(allocation.ANY, "Any support reason")] + [(r, r) for r in PRIMARY_SUPPORT_REASONS],
        initial=allocation.ANY,
    )

    class Meta:
        model = RasPrice
        fields = ["age_band", "client_group", "min_points", "max_points", "price_per_point", "weekly_amount"]


class RasPriceInline(_FrozenWhenPublished, admin.TabularInline):
    model = RasPrice
    form = RasPriceForm
    extra = 0
    fields = RasPriceForm.Meta.fields


@admin.register(RasTable)
class RasTableAdmin(admin.ModelAdmin):
    list_display = ["version", "name", "method", "exceptional_points", "published_at"]
    list_display_links = ["version", "name"]
    inlines = [RasRuleInline, RasPriceInline]
    actions = ["make_draft", "publish"]

    def get_readonly_fields(self, request, obj=None):
        return ["version", "published_at", "created_at"]

    def has_add_permission(self, request):
        return False  # new versions come from "Make a new draft" or ras_import, so numbering stays in order

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False  # published versions are frozen: every indicative budget names the version it used
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Only an unpublished draft can be thrown away (never one an indicative budget used).
        return obj is not None and obj.published_at is None and super().has_delete_permission(request, obj)

    @admin.action(description="Make a new draft version from the selected version")
    def make_draft(self, request, queryset):
        for table in queryset.order_by("version"):
            draft = ras_services.ras_table_new_draft(table=table, actor=request.user)
            messages.success(request, f"Draft version {draft.version} made from version {table.version}.")

    @admin.action(description="Publish the selected draft")
    def publish(self, request, queryset):
        for table in queryset.order_by("version"):
            try:
                ras_services.ras_table_publish(table=table, actor=request.user)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Version {table.version} published: new indicative budgets use it.")

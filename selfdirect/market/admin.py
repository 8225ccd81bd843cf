"""The market in Django's admin, for support staff. Day-to-day changes go through the pages (and their services,
which audit them); changes made here to providers, rates and PAs are audited too. Checks, insurance and
arrangements are read-only here: they are recorded with their rules on the pages."""

from django.contrib import admin

from selfdirect.core.audit import audit_record, diff, snapshot
from selfdirect.core.models import AuditEvent

from .models import Arrangement, EmployerInsurance, PaCheck, PersonalAssistant, Provider, Rate
from .services import PA_FIELDS, PROVIDER_FIELDS

RATE_FIELDS = ["provider", "service_component", "unit_type", "amount", "effective_from", "note"]


class AuditedAdmin(admin.ModelAdmin):
    audited: list[str] = []

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk), self.audited) if change else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj, self.audited))
        if changes or not change:
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
                obj=obj,
                summary=f"{'Changed' if change else 'Added'} {obj._meta.verbose_name} {obj} in the admin",
                changes=changes,
                request=request,
            )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.DELETE,
            obj=obj,
            summary=f"Deleted {obj._meta.verbose_name} {obj} in the admin",
            changes=diff(snapshot(obj, self.audited), {}),
            request=request,
        )
        super().delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RateInline(admin.TabularInline):
    model = Rate
    extra = 0
    can_delete = False
    readonly_fields = RATE_FIELDS[1:]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    audited = PROVIDER_FIELDS
    list_display = ["name", "registration", "rating", "cqc_location_id", "vacancies", "is_active"]
    list_filter = ["registration", "rating", "is_active"]
    search_fields = ["name", "cqc_location_id"]
    inlines = [RateInline]


@admin.register(Rate)
class RateAdmin(AuditedAdmin):
    audited = RATE_FIELDS
    list_display = ["provider", "service_component", "unit_type", "note", "amount", "effective_from"]
    list_filter = ["service_component", "unit_type"]
    search_fields = ["provider__name", "note"]
    list_select_related = ["provider"]


class PaCheckInline(admin.TabularInline):
    model = PaCheck
    extra = 0
    can_delete = False
    fields = ["kind", "detail", "certificate_number", "adult_barred_list", "update_service", "issued_on", "expires_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PersonalAssistant)
class PersonalAssistantAdmin(AuditedAdmin):
    audited = [*PA_FIELDS, "is_suspended", "suspended_reason"]
    list_display = ["last_name", "first_name", "hours_available", "is_suspended", "is_active"]
    list_filter = ["is_suspended", "is_active"]
    search_fields = ["first_name", "last_name", "email"]
    # Suspending flags plan lines: do it on the page (services.pa_suspend), not by ticking a box here.
    readonly_fields = ["is_suspended", "suspended_reason"]
    inlines = [PaCheckInline]


@admin.register(PaCheck)
class PaCheckAdmin(ReadOnlyAdmin):
    list_display = ["pa", "kind", "issued_on", "expires_on", "recorded_by"]
    list_filter = ["kind"]
    search_fields = ["pa__first_name", "pa__last_name", "certificate_number"]
    list_select_related = ["pa", "recorded_by"]


@admin.register(EmployerInsurance)
class EmployerInsuranceAdmin(ReadOnlyAdmin):
    list_display = ["person", "insurer", "policy_number", "starts_on", "expires_on"]
    search_fields = ["person__council_id", "policy_number"]
    list_select_related = ["person"]


@admin.register(Arrangement)
class ArrangementAdmin(ReadOnlyAdmin):
    list_display = ["person", "service_component", "provider", "pa", "status", "start_date", "end_date"]
    list_filter = ["status", "service_type", "delivery_mechanism"]
    search_fields = ["person__council_id"]
    list_select_related = ["person", "provider", "pa"]

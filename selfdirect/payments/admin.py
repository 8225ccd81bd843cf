"""Direct payments in Django's admin, read-only: agreements, payments and runs change only through the services
(which audit them), and the ledger is never changed or deleted by anyone (corrections are reversals)."""

from django.contrib import admin

from .models import (
    DirectPaymentAgreement,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    OneOffPayment,
    PaymentRun,
    ScheduledPayment,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DirectPaymentAgreement)
class DirectPaymentAgreementAdmin(ReadOnlyAdmin):
    list_display = ["id", "person", "holder", "account_type", "frequency", "status", "start_date", "first_payment_on"]
    list_filter = ["status", "holder", "account_type", "frequency", "net_of_contribution"]
    raw_id_fields = ["person", "plan", "holder_contact", "managed_account_provider", "created_by", "plan_lines"]


@admin.register(OneOffPayment)
class OneOffPaymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "agreement", "kind", "amount", "due_on"]
    list_filter = ["kind"]
    raw_id_fields = ["agreement"]


@admin.register(PaymentRun)
class PaymentRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "run_on", "status", "payment_count", "total", "export_sha256"]
    list_filter = ["status"]
    date_hierarchy = "run_on"


@admin.register(ScheduledPayment)
class ScheduledPaymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "agreement", "kind", "due_on", "period_start", "period_end", "amount", "status", "run"]
    list_filter = ["status", "kind"]
    date_hierarchy = "due_on"
    raw_id_fields = ["agreement", "budget", "run", "one_off"]


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "agreement", "kind"]
    list_filter = ["kind"]
    raw_id_fields = ["agreement"]


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ["account", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "agreement", "kind", "occurred_on", "description", "category", "reverses"]
    list_filter = ["kind", "category"]
    date_hierarchy = "occurred_on"
    raw_id_fields = ["agreement", "reverses", "scheduled_payment", "created_by"]
    inlines = [LedgerEntryInline]

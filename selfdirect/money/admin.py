"""Money admin: charging figures and financial years here; the RAS tables in admin_ras.py.

Charging figures are confirmed only through the "Confirm the selected figures" action, which records who and
when; changing an amount un-confirms it until someone confirms it again. The engine refuses to use an
unconfirmed figure, so the changelist says which figures are still UNCONFIRMED. Every change is audited
(through money/charging_services.py).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, can
from selfdirect.core.services import DomainError
from selfdirect.rules.charging_figures import LABELS

from . import admin_ras  # noqa: F401 - registers the RAS admin
from .charging_services import (
    charging_figure_confirm,
    charging_figure_create,
    charging_figure_update,
    charging_year_add_missing_figures,
)
from .models import ChargingFigure, ChargingYear


def may_confirm(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or can(user, Action.FINANCE_FIGURES)


class ConfirmationFilter(admin.SimpleListFilter):
    title = "confirmation"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("unconfirmed", "UNCONFIRMED"), ("confirmed", "Confirmed")]

    def queryset(self, request, queryset):
        if self.value() == "unconfirmed":
            return queryset.filter(confirmed=False)
        if self.value() == "confirmed":
            return queryset.filter(confirmed=True)
        return queryset


def _status(figure: ChargingFigure):
    if not figure.confirmed:
        return format_html("<strong>{}</strong>", "UNCONFIRMED")
    return "Confirmed" if figure.amount is not None else "Confirmed (not set)"


def _unconfirmed_message(figures) -> str:
    names = [f"{f.year} {LABELS.get(f.key, f.key)}" for f in figures]
    return (
        f"{len(names)} figure{'s are' if len(names) != 1 else ' is'} UNCONFIRMED: "
        + "; ".join(names)
        + ". Financial assessments that need them are refused until they are confirmed."
    )


class ChargingFigureForm(forms.ModelForm):
    class Meta:
        model = ChargingFigure
        fields = ["year", "key", "amount", "source"]

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError("The amount must be £0 or more")
        return amount

    def clean(self):
        """Amounts the engine could not work with are refused: a tariff step of £0, or limits the wrong way round."""
        cleaned = super().clean()
        amount = cleaned.get("amount")
        key = cleaned.get("key") or self.instance.key
        year = cleaned.get("year") or (self.instance.year if self.instance.year_id else None)
        if amount is None:
            return cleaned
        if key == "tariff_step" and amount <= 0:
            self.add_error("amount", "The capital per £1 of tariff income must be more than £0")
        limits = {"capital_lower_limit": "capital_upper_limit", "capital_upper_limit": "capital_lower_limit"}
        if year is not None and key in limits:
            other = ChargingFigure.objects.filter(year=year, key=limits[key]).values_list("amount", flat=True).first()
            lower, upper = (amount, other) if key == "capital_lower_limit" else (other, amount)
            if other is not None and lower > upper:
                self.add_error("amount", "The lower capital limit must not be more than the upper capital limit")
        return cleaned


@admin.register(ChargingFigure)
class ChargingFigureAdmin(admin.ModelAdmin):
    form = ChargingFigureForm
    list_display = ["year", "figure", "amount", "status", "source", "confirmed_by", "confirmed_at"]
    list_display_links = ["figure"]
    list_filter = [ConfirmationFilter, "year"]
    list_select_related = ["year", "confirmed_by"]
    search_fields = ["key", "source"]
    ordering = ["-year__effective_from", "key"]
    actions = ["confirm_selected"]
    readonly_fields = ["confirmed", "confirmed_by", "confirmed_at"]

    @admin.display(description="Figure", ordering="key")
    def figure(self, obj):
        return LABELS.get(obj.key, obj.key)

    @admin.display(description="Status", ordering="confirmed")
    def status(self, obj):
        return _status(obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["year", "key", *self.readonly_fields]
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        return ["year", "key", "amount", "source", "confirmed", "confirmed_by", "confirmed_at"]

    def save_model(self, request, obj, form, change):
        try:
            if change:
                charging_figure_update(
                    figure=obj,
                    actor=request.user,
                    amount=form.cleaned_data.get("amount"),
                    source=form.cleaned_data.get("source", ""),
                    request=request,
                )
                obj.refresh_from_db()
            else:
                created = charging_figure_create(
                    year=form.cleaned_data["year"],
                    key=form.cleaned_data["key"],
                    actor=request.user,
                    amount=form.cleaned_data.get("amount"),
                    source=form.cleaned_data.get("source", ""),
                    request=request,
                )
                obj.pk = created.pk
                obj.refresh_from_db()
        except DomainError as error:
            raise PermissionDenied(error.message) from error

    def delete_model(self, request, obj):
        raise PermissionDenied("Charging figures are not deleted: set the amount, or leave it unconfirmed.")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Confirm the selected figures")
    def confirm_selected(self, request, queryset):
        if not may_confirm(request.user):
            self.message_user(request, "Your role does not allow confirming charging figures.", messages.ERROR)
            return
        confirmed, refused = [], []
        for figure in queryset.select_related("year"):
            if figure.confirmed:
                continue
            try:
                charging_figure_confirm(figure=figure, actor=request.user, request=request)
            except DomainError as error:
                refused.append(error.message)
            else:
                confirmed.append(f"{figure.year} {LABELS.get(figure.key, figure.key)}")
        if confirmed:
            self.message_user(request, f"Confirmed: {'; '.join(confirmed)}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)
        if not confirmed and not refused:
            self.message_user(request, "The selected figures were already confirmed.", messages.INFO)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            unconfirmed = ChargingFigure.objects.filter(confirmed=False).select_related("year")
            unconfirmed = unconfirmed.order_by("-year__effective_from", "key")
            if unconfirmed:
                self.message_user(request, _unconfirmed_message(unconfirmed), messages.WARNING)
        return super().changelist_view(request, extra_context)


class ChargingFigureInline(admin.TabularInline):
    """The year's figures, read-only here: change each one on its own page, so changes are audited and
    un-confirm the figure."""

    model = ChargingFigure
    fields = ["figure", "amount", "status", "source"]
    readonly_fields = ["figure", "amount", "status", "source"]
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description="Figure")
    def figure(self, obj):
        return LABELS.get(obj.key, obj.key)

    @admin.display(description="Status")
    def status(self, obj):
        return _status(obj)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ChargingYear)
class ChargingYearAdmin(admin.ModelAdmin):
    list_display = ["financial_year", "effective_from", "unconfirmed_count"]
    inlines = [ChargingFigureInline]

    @admin.display(description="Unconfirmed figures")
    def unconfirmed_count(self, obj):
        count = obj.unconfirmed().count()
        return format_html("<strong>{} UNCONFIRMED</strong>", count) if count else "None"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = {
            name: [str(form.initial.get(name)) if change else None, str(getattr(obj, name))]
            for name in form.changed_data
        }
        if changes or not change:
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
                obj=obj,
                summary=f"{'Changed' if change else 'Added'} charging year {obj}",
                changes=changes,
                request=request,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new year gets a blank, unconfirmed row for every figure, so none is forgotten.
        made = charging_year_add_missing_figures(year=form.instance, actor=request.user)
        if made:
            self.message_user(
                request,
                f"Added {len(made)} blank figures to {form.instance}: set each amount, then confirm them.",
                messages.INFO,
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            year = self.get_object(request, object_id)
            if year is not None:
                unconfirmed = year.unconfirmed()
                if unconfirmed:
                    self.message_user(request, _unconfirmed_message(unconfirmed), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

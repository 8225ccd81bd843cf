"""Administrators edit the question bank here. Published versions are read-only: "Make a new draft"
copies one to edit, and "Publish" makes a draft the version new assessments use."""

from django.contrib import admin, messages

from selfdirect.core.services import DomainError

from . import services
from .models import Question, QuestionBank


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [
        ("order", "key", "section"),
        ("kind", "applies_to", "outcome_code"),
        "text_you",
        "text_they",
        "hint_you",
        "hint_they",
        ("is_optional", "is_future_hopes"),
    ]

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.published_at is None

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    list_display = ["version", "notes", "published_at"]
    readonly_fields = ["version", "published_at"]
    inlines = [QuestionInline]
    actions = ["make_draft", "publish"]

    def has_add_permission(self, request):
        return False  # new versions come from "Make a new draft", so numbering stays in order

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Make a new draft version from the selected version")
    def make_draft(self, request, queryset):
        for bank in queryset:
            draft = services.question_bank_new_version(bank=bank, actor=request.user)
            messages.success(request, f"Draft version {draft.version} made from version {bank.version}.")

    @admin.action(description="Publish the selected draft")
    def publish(self, request, queryset):
        for bank in queryset:
            try:
                services.question_bank_publish(bank=bank, actor=request.user)
            except DomainError as error:
                messages.error(request, f"Version {bank.version}: {error.message}")
            else:
                messages.success(request, f"Version {bank.version} published: new assessments use it.")

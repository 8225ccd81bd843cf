from django.contrib import admin

from .models import FollowUp91, Goal, JointFunding, OtherFunding, ShortTermEpisode, SignpostingReferral


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


@admin.register(ShortTermEpisode)
class ShortTermEpisodeAdmin(admin.ModelAdmin):
    list_display = ("person", "service_type", "start_date", "planned_end", "status", "sequel")
    list_filter = ("status", "service_type", "sequel")
    raw_id_fields = ("person", "support_request", "worker", "created_by")
    inlines = [GoalInline]


@admin.register(FollowUp91)
class FollowUp91Admin(admin.ModelAdmin):
    list_display = ("person", "due_on", "outcome", "recorded_on")
    raw_id_fields = ("person", "episode", "recorded_by")


@admin.register(OtherFunding)
class OtherFundingAdmin(admin.ModelAdmin):
    list_display = ("person", "source", "amount", "period", "start_date", "end_date")
    raw_id_fields = ("person", "created_by")


@admin.register(JointFunding)
class JointFundingAdmin(admin.ModelAdmin):
    list_display = ("plan", "funder", "method", "percent", "weekly_amount", "start_date")
    raw_id_fields = ("plan", "person", "created_by")


@admin.register(SignpostingReferral)
class SignpostingReferralAdmin(admin.ModelAdmin):
    list_display = ("support_request", "kind", "service", "made_on")
    raw_id_fields = ("support_request", "person", "made_by")

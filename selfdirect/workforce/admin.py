"""The admin for workforce records. Survey questions are editable here as well as on the survey page. Survey answer
counts and who-has-answered records are deliberately not in the admin: nobody browses them row by row."""

from django.contrib import admin

from .models import (
    MentoringPair,
    PeerGroup,
    StaffProfile,
    Survey,
    SurveyQuestion,
    SurveyRound,
    Team,
    TrainingNeed,
    TrainingRecord,
)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    filter_horizontal = ["members"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "qualified_social_worker", "registration_number", "registered_on"]
    list_filter = ["qualified_social_worker"]
    search_fields = ["user__last_name", "user__first_name", "registration_number"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "kind", "topic", "completed_on", "expires_on"]
    list_filter = ["kind", "topic"]
    search_fields = ["user__last_name", "title"]


@admin.register(TrainingNeed)
class TrainingNeedAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "noted_on", "wants_peer_group", "met_on"]
    list_filter = ["topic", "wants_peer_group"]


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    fields = ["order", "key", "text", "hint", "scale", "topic", "benchmark", "is_active"]
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["name", "created_on"]
    inlines = [SurveyQuestionInline]


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["survey", "label", "opened_on", "closed_on"]
    readonly_fields = ["questions"]


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "topic", "facilitator", "started_on", "ended_on"]
    filter_horizontal = ["members"]


@admin.register(MentoringPair)
class MentoringPairAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "topic", "started_on", "ended_on"]

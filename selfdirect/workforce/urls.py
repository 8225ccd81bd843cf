"""Workforce pages under /workforce/, and the readiness survey every member of staff answers at /readiness-survey/."""

from django.urls import path

from . import views

urlpatterns = [
    path("workforce/staff/", views.staff_list, name="workforce_staff_list"),
    path("workforce/staff/<int:pk>/", views.staff_profile, name="workforce_staff_profile"),
    path("workforce/staff/<int:pk>/edit/", views.staff_profile_edit, name="workforce_staff_profile_edit"),
    path("workforce/staff/<int:pk>/training/new/", views.training_record_edit, name="workforce_training_add"),
    path(
        "workforce/staff/<int:pk>/training/<int:record_pk>/", views.training_record_edit, name="workforce_training_edit"
    ),
    path("workforce/staff/<int:pk>/needs/", views.training_needs_edit, name="workforce_needs_edit"),
    path("workforce/training-needs/", views.needs_summary, name="workforce_needs_summary"),
    path("workforce/allocation-concerns/", views.allocation_concerns, name="workforce_allocation_concerns"),
    path("workforce/surveys/", views.survey_list, name="workforce_surveys"),
    path("workforce/surveys/<int:pk>/", views.survey_detail, name="workforce_survey"),
    path("workforce/surveys/<int:pk>/questions/new/", views.question_edit, name="workforce_question_add"),
    path(
        "workforce/surveys/<int:pk>/questions/<int:question_pk>/", views.question_edit, name="workforce_question_edit"
    ),
    path("workforce/surveys/<int:pk>/over-time/", views.survey_trend, name="workforce_survey_trend"),
    path("workforce/rounds/<int:pk>/results/", views.round_results, name="workforce_round_results"),
    path("workforce/rounds/<int:pk>/close/", views.round_close, name="workforce_round_close"),
    path("workforce/peer-groups/", views.peer_group_list, name="workforce_peer_groups"),
    path("workforce/peer-groups/new/<slug:topic>/", views.peer_group_create, name="workforce_peer_group_create"),
    path("workforce/peer-groups/<int:pk>/", views.peer_group_detail, name="workforce_peer_group"),
    path("workforce/mentoring/new/", views.mentoring_pair_create, name="workforce_mentoring_create"),
    path("workforce/mentoring/<int:pk>/end/", views.mentoring_pair_end, name="workforce_mentoring_end"),
    path("my-development/", views.my_development, name="workforce_my_development"),
    path("readiness-survey/", views.survey_rounds_open, name="workforce_survey_rounds_open"),
    path("readiness-survey/<int:pk>/", views.survey_answer, name="workforce_survey_answer"),
]

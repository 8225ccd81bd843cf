"""Short-term support, the 91-day follow-ups, the individual budget statement, joint funding, signposting and the
short-term support report."""

from django.urls import path

from . import views

urlpatterns = [
    path("short-term/", views.episode_list, name="episode_list"),
    path("short-term/follow-ups/", views.follow_ups, name="follow_ups"),
    path("short-term/follow-ups/<int:pk>/record/", views.follow_up_record, name="follow_up_record"),
    path("short-term/<int:pk>/", views.episode_detail, name="episode_detail"),
    path("short-term/<int:pk>/close/", views.episode_close, name="episode_close"),
    path("short-term/<int:pk>/goals/<int:goal_pk>/", views.goal_progress, name="goal_progress"),
    path("people/<int:pk>/short-term/start/", views.episode_start, name="episode_start"),
    path("people/<int:pk>/individual-budget/", views.individual_budget, name="individual_budget"),
    path("people/<int:pk>/individual-budget/other-funding/", views.other_funding_add, name="other_funding_add"),
    path("people/<int:pk>/individual-budget/joint-funding/", views.joint_funding_add, name="joint_funding_add"),
    path("requests/<int:pk>/advice/", views.request_advice, name="request_advice"),
    path("reports/short-term/", views.short_term_report, name="short_term_report"),
]

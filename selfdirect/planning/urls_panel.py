"""Who plans (support-planning organisations and referrals), approval (the funding panel and a manager's queue)
and the "where the time went" report."""

from django.urls import path

from . import organisation_views, panel_views, report_views

urlpatterns = [
    path("planning-organisations/", organisation_views.planning_organisations, name="planning_organisations"),
    path(
        "planning-organisations/new/",
        organisation_views.planning_organisation_create,
        name="planning_organisation_create",
    ),
    path(
        "planning-organisations/<int:pk>/",
        organisation_views.planning_organisation_detail,
        name="planning_organisation_detail",
    ),
    path(
        "planning-organisations/<int:pk>/edit/",
        organisation_views.planning_organisation_edit,
        name="planning_organisation_edit",
    ),
    path("plans/<int:pk>/refer/", organisation_views.plan_refer, name="plan_refer"),
    path(
        "planning-referrals/<int:pk>/complete/",
        organisation_views.planning_referral_complete,
        name="planning_referral_complete",
    ),
    path(
        "planning-referrals/<int:pk>/withdraw/",
        organisation_views.planning_referral_withdraw,
        name="planning_referral_withdraw",
    ),
    path("panel/", panel_views.panel_meetings, name="panel_meetings"),
    path("panel/new/", panel_views.panel_meeting_schedule, name="panel_meeting_schedule"),
    path("panel/waiting/", panel_views.panel_waiting, name="panel_waiting"),
    path("panel/<int:pk>/", panel_views.panel_meeting, name="panel_meeting"),
    path("panel/<int:pk>/attendance/", panel_views.panel_attendance, name="panel_attendance"),
    path("panel/<int:pk>/cancel/", panel_views.panel_meeting_cancel, name="panel_meeting_cancel"),
    path("panel/<int:pk>/agenda/add/", panel_views.panel_agenda_add, name="panel_agenda_add"),
    path("panel/<int:pk>/agenda/<int:item_pk>/remove/", panel_views.panel_agenda_remove, name="panel_agenda_remove"),
    path("panel/<int:pk>/agenda/<int:item_pk>/move/", panel_views.panel_agenda_move, name="panel_agenda_move"),
    path("panel/<int:pk>/agenda/<int:item_pk>/decide/", panel_views.panel_decision, name="panel_decision"),
    path("plans/for-decision/", panel_views.manager_plan_queue, name="manager_plan_queue"),
    path("reports/where-the-time-went/", report_views.report_time, name="report_time"),
    path("reports/where-the-time-went.csv", report_views.report_time_csv, name="report_time_csv"),
]

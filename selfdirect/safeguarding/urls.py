"""Safeguarding pages: the public form at /raise-a-concern/, staff pages under /safeguarding/, and breaking the
glass on a restricted person's record."""

from django.urls import path

from . import views

urlpatterns = [
    path("raise-a-concern/", views.concern_raise_public, name="concern_raise_public"),
    path("raise-a-concern/sent/", views.concern_raise_public_sent, name="concern_raise_public_sent"),
    path("people/<int:pk>/raise-a-concern/", views.concern_raise_staff, name="concern_raise_for_person"),
    path("people/<int:pk>/break-glass/", views.break_glass, name="break_glass"),
    path("safeguarding/", views.safeguarding_home, name="safeguarding_home"),
    path("safeguarding/raise/", views.concern_raise_staff, name="concern_raise_staff"),
    path("safeguarding/concerns/<int:pk>/", views.concern_detail, name="safeguarding_concern"),
    path("safeguarding/concerns/<int:pk>/match/", views.concern_match, name="concern_match"),
    path("safeguarding/concerns/<int:pk>/triage/", views.concern_triage, name="concern_triage"),
    path("safeguarding/concerns/<int:pk>/name/", views.concern_name_alleged, name="concern_name_alleged"),
    path("safeguarding/enquiries/", views.enquiry_list, name="enquiry_list"),
    path("safeguarding/enquiries/<int:pk>/", views.enquiry_detail, name="safeguarding_enquiry"),
    path("safeguarding/enquiries/<int:pk>/stage/", views.enquiry_stage, name="enquiry_stage"),
    path("safeguarding/enquiries/<int:pk>/plan/", views.enquiry_edit, name="enquiry_edit"),
    path("safeguarding/enquiries/<int:pk>/actions/new/", views.enquiry_action_add, name="enquiry_action_add"),
    path(
        "safeguarding/enquiries/<int:pk>/actions/<int:action_pk>/done/",
        views.enquiry_action_done,
        name="enquiry_action_done",
    ),
    path("safeguarding/enquiries/<int:pk>/close/", views.enquiry_close, name="enquiry_close"),
    path("safeguarding/break-glass/", views.break_glass_report, name="break_glass_report"),
    path("safeguarding/break-glass/<int:pk>/review/", views.break_glass_review, name="break_glass_review"),
]

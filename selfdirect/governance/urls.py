"""The data protection officer's pages and the unusual-access report, under /governance/."""

from django.urls import path

from . import views

urlpatterns = [
    path("governance/subject-access/", views.subject_access, name="subject_access"),
    path("governance/subject-access/<int:pk>/download/", views.subject_access_download,
         name="subject_access_download"),
    path("governance/retention/", views.retention_review, name="retention_review"),
    path("governance/retention/settings/", views.retention_settings, name="retention_settings"),
    path("governance/retention/<int:pk>/", views.retention_decide, name="retention_decide"),
    path("governance/unusual-access/", views.unusual_access, name="unusual_access"),
    path("governance/flags/", views.flags, name="governance_flags"),
    path("governance/flags/<int:pk>/remove/", views.flag_remove, name="governance_flag_remove"),
]  # fmt: skip

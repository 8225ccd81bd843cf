"""The management dashboards (issue 8, item 3)."""

from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("reporting/", views.reporting_index, name="reporting_index"),
    path("reporting/dashboard/<slug:section>/", views.dashboard_section, name="dashboard_section"),
    path(
        "reporting/dashboard/<slug:section>/<slug:table>.csv",
        views.dashboard_export,
        {"fmt": "csv"},
        name="dashboard_export_csv",
    ),
    path(
        "reporting/dashboard/<slug:section>/<slug:table>.xlsx",
        views.dashboard_export,
        {"fmt": "xlsx"},
        name="dashboard_export_xlsx",
    ),
]

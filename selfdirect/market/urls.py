"""Care market pages: providers and rates, personal assistants and their checks, alerts, and arrangements. The
council settings page lives in core (core/settings_views.py); its address is listed here so no other app's
URL file has to change."""

from django.urls import path

from selfdirect.core import settings_views

from . import views

urlpatterns = [
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("providers/<int:pk>/rates/new/", views.provider_rate_add, name="provider_rate_add"),
    path("rates/", views.council_rates, name="council_rates"),
    path("rates/new/", views.council_rate_add, name="council_rate_add"),
    path("personal-assistants/", views.pa_list, name="pa_list"),
    path("personal-assistants/new/", views.pa_create, name="pa_create"),
    path("personal-assistants/<int:pk>/", views.pa_detail, name="pa_detail"),
    path("personal-assistants/<int:pk>/edit/", views.pa_edit, name="pa_edit"),
    path("personal-assistants/<int:pk>/checks/new/", views.pa_check_add, name="pa_check_add"),
    path("personal-assistants/<int:pk>/suspend/", views.pa_suspend, name="pa_suspend"),
    path("personal-assistants/<int:pk>/reinstate/", views.pa_reinstate, name="pa_reinstate"),
    path("checks/alerts/", views.check_alerts, name="check_alerts"),
    path("plans/<int:plan_pk>/lines/<int:line_pk>/arrange/", views.line_arrange, name="line_arrange"),
    path("arrangements/<int:pk>/", views.arrangement_detail, name="arrangement_detail"),
    path("arrangements/<int:pk>/end/", views.arrangement_end, name="arrangement_end"),
    path("people/<int:pk>/employer-insurance/", views.employer_insurance, name="employer_insurance"),
    path("settings/", settings_views.council_settings, name="council_settings"),
]

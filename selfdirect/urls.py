from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from selfdirect.api.api import api
from selfdirect.core import views as core_views
from selfdirect.core import views_health
from selfdirect.core.forms import StaffAuthenticationForm
from selfdirect.people import views as people_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("health/", views_health.health, name="health"),
    path("health/live/", views_health.liveness, name="health_live"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=StaffAuthenticationForm),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("selfdirect.core.second_factor_urls")),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("code-lists/", core_views.code_lists, name="code_lists"),
    path("people/", people_views.person_search, name="person_search"),
    path("people/new/", people_views.person_create, name="person_create"),
    path("people/<int:pk>/", people_views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people_views.person_edit, name="person_edit"),
    path("people/<int:pk>/contacts/new/", people_views.contact_edit, name="contact_create"),
    path("people/<int:pk>/contacts/<int:contact_pk>/", people_views.contact_edit, name="contact_edit"),
    path("people/<int:pk>/notes/new/", people_views.note_create, name="note_create"),
    path("people/<int:pk>/timeline/", people_views.person_timeline, name="person_timeline"),
    path("people/<int:pk>/allocate/", people_views.person_allocate, name="person_allocate"),
    path("people/<int:pk>/audit/", people_views.person_audit, name="person_audit"),
    path("caseload/", people_views.my_caseload, name="my_caseload"),
    path("teams/", people_views.team_list, name="team_list"),
    path("teams/<int:team_pk>/", people_views.team_caseload, name="team_caseload"),
    path("api/v1/", api.urls),
    path("", include("selfdirect.api.urls_tokens")),
    path("", include("selfdirect.directory.urls")),
    path("portal/", include("selfdirect.portal.urls")),
    path("", include("selfdirect.assessments.urls")),
    path("", include("selfdirect.money.urls_charging")),
    path("", include("selfdirect.money.urls_ras")),
    path("", include("selfdirect.money.urls_budget")),
    path("", include("selfdirect.market.urls")),
    path("", include("selfdirect.planning.urls")),
    path("", include("selfdirect.safeguarding.urls")),
    path("", include("selfdirect.reviews.urls")),
    path("", include("selfdirect.reviews.urls_tasks")),
    path("", include("selfdirect.payments.urls")),
    path("", include("selfdirect.payments.urls_account")),
    path("", include("selfdirect.payments.urls_statements")),
    path("", include("selfdirect.payments.urls_commitments")),
    path("", include("selfdirect.reablement.urls")),
    path("", include("selfdirect.reporting.urls_cld")),
    path("", include("selfdirect.reporting.urls_dashboard")),
    path("", include("selfdirect.workforce.urls")),
    path("", include("selfdirect.governance.urls")),
    path("admin/", admin.site.urls),
]

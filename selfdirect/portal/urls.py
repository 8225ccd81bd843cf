"""The citizen portal: what the person and their family see and do. Mounted at /portal/."""

from django.urls import include, path
from django.views.generic import TemplateView

from selfdirect.core.access import public

from . import views

urlpatterns = [
    path("", views.start, name="portal_start"),
    path("create-account/", views.create_account, name="portal_create_account"),
    path("check-your-email/", views.check_email, name="portal_check_email"),
    path("verify/<str:token>/", views.verify, name="portal_verify"),
    path("sign-in/", views.PortalSignInView.as_view(), name="portal_sign_in"),
    path("sign-out/", views.sign_out, name="portal_sign_out"),
    path("reset-password/", views.PortalPasswordResetView.as_view(), name="portal_password_reset"),
    path(
        "reset-password/sent/",
        public(TemplateView.as_view(template_name="portal/password_reset_sent.html")),
        name="portal_password_reset_sent",
    ),
    path(
        "reset-password/<uidb64>/<token>/",
        views.PortalPasswordResetConfirmView.as_view(),
        name="portal_password_reset_confirm",
    ),
    path(
        "reset-password/done/",
        public(TemplateView.as_view(template_name="portal/password_reset_done.html")),
        name="portal_password_reset_done",
    ),
    path("home/", views.home, name="portal_home"),
    path("requests/new/", views.request_new, name="portal_request_new"),
    path("assessments/<int:pk>/", views.assessment_detail, name="portal_assessment"),
    path("assessments/<int:pk>/future-hopes/", views.future_hopes, name="portal_future_hopes"),
    path("assessments/<int:pk>/section/<int:number>/", views.section, name="portal_section"),
    path("assessments/<int:pk>/section/<int:number>/autosave/", views.section_autosave, name="portal_section_autosave"),
    path("assessments/<int:pk>/check/", views.check_answers, name="portal_check"),
    path("plans/", include("selfdirect.planning.urls_portal")),
    path("direct-payment/", include("selfdirect.payments.urls_portal")),
]

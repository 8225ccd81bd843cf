"""Support planning in the portal, mounted at /portal/plans/. URL names are "portal_plan_" + the staff page's name,
so the shared templates (`surface.prefix|add:'about'`) link to the right side."""

from django.urls import path

from . import portal_views

urlpatterns = [
    path("start/<int:assessment_pk>/", portal_views.plan_start, name="portal_plan_start"),
    path("<int:pk>/", portal_views.plan_detail, name="portal_plan_detail"),
    path("<int:pk>/about/", portal_views.plan_about, name="portal_plan_about"),
    path("<int:pk>/about/autosave/", portal_views.plan_about_autosave, name="portal_plan_about_autosave"),
    path("<int:pk>/needs/<int:need_pk>/", portal_views.plan_need, name="portal_plan_need"),
    path("<int:pk>/lines/new/", portal_views.plan_line, name="portal_plan_line_new"),
    path("<int:pk>/lines/<int:line_pk>/", portal_views.plan_line, name="portal_plan_line"),
    path("<int:pk>/risks/new/", portal_views.plan_risk, name="portal_plan_risk_new"),
    path("<int:pk>/risks/<int:risk_pk>/", portal_views.plan_risk, name="portal_plan_risk"),
    path("<int:pk>/<str:kind>/<int:item_pk>/remove/", portal_views.plan_remove, name="portal_plan_remove"),
    path("<int:pk>/contingency/", portal_views.plan_contingency, name="portal_plan_contingency"),
    path("<int:pk>/direct-payment/", portal_views.plan_direct_payment, name="portal_plan_direct_payment"),
    path("<int:pk>/hand-over/", portal_views.plan_hand_over, name="portal_plan_hand_over"),
    path("<int:pk>/plan.pdf", portal_views.plan_pdf, name="portal_plan_pdf"),
]

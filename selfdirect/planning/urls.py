from django.urls import include, path

from . import pdf_views, views

urlpatterns = [
    path("people/<int:pk>/plans/", views.person_plans, name="person_plans"),
    path("assessments/<int:assessment_pk>/plan/", views.plan_start, name="plan_start"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/about/", views.plan_about, name="plan_about"),
    path("plans/<int:pk>/about/autosave/", views.plan_about_autosave, name="plan_about_autosave"),
    path("plans/<int:pk>/needs/<int:need_pk>/", views.plan_need, name="plan_need"),
    path("plans/<int:pk>/lines/new/", views.plan_line, name="plan_line_new"),
    path("plans/<int:pk>/lines/<int:line_pk>/", views.plan_line, name="plan_line"),
    path("plans/<int:pk>/risks/new/", views.plan_risk, name="plan_risk_new"),
    path("plans/<int:pk>/risks/<int:risk_pk>/", views.plan_risk, name="plan_risk"),
    path("plans/<int:pk>/<str:kind>/<int:item_pk>/remove/", views.plan_remove, name="plan_remove"),
    path("plans/<int:pk>/contingency/", views.plan_contingency, name="plan_contingency"),
    path("plans/<int:pk>/direct-payment/", views.plan_direct_payment, name="plan_direct_payment"),
    path("plans/<int:pk>/hand-over/", views.plan_hand_over, name="plan_hand_over"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/decide/", views.plan_decide, name="plan_decide"),
    path("plans/<int:pk>/agree-budget/", views.plan_agree_budget, name="plan_agree_budget"),
    path("plans/<int:pk>/cancel/", views.plan_cancel, name="plan_cancel"),
    path("plans/<int:pk>/plan.pdf", pdf_views.plan_pdf, name="plan_pdf"),
    path("", include("selfdirect.planning.urls_panel")),
]

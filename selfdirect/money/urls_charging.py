"""Money pages: charging (financial assessments and the charging figures)."""

from django.urls import path

from . import charging_views as views

urlpatterns = [
    path(
        "people/<int:person_pk>/financial-assessment/new/",
        views.financial_assessment_create,
        name="financial_assessment_create",
    ),
    path(
        "people/<int:person_pk>/financial-assessments/",
        views.person_financial_assessments,
        name="person_financial_assessments",
    ),
    path("financial-assessments/<int:pk>/", views.financial_assessment_detail, name="financial_assessment_detail"),
    path(
        "financial-assessments/<int:pk>/letter/", views.financial_assessment_letter, name="financial_assessment_letter"
    ),
    path("charging-figures/", views.charging_figures, name="charging_figures"),
]

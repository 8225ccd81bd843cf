"""Public pages: information and advice usable without signing in."""

from django.urls import path

from . import views

urlpatterns = [
    path("information/", views.information, name="information"),
    path("eligibility-checker/", views.eligibility_checker, name="eligibility_checker"),
    path(
        "eligibility-checker/<slug:kind>/",
        views.eligibility_checker_questions,
        name="eligibility_checker_questions",
    ),
    path("estimate-my-contribution/", views.estimate_contribution, name="estimate_contribution"),
]

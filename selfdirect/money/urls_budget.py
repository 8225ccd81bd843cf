"""Money pages: personal budgets (Care Act s26) and the yearly uprating runs."""

from django.urls import path

from . import budget_views

urlpatterns = [
    path("people/<int:pk>/personal-budget/", budget_views.person_personal_budget, name="person_personal_budget"),
    path("people/<int:pk>/personal-budget/change/", budget_views.personal_budget_change, name="personal_budget_change"),
    path("personal-budgets/<int:pk>/", budget_views.personal_budget_detail, name="personal_budget_detail"),
    path(
        "personal-budgets/<int:pk>/statement/",
        budget_views.personal_budget_statement,
        name="personal_budget_statement",
    ),
    path("uprating/", budget_views.uprating_run_list, name="uprating_runs"),
    path("uprating/<int:pk>/letters/", budget_views.uprating_letters, name="uprating_letters"),
]

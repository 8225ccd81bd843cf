"""Failed arrangements and the task inbox (included from selfdirect/urls.py after the reviews URLs)."""

from django.urls import path

from . import failure_views, task_views

urlpatterns = [
    path("tasks/", task_views.task_inbox, name="task_inbox"),
    path("tasks/<int:pk>/done/", task_views.task_mark_done, name="task_mark_done"),
    path(
        "people/<int:pk>/failed-arrangements/",
        failure_views.person_failed_arrangements,
        name="person_failed_arrangements",
    ),
    path(
        "people/<int:pk>/failed-arrangements/new/",
        failure_views.failed_arrangement_record,
        name="failed_arrangement_record",
    ),
    path(
        "plans/<int:pk>/failed-arrangements/new/",
        failure_views.plan_failed_arrangement_record,
        name="plan_failed_arrangement_record",
    ),
    path("failed-arrangements/<int:pk>/", failure_views.failed_arrangement_detail, name="failed_arrangement_detail"),
    path("reports/failed-arrangements/", failure_views.failed_arrangement_report, name="failed_arrangement_report"),
]

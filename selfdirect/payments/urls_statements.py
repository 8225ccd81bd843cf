"""Statement and monitoring pages: uploads, lines and their categories, classification rules, statement formats,
and monitoring findings."""

from django.urls import path

from . import statement_views as views

urlpatterns = [
    path("direct-payments/statements/import/", views.statement_upload, name="statement_upload"),
    path("direct-payments/<int:pk>/statements/import/", views.statement_upload, name="statement_upload_for"),
    path("direct-payments/<int:pk>/statements/", views.statement_lines, name="statement_lines"),
    path("direct-payments/statement-imports/<int:pk>/", views.statement_import_detail, name="statement_import_detail"),
    path(
        "direct-payments/statement-lines/<int:pk>/category/",
        views.statement_line_reclassify,
        name="statement_line_reclassify",
    ),
    path("direct-payments/classification-rules/", views.rule_list, name="rule_list"),
    path("direct-payments/classification-rules/new/", views.rule_edit, name="rule_create"),
    path("direct-payments/classification-rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("direct-payments/statement-formats/", views.mapping_list, name="mapping_list"),
    path("direct-payments/statement-formats/new/", views.mapping_edit, name="mapping_create"),
    path("direct-payments/statement-formats/<int:pk>/", views.mapping_edit, name="mapping_edit"),
    path("direct-payments/findings/", views.finding_list, name="finding_list"),
    path("direct-payments/findings/<int:pk>/", views.finding_detail, name="finding_detail"),
]

"""The statement of account (finance officers)."""

from django.urls import path

from . import account_views

urlpatterns = [
    path("direct-payments/<int:pk>/statement/", account_views.dp_account_statement, name="dp_account_statement"),
    path(
        "direct-payments/<int:pk>/statement.pdf",
        account_views.dp_account_statement_pdf,
        name="dp_account_statement_pdf",
    ),
    path("direct-payments/<int:pk>/receipts/<str:stored>/", account_views.dp_receipt_download, name="dp_receipt"),
]

"""Direct payment pages (finance officers): agreements, payment runs and the ledger."""

from django.urls import path

from . import views

urlpatterns = [
    path("people/<int:pk>/direct-payments/", views.person_direct_payments, name="person_direct_payments"),
    path("plans/<int:pk>/direct-payment/set-up/", views.dp_agreement_set_up, name="dp_agreement_set_up"),
    path("direct-payments/<int:pk>/", views.dp_agreement, name="dp_agreement"),
    path("direct-payments/<int:pk>/agreement.pdf", views.dp_agreement_pdf, name="dp_agreement_pdf"),
    path("direct-payments/<int:pk>/activate/", views.dp_agreement_activate, name="dp_agreement_activate"),
    path("direct-payments/<int:pk>/end/", views.dp_agreement_end, name="dp_agreement_end"),
    path("direct-payments/<int:pk>/one-off/", views.dp_one_off_add, name="dp_one_off_add"),
    path(
        "direct-payments/<int:pk>/ledger/<int:transaction_pk>/reverse/",
        views.dp_ledger_reverse,
        name="dp_ledger_reverse",
    ),
    path("payment-runs/", views.payment_runs, name="payment_runs"),
    path("payment-runs/<int:pk>/", views.payment_run, name="payment_run"),
    path("payment-runs/<int:pk>/export.csv", views.payment_run_export, name="payment_run_export"),
    path("payment-runs/<int:pk>/mark-paid/", views.payment_run_mark_paid, name="payment_run_mark_paid"),
]

"""Council-managed budgets and individual service funds: commitments to providers and their invoices."""

from django.urls import path

from . import commitment_views as views

urlpatterns = [
    path("plans/<int:pk>/commitments/raise/", views.plan_commitments_raise, name="plan_commitments_raise"),
    path("people/<int:pk>/commitments/", views.person_commitments, name="person_commitments"),
    path("providers/<int:pk>/commitments/", views.provider_commitments, name="provider_commitments"),
    path("providers/<int:pk>/invoices/import/", views.invoice_import, name="invoice_import"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/end/", views.commitment_end, name="commitment_end"),
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/lines/<int:line_pk>/resolve/", views.invoice_line_resolve, name="invoice_line_resolve"),
]

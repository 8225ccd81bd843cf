"""The direct payment in the portal, mounted at /portal/direct-payment/."""

from django.urls import path

from . import portal_views

urlpatterns = [
    path("", portal_views.dp_home, name="portal_dp_home"),
    path("<int:pk>/statement/", portal_views.dp_statement, name="portal_dp_statement"),
    path("<int:pk>/statement.pdf", portal_views.dp_statement_pdf, name="portal_dp_statement_pdf"),
    path("<int:pk>/receipts/", portal_views.dp_receipts, name="portal_dp_receipts"),
]

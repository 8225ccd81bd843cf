"""Money pages: the resource allocation system (calibration and equity)."""

from django.urls import path

from . import ras_views

urlpatterns = [
    path("ras/equity/", ras_views.equity, name="ras_equity"),
]

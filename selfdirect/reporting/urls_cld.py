from django.urls import path

from . import views_cld

urlpatterns = [
    path("reporting/cld/", views_cld.cld_return, name="cld_return"),
    path("reporting/cld/return.csv", views_cld.cld_return_csv, name="cld_return_csv"),
]

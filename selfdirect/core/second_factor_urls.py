from django.urls import path

from . import second_factor_views as views

urlpatterns = [
    path("sign-in/second-factor/", views.second_factor, name="second_factor"),
    path("sign-in/second-factor/set-up/", views.second_factor_setup, name="second_factor_setup"),
    path("sign-in/second-factor/recovery-codes/", views.second_factor_recovery_codes,
         name="second_factor_recovery_codes"),
    path("account/second-factor/", views.second_factor_manage, name="second_factor_manage"),
    path("staff/second-factor/", views.second_factor_staff, name="second_factor_staff"),
    path("staff/<int:pk>/second-factor/reset/", views.second_factor_reset, name="second_factor_reset"),
]  # fmt: skip

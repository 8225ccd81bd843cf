from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selfdirect.governance"
    verbose_name = "Information governance"

    def ready(self):
        # Connects the signal that makes every fresh password sign-in confirm a new second-factor code.
        from selfdirect.core import second_factor_services  # noqa: F401

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selfdirect.planning"
    verbose_name = "Support planning and approval"

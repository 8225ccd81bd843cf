from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selfdirect.safeguarding"
    verbose_name = "Safeguarding"

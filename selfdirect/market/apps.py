from django.apps import AppConfig


class MarketConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selfdirect.market"
    verbose_name = "Providers, personal assistants and arrangements"

from django.apps import AppConfig


class ReablementConfig(AppConfig):
    name = "selfdirect.reablement"
    verbose_name = "Short-term support, free services and individual budgets"

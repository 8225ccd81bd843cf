from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "selfdirect.reporting"
    verbose_name = "Reporting: the Client Level Data return, measures and dashboards"

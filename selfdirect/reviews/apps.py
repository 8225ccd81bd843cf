from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selfdirect.reviews"
    verbose_name = "Reviews, failed arrangements and tasks"

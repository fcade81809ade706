from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "审核与版本"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "职业能力建设大事记"
    default_auto_field = "django.db.models.BigAutoField"

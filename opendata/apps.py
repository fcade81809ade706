from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "opendata"
    verbose_name = "开放数据"

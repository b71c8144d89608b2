from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "kpixa.frameworks"
    label = "frameworks"
    default_auto_field = "django.db.models.BigAutoField"

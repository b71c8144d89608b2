from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "kpixa.reporting"
    label = "reporting"
    default_auto_field = "django.db.models.BigAutoField"

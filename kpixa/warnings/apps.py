from django.apps import AppConfig


class WarningsConfig(AppConfig):
    """Early warning before a period ends: open dossiers by due time, projected indicator values,
    total and class (best, worst, expected), and the daily digest sent to each person."""

    name = "kpixa.warnings"
    label = "warnings"
    default_auto_field = "django.db.models.BigAutoField"

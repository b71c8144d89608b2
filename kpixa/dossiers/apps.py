from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "kpixa.dossiers"
    label = "dossiers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kpixa.accounts.signals import api_token_issuing
        from kpixa.dossiers.receivers import register_token_system

        api_token_issuing.connect(register_token_system, dispatch_uid="kpixa_dossiers_token_system")

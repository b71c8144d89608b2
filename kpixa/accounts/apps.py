from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kpixa.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kpixa.accounts.receivers import record_units_change
        from kpixa.units.signals import changed

        changed.connect(record_units_change, dispatch_uid="kpixa_accounts_units_changed")

from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    """Who made a dossier late, pass-around and gaming flags (docs/flags.md): a set-based pass
    after each committed dossier batch, the province's review, the measures and the export."""

    name = "kpixa.accountability"
    label = "accountability"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kpixa.accountability.receivers import batch_committed as run_pass
        from kpixa.dossiers.signals import batch_committed

        batch_committed.connect(run_pass, dispatch_uid="kpixa_accountability_batch_committed")

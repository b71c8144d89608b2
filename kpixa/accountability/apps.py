from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    """Who made a dossier late, pass-around and gaming flags (docs/flags.md): a set-based pass
    after each committed dossier batch, the province's review, the measures and the export."""

    name = "kpixa.accountability"
    label = "accountability"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from kpixa.accountability.receivers import batch_saved
        from kpixa.dossiers.models import ImportBatch

        post_save.connect(batch_saved, sender=ImportBatch, dispatch_uid="kpixa_accountability_batch_saved")

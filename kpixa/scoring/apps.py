from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "kpixa.scoring"
    label = "scoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kpixa.dossiers.signals import batch_committed
        from kpixa.scoring.receivers import refresh_on_batch

        batch_committed.connect(refresh_on_batch, dispatch_uid="kpixa_scoring_refresh_on_batch")

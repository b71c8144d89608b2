from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "kpixa.evaluations"
    label = "evaluations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from kpixa.dossiers.signals import appeal_scope_asked
        from kpixa.evaluations.guard import register_sqlite_function
        from kpixa.evaluations.receivers import answer_appeal_scope, answer_frozen_periods
        from kpixa.units.signals import frozen_periods_asked

        connection_created.connect(register_sqlite_function, dispatch_uid="kpixa_guard_sqlite")
        frozen_periods_asked.connect(answer_frozen_periods, dispatch_uid="kpixa_evaluations_frozen_periods")
        appeal_scope_asked.connect(answer_appeal_scope, dispatch_uid="kpixa_evaluations_appeal_scope")

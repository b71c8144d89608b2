from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "kpixa.workdays"
    label = "workdays"
    verbose_name = _("Lịch làm việc")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kpixa.workdays import signals  # noqa: F401  (connects the cache invalidation)
        from kpixa.workdays.calendar import read_exceptions_from
        from kpixa.workdays.models import load_exceptions

        read_exceptions_from(load_exceptions)

from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "kpixa.frameworks"
    label = "frameworks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The pure engine writes its messages in Vietnamese inside its own _(); under Django they
        # go through gettext so the English catalogue applies when a user picks English.
        from django.utils.translation import get_language, gettext, override

        from kpixa.scoring.engine import i18n

        i18n.set_translator(gettext)
        i18n.set_language_getter(get_language)
        i18n.set_language_switcher(override)

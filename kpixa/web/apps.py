from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kpixa.web"
    label = "web"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kpixa.web.navigation import remember_scope

        user_logged_in.connect(remember_scope, dispatch_uid="kpixa.web.navigation.remember_scope")

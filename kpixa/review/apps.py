from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """The province's monthly review: lagging areas over time, the meeting's pre-read pack, and
    the commitments made at each meeting, tracked until the next one."""

    name = "kpixa.review"
    label = "review"
    default_auto_field = "django.db.models.BigAutoField"

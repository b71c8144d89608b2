"""``python manage.py seed_demo``: load the Gia Lai demo (idempotent) and print the logins."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the Gia Lai demo data (idempotent) and print the demo logins."

    def handle(self, *args: object, **options: object) -> None:
        from kpixa.web.demo import seed_demo

        seed_demo(self.stdout.write)

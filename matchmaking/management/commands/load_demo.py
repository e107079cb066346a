from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load (or refresh) the InnoHealth China demo tour and its demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--i-know-this-is-production",
            action="store_true",
            help="Load the demo even with DJANGO_DEBUG=0 (it creates a superuser whose "
            "password is published in README.md).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["i_know_this_is_production"]:
            raise CommandError(
                "Refusing to load the demo in production (DJANGO_DEBUG=0): it creates accounts "
                "whose password is published, a superuser among them. Add "
                "--i-know-this-is-production if this really is a throw-away installation."
            )
        tour = load_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo tour “{tour.name}” loaded. Demo password: {DEMO_PASSWORD}")
        )

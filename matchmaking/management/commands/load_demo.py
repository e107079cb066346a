from django.core.management.base import BaseCommand

from ...demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load (or refresh) the InnoHealth China demo tour and its demo accounts."

    def handle(self, *args, **options):
        tour = load_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo tour “{tour.name}” loaded. Demo password: {DEMO_PASSWORD}")
        )

"""List the care market's providers and the support-planning organisations in the public directory.

    python manage.py directory_sync

Safe to run as often as you like (for example nightly from cron): it updates what changed and closes entries
whose provider or organisation has gone."""

from django.core.management.base import BaseCommand

from selfdirect.directory.services import directory_sync_from_market


class Command(BaseCommand):
    help = "List care providers and support-planning organisations in the public directory."

    def handle(self, *args, **options):
        counts = directory_sync_from_market()
        self.stdout.write(self.style.SUCCESS(", ".join(f"{n:,} {k}" for k, n in counts.items())))

"""Import services from another Open Referral UK feed into the directory.

    python manage.py import_openreferral https://example.org/api          # every page of its /services
    python manage.py import_openreferral services.json --source "Moorside CVS"

Every item is checked first; if any is wrong nothing is saved and each problem is listed with its item number.
Records are matched on the feed's own ids within the source, so running it again adds nothing new.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from selfdirect.core.progress import Progress
from selfdirect.directory.openreferral_import import FeedError, fetch_url, load_file, openreferral_import


class Command(BaseCommand):
    help = "Import an Open Referral UK feed (URL or JSON file); checked first, nothing saved if any item is wrong."

    def add_arguments(self, parser):
        parser.add_argument("feed", help="The feed's URL, or a JSON file (a /services page or a list of services)")
        parser.add_argument("--source", help="A name for the feed (default: the URL or file path)")
        parser.add_argument("--user", help="Username to record as having imported it")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, feed, source=None, user=None, no_progress=False, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user called {user!r}.")
        try:
            if feed.startswith(("http://", "https://")):
                items = fetch_url(feed, on_page=None if no_progress else self._page)
            else:
                items = load_file(feed)
            bar = Progress(total=len(items), label="Importing (services)", stream=self.stderr, enabled=not no_progress)
            with bar:
                counts = openreferral_import(
                    items=items,
                    source=source or feed,
                    actor=actor,
                    on_item=lambda done, total: bar.advance(done - bar.done),
                )
        except FeedError as error:
            shown = "\n  ".join(error.problems[:50])
            more = len(error.problems) - 50
            tail = f"\n  ... and {more:,} more" if more > 0 else ""
            raise CommandError(f"{feed}: {error.message}" + (f":\n  {shown}{tail}" if shown else "")) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {feed}: {counts['read']:,} services read, {counts['added']:,} added, "
                f"{counts['updated']:,} updated, {counts['unchanged']:,} unchanged."
            )
        )

    def _page(self, page: int, total: int) -> None:
        self.stderr.write(f"Fetched page {page} of {total}")

"""Import a resource allocation table from a YAML or CSV file as a new DRAFT version.

    python manage.py ras_import table.yaml [--dry-run] [--user USERNAME]

The file format is in docs/ras.md. Every problem is reported with its line number, and nothing is saved
unless the whole file is right. Review the draft in the admin, then publish it there.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from selfdirect.money import ras_services


class Command(BaseCommand):
    help = "Import a resource allocation table from a .yaml or .csv file as a new draft version."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .yaml, .yml or .csv file (format: docs/ras.md)")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and save nothing")
        parser.add_argument("--user", help="Username to record in the audit log as having imported it")

    def handle(self, *args, file, dry_run=False, user=None, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user called {user!r}.")
        try:
            imported = ras_services.parse_table_file(file)
        except ras_services.RasImportError as error:
            raise CommandError(
                f"{file} cannot be imported ({len(error.errors)} problem{'s' if len(error.errors) != 1 else ''}, "
                "nothing was saved):\n  " + "\n  ".join(error.errors)
            ) from None
        summary = f"{len(imported.rules)} rules, {len(imported.prices)} price rows, method {imported.method}"
        if dry_run:
            self.stdout.write(f"{file} is valid ({summary}). Nothing saved (--dry-run).")
            return
        table = ras_services.ras_table_import(imported=imported, actor=actor, source=str(file))
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file} as draft version {table.version} ({summary}). Check it in the admin, then publish it."
            )
        )

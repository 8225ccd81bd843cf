"""`python manage.py uprate --to-year 2025-26 [--benefit-rises FILE] [--dry-run]`: the yearly uprating of every
person's financial assessment. The work, and the benefit rises file format, are in money/uprating.py."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from selfdirect.money.uprating import UpratingError, read_benefit_rises, uprate


class Command(BaseCommand):
    help = (
        "Work out everyone's financial assessment again for a new charging year (with the year's confirmed figures "
        "and any benefit rises), in one transaction: new assessments, changed personal budgets and contribution "
        "letters. Refuses, changing nothing, if a figure people need is not confirmed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to-year", required=True, help="The charging year to uprate to, for example 2025-26.")
        parser.add_argument(
            "--benefit-rises",
            metavar="FILE",
            help="CSV of benefit rises: income_type,current_amount,new_amount,percent (see money/uprating.py). "
            "Without it, incomes stay as they are.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Work everything out and report it, but change nothing."
        )

    def handle(self, *args, to_year, benefit_rises, dry_run, verbosity, **options):
        try:
            rises = read_benefit_rises(benefit_rises) if benefit_rises else []
            result = uprate(
                to_year=to_year,
                benefit_rises=rises,
                dry_run=dry_run,
                started_by=f"manage.py uprate ({_who()})",
                progress_stream=self.stderr if verbosity > 0 else None,
            )
        except UpratingError as exc:  # including UpratingBlocked and bad rises files: nothing was changed
            raise CommandError(exc.message) from exc
        self.stdout.write(result.text())


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a container
        return "unknown user"

"""ASCOF 3D (parts 1a, 2a and carers' 1b) and the LTS001b-style counts of long-term support on a date, straight
from the records (selfdirect/reporting/measures.py, rules in selfdirect/rules/ascof.py).

    python manage.py measures --at 2026-03-31 [--json]

Reads only; safe to run at any time.
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from selfdirect.reporting.measures import measures_at


def _percent(share: dict) -> str:
    return "no one in the denominator" if share["percent"] is None else f"{share['percent']}%"


class Command(BaseCommand):
    help = "Print ASCOF 3D and the long-term support counts on a date (YYYY-MM-DD; default today)."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="The date to measure on, YYYY-MM-DD (for the year end, 31 March)")
        parser.add_argument("--json", action="store_true", help="Print JSON (percentages as strings, 1 decimal)")

    def handle(self, *args, at=None, json=False, **options):
        try:
            day = datetime.date.fromisoformat(at) if at else timezone.localdate()
        except ValueError:
            raise CommandError(f"--at must be a date like 2026-03-31, not {at!r}.") from None
        result = measures_at(at=day)
        if json:
            self.stdout.write(_dumps(result))
            return
        parts = result["ascof_3d"]
        self.stdout.write(f"Measures on {day:%d %B %Y}")
        for key, label in (
            ("part_1a", "ASCOF 3D 1a: people on self-directed support"),
            ("part_2a", "ASCOF 3D 2a: people on direct payments"),
            ("part_1b", "ASCOF 3D 1b: carers on self-directed support (12 months)"),
        ):
            share = parts[key]
            self.stdout.write(f"  {label}: {share['numerator']:,} of {share['denominator']:,} ({_percent(share)})")
        self.stdout.write(f"People in long-term support: {result['people_in_long_term_support']:,}")
        for setting, count in result["long_term_support_by_setting"].items():
            self.stdout.write(f"  {setting}: {count:,}")


def _dumps(result: dict) -> str:
    return json.dumps(result, cls=DjangoJSONEncoder, indent=2)

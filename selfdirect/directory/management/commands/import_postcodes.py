"""Import postcode centroids from the ONS Postcode Directory (ONSPD) CSV, for "services near me" offline.

    python manage.py import_postcodes ONSPD_NOV_2025_UK.csv

The file is streamed (the full directory has about 2.7 million lines): every line is checked first, then all are
written in one transaction. If any line is wrong nothing is saved and the problems are listed with line numbers.
Postcodes already held are updated, so it is safe to re-run with each new release.
"""

from django.core.management.base import BaseCommand, CommandError

from selfdirect.core.progress import Progress
from selfdirect.directory.services import PostcodeImportError, postcode_import


class Command(BaseCommand):
    help = "Import postcode centroids (ONS Postcode Directory CSV: pcds or pcd, lat, long)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", default="ONSPD", help="Recorded against each postcode")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, file, source, no_progress=False, **options):
        try:
            with open(file, "rb") as handle:
                total = sum(1 for _ in handle) - 1
        except FileNotFoundError:
            raise CommandError(f"No file at {file}.") from None
        bars: dict[str, Progress] = {}

        def on_progress(stage: str, done: int) -> None:
            if no_progress:
                return
            if stage not in bars:
                for other in bars.values():
                    other.finish()
                bars[stage] = Progress(total=max(total, 1), label=f"{stage} (lines)", stream=self.stderr)
            bars[stage].advance(done - bars[stage].done)

        try:
            counts = postcode_import(path=file, source=source, on_progress=on_progress)
        except PostcodeImportError as error:
            for bar in bars.values():
                bar.finish()
            shown = "\n  ".join(error.problems)
            more = error.problem_count - len(error.problems)
            tail = f"\n  ... and {more:,} more" if more > 0 else ""
            raise CommandError(f"{file}: {error.message}:\n  {shown}{tail}") from None
        for bar in bars.values():
            bar.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file}: {counts['read']:,} lines read, {counts['added']:,} postcodes added, "
                f"{counts['updated']:,} updated, {counts['skipped']:,} without a location skipped."
            )
        )

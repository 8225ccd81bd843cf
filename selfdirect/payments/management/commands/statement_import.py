"""Import a bank, managed-account or prepaid-card statement (CSV) for one direct payment.

    python manage.py statement_import --agreement 12 --mapping "Generic CSV" statement.csv [--user USERNAME]

The file is streamed (any size) with a progress bar: first every line is checked, then the new lines are
written in one transaction. If any line is wrong, nothing is saved and every problem is listed with its line
number (the command then exits with an error). Lines already held are left out, so re-importing is safe.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from selfdirect.core.progress import Progress
from selfdirect.payments import statements
from selfdirect.payments.models import ColumnMapping, DirectPaymentAgreement


class Command(BaseCommand):
    help = "Import a CSV statement for a direct payment (checked line by line; nothing saved if any line is wrong)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The statement, a CSV file")
        parser.add_argument("--agreement", type=int, required=True, help="The direct payment's number")
        parser.add_argument(
            "--mapping", required=True, help="The statement format's name (see the Statement formats page)"
        )
        parser.add_argument("--user", help="Username to record as having imported it (a finance officer)")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar")

    def handle(self, *args, file, agreement, mapping, user=None, no_progress=False, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user called {user!r}.")
        found = DirectPaymentAgreement.objects.select_related("person").filter(pk=agreement).first()
        if found is None:
            raise CommandError(f"There is no direct payment {agreement}.")
        chosen = ColumnMapping.objects.filter(name__iexact=mapping).first()
        if chosen is None:
            names = ", ".join(repr(n) for n in ColumnMapping.objects.order_by("name").values_list("name", flat=True))
            raise CommandError(f"No statement format called {mapping!r}. The formats are: {names or 'none'}.")
        bars: dict[str, Progress] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if no_progress:
                return
            bar = bars.get(stage)
            if bar is None:
                for other in bars.values():
                    other.finish()
                label = "Checking (bytes)" if stage == "Checking" else "Importing (lines)"
                bar = bars[stage] = Progress(total=total, label=label, stream=self.stderr)
            bar.advance(done - bar.done)

        try:
            with open(file, "rb") as handle:
                record = statements.statement_import(
                    agreement=found,
                    mapping=chosen,
                    file=handle,
                    filename=file.rsplit("/", 1)[-1],
                    actor=actor,
                    on_progress=on_progress,
                )
        except FileNotFoundError:
            raise CommandError(f"No file at {file}.") from None
        except statements.StatementImportError as error:
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
                f"Imported {file} for direct payment {found.pk} ({found.person}): {record.rows_read:,} lines read, "
                f"{record.rows_added:,} added, {record.rows_already_held:,} already held, "
                f"{record.rows_skipped:,} with no money skipped."
            )
        )

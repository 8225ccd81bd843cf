"""Produce the Client Level Data return for a reporting period, and/or its validation report.

    python manage.py cld_extract --from 2026-07-01 --to 2026-09-30 --out cld-2026-q2.csv
    python manage.py cld_extract --from 2026-07-01 --to 2026-09-30 --validate [--limit 20]

The CSV is written to a temporary file beside FILE and renamed when complete, so re-running replaces it whole and
a run stopped half-way leaves the last good file. `--validate` prints every mandatory-field problem by rule, with
counts and the record to fix; problems are information, so the exit code is non-zero only for bad arguments.
Writing the file is audited as an export.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.progress import Progress
from selfdirect.reporting import cld_extract as extract


def _date(value: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"{option} must be a real date written YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Write the Client Level Data return for a period as CSV, and/or print its validation report."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="First day of the period (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", required=True, help="Last day of the period (YYYY-MM-DD)")
        parser.add_argument("--out", help="The CSV file to write")
        parser.add_argument("--validate", action="store_true", help="Print the validation report by rule")
        parser.add_argument(
            "--limit", type=int, default=0, help="With --validate: list at most this many records per rule (0: all)"
        )

    def handle(self, *args, start, end, out=None, validate=False, limit=0, **options):
        start, end = _date(start, "--from"), _date(end, "--to")
        if start > end:
            raise CommandError("--from must be on or before --to")
        if not out and not validate:
            raise CommandError("Say what to do: --out FILE.csv, --validate, or both")
        if limit < 0:
            raise CommandError("--limit must be 0 (all) or more")
        if out and not Path(out).resolve().parent.is_dir():
            raise CommandError(f"The folder for {out} does not exist")

        cld = extract.CldExtract(start=start, end=end)
        report = extract.Report(keep=limit or None) if validate else None
        total = cld.count()
        if out:
            with Progress(total=total, label="CLD return", stream=self.stderr) as bar:
                written = extract.write_csv_file(cld, Path(out), on_rows=bar.advance)
            audit_record(
                actor=None,
                action=AuditEvent.Action.EXPORT,
                object_type="reporting.cld_return",
                object_id=f"{start:%Y-%m-%d}:{end:%Y-%m-%d}",
                summary=f"CLD return {start:%-d %B %Y} to {end:%-d %B %Y} written to {Path(out).name} "
                f"by manage.py cld_extract ({written:,} rows)",
            )
            self.stdout.write(f"Wrote {written:,} rows to {out}")
        if report is not None:
            with Progress(total=total, label="Validating", stream=self.stderr) as bar:
                for row in cld.rows():
                    report.check(row)
                    bar.advance()
        if report is not None:
            self._print_report(report, start, end)

    def _print_report(self, report: extract.Report, start, end) -> None:
        write = self.stdout.write
        write(f"Validation of the CLD return {start:%Y-%m-%d} to {end:%Y-%m-%d}: {report.rows:,} rows")
        found = report.by_rule()
        if not found:
            write("No problems: every mandatory field is filled.")
            return
        write(f"{report.total:,} problems under {len(found)} rules")
        for rule, count, problems in found:
            write("")
            write(f"{rule.name}: {rule.title} ({rule.when}): {count:,}")
            write(f"  Fix on: {rule.fix}")
            for problem in problems:
                record = problem.record
                who = record.council_id or "no person record"
                write(f"  {record.reference}  {who}  {problem.url}")
            if count > len(problems):
                write(f"  ... and {count - len(problems):,} more")

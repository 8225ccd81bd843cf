"""python manage.py subject_access --person ID --out DIR [--by NAME]

Writes everything held on one person to DIR as JSON and as a readable PDF (third-party details marked for review).
The hand-over is audited. Safe to re-run: each run writes new files named with the time.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from selfdirect.core.progress import Progress
from selfdirect.governance import selectors, services


class Command(BaseCommand):
    help = "Produce a subject access bundle (JSON and PDF) for one person."

    def add_arguments(self, parser):
        parser.add_argument("--person", required=True, help="Council person ID (e.g. P000123) or record number")
        parser.add_argument("--out", required=True, help="Folder to write the files to (made if missing)")
        parser.add_argument("--by", default="", help="Who asked for it, for the audit log (e.g. the DPO's name)")

    def handle(self, *args, person, out, by, **options):
        found = selectors.person_by_reference(person)
        if found is None:
            raise CommandError(f"No person has the council ID or record number {person!r}.")
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot write to {folder}: {exc.strerror}") from exc
        with Progress(3, label="Subject access", stream=self.stderr) as bar:
            bundle = services.subject_access_produce(person=found, by=by or "the subject_access command")
            bar.advance(1)
            stem = services.bundle_file_stem(bundle)
            (folder / f"{stem}.json").write_bytes(bundle.json_bytes())
            bar.advance(1)
            (folder / f"{stem}.pdf").write_bytes(bundle.pdf_bytes())
            bar.advance(1)
        self.stdout.write(
            f"Wrote {folder / stem}.json and .pdf: {len(bundle.rows)} records, "
            f"{len(bundle.audit_events)} audit events, "
            f"{bundle.marked} items marked for review (read them before sending)."
        )

"""Import a provider's invoice CSV and check every line against the commitments.

    python manage.py invoice_import --provider ID FILE [--user USERNAME] [--column FIELD=HEADER ...]

Each line is matched to the person's commitment with the provider on the service date and priced at the rate in
force that day (see selfdirect/payments/commitments.py). A file with any problem imports nothing: every problem is
listed with its line number. Importing the same file again adds nothing. The columns are found by their header
names (HEADER_ALIASES); a provider's own names can be given with --column, for example --column "units=Hrs".
The audit log records the user given by --user (default: the first active finance officer).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from selfdirect.core.progress import Progress
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.market.models import Provider
from selfdirect.payments.commitments import HEADER_ALIASES, MAX_BYTES, InvoiceImportError, invoice_import


class Command(BaseCommand):
    help = "Import a provider's invoice CSV and check each line against the commitments, day by day."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The invoice CSV file")
        parser.add_argument("--provider", required=True, type=int, help="The provider's id (as in its page address)")
        parser.add_argument("--user", help="Username recorded as importing it (default: the first finance officer)")
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help=f"A header name this provider uses; FIELD is one of {', '.join(HEADER_ALIASES)}",
        )

    def _actor(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"There is no active user {username!r}.")
            return actor
        actor = users.filter(role=Role.FINANCE_OFFICER).order_by("pk").first()
        if actor is None:
            raise CommandError("There is no active finance officer: name the user importing it with --user.")
        return actor

    def _columns(self, pairs) -> dict[str, str]:
        columns = {}
        for pair in pairs:
            field, _, header = pair.partition("=")
            field, header = field.strip(), header.strip()
            if field not in HEADER_ALIASES or not header:
                raise CommandError(
                    f"--column {pair!r}: write FIELD=HEADER, where FIELD is one of {', '.join(HEADER_ALIASES)}"
                )
            columns[field] = header
        return columns

    def handle(self, *args, file, provider, user=None, column=(), verbosity=1, **options):
        found = Provider.objects.filter(pk=provider).first()
        if found is None:
            raise CommandError(f"There is no provider with id {provider}.")
        columns = self._columns(column)
        actor = self._actor(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} is not a file.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file} is larger than {MAX_BYTES // (1024 * 1024)} MB: is it the right file?")
        data = path.read_bytes()
        rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        try:
            with Progress(total=rows, label=f"Checking {path.name}", stream=self.stderr, enabled=verbosity > 0) as bar:
                result = invoice_import(
                    provider=found, actor=actor, data=data, filename=path.name, columns=columns, advance=bar.advance
                )
        except InvoiceImportError as error:
            raise CommandError(
                f"{file} cannot be imported ({error.message.lower()}):\n  " + "\n  ".join(error.errors)
            ) from None
        except DomainError as error:
            raise CommandError(error.message) from None
        style = self.style.WARNING if result.already_imported else self.style.SUCCESS
        self.stdout.write(style(result.summary()))
        for invoice in result.invoices:
            self.stdout.write(
                f"  {invoice.reference}: £{invoice.total_claimed:,.2f} billed, £{invoice.total_expected:,.2f} "
                f"expected ({invoice.get_absolute_url()})"
            )

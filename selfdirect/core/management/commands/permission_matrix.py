from django.core.management.base import BaseCommand

from selfdirect.core.permissions import matrix_markdown


class Command(BaseCommand):
    help = "Print the role permission matrix as markdown (the table in docs/roles.md)."

    def handle(self, *args, **options):
        self.stdout.write(matrix_markdown(), ending="")

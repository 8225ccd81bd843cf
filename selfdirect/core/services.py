from django.db import transaction

from .models import Sequence


class DomainError(Exception):
    """A refusal a person can act on. Views show the message in an error summary; the API as 4xx."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEditError(DomainError):
    """Someone else saved the record after this edit began (optimistic locking)."""


def sequence_reserve(*, name: str, count: int = 1) -> range:
    """Reserve `count` consecutive numbers from a named sequence, safe under concurrent use."""
    with transaction.atomic():
        seq, _ = Sequence.objects.select_for_update().get_or_create(name=name)
        start = seq.value + 1
        seq.value += count
        seq.save(update_fields=["value"])
    return range(start, start + count)

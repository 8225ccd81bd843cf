"""The published default question bank, for tests that run after a transactional test flushed the database."""

import importlib

from django.apps import apps

from selfdirect.assessments.models import QuestionBank

_bank_migration = importlib.import_module("selfdirect.assessments.migrations.0002_default_question_bank")


def ensure_question_bank() -> QuestionBank:
    """Return the newest published bank, loading the default one (as migration 0002 does) if there is none."""
    if not QuestionBank.objects.filter(published_at__isnull=False).exists():
        _bank_migration.load(apps, None)
    return QuestionBank.objects.filter(published_at__isnull=False).order_by("-version").first()

"""Publish the default question bank as version 1, so a fresh council can assess from day one."""

from django.db import migrations
from django.utils import timezone


# Questions added later belong to later versions: version 1 stays as it was first published.
ADDED_IN_VERSION_2 = {"supervision", "night_support"}


def load(apps, schema_editor):
    from selfdirect.assessments.question_bank_default import QUESTIONS

    QuestionBank = apps.get_model("assessments", "QuestionBank")
    Question = apps.get_model("assessments", "Question")
    if QuestionBank.objects.filter(version=1).exists():
        return
    bank = QuestionBank.objects.create(version=1, notes="Default questions", published_at=timezone.now())
    Question.objects.bulk_create(
        Question(
            bank=bank, key=q["key"], section=q["section"], kind=q["kind"], applies_to=q["applies_to"],
            outcome_code=q["code"], text_you=q["text_you"], text_they=q["text_they"], hint_you=q["hint_you"],
            hint_they=q["hint_they"], is_optional=q.get("is_optional", False),
            is_future_hopes=q.get("is_future_hopes", False), order=10 * (i + 1),
        )
        for i, q in enumerate(QUESTIONS)
        if q["key"] not in ADDED_IN_VERSION_2
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

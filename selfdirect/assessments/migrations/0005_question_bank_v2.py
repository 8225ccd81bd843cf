"""Version 2 of the default question bank: adds supervision and help at night, which the resource
allocation system needs. Version 1 stays as it was for assessments that used it."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from selfdirect.assessments.question_bank_default import QUESTIONS

    QuestionBank = apps.get_model("assessments", "QuestionBank")
    Question = apps.get_model("assessments", "Question")
    if QuestionBank.objects.filter(version=2).exists():
        return
    bank = QuestionBank.objects.create(
        version=2, notes="Default questions, with supervision and help at night", published_at=timezone.now()
    )
    Question.objects.bulk_create(
        Question(
            bank=bank, key=q["key"], section=q["section"], kind=q["kind"], applies_to=q["applies_to"],
            outcome_code=q["code"], text_you=q["text_you"], text_they=q["text_they"], hint_you=q["hint_you"],
            hint_they=q["hint_they"], is_optional=q.get("is_optional", False),
            is_future_hopes=q.get("is_future_hopes", False), order=10 * (i + 1),
        )
        for i, q in enumerate(QUESTIONS)
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_ras_answers")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

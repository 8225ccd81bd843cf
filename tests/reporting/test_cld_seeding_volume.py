"""The bulk event generator for the CLD benchmark: about 20 events a person, deterministic, and removable."""

import datetime

import pytest

from selfdirect.assessments.models import Assessment, SupportRequest
from selfdirect.market.models import Arrangement
from selfdirect.reporting import cld_extract
from selfdirect.reporting.seeding_volume import reset_cld_volume, seed_cld_volume
from selfdirect.reviews.models import Review
from tests.factories import PersonFactory, UserFactory
from tests.portal.bank import ensure_question_bank

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 3, 31)


def test_events_for_existing_people_fill_the_return_and_can_be_removed():
    ensure_question_bank()
    UserFactory()
    people = PersonFactory.create_batch(5)
    made = seed_cld_volume(events=100, seed=4, as_of=AS_OF)
    assert made["plans"] == 5
    assert made["requests"] == SupportRequest.objects.count()
    assert made["services"] == Arrangement.objects.count()
    assert made["reviews"] == Review.objects.count()
    total = made["requests"] + made["assessments"] + made["services"] + made["reviews"]
    assert 50 <= total <= 160  # about 20 a person
    assert set(Arrangement.objects.values_list("person_id", flat=True)) <= {p.pk for p in people}
    extract = cld_extract.CldExtract(start=AS_OF - datetime.timedelta(days=364), end=AS_OF)
    event_rows = [r for r in extract.rows() if r.record.kind != "contact"]
    assert len(event_rows) == total  # every event falls in the year before AS_OF

    reset_cld_volume()
    assert not (SupportRequest.objects.exists() or Assessment.objects.exists() or Arrangement.objects.exists())
    assert not Review.objects.exists()

"""The demo council's governance data: demo accounts get the published secret, a few records are flagged; the same
for a seed, safe to re-run, and reset before people are deleted."""

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from selfdirect.core.second_factor_demo import DEMO_TOTP_KEY
from selfdirect.governance.models import SensitiveRecordFlag
from selfdirect.governance.seeding import reset_governance, seed_governance


@pytest.fixture
def council(db):
    call_command("seed_council", people=60, seed=3, demo_database=True, people_only=True)


def test_seeding_gives_demo_accounts_the_demo_secret_and_flags_three_records(council):
    # seed_council has seeded it already (demo staff need their authenticator): start again from nothing.
    assert SensitiveRecordFlag.objects.count() == 3
    reset_governance()
    counts = seed_governance(seed=3)
    assert counts["demo_second_factors"] == 12 and counts["flags"] == 3
    assert TOTPDevice.objects.filter(key=DEMO_TOTP_KEY, confirmed=True, user__username="dpo").exists()
    flagged = list(SensitiveRecordFlag.objects.order_by("person_id").values_list("person_id", "kind"))
    # Again: the same flags are kept, the devices replaced (one each).
    assert seed_governance(seed=3)["flags"] == 0
    assert list(SensitiveRecordFlag.objects.order_by("person_id").values_list("person_id", "kind")) == flagged
    assert TOTPDevice.objects.filter(user__username="dpo").count() == 1
    reset_governance()
    assert not SensitiveRecordFlag.objects.exists()
    assert seed_governance(seed=3)["flags"] == 3
    assert list(SensitiveRecordFlag.objects.order_by("person_id").values_list("person_id", "kind")) == flagged

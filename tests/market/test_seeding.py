"""The synthetic market: deterministic for a seed, run once, the reference's standard rates, providers with CQC
location IDs and every registration state the demo needs, and PAs with checks in every state including the two
named demo PAs."""

import datetime
import re
from decimal import Decimal

import pytest

from selfdirect.core.roles import Role
from selfdirect.market.models import PaCheck, PersonalAssistant, Provider, Rate
from selfdirect.market.seeding import MarketSeedError, reset_market, seed_market
from selfdirect.market.selectors import pa_status, rate_in_force
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 5, 11)


def snapshot():
    providers = list(Provider.objects.order_by("pk").values_list("name", "cqc_location_id", "registration", "areas"))
    pas = list(PersonalAssistant.objects.order_by("pk").values_list("first_name", "last_name", "areas"))
    checks = list(PaCheck.objects.order_by("pk").values_list("kind", "issued_on", "expires_on", "certificate_number"))
    return providers, pas, checks


def test_seed_market():
    commissioner = UserFactory(role=Role.COMMISSIONER)
    counts = seed_market(seed=7, as_of=AS_OF)
    assert counts["providers"] == 25 and counts["personal_assistants"] == 30
    assert counts["rates"] == Rate.objects.count() and counts["checks"] == PaCheck.objects.count()

    # The reference's standard rates from 1 April 2025, and a rise from 1 April 2026 for some.
    def standard(component, unit, on, note=""):
        return rate_in_force(provider=None, service_component=component, unit_type=unit, on=on, note=note).amount

    april_2025 = datetime.date(2025, 4, 1)
    assert standard("Home Support", "Hourly", april_2025) == Decimal("23.92")
    assert standard("Day Support", "Per session", april_2025) == Decimal("13.64")
    assert standard("Home Support", "Hourly", april_2025, "night waking") == Decimal("21.72")
    assert standard("Home Support", "Hourly", april_2025, "night sleeping") == Decimal("12.84")
    assert standard("Shared Lives", "Weekly", april_2025) == Decimal("327.88")
    assert standard("Home Support", "Hourly", april_2025, "personal assistant") == Decimal("15.50")
    assert standard("Home Support", "Hourly", datetime.date(2026, 4, 1)) > Decimal("23.92")
    assert standard("Home Support", "Hourly", datetime.date(2026, 4, 1), "night waking") == Decimal("21.72")

    providers = list(Provider.objects.all())
    registrations = [p.registration for p in providers]
    assert registrations.count("not_registered") == 1 and registrations.count("deregistered") == 1
    assert registrations.count("not_required") >= 3 and registrations.count("registered") >= 18
    for provider in providers:
        if provider.registration in ("registered", "deregistered"):
            assert re.fullmatch(r"1-\d{9,10}", provider.cqc_location_id), provider.cqc_location_id
        assert provider.areas and all(re.fullmatch(r"NM\d", a) for a in provider.areas)
        assert provider.rates.exists()
    ratings = [p.rating for p in providers if p.registration == "registered"]
    assert ratings.count("Good") > len(ratings) / 2
    unregistered = next(p for p in providers if p.registration == "not_registered")
    assert unregistered.warns_for("Home Support")

    states = {
        pa.full_name: pa_status(pa, on=AS_OF).state for pa in PersonalAssistant.objects.prefetch_related("checks")
    }
    assert set(states.values()) == {"current", "lapsing", "missing", "suspended"}
    assert states["Priya Current"] == "current"
    dana = PersonalAssistant.objects.get(first_name="Dana", last_name="Lapsed")
    status = pa_status(dana, on=AS_OF)
    assert [p.message for p in status.problems] == ["The DBS check has lapsed: it needs renewing"]
    assert sorted(dana.checks.values_list("kind", flat=True)) == ["dbs", "reference", "reference", "right_to_work",
                                                                    "training"]  # fmt: skip
    dbs = dana.checks.get(kind="dbs")
    assert dbs.adult_barred_list and not dbs.update_service and dbs.issued_on < datetime.date(2023, 5, 11)
    assert set(PaCheck.objects.values_list("recorded_by", flat=True)) == {commissioner.pk}

    before = snapshot()
    assert seed_market(seed=7, as_of=AS_OF) == {}
    assert snapshot() == before


def test_seed_market_is_deterministic_and_can_be_reset():
    UserFactory(role=Role.COMMISSIONER)
    seed_market(seed=3, as_of=AS_OF)
    first = snapshot()
    reset_market()
    assert not (Provider.objects.exists() or PersonalAssistant.objects.exists() or Rate.objects.exists())
    seed_market(seed=3, as_of=AS_OF)
    assert snapshot() == first


def test_seed_market_needs_staff():
    with pytest.raises(MarketSeedError, match="seed_council"):
        seed_market(seed=1, as_of=AS_OF)
    assert not Provider.objects.exists()

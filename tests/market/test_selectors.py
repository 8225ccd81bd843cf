"""Care market reads: the directory filters, a PA's check status, matches for a plan line (area, vacancies, rate,
checks), the provider warning, and the checks and insurance about to lapse."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from selfdirect.core.models import CouncilSettings
from selfdirect.market import selectors
from selfdirect.market.models import Arrangement, Provider
from tests.factories import PersonFactory, UserFactory

from .factories import PaFactory, ProviderFactory, RateFactory, approved_line, insure, with_checks

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_postcode_district():
    assert selectors.postcode_district("nm3 5hj") == "NM3"
    assert selectors.postcode_district("NM105PQ") == "NM10"
    assert selectors.postcode_district("") == "" and selectors.postcode_district("not a postcode") == ""


def test_provider_list_filters():
    home = ProviderFactory(name="Ashgrove Home Care", areas=["NM1"], service_components=["Home Support"])
    day = ProviderFactory(name="Millbrook Day Centre", areas=["NM2"], service_components=["Day Support"],
                          registration="not_required", cqc_location_id="", rating="")  # fmt: skip
    ProviderFactory(name="Closed Care", is_active=False)
    assert list(selectors.provider_list()) == [home, day]
    assert list(selectors.provider_list(q="millbrook")) == [day]
    assert list(selectors.provider_list(q=home.cqc_location_id)) == [home]
    assert list(selectors.provider_list(service_component="Day Support")) == [day]
    assert list(selectors.provider_list(area="nm1")) == [home]
    assert list(selectors.provider_list(registration="not_required")) == [day]
    assert list(selectors.provider_list(area="NM9")) == []


def test_provider_warning():
    registered = ProviderFactory()
    unregistered = ProviderFactory(name="Kirkdale Care", registration="not_registered", cqc_location_id="", rating="")
    assert selectors.provider_warning(provider=registered, service_component="Home Support") is None
    assert selectors.provider_warning(provider=unregistered, service_component="Day Support") is None
    assert selectors.provider_warning(provider=None, service_component="Home Support") is None
    text = selectors.provider_warning(provider=unregistered, service_component="Home Support")
    assert text.startswith("Kirkdale Care is not registered with the Care Quality Commission (CQC).")
    assert "only a registered provider may give" in text


def test_pa_status_states():
    recorder = UserFactory(role="commissioner")
    current = with_checks(PaFactory(), recorder=recorder)
    lapsing = with_checks(PaFactory(), recorder=recorder, dbs_issued=TODAY - datetime.timedelta(days=3 * 365 - 10))
    missing = with_checks(PaFactory(), recorder=recorder, skip=("training",))
    suspended = with_checks(PaFactory(is_suspended=True), recorder=recorder)
    assert selectors.pa_status(current).state == "current"
    status = selectors.pa_status(lapsing)
    assert status.state == "lapsing" and status.lapsing[0].kind == "dbs"
    status = selectors.pa_status(missing)
    assert status.state == "missing" and "No training" in status.problems[0].message
    assert selectors.pa_status(suspended).label == "Suspended"
    rows = selectors.pa_list(status="missing")
    assert [r.pa for r in rows] == [missing]


def test_matches_for_a_provider_line():
    """Providers offering the component in the person's district with vacancies, cheapest rate in force first
    (the council's standard rate when the provider has none; no rate at all last)."""
    line = approved_line(person=PersonFactory(postcode="NM1 4DE"))
    dear = ProviderFactory(name="Dear")
    RateFactory(provider=dear, amount=Decimal("26.00"))
    cheap = ProviderFactory(name="Cheap")
    RateFactory(provider=cheap, amount=Decimal("22.00"))
    standard = ProviderFactory(name="Standard")
    RateFactory(provider=None, amount=Decimal("23.92"))
    ProviderFactory(name="Full", vacancies=0)
    ProviderFactory(name="Unknown vacancies", vacancies=None)
    ProviderFactory(name="Elsewhere", areas=["NM5"])
    ProviderFactory(name="Other service", service_components=["Day Support"])
    ProviderFactory(name="Closed", is_active=False)
    matches = selectors.matches_for_line(line=line, on=TODAY)
    assert matches.district == "NM1" and matches.wants_providers and not matches.wants_pas
    assert [(m.provider.name, m.amount) for m in matches.providers] == [
        ("Cheap", Decimal("22.00")),
        ("Standard", Decimal("23.92")),
        ("Dear", Decimal("26.00")),
    ]
    assert matches.providers[1].rate.provider is None and standard
    assert matches.pas == []
    providers, pas = selectors.other_candidates(line=line, matches=matches)
    assert [p.name for p in providers] == ["Elsewhere", "Full", "Unknown vacancies"] and pas == []


def test_matches_for_a_pa_line_and_a_direct_payment():
    """PA lines list PAs in the area with hours free, those with every check current first, then by rate;
    suspended PAs never; a direct payment can buy from providers and PAs alike."""
    recorder = UserFactory(role="commissioner")
    line = approved_line(support_kind="pa", management="council_managed")
    missing = with_checks(PaFactory(last_name="Missing", hourly_rate=Decimal("14.00")), recorder=recorder,
                          skip=("reference",))  # fmt: skip
    dear = with_checks(PaFactory(last_name="Dear", hourly_rate=Decimal("17.00")), recorder=recorder)
    cheap = with_checks(PaFactory(last_name="Cheap", hourly_rate=Decimal("15.00")), recorder=recorder)
    with_checks(PaFactory(last_name="Suspended", is_suspended=True), recorder=recorder)
    with_checks(PaFactory(last_name="Busy", hours_available=0), recorder=recorder)
    with_checks(PaFactory(last_name="Away", areas=["NM9"]), recorder=recorder)
    ProviderFactory()
    matches = selectors.matches_for_line(line=line, on=TODAY)
    assert not matches.wants_providers and matches.providers == []
    assert [m.pa for m in matches.pas] == [cheap, dear, missing]
    assert matches.pas[2].status.state == "missing"

    dp = approved_line(support_kind="provider", management="direct_payment")
    matches = selectors.matches_for_line(line=dp, on=TODAY)
    assert matches.wants_providers and matches.wants_pas and len(matches.providers) == 1 and len(matches.pas) == 3


def test_a_pa_without_a_rate_of_their_own_is_priced_at_the_council_pa_rate():
    RateFactory(provider=None, amount=Decimal("15.50"), note="personal assistant")
    pa = PaFactory(hourly_rate=None)
    assert selectors.pa_rate(pa, service_component="Home Support", on=TODAY) == Decimal("15.50")


def test_check_alerts_lists_lapsing_and_lapsed_checks_and_insurance():
    """PA checks lapsing within the window or lapsed (missing ones are not alerts); employers' insurance for people
    with a PA on a direct payment (lapsed or lapsing) and for any policy ending within the window. A renewal that
    follows on is not an alert."""
    settings = CouncilSettings.current()
    settings.check_alert_days = 30
    settings.save()
    recorder = UserFactory(role="commissioner")
    with_checks(PaFactory(last_name="Fine"), recorder=recorder)
    soon = with_checks(
        PaFactory(last_name="Soon"), recorder=recorder, dbs_issued=TODAY - datetime.timedelta(days=3 * 365 - 10)
    )
    gone = with_checks(
        PaFactory(last_name="Gone"), recorder=recorder, dbs_issued=TODAY - datetime.timedelta(days=4 * 365)
    )
    with_checks(PaFactory(last_name="Missing"), recorder=recorder, skip=("training",))
    alerts = selectors.check_alerts(on=TODAY)
    assert [(a.pa, a.lapsed) for a in alerts.pas] == [(gone, True), (soon, False)]  # by surname
    assert alerts.horizon == TODAY + datetime.timedelta(days=30)

    employer = approved_line(support_kind="pa", management="direct_payment")
    Arrangement.objects.create(
        plan_line=employer,
        person=employer.plan.person,
        pa=soon,
        start_date=TODAY,
        service_type="Long Term Support: Community",
        service_component="Home Support",
        delivery_mechanism="Direct Payment",
        unit_cost=1,
        cost_frequency="Hourly",
        planned_units_per_week=1,
        weekly_cost=1,
        created_by=recorder,
    )
    ending = PersonFactory()
    insure(ending, expires_on=TODAY + datetime.timedelta(days=10))
    renewed = PersonFactory()
    insure(renewed, expires_on=TODAY + datetime.timedelta(days=10))
    insure(renewed, starts_on=TODAY + datetime.timedelta(days=11), expires_on=TODAY + datetime.timedelta(days=376))
    alerts = selectors.check_alerts(on=TODAY)
    by_person = {a.person_id: a for a in alerts.insurance}
    assert set(by_person) == {employer.plan.person_id, ending.pk}
    assert by_person[employer.plan.person_id].lapsed and by_person[employer.plan.person_id].insurer == ""
    assert by_person[ending.pk].cover_until == TODAY + datetime.timedelta(days=10)
    assert not by_person[ending.pk].lapsed and by_person[ending.pk].council_id == ending.council_id


def test_provider_registration_labels_are_plain():
    assert Provider.Registration.NOT_REQUIRED.label.startswith("Not required")


def test_missing_checks_are_not_lapse_alerts():
    """A check never recorded (one reference, a DBS without the barred list) is a problem on the PA's page, not a
    lapse alert; a reference or training that has run out is."""
    recorder = UserFactory(role="commissioner")
    one = with_checks(PaFactory(last_name="Onereference"), recorder=recorder, skip=("reference",))
    one.checks.create(kind="reference", detail="Former employer", recorded_by=recorder)
    with_checks(PaFactory(last_name="Nobarred"), recorder=recorder, adult_barred_list=False)
    expired = with_checks(PaFactory(last_name="Expired"), recorder=recorder, skip=("training",))
    expired.checks.create(kind="training", detail="Moving and handling", issued_on=TODAY - datetime.timedelta(days=400),
                          expires_on=TODAY - datetime.timedelta(days=1), recorded_by=recorder)  # fmt: skip
    alerts = selectors.check_alerts(on=TODAY)
    assert [(a.pa, a.message) for a in alerts.pas] == [(expired, "The training recorded has expired")]

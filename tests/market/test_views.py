"""Care market pages: what each shows, who may use it (403 for a role without the action), form errors in the
GOV.UK error summary, and no server error on bad input."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.market.models import Arrangement, PaCheck, PersonalAssistant, Provider, Rate

from .factories import PaFactory, ProviderFactory, RateFactory, approved_line, insure, with_checks

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def date_fields(name: str, day: datetime.date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def commissioner(user_of_role):
    return user_of_role(Role.COMMISSIONER, first_name="Gareth", last_name="Lloyd")


@pytest.fixture
def broker(user_of_role):
    return user_of_role(Role.SUPPORT_PLANNER, first_name="Dan", last_name="Hughes")


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_error_summary(response, *messages):
    text = page(response)
    assert "There is a problem" in text and 'class="govuk-error-summary"' in text
    for message in messages:
        assert message in text, message
    return text


# --------------------------------------------------------------------------------------------------
# Providers and rates
# --------------------------------------------------------------------------------------------------


def test_provider_pages_show_registration_areas_vacancies_and_rates(client_as, social_worker):
    """The directory and a provider's page: CQC location ID, registration and rating, regulated activities,
    components, areas, vacancies with their date, and rates current, to come and past."""
    provider = ProviderFactory(name="Thornfield Home Care", cqc_location_id="1-1234567890",
                               vacancies_updated_on=datetime.date(2026, 3, 2))  # fmt: skip
    RateFactory(provider=provider, amount=Decimal("22.10"), effective_from=TODAY - datetime.timedelta(days=400))
    RateFactory(provider=provider, amount=Decimal("23.10"), effective_from=TODAY - datetime.timedelta(days=10))
    RateFactory(provider=provider, amount=Decimal("24.10"), effective_from=TODAY + datetime.timedelta(days=30))
    client = client_as(social_worker)
    listing = page(client.get(reverse("provider_list")))
    assert "Thornfield Home Care" in listing and "Registered" in listing and "NM1, NM2" in listing
    detail = page(client.get(provider.get_absolute_url()))
    for text in ("1-1234567890", "Registered with CQC", "Good", "Personal care", "Home Support", "NM1, NM2",
                 "10 (hours a week or places)", "As at 2 March 2026", "£23.10", "£24.10", "£22.10"):  # fmt: skip
        assert text in detail, text
    assert "Add a rate" not in detail  # a social worker sees, but does not manage, the market


def test_provider_list_filters_and_bad_filters(client_as, social_worker):
    ProviderFactory(name="Ashgrove Home Care", areas=["NM1"])
    ProviderFactory(name="Redmoor Day Centre", areas=["NM4"], service_components=["Day Support"])
    client = client_as(social_worker)
    text = page(client.get(reverse("provider_list"), {"area": "NM4"}))
    assert "Redmoor Day Centre" in text and "Ashgrove" not in text
    text = page(client.get(reverse("provider_list"), {"service_component": "Hairdressing", "page": "x"}))
    assert "Ashgrove" in text  # an unknown filter is ignored, never a server error


def test_who_may_see_and_manage_the_market(client_as, user_of_role, commissioner, social_worker):
    """Everyone with MARKET_VIEW sees the directory, rates and register; only MARKET_MANAGE changes providers and
    rates; only PA_CHECKS records PAs; roles without MARKET_VIEW get 403."""
    provider = ProviderFactory()
    pa = PaFactory()
    views = [reverse("provider_list"), provider.get_absolute_url(), reverse("council_rates"), reverse("pa_list"),
             pa.get_absolute_url(), reverse("check_alerts")]  # fmt: skip
    manage = [reverse("provider_create"), reverse("provider_edit", args=[provider.pk]),
              reverse("provider_rate_add", args=[provider.pk]), reverse("council_rate_add")]  # fmt: skip
    record = [reverse("pa_create"), reverse("pa_edit", args=[pa.pk]), reverse("pa_check_add", args=[pa.pk]),
              reverse("pa_suspend", args=[pa.pk])]  # fmt: skip
    comm = client_as(commissioner)
    assert [comm.get(u).status_code for u in views + manage + record] == [200] * 14
    worker = client_as(social_worker)
    assert [worker.get(u).status_code for u in views] == [200] * 6
    assert [worker.get(u).status_code for u in manage + record] == [403] * 8
    planner = client_as(user_of_role(Role.SUPPORT_PLANNER))
    assert [planner.get(u).status_code for u in record] == [200] * 4
    assert [planner.get(u).status_code for u in manage] == [403] * 4
    for role in (Role.PERFORMANCE_ANALYST, Role.ADMINISTRATOR):
        other = client_as(user_of_role(role))
        assert [other.get(u).status_code for u in views] == [403] * 6
    assert comm.get(reverse("provider_detail", args=[987654])).status_code == 404


def test_add_and_change_a_provider(client_as, commissioner):
    client = client_as(commissioner)
    response = client.post(reverse("provider_create"), {
        "name": "Larkspur Shared Lives", "registration": "registered", "cqc_location_id": "1-987654321",
        "rating": "Outstanding", "service_components": ["Shared Lives"], "areas": "nm1, NM3 nm3",
        "regulated_activities": "Personal care\n", "vacancies": "3", "is_active": "on", "postcode": "nm1 2ab",
    })  # fmt: skip
    provider = Provider.objects.get(name="Larkspur Shared Lives")
    assert response.status_code == 302 and response["Location"] == provider.get_absolute_url()
    assert provider.areas == ["NM1", "NM3"] and provider.regulated_activities == ["Personal care"]
    assert provider.postcode == "NM1 2AB" and provider.vacancies_updated_on == TODAY
    edit = reverse("provider_edit", args=[provider.pk])
    assert "Larkspur Shared Lives" in page(client.get(edit))
    data = {"name": "Larkspur Shared Lives", "registration": "registered", "cqc_location_id": "1-987654321",
            "rating": "Good", "areas": "NM1", "is_active": "on"}  # fmt: skip
    assert client.post(edit, data).status_code == 302
    provider.refresh_from_db()
    assert provider.rating == "Good" and provider.areas == ["NM1"]
    assert AuditEvent.objects.filter(object_type="market.provider", action="update").exists()


def test_provider_form_errors_are_in_the_summary(client_as, commissioner):
    client = client_as(commissioner)
    response = client.post(reverse("provider_create"), {"name": "", "registration": "registered", "areas": "Leeds!",
                                                        "vacancies": "lots", "email": "nope"})  # fmt: skip
    assert_error_summary(response, "Enter the provider&#x27;s name", "Enter postcode districts like NM1",
                         "The vacancies must be a whole number", "Enter an email address")  # fmt: skip
    response = client.post(reverse("provider_create"), {"name": "Coldwell Care", "registration": "registered"})
    assert_error_summary(response, "Enter the CQC location ID: every provider registered with CQC has one")
    assert not Provider.objects.exists()


def test_add_a_rate_and_bad_rates(client_as, commissioner):
    """Letters in a rate, a missing date, or a rate already on that date: the summary says so, nothing saved."""
    provider = ProviderFactory()
    url = reverse("provider_rate_add", args=[provider.pk])
    client = client_as(commissioner)
    good = {"service_component": "Home Support", "unit_type": "Hourly", "amount": "£24.50",
            **date_fields("effective_from", datetime.date(2026, 4, 1))}  # fmt: skip
    response = client.post(url, good | {"amount": "twenty"})
    assert_error_summary(response, "The rate must be an amount of money")
    response = client.post(url, good | {"effective_from_0": "31", "effective_from_1": "2"})
    assert_error_summary(response, "must be a real date")
    response = client.post(url, good | {"service_component": "Hairdressing"})
    assert_error_summary(response, "Choose the service component")
    assert not Rate.objects.exists()
    assert client.post(url, good).status_code == 302
    assert Rate.objects.get().amount == Decimal("24.50")
    assert_error_summary(client.post(url, good), "already has a home support rate hourly from 1 April 2026")


def test_council_standard_rates(client_as, commissioner):
    client = client_as(commissioner)
    data = {"service_component": "Day Support", "unit_type": "Per session", "amount": "13.64",
            **date_fields("effective_from", datetime.date(2025, 4, 1))}  # fmt: skip
    response = client.post(reverse("council_rate_add"), data)
    assert response.status_code == 302 and response["Location"] == reverse("council_rates")
    assert Rate.objects.get(provider=None).amount == Decimal("13.64")
    assert "£13.64" in page(client.get(reverse("council_rates")))


# --------------------------------------------------------------------------------------------------
# Personal assistants
# --------------------------------------------------------------------------------------------------


def test_pa_register_and_detail_show_check_status(client_as, broker, commissioner):
    """The register shows each PA's status; a PA's page lists every check and what is missing or lapsed, using
    the council's re-check period."""
    current = with_checks(PaFactory(first_name="Priya", last_name="Current"), recorder=commissioner)
    lapsed = with_checks(PaFactory(first_name="Dana", last_name="Lapsed"), recorder=commissioner,
                         dbs_issued=TODAY - datetime.timedelta(days=4 * 365))  # fmt: skip
    PaFactory(first_name="Nobody", last_name="Checked", is_suspended=True, suspended_reason="A concern")
    client = client_as(broker)
    listing = page(client.get(reverse("pa_list")))
    for text in ("Priya Current", "Dana Lapsed", "All checks current", "Something missing or lapsed", "Suspended"):
        assert text in listing, text
    only = page(client.get(reverse("pa_list"), {"status": "current"}))
    assert "Priya Current" in only and "Dana Lapsed" not in only
    detail = page(client.get(lapsed.get_absolute_url()))
    assert "The DBS check has lapsed: it needs renewing" in detail and "Lapsed" in detail
    assert "re-checks DBS certificates after 3 years" in detail
    settings = CouncilSettings.current()
    settings.dbs_recheck_years = 5
    settings.save()
    assert "Nothing: every check is current." in page(client.get(lapsed.get_absolute_url()))
    assert "Record a check" in page(client.get(current.get_absolute_url()))


def test_add_a_pa_and_bad_input(client_as, broker):
    client = client_as(broker)
    response = client.post(reverse("pa_create"), {"first_name": "<b>", "last_name": "", "hourly_rate": "abc",
                                                  "hours_available": "200", "postcode": "XX"})  # fmt: skip
    assert_error_summary(
        response,
        "Names must only include letters",
        "Enter the last name",
        "The hourly rate must be an amount of money",
        "168 or less",
        "Enter a real postcode",
    )
    response = client.post(reverse("pa_create"), {"first_name": "Priya", "last_name": "Current", "areas": "NM1 NM2",
                                                  "service_components": ["Home Support"], "hourly_rate": "16",
                                                  "hours_available": "12", "is_active": "on"})  # fmt: skip
    pa = PersonalAssistant.objects.get()
    assert response.status_code == 302 and response["Location"] == pa.get_absolute_url()
    assert pa.areas == ["NM1", "NM2"] and pa.hourly_rate == Decimal("16.00")


def test_record_a_dbs_check(client_as, broker):
    """Choose the kind, then the DBS details: 12 digits, issue date, barred list, Update Service and the date its
    status was checked. Errors are in the summary; a good check is saved."""
    pa = PaFactory()
    client = client_as(broker)
    url = reverse("pa_check_add", args=[pa.pk])
    assert "Which check are you recording?" in page(client.get(url))
    assert_error_summary(client.get(url, {"kind": "bogus"}), "Choose which check you are recording")
    assert "Certificate number" in page(client.get(url, {"kind": "dbs"}))
    bad = {"kind": "dbs", "certificate_number": "1234", "update_service": "on", **date_fields("issued_on", TODAY)}
    assert_error_summary(
        client.post(url, bad), "12 digits", "Enter the date the Update Service status was last checked"
    )
    future = {"kind": "dbs", "certificate_number": "001234567890",
              **date_fields("issued_on", TODAY + datetime.timedelta(days=3))}  # fmt: skip
    assert_error_summary(client.post(url, future), "must be today or in the past")
    good = {"kind": "dbs", "certificate_number": "0012 3456 7890", "adult_barred_list": "on", "update_service": "on",
            **date_fields("issued_on", TODAY - datetime.timedelta(days=900)),
            **date_fields("update_service_checked_on", TODAY)}  # fmt: skip
    response = client.post(url, good)
    assert response.status_code == 302
    check = PaCheck.objects.get()
    assert check.certificate_number == "001234567890" and check.update_service and check.adult_barred_list
    assert check.update_service_checked_on == TODAY


def test_record_a_reference(client_as, broker):
    pa = PaFactory()
    client = client_as(broker)
    url = reverse("pa_check_add", args=[pa.pk])
    assert_error_summary(client.post(url, {"kind": "reference", "detail": ""}), "Enter who gave the reference")
    assert client.post(url, {"kind": "reference", "detail": "Former employer"}).status_code == 302
    assert PaCheck.objects.get().kind == "reference"


def test_suspend_and_reinstate_from_the_page(client_as, broker, commissioner):
    pa = with_checks(PaFactory(first_name="Sam", last_name="Jones"), recorder=commissioner)
    line = approved_line(pa=pa, support_kind="pa")
    client = client_as(commissioner)
    assert_error_summary(client.post(reverse("pa_suspend", args=[pa.pk]), {"reason": ""}), "Enter why")
    response = client.post(reverse("pa_suspend", args=[pa.pk]), {"reason": "Allegation being looked into"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert "Allegation being looked into" in line.flagged
    text = page(client.get(pa.get_absolute_url()))
    assert "Suspended: Allegation being looked into" in text and "Lift the suspension" in text
    assert client.post(reverse("pa_reinstate", args=[pa.pk]), {"reason": "Not upheld"}).status_code == 302
    line.refresh_from_db()
    assert line.flagged == ""


def test_alerts_page(client_as, commissioner, user_of_role):
    """Lists lapsing PA checks and insurance; a restricted person's name is not shown, only their council ID."""
    with_checks(PaFactory(first_name="Soon", last_name="Lapsing"), recorder=commissioner,
                dbs_issued=TODAY - datetime.timedelta(days=3 * 365 - 5))  # fmt: skip
    line = approved_line()
    person = line.plan.person
    person.is_restricted = True
    person.save()
    insure(person, expires_on=TODAY + datetime.timedelta(days=5))
    text = page(client_as(commissioner).get(reverse("check_alerts")))
    assert "Soon Lapsing" in text and "lapses on" in text and "Lapsing soon" in text
    assert person.council_id in text and person.full_name not in text


# --------------------------------------------------------------------------------------------------
# Arranging
# --------------------------------------------------------------------------------------------------


def arrange_url(line):
    return reverse("line_arrange", args=[line.plan_id, line.pk])


def test_arrange_page_lists_matches_and_makes_the_arrangement(client_as, social_worker):
    """A social worker sees the ranked matches for an approved line, chooses one, and the arrangement is made;
    its page shows the CLD Service event. Opening the page is logged as a view of the person's record."""
    cheap = ProviderFactory(name="Cheap Care")
    RateFactory(provider=cheap, amount=Decimal("21.00"))
    dear = ProviderFactory(name="Dear Care")
    RateFactory(provider=dear, amount=Decimal("27.00"))
    line = approved_line()
    client = client_as(social_worker)
    text = page(client.get(arrange_url(line)))
    assert text.index("Cheap Care") < text.index("Dear Care") and "£21.00" in text
    assert AuditEvent.objects.filter(action="view", person_id=line.plan.person_id).exists()
    response = client.post(arrange_url(line), {"choice": f"provider:{cheap.pk}", **date_fields("start_date", TODAY)})
    arrangement = Arrangement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("arrangement_detail", args=[arrangement.pk])
    detail = page(client.get(response["Location"]))
    for text in ("Client Level Data: Service event", "Event Type", "Service", "Long Term Support: Community",
                 "CASSR Managed Personal Budget", "Cost Frequency (Unit Type)", "Planned units per week"):  # fmt: skip
        assert text in detail, text
    again = page(client.get(arrange_url(line)))
    assert "This line is in place with Cheap Care" in again and "Arrange this support" not in again


def test_arrange_errors_are_in_the_summary(client_as, social_worker):
    line = approved_line()
    ProviderFactory()
    client = client_as(social_worker)
    assert_error_summary(client.post(arrange_url(line), {"start_date_0": "x"}), "Choose who will provide this support",
                         "Date the support starts must")  # fmt: skip
    response = client.post(arrange_url(line), {"choice": "provider:999999", **date_fields("start_date", TODAY)})
    assert_error_summary(response, "Choose who will provide this support from the list")
    assert not Arrangement.objects.exists()


def test_unregistered_provider_warning_and_checkbox(client_as, social_worker):
    """The page shows the warning and a checkbox; without ticking it the arrangement is refused with the warning in
    the summary; ticked, it is made."""
    provider = ProviderFactory(name="Wyndham Homecare", registration="not_registered", cqc_location_id="", rating="")
    line = approved_line()
    client = client_as(social_worker)
    text = page(client.get(arrange_url(line)))
    assert "Wyndham Homecare is not registered with the Care Quality Commission" in text
    assert "I have checked the provider" in text
    data = {"choice": f"provider:{provider.pk}", **date_fields("start_date", TODAY)}
    assert_error_summary(client.post(arrange_url(line), data), "Tick the box to confirm")
    assert client.post(arrange_url(line), data | {"acknowledge_unregistered": "on"}).status_code == 302
    assert Arrangement.objects.get().unregistered_warning_acknowledged


def test_lapsed_pa_refused_under_mandatory_and_informed_choice_under_recommended(client_as, broker, commissioner):
    pa = with_checks(PaFactory(first_name="Dana", last_name="Lapsed"), recorder=commissioner,
                     dbs_issued=TODAY - datetime.timedelta(days=4 * 365))  # fmt: skip
    line = approved_line(support_kind="pa")
    client = client_as(broker)
    text = page(client.get(arrange_url(line)))
    assert "Dana Lapsed" in text and "The DBS check has lapsed" in text and "informed choice" not in text.lower()
    data = {"choice": f"pa:{pa.pk}", **date_fields("start_date", TODAY)}
    assert_error_summary(client.post(arrange_url(line), data), "Dana Lapsed cannot start yet",
                         "The DBS check has lapsed: it needs renewing")  # fmt: skip
    settings = CouncilSettings.current()
    settings.pa_checks_policy = "recommended"
    settings.save()
    assert "The employer&#x27;s informed choice" in page(client.get(arrange_url(line)))
    response = client.post(
        arrange_url(line), data | {"informed_choice": "Mr Smith chooses Dana knowing the DBS lapsed"}
    )
    assert response.status_code == 302
    assert Arrangement.objects.get().informed_choice.startswith("Mr Smith")


def test_arrange_page_for_unapproved_plans_and_unpaid_lines(client_as, social_worker):
    draft = approved_line(status="draft")
    text = page(client_as(social_worker).get(arrange_url(draft)))
    assert "Support is arranged once the plan is approved" in text and "Arrange this support" not in text
    assert client_as(social_worker).post(arrange_url(draft), {}).status_code == 200
    unpaid = approved_line(management="none", support_kind="unpaid")
    assert "there is nothing to arrange" in page(client_as(social_worker).get(arrange_url(unpaid)))
    assert not Arrangement.objects.exists()


def test_who_may_arrange(client_as, user_of_role, social_worker, commissioner):
    """Arranging needs ARRANGE (commissioners and panel members get 403); the line must belong to the plan; a
    restricted record stays restricted."""
    line = approved_line()
    assert client_as(commissioner).get(arrange_url(line)).status_code == 403
    assert client_as(user_of_role(Role.PANEL_MEMBER)).get(arrange_url(line)).status_code == 403
    other = approved_line()
    wrong = reverse("line_arrange", args=[line.plan_id, other.pk])
    assert client_as(social_worker).get(wrong).status_code == 404
    person = line.plan.person
    person.is_restricted = True
    person.save()
    assert client_as(social_worker).get(arrange_url(line)).status_code == 403


def test_end_an_arrangement(client_as, social_worker, user_of_role):
    line = approved_line()
    client = client_as(social_worker)
    client.post(arrange_url(line), {"choice": f"provider:{ProviderFactory().pk}", **date_fields("start_date", TODAY)})
    arrangement = Arrangement.objects.get()
    url = reverse("arrangement_end", args=[arrangement.pk])
    assert client_as(user_of_role(Role.PANEL_MEMBER)).get(url).status_code == 403
    assert client_as(user_of_role(Role.PANEL_MEMBER)).get(
        reverse("arrangement_detail", args=[arrangement.pk])).status_code == 200  # fmt: skip
    assert_error_summary(client.post(url, {"reason": ""}), "Enter date the support ends", "Enter why")
    response = client.post(url, {"reason": "Moved to a care home", **date_fields("end_date", TODAY)})
    assert response.status_code == 302
    arrangement.refresh_from_db()
    assert arrangement.status == "ended" and arrangement.end_date == TODAY
    assert client.get(url).status_code == 404


def test_employer_insurance_page(client_as, broker):
    line = approved_line(management="direct_payment", support_kind="pa")
    person = line.plan.person
    client = client_as(broker)
    url = reverse("employer_insurance", args=[person.pk])
    assert "No policy recorded" in page(client.get(url))
    data = {"insurer": "Northmoor Mutual", "policy_number": "EL-9", **date_fields("starts_on", TODAY)}
    data |= date_fields("expires_on", TODAY - datetime.timedelta(days=1))
    assert_error_summary(client.post(url, data), "must be after the date it starts")
    data |= date_fields("expires_on", TODAY + datetime.timedelta(days=364))
    assert client.post(url, data).status_code == 302
    assert "Northmoor Mutual, EL-9" in page(client.get(url))


def test_someone_else_from_the_list_and_a_suspended_pa(client_as, broker, commissioner):
    """Anyone else offering the component can be chosen from the list; a suspended PA there is refused, with the
    message against the list in the summary."""
    line = approved_line(support_kind="pa")
    away = with_checks(PaFactory(first_name="Far", last_name="Away", areas=["NM9"]), recorder=commissioner)
    suspended = with_checks(PaFactory(first_name="Sus", last_name="Pended", is_suspended=True), recorder=commissioner)
    client = client_as(broker)
    text = page(client.get(arrange_url(line)))
    assert "Sus Pended (personal assistant) – suspended" in text
    data = {"other": f"pa:{suspended.pk}", **date_fields("start_date", TODAY)}
    text = assert_error_summary(client.post(arrange_url(line), data), "suspended while a concern is looked into")
    assert 'href="#id_other"' in text
    data = {"other": f"pa:{away.pk}", **date_fields("start_date", TODAY)}
    assert client.post(arrange_url(line), data).status_code == 302
    assert Arrangement.objects.get().pa == away

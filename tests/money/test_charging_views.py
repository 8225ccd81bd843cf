"""Staff charging pages (financial assessment form, result, letter, a person's list, the charging figures page)
and the charging figures admin (confirm action, un-confirming on edit, UNCONFIRMED message)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.money import charging_services as services
from selfdirect.money.models import ChargingFigure, FinancialAssessment, PersonalBudget
from selfdirect.rules.charging_figures import LABELS
from tests.factories import PersonFactory

from . import load_charging_figures

D = Decimal


@pytest.fixture
def years(db):
    return load_charging_figures()


@pytest.fixture
def finance_officer(user_of_role):
    return user_of_role(Role.FINANCE_OFFICER, first_name="Fin", last_name="Officer")


@pytest.fixture
def pensioner(db):
    """Born 1 March 1955: over 67 whenever these tests run (so pension credit age is pre-filled "yes")."""
    return PersonFactory(first_name="Edith", last_name="Clarke", date_of_birth=datetime.date(1955, 3, 1))


def form_data(year, **changes) -> dict:
    data = {
        "year": str(year.pk),
        "setting": "community",
        "household": "single",
        "age": "70",
        "reached_pension_credit_age": "yes",
        "dependent_children": "0",
        "capital": "18,450",
        "income_state_pension": "179.60",
        "income_attendance_allowance": "£60",
        "income_pip_mobility": "24.45",
        "weekly_housing_costs": "",
        "dre_amount": "10",
        "weekly_cost_of_care": "250.00",
        "reason": "First assessment",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def new_url(person) -> str:
    return reverse("financial_assessment_create", args=[person.pk])


# --- permissions -------------------------------------------------------------------------------------------


def test_social_worker_cannot_open_the_form(years, client_as, social_worker, pensioner):
    """Financial assessment is a finance task: a social worker gets 403 on the form and nothing is saved."""
    client = client_as(social_worker)
    assert client.get(new_url(pensioner)).status_code == 403
    assert client.post(new_url(pensioner), form_data(years["2021-22"])).status_code == 403
    assert not FinancialAssessment.objects.exists()


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.TEAM_MANAGER])
def test_finance_officer_and_team_manager_can_open_the_form(years, client_as, user_of_role, pensioner, role):
    """Finance officers and team managers get the form (200)."""
    response = client_as(user_of_role(role)).get(new_url(pensioner))
    assert response.status_code == 200
    assert "Financial assessment" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(years, client, pensioner):
    """Without signing in, the form redirects to the sign-in page."""
    response = client.get(new_url(pensioner))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_restricted_record_is_refused(years, client_as, finance_officer):
    """A restricted person's financial assessment form is refused to a finance officer who is not allocated."""
    restricted = PersonFactory(is_restricted=True)
    assert client_as(finance_officer).get(new_url(restricted)).status_code == 403


# --- the form ----------------------------------------------------------------------------------------------


def test_form_prefills_age_from_the_date_of_birth(years, client_as, finance_officer, pensioner):
    """Nothing typed twice: age (from the date of birth) and pension credit age are filled in."""
    form = client_as(finance_officer).get(new_url(pensioner)).context["form"]
    assert form["age"].value() == pensioner.age
    assert form["reached_pension_credit_age"].value() == "yes"


def test_form_prefills_from_the_current_assessment_and_budget(years, client_as, finance_officer, pensioner):
    """A re-assessment starts from the current assessment's answers, income lines included."""
    services.financial_assessment_complete(
        person=pensioner,
        year=years["2021-22"],
        actor=finance_officer,
        setting="community",
        household="couple",
        age=70,
        reached_pension_credit_age=True,
        capital=D("1000.00"),
        weekly_income=[{"type": "occupational_pension", "amount": D("55.10")}],
        weekly_disability_related_expenditure=D("4.00"),
        weekly_cost_of_care=D("123.45"),
    )
    form = client_as(finance_officer).get(new_url(pensioner)).context["form"]
    assert form["household"].value() == "couple"
    assert form["income_occupational_pension"].value() == D("55.10")
    assert form["weekly_cost_of_care"].value() == D("123.45")
    assert form["dre_amount"].value() == D("4.00")


def test_valid_form_completes_and_shows_the_result(years, client_as, finance_officer, pensioner):
    """A valid form saves the assessment (through the service) and redirects to the result page."""
    client = client_as(finance_officer)
    response = client.post(new_url(pensioner), form_data(years["2021-22"]))
    assessment = FinancialAssessment.objects.get(person=pensioner)
    assert response.status_code == 302
    assert response["Location"] == assessment.get_absolute_url()
    assert assessment.weekly_contribution == D("57.60")
    assert assessment.capital == D("18450.00")
    assert assessment.reason == "First assessment"
    page = client.get(response["Location"]).content.decode()
    assert "£57.60 a week" in page
    assert "Your weekly contribution is £57.60." in page
    assert "Fin Officer" in page


def test_standard_dre_box_stores_null(years, client_as, finance_officer, pensioner):
    """Ticking "use the council's standard allowance" stores a null DRE (once the council has set one)."""
    ChargingFigure.objects.filter(year=years["2021-22"], key="policy_standard_dre").update(amount=D("10.85"))
    response = client_as(finance_officer).post(
        new_url(pensioner), form_data(years["2021-22"], dre_amount="", dre_standard="on")
    )
    assert response.status_code == 302
    assessment = FinancialAssessment.objects.get(person=pensioner)
    assert assessment.weekly_disability_related_expenditure is None
    assert assessment.weekly_contribution == D("56.75")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capital": ""}, "Enter capital"),
        ({"capital": "lots"}, "Capital must be an amount of money"),
        ({"income_state_pension": "-5"}, "State Pension must be £0 or more"),
        ({"income_earnings": "1.234"}, "Earnings must not have more than 2 decimal places"),
        ({"age": "17"}, "Their age must be 18 or more"),
        ({"setting": None}, "Select where they get care"),
        ({"dre_standard": "on"}, "not both"),
        ({"weekly_cost_of_care": ""}, "Enter weekly cost of care"),
    ],
)
def test_bad_input_shows_an_error_summary_and_saves_nothing(
    years, client_as, finance_officer, pensioner, changes, message
):
    """Invalid answers re-show the form (200) with a GOV.UK error summary, and nothing is saved."""
    response = client_as(finance_officer).post(new_url(pensioner), form_data(years["2021-22"], **changes))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert message in page
    assert not FinancialAssessment.objects.exists()


def test_unconfirmed_figure_is_shown_on_the_year_question(years, client_as, finance_officer, pensioner):
    """2025-26 for a pensioner needs an UNCONFIRMED figure: the error summary names it; nothing is saved."""
    response = client_as(finance_officer).post(new_url(pensioner), form_data(years["2025-26"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Minimum income guarantee: single, pension credit age" in page
    assert 'href="#id_year_0"' in page
    assert not FinancialAssessment.objects.exists()


def test_year_choices_say_how_many_figures_are_unconfirmed(years, client_as, finance_officer, pensioner):
    """Each year in the form says how many of its figures are not yet confirmed."""
    page = client_as(finance_officer).get(new_url(pensioner)).content.decode()
    unconfirmed = years["2025-26"].unconfirmed().count()
    assert f"2025-26 ({unconfirmed} figures not yet confirmed)" in page


# --- result, letter, list ------------------------------------------------------------------------------------


@pytest.fixture
def assessment(years, finance_officer, pensioner):
    return services.financial_assessment_complete(
        person=pensioner,
        year=years["2021-22"],
        actor=finance_officer,
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        capital=D("18450.00"),
        weekly_income=[
            {"type": "state_pension", "amount": D("179.60")},
            {"type": "attendance_allowance", "amount": D("60.00")},
            {"type": "pip_mobility", "amount": D("24.45")},
        ],
        weekly_disability_related_expenditure=D("10.00"),
        weekly_cost_of_care=D("250.00"),
    )


def test_result_page_shows_every_line_and_history(client_as, finance_officer, assessment, years, pensioner):
    """The result page lists the calculation line by line, the explanation, who and when, and earlier ones."""
    later = services.financial_assessment_complete(
        person=pensioner,
        year=years["2021-22"],
        actor=finance_officer,
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        capital=D("0.00"),
        weekly_disability_related_expenditure=D("0.00"),
        weekly_cost_of_care=D("100.00"),
    )
    page = client_as(finance_officer).get(later.get_absolute_url()).content.decode()
    assert "(this assessment)" in page
    assert assessment.get_absolute_url() in page  # the earlier one, linked
    assert "Replaced by a later assessment" in page
    page = client_as(finance_officer).get(assessment.get_absolute_url()).content.decode()
    for text in ("£239.60 a week", "£24.45 a week", "£17.00 a week", "£189.00 a week", "£10.00 a week"):
        assert text in page
    assert "Not counted: the mobility part of Personal Independence Payment" in page
    assert "A later financial assessment has replaced this one" in page


def test_result_page_is_audited_as_a_read(client_as, finance_officer, assessment):
    """Opening a financial assessment is logged as a read of the person's record."""
    client_as(finance_officer).get(assessment.get_absolute_url())
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, person_id=assessment.person_id, summary="Opened a financial assessment"
    ).exists()


def test_social_worker_cannot_see_the_result_or_letter(client_as, social_worker, assessment):
    """The result and the letter are for staff who carry out financial assessments."""
    client = client_as(social_worker)
    assert client.get(assessment.get_absolute_url()).status_code == 403
    assert client.get(reverse("financial_assessment_letter", args=[assessment.pk])).status_code == 403


def test_letter_explains_every_line(client_as, finance_officer, assessment):
    """The letter says what is paid, what was counted and not and why, the MIG, the sums, and how to ask for a
    review."""
    response = client_as(finance_officer).get(reverse("financial_assessment_letter", args=[assessment.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "You will pay £57.60 a week towards your care." in page
    assert "No: the mobility part of Personal Independence Payment is always disregarded" in page
    assert "minimum income guarantee" in page and "£189.00 a week" in page
    assert "tariff income" in page and "£17.00 a week" in page
    assert "What you pay: the lower of the two" in page
    assert "ask for a review" in page
    assert "Dear Edith" in page


def test_person_list_links_each_assessment(client_as, finance_officer, assessment, pensioner):
    """The person's financial assessments page lists theirs and links to a new one."""
    page = client_as(finance_officer).get(reverse("person_financial_assessments", args=[pensioner.pk]))
    text = page.content.decode()
    assert assessment.get_absolute_url() in text
    assert new_url(pensioner) in text


def test_cost_of_care_is_prefilled_from_the_personal_budget(years, client_as, finance_officer, pensioner):
    """With no earlier financial assessment, the weekly cost of care comes from the current personal budget."""
    PersonalBudget.objects.create(
        person=pensioner,
        version=1,
        effective_from=datetime.date(2026, 1, 5),
        reason="Agreed at panel",
        weekly_total_cost=D("321.00"),
        weekly_person_contribution=D("0.00"),
        weekly_council_amount=D("321.00"),
        weekly_direct_payment=D("321.00"),
    )
    form = client_as(finance_officer).get(new_url(pensioner)).context["form"]
    assert form["weekly_cost_of_care"].value() == D("321.00")


# --- charging figures page -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.ADMINISTRATOR])
def test_charging_figures_page_shows_unconfirmed(years, client_as, user_of_role, role):
    """Finance officers and administrators see each year's figures with UNCONFIRMED tags and what blocks."""
    response = client_as(user_of_role(role)).get(reverse("charging_figures"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "UNCONFIRMED" in page
    assert "Minimum income guarantee: single, pension credit age" in page
    assert "£189.00" in page and "2021-22" in page and "2025-26" in page


def test_charging_figures_page_is_refused_to_social_workers(years, client_as, social_worker):
    """A social worker cannot see the charging figures page."""
    assert client_as(social_worker).get(reverse("charging_figures")).status_code == 403


# --- admin ---------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_user(user_of_role):
    return user_of_role(Role.ADMINISTRATOR, is_staff=True, is_superuser=True, username="admin1")


CHANGELIST = "/admin/money/chargingfigure/"


def test_admin_confirm_action(years, client_as, admin_user):
    """ "Confirm the selected figures" confirms them, records who and when, and audits each."""
    figure = ChargingFigure.objects.get(year=years["2021-22"], key="personal_expenses_allowance")
    response = client_as(admin_user).post(
        CHANGELIST, {"action": "confirm_selected", "_selected_action": [str(figure.pk)]}, follow=True
    )
    assert response.status_code == 200
    figure.refresh_from_db()
    assert figure.confirmed is True
    assert figure.confirmed_by == admin_user
    assert AuditEvent.objects.filter(object_type="money.chargingfigure", object_id=str(figure.pk)).exists()
    assert "Confirmed: 2021-22 Personal expenses allowance (care homes)" in response.content.decode()


def test_admin_confirm_refuses_a_blank_statutory_figure(years, client_as, admin_user):
    """The action refuses a figure with no amount, saying to set one, and leaves it unconfirmed."""
    figure = ChargingFigure.objects.get(year=years["2025-26"], key="premium_carer")
    response = client_as(admin_user).post(
        CHANGELIST, {"action": "confirm_selected", "_selected_action": [str(figure.pk)]}, follow=True
    )
    assert "Set an amount for 2025-26 Carer premium" in response.content.decode()
    figure.refresh_from_db()
    assert figure.confirmed is False


def test_admin_changelist_says_which_figures_are_unconfirmed(years, client_as, admin_user):
    """The changelist shows a message listing the UNCONFIRMED figures, and filters to them."""
    response = client_as(admin_user).get(CHANGELIST)
    page = response.content.decode()
    assert "UNCONFIRMED: " in page
    assert "2025-26 Minimum income guarantee: single, pension credit age" in page
    filtered = client_as(admin_user).get(CHANGELIST + "?status=unconfirmed")
    shown = set(filtered.context["cl"].result_list)
    assert shown == set(ChargingFigure.objects.filter(confirmed=False))


def test_admin_editing_an_amount_unconfirms_it(years, client_as, admin_user):
    """Changing a confirmed figure's amount in the admin un-confirms it until it is confirmed again."""
    figure = ChargingFigure.objects.get(year=years["2021-22"], key="mig_single_18_24")
    response = client_as(admin_user).post(
        f"{CHANGELIST}{figure.pk}/change/", {"amount": "72.50", "source": figure.source}
    )
    assert response.status_code == 302, response.content
    figure.refresh_from_db()
    assert (figure.amount, figure.confirmed, figure.confirmed_by) == (D("72.50"), False, None)


def test_admin_refuses_a_negative_amount(years, client_as, admin_user):
    """A negative amount is refused by the admin form."""
    figure = ChargingFigure.objects.get(year=years["2021-22"], key="mig_single_18_24")
    response = client_as(admin_user).post(f"{CHANGELIST}{figure.pk}/change/", {"amount": "-1", "source": "x"})
    assert response.status_code == 200
    figure.refresh_from_db()
    assert figure.amount == D("72.40")


def test_admin_cannot_confirm_without_the_role(years, client_as, user_of_role):
    """A staff account with admin access but no FINANCE_FIGURES role cannot confirm figures."""
    user = user_of_role(Role.SOCIAL_WORKER, is_staff=True, is_superuser=False)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_chargingfigure", "change_chargingfigure"]))
    figure = ChargingFigure.objects.get(year=years["2021-22"], key="personal_expenses_allowance")
    client_as(user).post(CHANGELIST, {"action": "confirm_selected", "_selected_action": [str(figure.pk)]})
    figure.refresh_from_db()
    assert figure.confirmed is False


@pytest.mark.parametrize(
    ("key", "amount", "message"),
    [
        ("tariff_step", "0", "must be more than £0"),
        ("capital_lower_limit", "30000", "must not be more than the upper capital limit"),
        ("capital_upper_limit", "1000", "must not be more than the upper capital limit"),
    ],
)
def test_admin_refuses_figures_the_engine_cannot_use(years, client_as, admin_user, key, amount, message):
    """A tariff step of £0 or capital limits the wrong way round are refused, so no assessment can crash."""
    figure = ChargingFigure.objects.get(year=years["2021-22"], key=key)
    response = client_as(admin_user).post(f"{CHANGELIST}{figure.pk}/change/", {"amount": amount, "source": "x"})
    assert response.status_code == 200
    assert message in response.content.decode()
    figure.refresh_from_db()
    assert figure.confirmed is True


def test_admin_new_year_gets_a_blank_row_for_every_figure(years, client_as, admin_user):
    """Adding a year in the admin gives it every figure, blank and unconfirmed, and audits the year."""
    response = client_as(admin_user).post(
        "/admin/money/chargingyear/add/",
        {
            "financial_year": "2026-27",
            "effective_from": "2026-04-06",
            "charging_figures-TOTAL_FORMS": "0",
            "charging_figures-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content
    figures = ChargingFigure.objects.filter(year__financial_year="2026-27")
    assert figures.count() == len(LABELS)
    assert not figures.filter(confirmed=True).exists()
    assert AuditEvent.objects.filter(object_type="money.chargingyear", action=AuditEvent.Action.CREATE).exists()


def test_admin_year_page_warns_of_unconfirmed_figures(years, client_as, admin_user):
    """A year's admin page says which of its figures are UNCONFIRMED."""
    page = client_as(admin_user).get(f"/admin/money/chargingyear/{years['2025-26'].pk}/change/").content.decode()
    assert "figures are UNCONFIRMED: 2025-26 " in page
    assert "2025-26 Minimum income guarantee: single, pension credit age" in page


@pytest.mark.parametrize(
    ("changes", "result_text", "letter_text"),
    [
        (
            {"setting": "care_home", "year": "2025-26", "weekly_cost_of_care": D("900.00")},
            "Personal expenses allowance (kept)",
            "You keep a personal expenses allowance of £30.65 a week",
        ),
        (
            {"capital": D("40000.00")},
            "above the upper capital limit, so the full cost is paid",
            "This is the full cost of your care",
        ),
        ({"weekly_cost_of_care": D("20.00")}, "never more than that", "you never pay more than your care costs"),
        ({"capital": D("0.00"), "weekly_income": []}, "£0.00", "You do not need to pay anything"),
    ],
    ids=["care home", "full cost", "capped at the cost", "nothing to pay"],
)
def test_result_and_letter_for_each_kind_of_outcome(
    years, client_as, finance_officer, pensioner, changes, result_text, letter_text
):
    """The result page and letter render and explain care homes, the full cost, the cap and a nil charge."""
    kwargs = {
        "setting": "community",
        "household": "single",
        "age": 70,
        "reached_pension_credit_age": True,
        "capital": D("18450.00"),
        "weekly_income": [{"type": "state_pension", "amount": D("240.00")}],
        "weekly_disability_related_expenditure": D("0.00"),
        "weekly_cost_of_care": D("250.00"),
        **changes,
    }
    kwargs["year"] = years[kwargs.pop("year", "2021-22")]
    assessment = services.financial_assessment_complete(person=pensioner, actor=finance_officer, **kwargs)
    client = client_as(finance_officer)
    result = client.get(assessment.get_absolute_url())
    letter = client.get(reverse("financial_assessment_letter", args=[assessment.pk]))
    assert result.status_code == letter.status_code == 200
    assert result_text in result.content.decode()
    assert letter_text in letter.content.decode()


def test_admin_adds_a_figure_unconfirmed(years, client_as, admin_user):
    """A figure added in the admin is saved unconfirmed, with an audit record."""
    year = years["2025-26"]
    ChargingFigure.objects.filter(year=year, key="premium_carer").delete()
    response = client_as(admin_user).post(
        f"{CHANGELIST}add/", {"year": str(year.pk), "key": "premium_carer", "amount": "53.25", "source": "LAC 2025"}
    )
    assert response.status_code == 302, response.content
    figure = ChargingFigure.objects.get(year=year, key="premium_carer")
    assert (figure.amount, figure.confirmed) == (D("53.25"), False)
    assert AuditEvent.objects.filter(
        object_type="money.chargingfigure", object_id=str(figure.pk), action=AuditEvent.Action.CREATE
    ).exists()

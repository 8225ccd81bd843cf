"""The yearly uprating (money/uprating.py and `manage.py uprate`): all or nothing, re-runnable, letters only for
changed contributions, budgets that still add up.

Contributions and budgets here are chosen so that binary floating point holds their sums exactly (checked by
`float_safe`), so the budgets' CHECK constraints pass on SQLite as well (see test_budget_services)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from selfdirect.core.models import AuditEvent
from selfdirect.money import uprating
from selfdirect.money.models import (
    ChargingFigure,
    ChargingYear,
    ContributionLetter,
    FinancialAssessment,
    PersonalBudget,
    UpratingRun,
)
from selfdirect.people.models import PersonEvent
from selfdirect.rules.charging import ChargingInput, Income, assess
from tests.factories import PersonFactory

TEST_PC_MIG = Decimal("230.00")  # a made-up amount standing in for the unconfirmed 2025-26 figure, in tests only


def float_safe(total: Decimal, contribution: Decimal) -> bool:
    return float(total) == float(contribution) + float(total - contribution)


def year(name: str) -> ChargingYear:
    return ChargingYear.objects.get(financial_year=name)


def confirm(name: str, key: str, amount: Decimal) -> None:
    ChargingFigure.objects.filter(year__financial_year=name, key=key).update(amount=amount, confirmed=True)


def assessment(
    person,
    *,
    on="2021-22",
    age,
    pension_age,
    incomes,
    capital="0.00",
    cost="400.00",
    dre="10.00",
    setting="community",
    status=FinancialAssessment.Status.COMPLETE,
) -> FinancialAssessment:
    """A financial assessment worked out by the per-person engine, as charging_services would store it."""
    charging_year = year(on)
    data = ChargingInput(
        financial_year=on,
        setting=setting,
        household="single",
        age=age,
        reached_pension_credit_age=pension_age,
        dependent_children=0,
        capital=Decimal(capital),
        weekly_income=tuple(Income(k, Decimal(a)) for k, a in incomes),
        weekly_housing_costs=Decimal("0.00"),
        weekly_disability_related_expenditure=Decimal(dre),
        weekly_cost_of_care=Decimal(cost),
    )
    result = assess(data, charging_year.figures())
    return FinancialAssessment.objects.create(
        person=person,
        year=charging_year,
        status=status,
        setting=setting,
        household="single",
        age=age,
        reached_pension_credit_age=pension_age,
        capital=Decimal(capital),
        weekly_income=[{"type": k, "amount": a} for k, a in incomes],
        weekly_housing_costs=Decimal("0.00"),
        weekly_disability_related_expenditure=Decimal(dre),
        weekly_cost_of_care=Decimal(cost),
        tariff_income=result.tariff_income,
        counted_income=result.counted_income,
        disregarded_income=result.disregarded_income,
        minimum_income_guarantee=result.minimum_income_guarantee,
        personal_expenses_allowance=result.personal_expenses_allowance,
        full_cost=result.full_cost,
        weekly_contribution=result.weekly_contribution,
        explanation=result.explanation,
        reason="Assessed",
    )


def budget(person, fa, *, total="400.00", version=1) -> PersonalBudget:
    total = Decimal(total)
    contribution = min(fa.weekly_contribution, total)
    assert float_safe(total, contribution)
    return PersonalBudget.objects.create(
        person=person,
        version=version,
        effective_from=datetime.date(2024, 5, 1),
        reason="Support plan agreed",
        weekly_total_cost=total,
        weekly_person_contribution=contribution,
        weekly_council_amount=total - contribution,
        weekly_council_managed=total,
        financial_assessment=fa,
    )


def born(age_in_2025: int) -> datetime.date:
    return datetime.date(2025 - age_in_2025, 1, 1)


@pytest.fixture
def council(db):
    """Six people:
    down     working age: 2025-26's higher minimum income guarantee lowers the contribution (148.60 -> 127.50)
    up       pension age: the State Pension rises (with the rises file) more than the MIG (70.20 -> 149.60)
    nil      income below the MIG both years: 0.00 -> 0.00
    full     capital above the upper limit: pays the full cost both years
    no_pb    a financial assessment but no personal budget (contribution changes: a letter, no budget)
    already  in a care home, assessed on 2025-26 already: skipped
    """
    people = {
        name: PersonFactory(date_of_birth=born(age))
        for name, age in [("down", 44), ("up", 74), ("nil", 30), ("full", 80), ("no_pb", 50), ("already", 85)]
    }
    working = [("employment_support_allowance", "150.00"), ("pip_daily_living", "100.00"), ("pip_mobility", "25.00")]
    old = assessment(people["down"], age=40, pension_age=False, incomes=working, status="superseded")
    fas = {
        "down": assessment(people["down"], age=40, pension_age=False, incomes=working),
        "up": assessment(
            people["up"],
            age=70,
            pension_age=True,
            incomes=[("state_pension", "179.60"), ("attendance_allowance", "89.60")],
        ),
        "nil": assessment(people["nil"], age=26, pension_age=False, incomes=[("universal_credit", "50.00")]),
        "full": assessment(
            people["full"],
            age=76,
            pension_age=True,
            capital="50000.00",
            cost="350.00",
            incomes=[("state_pension", "179.60")],
        ),
        "no_pb": assessment(
            people["no_pb"], age=46, pension_age=False, incomes=[("employment_support_allowance", "200.00")]
        ),
        "already": assessment(
            people["already"],
            on="2025-26",
            age=85,
            pension_age=True,
            setting="care_home",
            cost="900.00",
            incomes=[("state_pension", "230.25")],
        ),
    }
    assert old.pk < fas["down"].pk
    budgets = {name: budget(people[name], fas[name]) for name in ("down", "up", "nil", "already")}
    budgets["full"] = budget(people["full"], fas["full"], total="350.00")
    return {"people": people, "fas": fas, "budgets": budgets, "superseded": old}


RISES = """# test rises
income_type,current_amount,new_amount,percent
state_pension,179.60,300.00,
attendance_allowance,,,0
"""


def run(**kwargs):
    rises = uprating.parse_benefit_rises(RISES)
    return uprating.uprate(to_year="2025-26", benefit_rises=rises, **kwargs)


def snapshot() -> dict:
    return {
        "assessments": list(FinancialAssessment.objects.order_by("pk").values_list("pk", "status")),
        "budgets": list(PersonalBudget.objects.order_by("pk").values_list("pk", "is_current")),
        "letters": ContributionLetter.objects.count(),
        "runs": UpratingRun.objects.count(),
        "events": PersonEvent.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_uprating_counts_letters_and_budgets(council):
    """Everyone not yet on 2025-26 gets a new complete assessment replacing the old; contributions up, down and
    unchanged are counted; letters go only to those whose contribution changed; their budgets get a new version
    whose parts still add up; the run records its summary."""
    confirm("2025-26", "mig_single_pc_age", TEST_PC_MIG)
    result = run()
    people, fas = council["people"], council["fas"]
    summary = result.summary
    assert {k: summary[k] for k in ("people", "up", "down", "unchanged", "skipped_already_on_year")} == {
        "people": 5,
        "up": 1,
        "down": 2,
        "unchanged": 2,
        "skipped_already_on_year": 1,
    }
    new = {
        name: FinancialAssessment.objects.get(person=p, year__financial_year="2025-26") for name, p in people.items()
    }
    assert new["down"].weekly_contribution == Decimal("127.50")  # 275.00 - 25.00 mobility - 112.50 MIG - 10 DRE
    assert new["up"].weekly_contribution == Decimal("149.60")  # 300.00 + 89.60 - 230.00 - 10.00
    assert new["up"].weekly_income == [
        {"type": "state_pension", "amount": "300.00"},
        {"type": "attendance_allowance", "amount": "89.60"},
    ]
    assert new["nil"].weekly_contribution == 0 and new["full"].weekly_contribution == Decimal("350.00")
    assert new["full"].full_cost is True and new["full"].disability_related_expenditure_used is None
    assert new["down"].disability_related_expenditure_used == Decimal("10.00")
    for name in ("down", "up", "nil", "full", "no_pb"):
        fa = new[name]
        assert (fa.status, fa.reason, fa.replaces_id) == ("complete", "Uprating to 2025-26", fas[name].pk)
        assert fa.age == 2025 - people[name].date_of_birth.year  # age on 6 April 2025
        assert fa.explanation[-1] == f"Your weekly contribution is £{fa.weekly_contribution}."
        fas[name].refresh_from_db()
        assert fas[name].status == "superseded"
    assert new["already"].pk == fas["already"].pk  # not touched
    assert council["superseded"].replaces is None
    letters = {letter.person_id: letter for letter in ContributionLetter.objects.all()}
    assert set(letters) == {people["down"].pk, people["up"].pk, people["no_pb"].pk}
    assert (letters[people["up"].pk].old_contribution, letters[people["up"].pk].new_contribution) == (
        Decimal("70.20"),
        Decimal("149.60"),
    )
    assert all(letter.uprating_run == result.run and letter.status == "queued" for letter in letters.values())
    for name in ("down", "up"):
        current = PersonalBudget.objects.get(person=people[name], is_current=True)
        assert (current.version, current.reason) == (2, "Uprating to 2025-26")
        assert current.weekly_person_contribution == new[name].weekly_contribution
        assert current.weekly_total_cost == current.weekly_person_contribution + current.weekly_council_amount
        assert current.weekly_total_cost == current.weekly_council_managed == Decimal("400.00")
        assert current.financial_assessment == new[name]
        assert PersonalBudget.objects.filter(person=people[name]).count() == 2
    for name in ("nil", "full", "already"):
        assert PersonalBudget.objects.filter(person=people[name]).count() == 1
    assert result.run.summary["letters"] == 3 and result.run.summary["budgets_changed"] == 2
    # 148.60 + 70.20 + 0 + 350.00 + 98.60 before; 127.50 + 149.60 + 0 + 350.00 + 77.50 after
    assert (summary["total_weekly_contributions_before"], summary["after"], summary["change"]) == (
        "667.40",
        "704.60",
        "37.20",
    )
    assert result.run.finished_at is not None
    assert PersonEvent.objects.filter(title__startswith="Financial assessment uprated to 2025-26").count() == 5
    assert (
        AuditEvent.objects.filter(object_type="money.financialassessment", summary__startswith="Uprated").count() == 5
    )


def test_a_rise_that_pushes_the_contribution_past_the_total_is_capped(council):
    """Nobody pays more than their care costs: a budget's contribution is capped at its total, council pays 0."""
    confirm("2025-26", "mig_single_pc_age", TEST_PC_MIG)
    people = council["people"]
    PersonalBudget.objects.filter(person=people["up"]).delete()
    budget(people["up"], council["fas"]["up"], total="100.00")
    run()
    current = PersonalBudget.objects.get(person=people["up"], is_current=True)
    assert (current.weekly_person_contribution, current.weekly_council_amount) == (Decimal("100.00"), 0)
    assert PersonalBudget.objects.filter(person=people["up"]).count() == 2


def test_people_who_have_died_are_not_uprated(council):
    """Someone who has died gets no new assessment, budget or letter; the summary counts them as skipped."""
    confirm("2025-26", "mig_single_pc_age", TEST_PC_MIG)
    gone = council["people"]["down"]
    gone.date_of_death = datetime.date(2025, 1, 10)
    gone.save()
    summary = run().summary
    assert (summary["people"], summary["skipped_died"], summary["down"]) == (4, 1, 1)
    assert not FinancialAssessment.objects.filter(person=gone, year__financial_year="2025-26").exists()
    assert not ContributionLetter.objects.filter(person=gone).exists()
    assert FinancialAssessment.objects.get(pk=council["fas"]["down"].pk).status == "complete"


def test_dry_run_writes_nothing(council):
    """A dry run works everything out and reports it, and the database is exactly as it was."""
    confirm("2025-26", "mig_single_pc_age", TEST_PC_MIG)
    before = snapshot()
    result = run(dry_run=True)
    assert result.dry_run and result.summary["people"] == 5 and result.run is None
    assert "Dry run (nothing was changed)" in result.text()
    assert snapshot() == before


def test_an_unconfirmed_figure_someone_needs_is_refused_before_writing(council):
    """2025-26's pension-age MIG is unconfirmed and one person needs it (the other pension-age person pays the
    full cost, which needs no MIG): refused, naming it and how many, and nothing is written."""
    before = snapshot()
    with pytest.raises(uprating.UpratingBlocked) as refused:
        run()
    message = refused.value.message
    assert "'Minimum income guarantee: single, pension credit age' (1 person)" in message
    assert "Nothing was changed" in message
    assert refused.value.needed == {"mig_single_pc_age": 1}  # the full-cost person needs no MIG
    assert refused.value.summary["blocked"] == ["Minimum income guarantee: single, pension credit age"]
    assert snapshot() == before


def test_an_assessment_that_cannot_be_worked_out_is_refused_before_writing(council):
    """Someone whose disability-related expenditure is left to a standard allowance the council has not set for
    2025-26 cannot be assessed: the run is refused, naming them, and nothing is written."""
    confirm("2025-26", "mig_single_pc_age", TEST_PC_MIG)
    nil = council["fas"]["nil"]
    FinancialAssessment.objects.filter(pk=nil.pk).update(weekly_disability_related_expenditure=None)
    before = snapshot()
    with pytest.raises(uprating.UpratingError, match=rf"1 assessment\(s\) are not valid.*person {nil.person_id}: "):
        run()
    assert snapshot() == before


def test_running_twice_changes_nothing_the_second_time(council):
    """People already on the year are skipped: the second run says so and writes nothing."""
    confirm("2025-26", "mig_single_pc_age", TEST_PC_MIG)
    run()
    before = snapshot()
    again = run()
    assert again.nothing_to_do and "already on 2025-26" in again.text()
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_a_failure_half_way_leaves_nothing_written(council, monkeypatch):
    """If anything fails while writing (here: the letters, after assessments and budgets are written), the one
    transaction is rolled back: no new assessments, budgets, letters, events or run, and nothing superseded."""
    confirm("2025-26", "mig_single_pc_age", TEST_PC_MIG)
    before = snapshot()
    written = {}

    def fail(plan, new_ids, run, *, now):
        written["assessments"] = FinancialAssessment.objects.filter(year__financial_year="2025-26").count()
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(uprating, "_write_letters", fail)
    with pytest.raises(RuntimeError, match="disk is full"):
        run()
    assert written["assessments"] == 6  # they had been written inside the transaction
    assert snapshot() == before


def test_without_a_rises_file_incomes_stay_the_same(council):
    """No rises file: every income is carried over unchanged; only the figures change."""
    confirm("2025-26", "mig_single_pc_age", TEST_PC_MIG)
    uprating.uprate(to_year="2025-26")
    up = FinancialAssessment.objects.get(person=council["people"]["up"], year__financial_year="2025-26")
    assert up.weekly_income == council["fas"]["up"].weekly_income
    assert up.weekly_contribution == Decimal("29.20")  # 179.60 + 89.60 - 230.00 - 10.00


def test_benefit_rises_file_errors_name_their_lines():
    """Each bad line is reported with its line number; nothing is applied."""
    text = """income_type,current_amount,new_amount,percent
state_pension,,230.25,4.1
winnings,,10.00,
attendance_allowance,60,abc,

attendance_allowance,,,200
state_pension,,,2
state_pension,,,3
too,many,values,here,now
"""
    with pytest.raises(uprating.BenefitRisesError) as bad:
        uprating.parse_benefit_rises(text)
    errors = bad.value.errors
    assert errors[0] == "line 2: give either a new weekly amount or a percentage rise (exactly one of them)"
    assert errors[1].startswith("line 3: unknown income type 'winnings'")
    assert errors[2] == "line 4: new amount 'abc' must be pounds and pence, like 179.60"
    assert errors[3] == "line 6: percentage rise 200 must be more than -100 and at most 100"
    assert errors[4] == "line 8: the same income type and current amount as line 7"
    assert errors[5].startswith("line 9: expected 4 values")
    with pytest.raises(uprating.BenefitRisesError, match="first line must be the header"):
        uprating.parse_benefit_rises("state_pension,,1.00,\n")
    with pytest.raises(uprating.BenefitRisesError, match="no rises"):
        uprating.parse_benefit_rises("# nothing\nincome_type,current_amount,new_amount,percent\n")


def test_rises_match_exact_amounts_first_and_round_half_up():
    """A line for an exact current amount wins over one for the whole type; percentages round half up."""
    import polars as pl

    rises = uprating.parse_benefit_rises(
        "income_type,current_amount,new_amount,percent\n"
        "attendance_allowance,60.00,73.90,\nattendance_allowance,,,1.7\nstate_pension,,,10\n"
    )
    incomes = pl.DataFrame(
        {
            "type": ["attendance_allowance", "attendance_allowance", "state_pension", "state_pension", "earnings"],
            "amount": [6_000, 8_960, 15, 14, 10_000],
        }
    )
    out = uprating.apply_rises(incomes, rises)["new_amount"].to_list()
    # 89.60 * 1.017 = 91.1232 -> 91.12; 0.15 * 1.1 = 0.165 -> 0.17 (half up); 0.14 * 1.1 = 0.154 -> 0.15
    assert out == [7_390, 9_112, 17, 15, 10_000]


def test_the_command_reports_and_refuses(council, tmp_path):
    """`manage.py uprate`: a progress bar on stderr and the summary on stdout; a refusal is a CommandError;
    a bad rises file is reported with line numbers."""
    rises = tmp_path / "rises.csv"
    rises.write_text(RISES, encoding="utf-8")
    with pytest.raises(CommandError, match="pension credit age"):
        call_command("uprate", to_year="2025-26", benefit_rises=str(rises), stdout=io.StringIO())
    bad = tmp_path / "bad.csv"
    bad.write_text("income_type,current_amount,new_amount,percent\nstate_pension,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2: give either"):
        call_command("uprate", to_year="2025-26", benefit_rises=str(bad))
    with pytest.raises(CommandError, match="no charging figures for 2030-31"):
        call_command("uprate", to_year="2030-31")
    confirm("2025-26", "mig_single_pc_age", TEST_PC_MIG)
    out, err = io.StringIO(), io.StringIO()
    call_command("uprate", to_year="2025-26", benefit_rises=str(rises), stdout=out, stderr=err)
    assert "Uprated 5 people to 2025-26" in out.getvalue() and "letters queued: 3" in out.getvalue()
    assert "Uprating to 2025-26" in err.getvalue() and "100%" in err.getvalue()
    out = io.StringIO()
    call_command("uprate", to_year="2025-26", stdout=out, stderr=io.StringIO())
    assert "Nothing to do" in out.getvalue()


def test_the_seeded_council_has_money_that_adds_up_and_can_be_uprated(db):
    """seed_money gives everyone with an eligible needs assessment a personal budget and most of them a complete
    financial assessment (2021-22, or 2025-26 in a care home); running it again adds nothing; the uprating to
    2025-26 is refused until its figures are confirmed, then uprates everyone on 2021-22."""

    from selfdirect.assessments.models import Assessment
    from selfdirect.assessments.seeding import seed_assessment_pathway
    from selfdirect.money.seeding import seed_money
    from selfdirect.people.seeding import seed_council

    seed_council(people=400, seed=3, as_of=datetime.date(2026, 1, 1))
    seed_assessment_pathway(seed=3)
    counts = seed_money(seed=3)
    eligible = set(
        Assessment.objects.filter(
            kind="needs", status="signed_off", decision_eligible=True, person__date_of_death__isnull=True
        ).values_list("person_id", flat=True)
    )
    assert counts["personal_budgets"] == len(eligible) > 0
    assert set(PersonalBudget.objects.values_list("person_id", flat=True)) == eligible
    assert 0 < counts["financial_assessments"] < counts["personal_budgets"]
    # In Python, with exact Decimals: the database's own comparison is what is being checked here.
    assert all(
        b.weekly_total_cost == b.weekly_person_contribution + b.weekly_council_amount
        for b in PersonalBudget.objects.all()
    )
    assert set(FinancialAssessment.objects.values_list("year__financial_year", flat=True)) <= {"2021-22", "2025-26"}
    assert seed_money(seed=3)["personal_budgets"] == 0
    with pytest.raises(uprating.UpratingBlocked):
        uprating.uprate(to_year="2025-26")
    for figure in ChargingFigure.objects.filter(year__financial_year="2025-26", confirmed=False):
        confirm("2025-26", figure.key, Decimal("100.00"))
    result = uprating.uprate(to_year="2025-26")
    on_2021 = FinancialAssessment.objects.filter(year__financial_year="2021-22").count()
    assert result.summary["people"] == on_2021 and result.summary["letters"] == ContributionLetter.objects.count()

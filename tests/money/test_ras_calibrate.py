"""`manage.py ras_calibrate`: price per point fitted to approved budgets (least squares through the origin),
and the equity check by primary support reason × age band, on synthetic cases with one group deliberately
under-funded by the RAS."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from selfdirect.assessments.models import Assessment, OutcomeAnswer, QuestionBank
from selfdirect.money import ras_selectors, ras_services
from selfdirect.money.models import IndicativeBudget, PersonalBudget, RasTable
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PHYSICAL = "Physical Support: Personal care support"
LD = "Learning Disability Support"
MH = "Mental Health Support"


def make_case(*, reason, age, points, approved, table=None, price=Decimal("18.60"), outcomes=(), old_budget=None):
    """One person: a signed-off eligible assessment, an indicative budget of `points` (stored as worked out
    with `table`), and a current approved personal budget of `approved` a week."""
    table = table or RasTable.objects.get(version=1)
    today = timezone.localdate()
    person = PersonFactory(date_of_birth=today.replace(year=today.year - age) - datetime.timedelta(days=10))
    assessment = Assessment.objects.create(
        person=person,
        question_bank=QuestionBank.objects.filter(published_at__isnull=False).first(),
        status=Assessment.Status.SIGNED_OFF,
        assessment_type="Care Act Needs Assessment",
        method="Face to Face",
        primary_support_reason=reason,
        decision_eligible=True,
        signed_off_at=timezone.now(),
    )
    for code in outcomes:
        OutcomeAnswer.objects.create(
            assessment=assessment, code=code, unable_reasons=["without_assistance"], frequency="daily"
        )
    points = Decimal(str(points))
    budget = IndicativeBudget.objects.create(
        assessment=assessment,
        person=person,
        table=table,
        points=points,
        weekly_amount=(points * price).quantize(Decimal("0.01")),
        explanation=[],
    )
    approved = Decimal(str(approved)).quantize(Decimal("0.01"))
    if old_budget is not None:
        PersonalBudget.objects.create(
            person=person,
            version=1,
            is_current=False,
            effective_from=today - datetime.timedelta(days=400),
            reason="Earlier plan",
            weekly_total_cost=old_budget,
            weekly_person_contribution=0,
            weekly_council_amount=old_budget,
            weekly_council_managed=old_budget,
        )
    PersonalBudget.objects.create(
        person=person,
        version=2 if old_budget is not None else 1,
        effective_from=today,
        reason="Support plan approved",
        weekly_total_cost=approved,
        weekly_person_contribution=Decimal("0.00"),
        weekly_council_amount=approved,
        weekly_council_managed=approved,
    )
    return budget


def synthetic_council():
    """Physical personal care 65+ funded about right (10 cases), learning disability 18-64 given 70% of what
    planning approves (6 cases), mental health 18-64 given half but only 3 cases."""
    for i in range(10):
        points = 6 + 3 * i
        make_case(reason=PHYSICAL, age=80, points=points, approved=points * 18.6 * (0.95, 1.0, 1.05)[i % 3])
    for i in range(6):
        points = 20 + 4 * i
        make_case(reason=LD, age=30, points=points, approved=points * 18.6 / 0.7)
    for i in range(3):
        make_case(reason=MH, age=40, points=12 + i, approved=(12 + i) * 18.6 * 2)


def test_under_funded_group_is_flagged_and_small_groups_are_not(capsys):
    """Learning disability 18-64 (median 0.70, n=6) is flagged; mental health (0.50, n=3) is too few to judge;
    personal care 65+ (median 1.00) is fine."""
    synthetic_council()
    report = ras_selectors.ras_equity()
    groups = {(g.primary_support_reason, g.age_band): g for g in report.groups}
    ld, mh, physical = groups[(LD, "18-64")], groups[(MH, "18-64")], groups[(PHYSICAL, "65+")]
    assert ld.n == 6 and ld.median_ratio == pytest.approx(0.7, abs=0.001) and ld.under_funded
    assert mh.n == 3 and mh.median_ratio == pytest.approx(0.5, abs=0.001) and not mh.under_funded
    assert not mh.enough_cases
    assert physical.n == 10 and physical.median_ratio == pytest.approx(1.0, abs=0.01) and not physical.under_funded
    assert physical.q25_ratio < physical.median_ratio < physical.q75_ratio
    assert [g.label for g in report.flagged] == [f"{LD}, 18-64"]

    call_command("ras_calibrate")
    out = capsys.readouterr().out
    ld_line = next(line for line in out.splitlines() if line.strip().startswith(LD))
    assert "UNDER-FUNDED BY THE RAS" in ld_line and "0.70" in ld_line
    assert "1 group(s) under-funded by the RAS" in out and f"{LD}, 18-64" in out
    assert "too few to judge" in next(line for line in out.splitlines() if line.strip().startswith(MH))


def test_fit_is_exact_when_budgets_are_proportional(capsys):
    """Approved = 20 x points for everyone: price per point £20.00, R² 1, no residual spread."""
    for i, reason in enumerate([PHYSICAL, LD, MH, PHYSICAL, LD]):
        make_case(reason=reason, age=50 + i, points=5 + 7 * i, approved=(5 + 7 * i) * 20)
    fit = ras_selectors.ras_equity().fit
    assert fit.n == 5 and fit.price_per_point == Decimal("20.00")
    assert fit.r_squared == pytest.approx(1.0) and fit.residual_sd == Decimal("0.00")
    call_command("ras_calibrate")
    assert "price per point £20.00 (table: £18.60/point), R²=1.000" in capsys.readouterr().out


def test_fit_matches_a_hand_calculation():
    """Points 1, 2, 3 and approved £2, £4, £7: price 31/14 = £2.21, R² 0.972, residual SD £0.42."""
    for points, approved in [(1, 2), (2, 4), (3, 7)]:
        make_case(reason=PHYSICAL, age=70, points=points, approved=approved)
    fit = ras_selectors.ras_equity().fit
    assert fit.price_per_point == Decimal("2.21")
    assert fit.r_squared == pytest.approx(0.97180, abs=1e-4) and fit.residual_sd == Decimal("0.42")


def test_only_current_budgets_and_latest_indicative_budgets_count():
    """A person's replaced personal budget is ignored, and so is anyone with no approved budget at all."""
    make_case(reason=PHYSICAL, age=70, points=10, approved=200, old_budget=Decimal("999.00"))
    person_without = PersonFactory()
    assessment = Assessment.objects.create(
        person=person_without,
        question_bank=QuestionBank.objects.first(),
        assessment_type="Care Act Needs Assessment",
        method="Face to Face",
    )
    IndicativeBudget.objects.create(
        assessment=assessment, person=person_without, table=RasTable.objects.get(version=1), points=5, weekly_amount=93
    )
    report = ras_selectors.ras_equity()
    assert report.cases == 1 and report.fit.price_per_point == Decimal("20.00")


def test_apply_makes_a_draft_with_the_fitted_price(capsys, team_manager):
    """--apply: a new draft version with the fitted price and the same rules, for an administrator to publish."""
    for i in range(6):
        make_case(reason=PHYSICAL, age=70, points=6 + i, approved=(6 + i) * 21)
    call_command("ras_calibrate", "--apply", "--user", team_manager.username)
    draft = RasTable.objects.get(version=2)
    assert draft.published_at is None and draft.prices.get().price_per_point == Decimal("21.00")
    assert draft.rules.count() == RasTable.objects.get(version=1).rules.count()
    assert "Draft version 2 made with £21.00 per point" in capsys.readouterr().out
    assert RasTable.objects.filter(published_at__isnull=False).count() == 1


def test_without_apply_nothing_is_created():
    """A report alone creates no version."""
    make_case(reason=PHYSICAL, age=70, points=6, approved=120)
    call_command("ras_calibrate")
    assert RasTable.objects.count() == 1


def test_a_draft_is_calibrated_by_scoring_real_cases_again(team_manager):
    """--table 2 (a draft with base 2 for nutrition and hygiene): the cases, stored with version 1 at 12 points,
    are scored again at 14 points, and the fit uses those."""
    for age in range(60, 66):
        make_case(reason=PHYSICAL, age=age, points=12, approved=280, outcomes=("a", "b"))
    draft = ras_services.ras_table_new_draft(table=RasTable.objects.get(version=1), actor=team_manager)
    draft.rules.filter(key__in=["outcome:a", "outcome:b"]).update(points=2)
    old = ras_selectors.ras_equity()
    new = ras_selectors.ras_equity(table=draft)
    assert old.rescored == 0 and old.fit.price_per_point == Decimal("23.33")
    assert new.rescored == 6 and new.fit.price_per_point == Decimal("20.00")


def test_unknown_version_and_no_data_are_reported(capsys):
    """--table 9 is refused; with no cases the command says there is nothing to fit, and --apply refuses."""
    with pytest.raises(CommandError, match="no RAS table version 9"):
        call_command("ras_calibrate", "--table", "9")
    call_command("ras_calibrate")
    assert "Nothing to fit" in capsys.readouterr().out
    with pytest.raises(CommandError, match="needs a fit"):
        call_command("ras_calibrate", "--apply")

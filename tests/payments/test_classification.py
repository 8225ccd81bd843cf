"""Classification (issue 6, item 4): visible, editable rules in order (payee and description words, merchant
category codes, direction); a finance officer reclassifies a line, which reverses and reposts in the ledger (never
an edit) and is audited; the Polars classifier agrees with the rules line by line."""

import datetime
import random
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError
from selfdirect.payments import classification
from selfdirect.payments.classification import DEFAULT_RULES, classify, classify_frame, compile_rules
from selfdirect.payments.models import ClassificationRule, LedgerTransaction, StatementLine
from selfdirect.payments.selectors import balance
from tests.payments.test_statements import (
    HEADER,
    council_payment,
    finance_officer,
    import_fixture,
    import_text,
    make_agreement,
)

RULES = compile_rules(DEFAULT_RULES)


def category_of(description, payee="", mcc="", amount="-10.00", rules=RULES):
    return classify(description=description, payee=payee, mcc=mcc, amount=Decimal(amount), rules=rules)[0]


@pytest.mark.parametrize(
    "description, payee, mcc, amount, expected",
    [
        ("Direct payment", "Northmoor Council", "", "500.00", "council_payment"),
        ("NORTHMOOR COUNCIL DP PAYMENT", "", "", "500.00", "council_payment"),  # no payee column: the description
        ("Refund to council", "Northmoor Council", "", "-50.00", "other"),  # money out: not a council payment in
        ("Client contribution", "M SMITH", "", "98.00", "contribution"),
        ("Cash", "ATM HIGH ST", "6011", "-20.00", "cash"),
        ("CASH WITHDRAWAL ATM HIGH ST", "", "", "-20.00", "cash"),
        ("PAYE", "HMRC", "", "-61.20", "tax_pension"),
        ("Monthly fee", "Northmoor Payroll Services", "", "-15.00", "payroll_service"),
        ("WAGES WEEK 40", "J SMITH", "", "-245.50", "pa_wages"),
        ("PA SALARY", "", "", "-245.50", "pa_wages"),
        ("Policy", "Mark Bates Insurance", "", "-8.75", "insurance"),
        ("Invoice 3321", "BRIGHT HOME CARE LTD", "8099", "-280.00", "agency_care"),
        ("Bath seat", "NRS HEALTHCARE", "5047", "-39.99", "equipment"),
        ("Taxi", "NORTHMOOR CABS", "4121", "-14.60", "transport"),
        ("Bus", "STAGECOACH", "4131", "-2.00", "transport"),
        ("Cinema", "ODEON", "7832", "-9.50", "activities"),
        ("Swim", "Northmoor Leisure Centre", "", "-4.20", "activities"),
        ("Groceries", "TESCO STORES", "5411", "-23.10", "other"),
        ("Honest Burgers", "Honest Burgers", "5812", "-12.00", "other"),  # "nest" alone is not a pension
        ("Business rates", "", "", "-12.00", "other"),  # "bus" alone is not transport
    ],
)
def test_the_default_rules(description, payee, mcc, amount, expected):
    """Each kind of spending the issue names is recognised by a default rule; anything else is "other"."""
    assert category_of(description, payee, mcc, amount) == expected


def test_the_first_matching_rule_in_order_wins_and_case_is_ignored():
    rules = compile_rules(
        [
            {"id": 2, "order": 20, "category": "equipment", "payee_pattern": "boots"},
            {"id": 1, "order": 10, "category": "activities", "description_pattern": "CLIMBING"},
        ]
    )
    assert category_of("Climbing boots", "BOOTS", rules=rules) == "activities"
    assert category_of("Shoes", "Boots", rules=rules) == "equipment"


def test_every_condition_a_rule_sets_must_match():
    (rule,) = compile_rules(
        [{"category": "transport", "payee_pattern": "rail", "mcc_codes": "4112", "direction": "out"}]
    )
    assert category_of("Ticket", "National Rail", "4112", rules=[rule]) == "transport"
    assert category_of("Ticket", "National Rail", "5999", rules=[rule]) == "other"
    assert category_of("Ticket", "National Rail", "4112", amount="5.00", rules=[rule]) == "other"
    assert category_of("Ticket", "Bus", "4112", rules=[rule]) == "other"


def test_inactive_rules_and_rules_with_nothing_to_look_for_are_skipped():
    rules = compile_rules(
        [
            {"category": "cash", "payee_pattern": "shop", "is_active": False},
            {"category": "equipment"},  # matches nothing: would otherwise match everything
        ]
    )
    assert rules == []
    assert category_of("anything", "shop", rules=rules) == "other"


@pytest.mark.django_db
def test_rules_are_installed_once_and_a_councils_own_rules_are_left_alone():
    """The migration installs the defaults; installing again adds nothing, nor when a council has its own."""
    classification.rules_install_defaults()
    count = ClassificationRule.objects.count()
    assert count == len(DEFAULT_RULES)
    assert classification.rules_install_defaults() == 0
    assert ClassificationRule.objects.count() == count


@pytest.mark.django_db
def test_a_rule_is_saved_tidied_and_audited():
    actor = finance_officer()
    rule = ClassificationRule(order=5, category="equipment", payee_pattern=" Mobility ,, AIDS ", mcc_codes="5047 5976")
    classification.rule_save(rule=rule, actor=actor)
    rule.refresh_from_db()
    assert (rule.payee_pattern, rule.mcc_codes) == ("mobility, aids", "5047, 5976")
    event = AuditEvent.objects.get(object_type="payments.classificationrule", object_id=str(rule.pk))
    assert event.action == AuditEvent.Action.CREATE and event.actor == actor
    rule.category = "activities"
    classification.rule_save(rule=rule, actor=actor)
    changed = AuditEvent.objects.filter(object_id=str(rule.pk), action=AuditEvent.Action.UPDATE).get()
    assert changed.changes == {"category": ["equipment", "activities"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"mcc_codes": "50, abcd"}, "mcc_codes", "50, abcd is not"),
        ({}, "payee_pattern", "Give the rule at least one thing to look for"),
    ],
)
def test_a_rule_that_could_not_work_is_refused(fields, field, message):
    with pytest.raises(DomainError, match=message) as caught:
        classification.rule_save(rule=ClassificationRule(category="cash", **fields), actor=finance_officer())
    assert caught.value.field == field
    assert not ClassificationRule.objects.filter(category="cash", order=100).exists()


@pytest.mark.django_db
def test_imports_use_the_rules_as_edited():
    """A new rule takes effect on the next import; nothing hidden changes what it does."""
    agreement = make_agreement()
    classification.rule_save(
        rule=ClassificationRule(order=1, category="equipment", payee_pattern="mobility aids"), actor=finance_officer()
    )
    import_text(agreement, HEADER + "01/10/2025,Walking frame,Mobility Aids Direct,-45.00,,\n")
    line = StatementLine.objects.get(agreement=agreement)
    assert line.category == "equipment" and line.rule.payee_pattern == "mobility aids"


# --- Reclassifying ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reclassifying_reverses_and_reposts_never_edits_and_is_audited():
    agreement = make_agreement(account_identifier="40-11-22 12345678")
    actor = finance_officer()
    import_fixture(agreement, "bank_money_in_out.csv", "High-street bank (Money In and Money Out)")
    line = StatementLine.objects.get(agreement=agreement, description="MOBILITY AIDS DIRECT")
    assert line.category == "other"
    original = line.ledger_transaction
    before = balance(agreement=agreement)
    classification.statement_line_reclassify(line=line, category="equipment", actor=actor, reason="Receipt: rollator")
    line.refresh_from_db()
    assert (line.category, line.rule, line.reclassified_by) == ("equipment", None, actor)
    assert line.reclassified_at is not None
    # The original posting is untouched and reversed; a new one carries the new category.
    original.refresh_from_db()
    assert original.category == "other"
    assert LedgerTransaction.objects.get(reverses=original).occurred_on == line.occurred_on
    assert (line.ledger_transaction.category, line.ledger_transaction.kind) == ("equipment", "spending")
    assert line.ledger_transaction != original
    # The holder's balance is the same, on every day.
    assert balance(agreement=agreement) == before
    assert balance(agreement=agreement, on=line.occurred_on) == balance(agreement=agreement, on=line.occurred_on)
    event = AuditEvent.objects.get(object_type="payments.statementline", object_id=str(line.pk))
    assert event.changes == {"category": ["other", "equipment"], "reason": ["", "Receipt: rollator"]}
    assert event.person_id == agreement.person_id


@pytest.mark.django_db
def test_reclassifying_money_in_as_a_contribution_moves_it_between_ledger_accounts():
    agreement = make_agreement()
    import_text(agreement, HEADER + "01/10/2025,Transfer,M SMITH,98.00,,\n")
    line = StatementLine.objects.get(agreement=agreement)
    assert line.category == "other"
    classification.statement_line_reclassify(line=line, category="contribution", actor=finance_officer())
    line.refresh_from_db()
    entries = {e.account.kind: e.amount for e in line.ledger_transaction.entries.select_related("account")}
    assert entries == {"holder": Decimal("98.00"), "contribution": Decimal("-98.00")}
    assert balance(agreement=agreement) == Decimal("98.00")
    assert balance(agreement=agreement, kind="spending") == 0


@pytest.mark.django_db
def test_reclassifying_money_in_as_a_council_payment_links_it_instead_of_posting():
    """Money in that was really the council's payment: the line's own posting is reversed and it is linked to the
    payment run's transaction, so the payment is counted once."""
    agreement = make_agreement()
    paid = council_payment(agreement, "500.00", datetime.date(2025, 10, 1))
    import_text(agreement, HEADER + "02/10/2025,BACS credit,NMBC REF 991,500.00,,\n")
    line = StatementLine.objects.get(agreement=agreement)
    assert line.category == "other"
    assert balance(agreement=agreement) == Decimal("1000.00")  # counted twice until it is put right
    classification.statement_line_reclassify(line=line, category="council_payment", actor=finance_officer())
    line.refresh_from_db()
    assert line.ledger_transaction == paid
    assert balance(agreement=agreement) == Decimal("500.00")
    # And back again: the link is dropped and the line posted on its own.
    classification.statement_line_reclassify(line=line, category="other", actor=finance_officer())
    line.refresh_from_db()
    assert line.ledger_transaction != paid and line.ledger_transaction.category == "other"
    assert balance(agreement=agreement) == Decimal("1000.00")


@pytest.mark.django_db
def test_reclassifying_to_the_same_category_or_an_unknown_one_is_refused():
    agreement = make_agreement()
    import_text(agreement, HEADER + "01/10/2025,Bus,First Bus,-2.50,,\n")
    line = StatementLine.objects.get(agreement=agreement)
    with pytest.raises(DomainError, match="already transport"):
        classification.statement_line_reclassify(line=line, category="transport", actor=finance_officer())
    with pytest.raises(DomainError, match="Choose a category"):
        classification.statement_line_reclassify(line=line, category="lottery", actor=finance_officer())


# --- The vectorised classifier ---------------------------------------------------------------------------------

WORDS = [
    "wages", "WAGES", "salary", "hmrc", "payroll", "Insurance", "council", "contribution", "atm", "cash withdrawal",
    "taxi", "first bus", "leisure centre", "home care", "tesco", "café", "nest pension", "gym", "honest", "", "x",
]  # fmt: skip
MCCS = ["", "6011", "6010", "5047", "5976", "4111", "4121", "4131", "7832", "7999", "5411", " 4121 "]


def random_lines(n: int, seed: int):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        rows.append(
            {
                "description": " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 3))),
                "payee": rng.choice(["", *WORDS]),
                "mcc": rng.choice(MCCS),
                "amount": rng.choice([-1, 1]) * rng.randint(1, 100_000),
            }
        )
    return rows


def test_the_polars_classifier_agrees_with_the_rules_line_by_line():
    """20,000 random lines built from the rules' own words: every line gets the same category both ways."""
    rows = random_lines(20_000, seed=6)
    frame = classify_frame(pl.DataFrame(rows), RULES)
    for row, got in zip(rows, frame["category"], strict=True):
        want = category_of(row["description"], row["payee"], row["mcc"], Decimal(row["amount"]))
        assert got == want, row


@settings(max_examples=200, deadline=None)
@given(
    description=st.text(alphabet=st.sampled_from("abcdeghilmnorstwxyATMHC é£"), max_size=20),
    payee=st.text(alphabet=st.sampled_from("abcdeghilmnorstwxyATMHC "), max_size=12),
    mcc=st.sampled_from(MCCS),
    amount=st.integers(-10_000, 10_000),
    patterns=st.lists(st.text(alphabet="acehmtw", min_size=1, max_size=3), min_size=1, max_size=3),
)
def test_the_polars_classifier_agrees_on_any_rule(description, payee, mcc, amount, patterns):
    """Random rules as well as random lines (including zero amounts, which are neither in nor out)."""
    rules = compile_rules(
        [
            {"id": 1, "order": 1, "category": "cash", "payee_pattern": ", ".join(patterns), "direction": "out"},
            {"id": 2, "order": 2, "category": "activities", "description_pattern": patterns[0], "mcc_codes": "4121"},
            {"id": 3, "order": 3, "category": "contribution", "direction": "in"},
        ]
    )
    frame = classify_frame(
        pl.DataFrame({"description": [description], "payee": [payee], "mcc": [mcc], "amount": [amount]}), rules
    )
    assert frame["category"][0] == category_of(description, payee, mcc, Decimal(amount), rules=rules)

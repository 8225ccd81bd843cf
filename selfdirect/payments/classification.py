"""Classifying statement lines by visible, editable rules (ClassificationRule), and reclassifying a line by hand.

A rule matches a line when every condition it sets matches (conditions left blank are not checked):

- payee pattern: one of its comma-separated words or phrases is in the payee (case ignored); a statement without
  a payee column has the payee in the description, so then the description is searched instead;
- description pattern: one of its comma-separated words or phrases is in the description (case ignored);
- merchant category codes: the line's code is one of the comma-separated codes;
- direction: money in (a positive amount) or money out (negative), or either.

The first active rule in order (then by id) that matches sets the category; a line no rule matches is "other".
Nothing is learnt behind the scenes: a finance officer changes what happens by editing the rules.

The same rules run over millions of lines at once with Polars (`classify_frame`); tests check it agrees with
`classify` line by line, and bench/bench_dp_monitoring.py compares it with an equivalent DuckDB query.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

OTHER = "other"
ANY, IN, OUT = "any", "in", "out"

# The rules a council starts with (installed by a migration, then visible and editable under Classification rules).
# Order matters: cash machines before shops, council payments before other money in.
DEFAULT_RULES: tuple[dict, ...] = (
    {
        "order": 10,
        "category": "council_payment",
        "direction": IN,
        "payee_pattern": "council, direct payment, dp payment, dp4w, adult social care",
        "note": "Payments in from the council (already in the ledger from the payment run: linked, not posted again)",
    },
    {
        "order": 20,
        "category": "contribution",
        "direction": IN,
        "description_pattern": "contribution, contrib, client payment",
        "note": "The person's contribution paid in",
    },
    {
        "order": 30,
        "category": "cash",
        "direction": OUT,
        "mcc_codes": "6010, 6011",
        "note": "Cash from a bank counter or cash machine (by merchant category code)",
    },
    {
        "order": 40,
        "category": "cash",
        "direction": OUT,
        "description_pattern": "atm, cash withdrawal, cashpoint, cash machine",
        "note": "Cash machines named in the description",
    },
    {
        "order": 50,
        "category": "tax_pension",
        "payee_pattern": "hmrc, inland revenue, nest pension, people's pension, pension",
        "note": "PAYE tax, National Insurance and workplace pensions for personal assistants",
    },
    {
        "order": 60,
        "category": "payroll_service",
        "payee_pattern": "payroll",
        "note": "Payroll services that pay personal assistants",
    },
    {
        "order": 70,
        "category": "pa_wages",
        "direction": OUT,
        "description_pattern": "wages, salary, pa pay, net pay",
        "note": "Personal assistant wages (the payee is usually the PA by name, so the description is used)",
    },
    {
        "order": 80,
        "category": "insurance",
        "payee_pattern": "insurance, insurer, mark bates, fish administration",
        "note": "Employer's liability and other insurance for employing personal assistants",
    },
    {
        "order": 90,
        "category": "agency_care",
        "direction": OUT,
        "payee_pattern": "home care, homecare, care agency, care services, care ltd, caring",
        "note": "Home care agencies",
    },
    {
        "order": 100,
        "category": "equipment",
        "direction": OUT,
        "mcc_codes": "5047, 5976",
        "note": "Medical, dental and orthopaedic equipment suppliers (merchant category codes)",
    },
    {
        "order": 110,
        "category": "transport",
        "direction": OUT,
        "mcc_codes": "4111, 4112, 4121, 4131",
        "note": "Local transport, trains, taxis and buses (merchant category codes)",
    },
    {
        "order": 120,
        "category": "transport",
        "direction": OUT,
        "payee_pattern": "taxi, cabs, trainline, national rail, stagecoach, first bus, arriva",
        "note": "Transport named in the payee",
    },
    {
        "order": 130,
        "category": "activities",
        "direction": OUT,
        "mcc_codes": "7832, 7941, 7991, 7996, 7997, 7999",
        "note": "Cinemas, sport, attractions, clubs and recreation (merchant category codes)",
    },
    {
        "order": 140,
        "category": "activities",
        "direction": OUT,
        "payee_pattern": "leisure centre, swimming, gym, day centre",
        "note": "Activities named in the payee",
    },
)


def split_patterns(text: str) -> tuple[str, ...]:
    """A pattern's words or phrases, lower-cased, blanks dropped: "Wages, SALARY" -> ("wages", "salary")."""
    return tuple(part for part in (p.strip().lower() for p in (text or "").split(",")) if part)


def split_codes(text: str) -> tuple[str, ...]:
    return tuple(part for part in (p.strip() for p in (text or "").replace(" ", ",").split(",")) if part)


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready to match: its patterns split once (the model's fields are text a person edits)."""

    id: int | None
    order: int
    category: str
    payee: tuple[str, ...]
    description: tuple[str, ...]
    mccs: frozenset[str]
    direction: str
    source: object = None  # the ClassificationRule, when compiled from one

    @property
    def has_conditions(self) -> bool:
        return bool(self.payee or self.description or self.mccs or self.direction != ANY)


def compile_rule(rule, *, index: int = 0) -> CompiledRule:
    """A ClassificationRule (or any object or dict with its fields) compiled for matching."""
    get = rule.get if isinstance(rule, dict) else lambda name, default=None: getattr(rule, name, default)
    return CompiledRule(
        id=get("id", None) or get("pk", None),
        order=int(get("order", 100) or 0),
        category=str(get("category")),
        payee=split_patterns(get("payee_pattern", "")),
        description=split_patterns(get("description_pattern", "")),
        mccs=frozenset(split_codes(get("mcc_codes", ""))),
        direction=get("direction", ANY) or ANY,
        source=None if isinstance(rule, dict) else rule,
    )


def compile_rules(rules: Iterable) -> list[CompiledRule]:
    """Active rules in the order they are tried (order, then id, then as given). A rule with no condition at all
    would match everything: it is skipped, as the rule page says."""
    compiled = []
    for index, rule in enumerate(rules):
        active = rule.get("is_active", True) if isinstance(rule, dict) else getattr(rule, "is_active", True)
        if not active:
            continue
        c = compile_rule(rule, index=index)
        if c.has_conditions:
            compiled.append((c.order, c.id if c.id is not None else 0, index, c))
    return [c for *_, c in sorted(compiled, key=lambda t: t[:3])]


def rule_matches(rule: CompiledRule, *, description: str, payee: str, mcc: str, amount: Decimal) -> bool:
    if rule.direction == IN and not amount > 0:
        return False
    if rule.direction == OUT and not amount < 0:
        return False
    if rule.mccs and (mcc or "").strip() not in rule.mccs:
        return False
    text = (description or "").lower()
    if rule.description and not any(p in text for p in rule.description):
        return False
    if rule.payee:
        who = (payee or "").lower() or text
        if not any(p in who for p in rule.payee):
            return False
    return True


def classify(
    *, description: str, payee: str = "", mcc: str = "", amount: Decimal, rules: Sequence[CompiledRule]
) -> tuple[str, CompiledRule | None]:
    """(category, the rule that set it) for one line: the first matching rule, or ("other", None)."""
    for rule in rules:
        if rule_matches(rule, description=description, payee=payee, mcc=mcc, amount=amount):
            return rule.category, rule
    return OTHER, None


# --------------------------------------------------------------------------------------------------
# Rules in the database
# --------------------------------------------------------------------------------------------------


def rules_active() -> list[CompiledRule]:
    from .models import ClassificationRule

    return compile_rules(ClassificationRule.objects.filter(is_active=True).order_by("order", "id"))


def rules_install_defaults(rule_model=None) -> int:
    """Install DEFAULT_RULES when there are no rules at all (a council's own rules are never added to). Used by the
    data migration (with the historical model) and by tests after a database flush. Returns how many were made."""
    if rule_model is None:
        from .models import ClassificationRule as rule_model
    if rule_model.objects.exists():
        return 0
    rule_model.objects.bulk_create([rule_model(**rule) for rule in DEFAULT_RULES])
    return len(DEFAULT_RULES)


RULE_FIELDS = [
    "order",
    "category",
    "payee_pattern",
    "description_pattern",
    "mcc_codes",
    "direction",
    "is_active",
    "note",
]


def rule_save(*, rule, actor, request=None):
    """Create or change a classification rule, with its audit record (old -> new). Lines already imported keep
    their category: a finance officer reclassifies any that should change."""
    from django.db import transaction

    from selfdirect.core.audit import audit_record, diff, snapshot
    from selfdirect.core.models import AuditEvent
    from selfdirect.core.services import DomainError

    from .models import ClassificationRule

    codes = split_codes(rule.mcc_codes)
    bad = [code for code in codes if not (code.isdigit() and len(code) == 4)]
    if bad:
        raise DomainError(
            f"Merchant category codes are 4 digits, separated by commas: {', '.join(bad)} is not", field="mcc_codes"
        )
    rule.mcc_codes = ", ".join(codes)
    rule.payee_pattern = ", ".join(split_patterns(rule.payee_pattern))
    rule.description_pattern = ", ".join(split_patterns(rule.description_pattern))
    if not compile_rule(rule).has_conditions:
        raise DomainError(
            "Give the rule at least one thing to look for: payee or description words, merchant category codes, "
            "or money in or out",
            field="payee_pattern",
        )
    with transaction.atomic():
        creating = rule.pk is None
        before = {} if creating else snapshot(ClassificationRule.objects.get(pk=rule.pk), RULE_FIELDS)
        rule.save()
        after = snapshot(rule, RULE_FIELDS)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
            obj=rule,
            summary=f"Classification rule {'added' if creating else 'changed'}: {rule}",
            changes=diff(before, after),
            request=request,
        )
    return rule


# --------------------------------------------------------------------------------------------------
# Posting a line to the ledger, and reclassifying it
# --------------------------------------------------------------------------------------------------


def posts_own_transaction(category: str, amount: Decimal) -> bool:
    """Money in from the council was posted by the payment run: the statement line is linked to that, never posted
    again. Every other line posts its own ledger transaction."""
    return not (category == "council_payment" and amount > 0)


def ledger_posting(category: str, amount: Decimal) -> tuple[str, dict[str, Decimal]]:
    """(ledger transaction kind, entries by ledger account kind) for a statement line. The holder's account moves
    by the line's amount; the other side is contributions (a contribution paid in), recoupment (money out that
    goes back to the council) or spending by category (money out; money in otherwise is a refund)."""
    from .models import LedgerAccount, LedgerTransaction

    if category == "contribution":
        kind, other = LedgerTransaction.Kind.CONTRIBUTION, LedgerAccount.Kind.CONTRIBUTION
    elif category == "council_payment":
        kind, other = LedgerTransaction.Kind.RECOUPMENT, LedgerAccount.Kind.RECOUPMENT
    else:
        kind, other = LedgerTransaction.Kind.SPENDING, LedgerAccount.Kind.SPENDING
    return kind, {LedgerAccount.Kind.HOLDER: amount, other: -amount}


def council_payment_match(*, agreement, occurred_on, amount: Decimal, window_days: int = 10, exclude=()):
    """The payment run's ledger transaction this money in from the council is: same amount into the holder's
    account, within `window_days` of the statement date, not reversed and not already linked to a statement line;
    the nearest date first. None when there is none."""
    import datetime

    from .models import LedgerAccount, LedgerTransaction

    window = datetime.timedelta(days=window_days)
    candidates = (
        LedgerTransaction.objects.filter(
            agreement=agreement,
            kind=LedgerTransaction.Kind.COUNCIL_PAYMENT,
            occurred_on__range=(occurred_on - window, occurred_on + window),
            entries__account__kind=LedgerAccount.Kind.HOLDER,
            entries__amount=amount,
            statement_line__isnull=True,
            reversed_by__isnull=True,
        )
        .exclude(pk__in=list(exclude))
        .order_by("occurred_on", "id")
        .distinct()
    )
    return min(candidates, key=lambda t: (abs((t.occurred_on - occurred_on).days), t.pk), default=None)


def statement_line_post(*, line, actor):
    """The ledger transaction for a statement line (posted now), or the council payment it is linked to, or None.
    Does not save the line."""
    if not posts_own_transaction(line.category, line.amount):
        return council_payment_match(agreement=line.agreement, occurred_on=line.occurred_on, amount=line.amount)
    from .services import ledger_post
    from .statements import statement_line_posting

    posting = statement_line_posting(line)
    return ledger_post(
        agreement=line.agreement,
        kind=posting.kind,
        occurred_on=posting.occurred_on,
        description=posting.description,
        entries=posting.entries,
        category=posting.category,
        actor=actor,
    )


def statement_line_reclassify(*, line, category: str, actor, reason: str = "", request=None):
    """A finance officer changes a line's category. The ledger is never edited: the line's own transaction is
    reversed and the line posted again under the new category (a council payment in is linked, not posted). The
    change is audited with who, when, old -> new and why."""
    from django.db import transaction
    from django.utils import timezone

    from selfdirect.core.audit import audit_record
    from selfdirect.core.models import AuditEvent
    from selfdirect.core.services import DomainError

    from .models import Category, StatementLine
    from .services import ledger_reverse

    if category not in Category.values:
        raise DomainError("Choose a category", field="category")
    with transaction.atomic():
        line = StatementLine.objects.select_for_update().select_related("agreement").get(pk=line.pk)
        old = line.category
        if old == category:
            raise DomainError(f"The line is already {Category(category).label.lower()}", field="category")
        if category == Category.COUNCIL_PAYMENT and line.amount > 0:
            match = council_payment_match(agreement=line.agreement, occurred_on=line.occurred_on, amount=line.amount)
        else:
            match = None
        old_transaction = line.ledger_transaction
        if old_transaction is not None and posts_own_transaction(old, line.amount):
            ledger_reverse(
                transaction=old_transaction,
                actor=actor,
                reason=f"reclassified from {Category(old).label.lower()} to {Category(category).label.lower()}",
                # Dated as the line, like the new posting, so the account's balance never changes on any day.
                occurred_on=line.occurred_on,
                request=request,
            )
        line.category = category
        line.rule = None
        line.reclassified_by = actor
        line.reclassified_at = timezone.now()
        # Clear the old link first: the new transaction may be the council payment the line is linked to.
        line.ledger_transaction = None
        line.save(update_fields=["category", "rule", "reclassified_by", "reclassified_at", "ledger_transaction"])
        line.ledger_transaction = match if match is not None else statement_line_post(line=line, actor=actor)
        line.save(update_fields=["ledger_transaction"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=line,
            person_id=line.agreement.person_id,
            summary=f"Statement line reclassified: {line.description[:120]}",
            changes={"category": [old, category], **({"reason": ["", reason]} if reason else {})},
            request=request,
        )
    return line


# --------------------------------------------------------------------------------------------------
# Many lines at once (Polars)
# --------------------------------------------------------------------------------------------------


def classify_frame(frame, rules: Sequence[CompiledRule], *, category_column: str = "category"):
    """The frame with a `category` column: the same rules as `classify`, for every row at once.

    Columns: description (str), payee (str, "" when none), mcc (str, "" when none) and amount (any signed number:
    only its sign is used). Rules are applied as one when/then chain in order, so the first match wins."""
    import polars as pl

    # Lower-cased text once, as helper columns (dropped at the end), rather than once per rule.
    helpers = ("__description", "__who", "__mcc", "__payee")
    description, who, mcc, payee = (pl.col(name) for name in helpers)
    amount = pl.col("amount")
    plan = frame.lazy().with_columns(
        pl.col("description").fill_null("").str.to_lowercase().alias(helpers[0]),
        pl.col("payee").fill_null("").str.to_lowercase().alias(helpers[3]),
        pl.col("mcc").fill_null("").str.strip_chars().alias(helpers[2]),
    )
    plan = plan.with_columns(pl.when(payee == "").then(description).otherwise(payee).alias(helpers[1]))

    def condition(rule: CompiledRule) -> pl.Expr:
        parts = []
        if rule.direction == IN:
            parts.append(amount > 0)
        elif rule.direction == OUT:
            parts.append(amount < 0)
        if rule.mccs:
            parts.append(mcc.is_in(sorted(rule.mccs)))
        if rule.description:
            parts.append(description.str.contains_any(list(rule.description)))
        if rule.payee:
            parts.append(who.str.contains_any(list(rule.payee)))
        expr = parts[0]
        for part in parts[1:]:
            expr = expr & part
        return expr

    if not rules:
        chain = pl.lit(OTHER)
    else:
        chain = pl.when(condition(rules[0])).then(pl.lit(rules[0].category))
        for rule in rules[1:]:
            chain = chain.when(condition(rule)).then(pl.lit(rule.category))
        chain = chain.otherwise(pl.lit(OTHER))
    return plan.with_columns(chain.alias(category_column)).drop(helpers).collect()

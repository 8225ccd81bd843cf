"""Every change to resource allocation tables: drafting a new version, publishing it, importing one from a
file, and drafting one with a calibrated price. Published versions never change; each change is one
transaction with its audit record. The file formats are documented in docs/ras.md."""

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError
from selfdirect.rules import allocation

from . import ras_selectors
from .models import RasPrice, RasRule, RasTable


def _next_version() -> int:
    latest = RasTable.objects.select_for_update().order_by("-version").first()
    return (latest.version if latest else 0) + 1


def _copy(*, table: RasTable, name: str, notes: str, actor, summary: str, price_per_point=None) -> RasTable:
    draft = RasTable.objects.create(
        version=_next_version(),
        name=name[:120],
        method=table.method,
        exceptional_points=table.exceptional_points,
        notes=notes,
    )
    RasRule.objects.bulk_create(
        RasRule(table=draft, key=r.key, points=r.points, description=r.description) for r in table.rules.all()
    )
    RasPrice.objects.bulk_create(
        RasPrice(
            table=draft,
            age_band=p.age_band,
            client_group=p.client_group,
            min_points=p.min_points,
            max_points=p.max_points,
            price_per_point=price_per_point if price_per_point is not None else p.price_per_point,
            weekly_amount=p.weekly_amount,
        )
        for p in table.prices.all()
    )
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=draft, summary=summary.format(version=draft.version))
    return draft


@transaction.atomic
def ras_table_new_draft(*, table: RasTable, actor) -> RasTable:
    """Copy a version into a new draft to edit; the version copied is left as it was."""
    return _copy(
        table=table,
        name=table.name,
        notes=f"Based on version {table.version}. {table.notes}".strip(),
        actor=actor,
        summary=f"RAS table version {{version}} drafted from version {table.version}",
    )


@transaction.atomic
def ras_table_publish(*, table: RasTable, actor) -> RasTable:
    """Publish a draft after checking it prices every case with no cap. New indicative budgets use it;
    budgets already worked out keep the version that produced them."""
    table = RasTable.objects.select_for_update().get(pk=table.pk)
    if table.published_at:
        raise DomainError(f"Version {table.version} is already published.")
    problems = allocation.table_problems(ras_selectors.table_spec(table))
    if problems:
        raise DomainError(f"Version {table.version} cannot be published: " + " ".join(problems))
    table.published_at = timezone.now()
    table.save(update_fields=["published_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=table,
        summary=f"RAS table version {table.version} published",
        changes={"published_at": [None, str(table.published_at)]},
    )
    return table


@transaction.atomic
def ras_table_draft_with_price(*, table: RasTable, price_per_point: Decimal, actor, note: str = "") -> RasTable:
    """A new draft of `table` with one calibrated price per point (ras_calibrate --apply)."""
    if table.method != RasTable.Method.PRICE_PER_POINT:
        raise DomainError("Only a price-per-point table can take a fitted price; edit band tables in the admin.")
    prices = list(table.prices.all())
    if len(prices) != 1 or (prices[0].age_band, prices[0].client_group) != (allocation.ANY, allocation.ANY):
        raise DomainError(
            "This table has prices for particular age bands or groups, and the fit is one price for everyone. "
            "Make a new draft in the admin and set the prices there."
        )
    if price_per_point <= 0:
        raise DomainError("A fitted price per point must be above zero.")
    return _copy(
        table=table,
        name=table.name,
        notes=f"Calibrated from version {table.version}: {allocation.money(price_per_point)} per point. {note}".strip(),
        actor=actor,
        summary=f"RAS table version {{version}} drafted from version {table.version} with a fitted price of "
        f"{allocation.money(price_per_point)} per point",
        price_per_point=price_per_point,
    )


# --- Importing a table from a file -----------------------------------------------------------------------


class RasImportError(DomainError):
    """A file that cannot be imported: `errors` are messages, each starting with its line number."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("The file cannot be imported:\n" + "\n".join(errors))


@dataclass
class ImportedTable:
    name: str = ""
    method: str = allocation.PRICE_PER_POINT
    exceptional_points: Decimal | None = None
    notes: str = ""
    rules: list[tuple[str, Decimal, str]] = field(default_factory=list)
    prices: list[allocation.PriceSpec] = field(default_factory=list)


SETTINGS = ("name", "method", "exceptional_points", "notes")
PRICE_FIELDS = ("age_band", "client_group", "min_points", "max_points", "price_per_point", "weekly_amount")
CSV_COLUMNS = ("type", "key", "value", "description", *PRICE_FIELDS)


class _Collector:
    """Checks rows as they are read, keeping every problem with its line number."""

    def __init__(self):
        self.table = ImportedTable()
        self.errors: list[str] = []
        self._keys: dict[str, int] = {}

    def error(self, line, message: str) -> None:
        self.errors.append(f"line {line}: {message}" if line else message)

    def setting(self, line, name: str, value) -> None:
        value = "" if value is None else str(value).strip()
        if name == "exceptional_points":
            number = allocation.parse_decimal(value)
            if number is None or number <= 0:
                self.error(line, f"exceptional_points must be a number of points above zero, not {value!r}")
            self.table.exceptional_points = number
        elif name == "method":
            if value not in allocation.METHODS:
                self.error(line, f"method must be one of {', '.join(allocation.METHODS)}, not {value!r}")
            self.table.method = value
        elif name == "name":
            if not value or len(value) > 120:
                self.error(line, "name must be given, in at most 120 characters")
            self.table.name = value
        elif name == "notes":
            self.table.notes = value
        else:
            self.error(line, f"{name!r} is not a setting: use one of {', '.join(SETTINGS)}")

    def rule(self, line, key, points, description) -> None:
        key = "" if key is None else str(key).strip()
        number = allocation.parse_decimal(points)
        if not key:
            self.error(line, "a rule needs a key, for example outcome:a")
            return
        if (problem := allocation.key_problem(key)) is not None:
            self.error(line, problem)
        if number is None:
            self.error(line, f"points for {key} must be a number, not {points!r}")
        elif number != number.quantize(Decimal("0.1")) or abs(number) >= 10_000_000:
            self.error(line, f"points for {key} may have at most one decimal place")
        if key in self._keys:
            self.error(line, f"{key} is given twice (first on line {self._keys[key]})")
        self._keys.setdefault(key, line)
        description = "" if description is None else str(description).strip()
        if len(description) > 300:
            self.error(line, "a description can be at most 300 characters")
        if number is not None:
            self.table.rules.append((key, number, description or key))

    def price(self, line, values: dict) -> None:
        numbers = {}
        for name in ("min_points", "max_points", "price_per_point", "weekly_amount"):
            raw = values.get(name)
            raw = "" if raw is None else str(raw).strip()
            numbers[name] = allocation.parse_decimal(raw)
            if raw and numbers[name] is None:
                self.error(line, f"{name} must be a number, not {raw!r}")
                return
        spec = allocation.PriceSpec(
            age_band=str(values.get("age_band") or allocation.ANY).strip(),
            client_group=str(values.get("client_group") or allocation.ANY).strip(),
            min_points=numbers["min_points"] or Decimal("0"),
            max_points=numbers["max_points"],
            price_per_point=numbers["price_per_point"],
            weekly_amount=numbers["weekly_amount"],
        )
        if (problem := allocation.price_problem(spec, self.table.method)) is not None:
            self.error(line, problem)
        self.table.prices.append(spec)

    def finish(self) -> ImportedTable:
        table = self.table
        if not table.name:
            self.error(None, "The file must give the table a name")
        if table.exceptional_points is None and not any("exceptional_points" in e for e in self.errors):
            self.error(None, "The file must give exceptional_points (when a manager is asked to look)")
        if not self.errors:
            spec = allocation.TableSpec(
                rules={key: points for key, points, _ in table.rules},
                prices=tuple(table.prices),
                exceptional_points=table.exceptional_points,
                method=table.method,
            )
            self.errors += [f"whole table: {problem}" for problem in allocation.table_problems(spec)]
        if self.errors:
            raise RasImportError(self.errors)
        return table


def _parse_csv(text: str) -> ImportedTable:
    collector = _Collector()
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise RasImportError([f"line 1: the header must name the columns {', '.join(CSV_COLUMNS)}"])
    reader.fieldnames = header
    rows = []
    previous = reader.line_num
    for row in reader:
        rows.append((previous + 1, row))
        previous = reader.line_num
    # Settings first, wherever they are in the file: a price row's check depends on the method.
    for line, row in rows:
        kind = (row.get("type") or "").strip().lower()
        if kind == "setting":
            collector.setting(line, (row.get("key") or "").strip(), row.get("value"))
    for line, row in rows:
        kind = (row.get("type") or "").strip().lower()
        if None in row:
            collector.error(line, "this row has more columns than the header")
        elif kind in ("setting", "") or kind.startswith("#"):
            continue
        elif kind == "rule":
            collector.rule(line, row.get("key"), row.get("value"), row.get("description"))
        elif kind == "price":
            collector.price(line, row)
        else:
            collector.error(line, f"type must be setting, rule or price, not {kind!r}")
    return collector.finish()


def _parse_yaml(text: str) -> ImportedTable:
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is in requirements.txt
        raise RasImportError(["YAML files need PyYAML (pip install PyYAML); or use the CSV format"]) from None

    class LineLoader(yaml.SafeLoader):
        """Keeps the line each mapping starts on, so errors can name it."""

        def construct_mapping(self, node, deep=False):
            mapping = super().construct_mapping(node, deep=deep)
            mapping["__line__"] = node.start_mark.line + 1
            return mapping

    try:
        data = yaml.load(text, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise RasImportError([f"{where}this is not valid YAML ({getattr(error, 'problem', None) or error})"]) from None
    if not isinstance(data, dict):
        raise RasImportError(["line 1: the file must be a mapping of name, method, exceptional_points, rules, prices"])
    collector = _Collector()
    for name, value in data.items():
        if name in ("__line__", "rules", "prices"):
            continue
        collector.setting(_line_of_key(text, name), name, value)
    for section, handle in (("rules", _yaml_rule), ("prices", _yaml_price)):
        items = data.get(section)
        if items is None:
            collector.error(None, f"The file has no {section}")
            continue
        if not isinstance(items, list):
            collector.error(None, f"{section} must be a list, each item starting with '- '")
            continue
        for item in items:
            if not isinstance(item, dict):
                collector.error(None, f"each of the {section} must be a mapping (key: value pairs), not {item!r}")
                continue
            handle(collector, item)
    return collector.finish()


def _line_of_key(text: str, name) -> int | None:
    """The line a top-level key is on, for settings' error messages."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{name}:"):
            return number
    return None


def _yaml_rule(collector: _Collector, item: dict) -> None:
    line = item.pop("__line__", None)
    unknown = set(item) - {"key", "points", "description"}
    if unknown:
        collector.error(line, f"a rule has key, points and description, not {', '.join(sorted(unknown))}")
    collector.rule(line, item.get("key"), item.get("points"), item.get("description"))


def _yaml_price(collector: _Collector, item: dict) -> None:
    line = item.pop("__line__", None)
    unknown = set(item) - set(PRICE_FIELDS)
    if unknown:
        collector.error(line, f"a price has {', '.join(PRICE_FIELDS)}, not {', '.join(sorted(unknown))}")
    collector.price(line, item)


def parse_table_file(path) -> ImportedTable:
    """Read and check a table from a .yaml/.yml or .csv file. Raises RasImportError listing every problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv"):
        raise RasImportError([f"{path.name}: use a .yaml, .yml or .csv file"])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RasImportError([f"{path.name}: cannot be read ({error})"]) from None
    return _parse_csv(text) if suffix == ".csv" else _parse_yaml(text)


@transaction.atomic
def ras_table_import(*, imported: ImportedTable, actor, source: str = "") -> RasTable:
    """Create a new draft version from a checked file: all of it, or (on any error) nothing."""
    table = RasTable.objects.create(
        version=_next_version(),
        name=imported.name,
        method=imported.method,
        exceptional_points=imported.exceptional_points,
        notes=imported.notes,
    )
    RasRule.objects.bulk_create(
        RasRule(table=table, key=key, points=points, description=description)
        for key, points, description in imported.rules
    )
    RasPrice.objects.bulk_create(
        RasPrice(
            table=table,
            age_band=p.age_band,
            client_group=p.client_group,
            min_points=p.min_points,
            max_points=p.max_points,
            price_per_point=p.price_per_point,
            weekly_amount=p.weekly_amount,
        )
        for p in imported.prices
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=table,
        summary=f"RAS table version {table.version} imported as a draft" + (f" from {source}" if source else ""),
    )
    return table


def ras_table_install_default(*, actor=None) -> RasTable:
    """The illustrative default table as a published version, if no table exists (as migration 0003 does;
    tests use it after a transactional test emptied the database). Returns the latest published table."""
    from .ras_default import create_default

    with transaction.atomic():
        if not RasTable.objects.exists():
            create_default(RasTable, RasRule, RasPrice, version=1, published_at=timezone.now())
    return ras_selectors.latest_published_table()


def reset_indicative_budgets() -> int:
    """Delete every indicative budget, for the demo seed's --reset only (assessments protect nothing else;
    personal budgets that point at one are unlinked first). Returns how many were deleted."""
    from .models import IndicativeBudget, PersonalBudget

    with transaction.atomic():
        PersonalBudget.objects.filter(indicative_budget__isnull=False).update(indicative_budget=None)
        return IndicativeBudget.objects.all().delete()[0]

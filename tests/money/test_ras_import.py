"""`manage.py ras_import FILE`: a table from YAML or CSV becomes a new draft version, all or nothing, with
line-numbered errors for bad rows (format: docs/ras.md)."""

import pytest
from django.core.management import CommandError, call_command

from selfdirect.core.models import AuditEvent
from selfdirect.money import ras_default, ras_services
from selfdirect.money.models import RasTable

pytestmark = pytest.mark.django_db


def yaml_text(*, rules=None, prices=None, head=None) -> str:
    """The default table written as YAML; rules/prices/head replace those parts (lists of lines)."""
    head = head or ["name: Northmoor 2026-27", "method: price_per_point", "exceptional_points: 75"]
    if rules is None:
        rules = [
            f'  - {{key: "{key}", points: {points}, description: "{text}"}}' for key, points, text in ras_default.RULES
        ]
    if prices is None:
        prices = ["  - {age_band: any, client_group: any, min_points: 0, max_points: null, price_per_point: 19.25}"]
    return "\n".join(["# Northmoor's calibrated table", *head, "rules:", *rules, "prices:", *prices]) + "\n"


CSV_HEADER = "type,key,value,description,age_band,client_group,min_points,max_points,price_per_point,weekly_amount"


def csv_text(*, extra=()) -> str:
    lines = [
        CSV_HEADER,
        "setting,name,Northmoor CSV,,,,,,,",
        "setting,method,price_per_point,,,,,,,",
        "setting,exceptional_points,80,,,,,,,",
    ]
    lines += [f'rule,{key},{points},"{text}",,,,,,' for key, points, text in ras_default.RULES]
    lines += ["price,,,,any,any,0,,18.90,", "price,,,,65+,Support with Memory & Cognition,0,,19.40,", *extra]
    return "\n".join(lines) + "\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_yaml_becomes_a_new_draft_version(tmp_path, capsys):
    """Every rule and price is saved as draft version 2, unpublished, with an audit record."""
    call_command("ras_import", str(write(tmp_path, "table.yaml", yaml_text())))
    table = RasTable.objects.get(version=2)
    assert table.published_at is None and table.name == "Northmoor 2026-27"
    assert table.rules.count() == len(ras_default.RULES) and table.rules.get(key="night:sleeping").points == 43.5
    assert table.prices.get().price_per_point == pytest.approx(19.25)
    assert "draft version 2" in capsys.readouterr().out
    assert AuditEvent.objects.filter(object_type="money.rastable", object_id=str(table.pk)).exists()


def test_good_csv_with_settings_rules_and_group_prices(tmp_path):
    """CSV: setting, rule and price rows in one file, with a group price for people 65 and over."""
    call_command("ras_import", str(write(tmp_path, "table.csv", csv_text())))
    table = RasTable.objects.get(version=2)
    assert (table.name, table.exceptional_points) == ("Northmoor CSV", 80)
    assert table.prices.get(age_band="65+").client_group == "Support with Memory & Cognition"


def test_imported_draft_can_be_published(tmp_path, team_manager):
    """The imported draft passes the publishing checks and becomes the table in use."""
    call_command("ras_import", str(write(tmp_path, "table.yaml", yaml_text())))
    ras_services.ras_table_publish(table=RasTable.objects.get(version=2), actor=team_manager)
    assert RasTable.objects.filter(published_at__isnull=False).order_by("-version").first().version == 2


def test_bad_yaml_rows_are_reported_by_line_and_nothing_is_saved(tmp_path):
    """Bad points, an unknown key, a repeated key and a bad price are all listed with their lines; no draft."""
    rules = [f'  - {{key: "{key}", points: {points}}}' for key, points, _ in ras_default.RULES]
    rules[2] = '  - {key: "outcome:c", points: lots}'  # file line 8
    rules[3] = '  - {key: "outcome:cc", points: 1}'  # line 9
    rules.append('  - {key: "outcome:a", points: 2}')  # line 6 + len(RULES)
    prices = ["  - {age_band: 70+, client_group: any, price_per_point: 18}"]
    with pytest.raises(CommandError) as raised:
        call_command("ras_import", str(write(tmp_path, "bad.yaml", yaml_text(rules=rules, prices=prices))))
    message = str(raised.value)
    duplicate_line = 6 + len(ras_default.RULES)
    assert "line 8: points for outcome:c must be a number, not 'lots'" in message
    assert "line 9: 'outcome:cc' is not a rule key" in message
    assert f"line {duplicate_line}: outcome:a is given twice (first on line 6)" in message
    assert f"line {duplicate_line + 2}: Age band '70+' must be one of" in message
    assert "nothing was saved" in message
    assert RasTable.objects.count() == 1


def test_bad_csv_rows_are_reported_by_line(tmp_path):
    """A wrong row type and a bad price are named by their line in the file; nothing is saved."""
    extra = ["price,,,,any,Dragons,0,,18,", "band,,,,,,,,,", "price,,,,18-64,any,0,,abc,"]
    with pytest.raises(CommandError) as raised:
        call_command("ras_import", str(write(tmp_path, "bad.csv", csv_text(extra=extra))))
    first = 4 + len(ras_default.RULES) + 2 + 1  # header + 3 settings + rules + 2 prices, then ours
    message = str(raised.value)
    assert f"line {first}: Client group 'Dragons' must be 'any' or a primary support reason" in message
    assert f"line {first + 1}: type must be setting, rule or price, not 'band'" in message
    assert f"line {first + 2}: price_per_point must be a number, not 'abc'" in message
    assert RasTable.objects.count() == 1


def test_an_incomplete_table_is_refused_as_a_whole(tmp_path):
    """Rows that are each fine but leave out outcomes, or cap the amount, are refused for the whole table."""
    rules = [f'  - {{key: "{k}", points: {p}}}' for k, p, _ in ras_default.RULES if k != "outcome:j"]
    prices = ["  - {age_band: any, client_group: any, min_points: 0, max_points: 100, price_per_point: 18}"]
    with pytest.raises(CommandError) as raised:
        call_command("ras_import", str(write(tmp_path, "t.yaml", yaml_text(rules=rules, prices=prices))))
    assert "whole table: Points are missing for: outcome:j" in str(raised.value)
    assert "no upper limit (there is no cap)" in str(raised.value)
    assert RasTable.objects.count() == 1


def test_yaml_syntax_errors_name_the_line(tmp_path):
    """Broken YAML is reported with its line."""
    text = yaml_text().replace("rules:\n", "rules:\n  - {key: [unclosed\n", 1)
    with pytest.raises(CommandError, match=r"line \d+: this is not valid YAML"):
        call_command("ras_import", str(write(tmp_path, "broken.yaml", text)))


def test_settings_errors_name_their_line(tmp_path):
    """A wrong method or threshold is reported on the line it is written on."""
    head = ["name: X", "method: magic", "exceptional_points: -3"]
    with pytest.raises(CommandError) as raised:
        call_command("ras_import", str(write(tmp_path, "t.yaml", yaml_text(head=head))))
    assert "line 3: method must be one of price_per_point, bands, not 'magic'" in str(raised.value)
    assert "line 4: exceptional_points must be a number of points above zero" in str(raised.value)


def test_dry_run_checks_and_saves_nothing(tmp_path, capsys):
    """--dry-run says the file is valid and creates no version."""
    call_command("ras_import", str(write(tmp_path, "table.yaml", yaml_text())), "--dry-run")
    assert "is valid" in capsys.readouterr().out and RasTable.objects.count() == 1


def test_other_file_types_are_refused(tmp_path):
    """Only .yaml, .yml and .csv are read."""
    with pytest.raises(CommandError, match="use a .yaml, .yml or .csv file"):
        call_command("ras_import", str(write(tmp_path, "table.xlsx", "x")))


def test_user_option_is_recorded_in_the_audit_log(tmp_path, team_manager):
    """--user names who imported the table in its audit record."""
    call_command("ras_import", str(write(tmp_path, "t.yaml", yaml_text())), "--user", team_manager.username)
    table = RasTable.objects.get(version=2)
    assert AuditEvent.objects.get(object_type="money.rastable", object_id=str(table.pk)).actor == team_manager

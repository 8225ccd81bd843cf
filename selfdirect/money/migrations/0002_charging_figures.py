"""Load the charging figures shipped for 2021-22 and 2025-26 (rules/charging_figures.py). UNCONFIRMED figures
arrive unconfirmed: an administrator confirms or sets them before the engine will use them."""

import datetime

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.rules.charging_figures import FIGURES, YEAR_STARTS

    ChargingYear = apps.get_model("money", "ChargingYear")
    ChargingFigure = apps.get_model("money", "ChargingFigure")
    for name, figures in FIGURES.items():
        year, created = ChargingYear.objects.get_or_create(
            financial_year=name, defaults={"effective_from": datetime.date.fromisoformat(YEAR_STARTS[name])}
        )
        if not created:
            continue
        ChargingFigure.objects.bulk_create(
            ChargingFigure(year=year, key=f.key, amount=f.amount, confirmed=f.confirmed, source=f.source)
            for f in figures
        )


class Migration(migrations.Migration):
    dependencies = [("money", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

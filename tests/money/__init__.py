"""Tests for money: charging (financial assessments, figures), and the shared set-up they need."""

import datetime

from selfdirect.money.models import ChargingFigure, ChargingYear
from selfdirect.rules.charging_figures import FIGURES, YEAR_STARTS


def load_charging_figures() -> dict[str, ChargingYear]:
    """The shipped charging years and figures (money migration 0002), as they ship.

    Migrations load them, but transactional (browser) tests flush every table when they finish, so tests that
    need them load them here rather than trusting the migration's rows are still there.
    """
    years = {}
    for name, figures in FIGURES.items():
        year, _ = ChargingYear.objects.get_or_create(
            financial_year=name, defaults={"effective_from": datetime.date.fromisoformat(YEAR_STARTS[name])}
        )
        for f in figures:
            ChargingFigure.objects.get_or_create(
                year=year, key=f.key, defaults={"amount": f.amount, "confirmed": f.confirmed, "source": f.source}
            )
        years[name] = year
    return years

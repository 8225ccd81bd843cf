"""When a person's record has been kept long enough: pure date rules, no Django.

A record is kept a number of years after the council's support ends, or after the person's death, whichever
date is later when both apply. Both numbers are the council's own retention schedule (a council setting, not a
national rule): many councils follow the NHS Records Management Code of Practice's 8 years for adult records.
While support continues (no end and no death), the record is never due. A record becomes due for review on its
retention date, never before; nothing is erased or anonymised until the data protection officer decides.
"""

import datetime

DEFAULT_YEARS_AFTER_SUPPORT = 8
DEFAULT_YEARS_AFTER_DEATH = 8


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a year that lacks it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retain_until(
    *,
    support_ended: datetime.date | None,
    died: datetime.date | None,
    years_after_support: int,
    years_after_death: int,
) -> datetime.date | None:
    """The date the record may be reviewed for erasure, or None while support continues."""
    if years_after_support < 0 or years_after_death < 0:
        raise ValueError("Retention periods cannot be negative")
    dates = []
    if support_ended is not None:
        dates.append(add_years(support_ended, years_after_support))
    if died is not None:
        dates.append(add_years(died, years_after_death))
    return max(dates) if dates else None


def is_due(*, retain_until_date: datetime.date | None, today: datetime.date) -> bool:
    """Due for review on the retention date itself, and every day after."""
    return retain_until_date is not None and today >= retain_until_date

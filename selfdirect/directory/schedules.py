"""Opening times as people type them, one a line: "Tuesday 10:00 to 14:00", "Tue 10am-2pm",
"Friday 9:30 - 12:00 first Friday of the month". Parsed into (weekday, opens, closes, note) or refused with the
line number, and written back the same way for editing."""

import datetime
import re

from .code_lists import Weekday

_DAYS = {d.label.lower(): d.value for d in Weekday}
_DAYS.update({label[:3]: code for label, code in list(_DAYS.items())})
_DAYS.update({"tues": "TU", "weds": "WE", "thur": "TH", "thurs": "TH"})
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?"
_LINE = re.compile(rf"^([A-Za-z]+)\s+{_TIME}\s*(?:-|–|to)\s*{_TIME}\s*,?\s*(.*)$", re.I)


class OpeningTimesError(ValueError):
    pass


def _time(hours: str, minutes: str | None, half: str | None) -> datetime.time:
    h, m = int(hours), int(minutes or 0)
    if half:
        if not 1 <= h <= 12:
            raise ValueError
        h = h % 12 + (12 if half.lower() == "pm" else 0)
    return datetime.time(h, m)


def parse_opening_times(text: str) -> list[tuple[str, datetime.time, datetime.time, str]]:
    out, problems = [], []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        day = _DAYS.get(match.group(1).lower()) if match else None
        if not match or day is None:
            problems.append(f"Line {number}: write a day and two times, like “Tuesday 10:00 to 14:00”")
            continue
        try:
            opens = _time(*match.group(2, 3, 4))
            closes = _time(*match.group(5, 6, 7))
        except ValueError:
            problems.append(f"Line {number}: the times must be real times, like 09:30 or 2pm")
            continue
        if closes <= opens:
            problems.append(f"Line {number}: the closing time must be after the opening time")
            continue
        out.append((day, opens, closes, match.group(8).strip()[:200]))
    if problems:
        raise OpeningTimesError("; ".join(problems))
    return out


def format_opening_times(schedules) -> str:
    lines = []
    for s in schedules:
        times = f"{s.opens_at:%H:%M} to {s.closes_at:%H:%M}" if s.opens_at and s.closes_at else ""
        lines.append(" ".join(filter(None, (s.get_weekday_display(), times, s.description))))
    return "\n".join(lines)

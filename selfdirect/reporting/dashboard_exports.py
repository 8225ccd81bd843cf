"""Every dashboard table as CSV or XLSX: the same header and rows as the table on the page. Text that a
spreadsheet would run as a formula (starting = + - @) is prefixed with an apostrophe."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from .dashboard_selectors import Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(value):
    """A table value as it goes into a file: numbers stay numbers, nothing becomes an empty cell."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal):
        return value
    return _safe_text(str(value))


def header(table: Table) -> list[str]:
    return [column.label for column in table.columns]


def rows(table: Table) -> list[list]:
    return [[cell(value) for value in row] for row in table.rows]


def table_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header(table))
    writer.writerows(rows(table))
    return buffer.getvalue().encode("utf-8")


def table_xlsx(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = table.slug[:31]
    sheet.append(header(table))
    for heading in sheet[1]:
        heading.font = Font(bold=True)
    for row in rows(table):
        sheet.append([None if value == "" else value for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FORMATS = {"csv": (table_csv, CSV_TYPE), "xlsx": (table_xlsx, XLSX_TYPE)}

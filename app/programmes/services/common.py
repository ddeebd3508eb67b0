"""What every programme service shares: its error, and CSV cells a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable

from app.errors import ServiceError

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection");
# the same rule as app/frameworks/files/csv_format.py.
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


class ProgrammeError(ServiceError):
    """A problem with a programme, cohort, import or request that an admin can fix."""


def neutralise(value) -> str:
    """A cell as a spreadsheet shows it, as text: never a formula. Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True, default=str)
    text = str(value)
    return "'" + text if FORMULA_START.match(text) else text


def csv_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    """A CSV document, rows ending in CR LF as spreadsheets expect, every cell neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()

"""What every programme service shares: its error, and CSV cells a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterable

from app.errors import ServiceError

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection");
# the same rule as app/frameworks/files/csv_format.py.
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
# A whole phone number as stored (E.164): a spreadsheet shows "+254712345678" as it is.
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def let_requests_run() -> None:
    """Under gevent (``make run``) the in-process workers and every request are greenlets
    of one thread: long work (the import job, checking a large file) yields to the others
    between slices of CPU work, so none waits more than a fraction of a second. Elsewhere
    it costs a millisecond. Not ``sleep(0)``: gevent may run this greenlet again before
    its loop looks at the waiting connections."""
    time.sleep(0.001)


def pausing(items, pause, every: int = 500):
    """``items`` one by one, calling ``pause()`` after every ``every`` of them: a long
    loop of a job lets requests run (``pause=let_requests_run``) as it goes."""
    for n, item in enumerate(items, 1):
        yield item
        if n % every == 0:
            pause()


def nothing() -> None:
    """A pause that does not pause: the same loops, elsewhere than in a job."""


class ProgrammeError(ServiceError):
    """A problem with a programme, cohort, import or request that an admin can fix."""


def phone_cell(value: str | None) -> str | None:
    """A phone number written plain when it is one whole E.164 number (nothing a
    spreadsheet could run), so the file can go straight to an SMS service; anything else
    is neutralised like every other cell."""
    return WholePhoneNumber(value) if value and E164.fullmatch(value) else value


class WholePhoneNumber(str):
    """A cell :func:`phone_cell` found to be a whole E.164 number: written as it is."""


def neutralise(value) -> str:
    """A cell as a spreadsheet shows it, as text: never a formula. Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, WholePhoneNumber):
        return str(value)
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

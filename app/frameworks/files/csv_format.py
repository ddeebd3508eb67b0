"""Frameworks as CSV, one row per competency: read with every problem at its line, and
written back. A CSV carries no levels, so the usual four apply."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from .problems import FileFormatError, Problem
from .spec import (
    CODE_HINT,
    CODE_RE,
    DEFAULT_LEVELS,
    LANGUAGE_RE,
    MAX_LANGUAGE,
    MAX_TITLE,
    MAX_VERSION,
    CompetencySpec,
    DomainSpec,
    FrameworkSpec,
    LevelSpec,
)

CSV_COLUMNS = (
    "framework_code",
    "framework_name",
    "scope",
    "version",
    "language",
    "domain_code",
    "domain_title",
    "domain_description",
    "code",
    "title",
    "description",
)
# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection").
# Written out, such a cell gets a leading quote, which spreadsheets read as "this is text";
# read back, one leading quote before one of them is taken off again. A cell that already
# starts with quotes before one of them gets one more, so every text makes the round trip.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED_FORMULA_START = re.compile(r"'+[=+\-@\t\r]")
_CSV_REQUIRED = ("domain_code", "code", "title")
_FRAMEWORK_COLUMNS = ("framework_code", "framework_name", "scope", "version", "language")
_CSV_MAX_LENGTHS = {
    "framework_name": MAX_TITLE,
    "scope": MAX_TITLE,
    "version": MAX_VERSION,
    "language": MAX_LANGUAGE,
    "domain_title": MAX_TITLE,
    "title": MAX_TITLE,
}


# --- reading ----------------------------------------------------------------------------


def parse_framework_csv(text: str, path: str) -> FrameworkSpec:
    """One row per competency. Framework columns may be blank after the first row (a
    spreadsheet's fill-down is not needed); when given again they must match."""
    problems: list[Problem] = []
    rows = _csv_rows(_csv_reader(text), path, problems)
    header = _read_header(rows, path, problems)
    found = _FrameworkRows(path, problems)
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            found.problem(line, f"this row has {len(row)} cells; the header has {len(header)}")
            continue
        found.add_row(
            line,
            {name: _unescape(cell.strip()) for name, cell in zip(header, row, strict=True) if name},
        )
    return found.spec()


def _unescape(cell: str) -> str:
    """The text of a cell that ``_escape`` may have written."""
    return cell[1:] if _ESCAPED_FORMULA_START.match(cell) else cell


def _csv_reader(text: str):
    """A csv reader of ``text``, split on semicolons if its first line has more of them than
    commas, else on commas."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _read_header(
    rows: Iterator[tuple[int, list[str]]], path: str, problems: list[Problem]
) -> list[str]:
    """The header row's column names, lower-cased. Raise FileFormatError if there is no
    header row, or a required column is missing, or a column is unknown."""
    try:
        _, header = next(rows)
    except StopIteration:
        raise FileFormatError(
            problems or [Problem(path, 1, "the file is empty; expected a header row")]
        ) from None
    header = [h.strip().lower() for h in header]
    missing = [c for c in ("framework_code", "framework_name", *_CSV_REQUIRED) if c not in header]
    unknown = [c for c in header if c and c not in CSV_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(unknown))
        raise FileFormatError(
            [
                Problem(
                    path,
                    1,
                    "header row: " + "; ".join(parts) + ". Expected: " + ", ".join(CSV_COLUMNS),
                )
            ]
        )
    return header


class _FrameworkRows:
    """The framework that a CSV file's rows describe, gathered row by row, with every
    problem found on the way."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        self.framework: dict[str, str] = {}  # each framework column, as first given
        self.domains: dict[str, DomainSpec] = {}
        self.codes: dict[str, int] = {}  # each competency code → the line it is on

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def add_row(self, line: int, values: dict[str, str]) -> None:
        """One row's cells by column name: its framework columns and its competency."""
        self.problems.extend(
            Problem(self.path, line, f"`{column}` is longer than {limit} characters")
            for column, limit in _CSV_MAX_LENGTHS.items()
            if len(values.get(column, "")) > limit
        )
        self._take_framework_columns(line, values)
        self._add_competency(line, values)

    def _take_framework_columns(self, line: int, values: dict[str, str]) -> None:
        for column in _FRAMEWORK_COLUMNS:
            value = values.get(column, "")
            if not value:
                continue
            if column in self.framework and self.framework[column] != value:
                self.problem(
                    line,
                    f"`{column}` is {value!r} here but "
                    f"{self.framework[column]!r} above; one file holds one framework",
                )
            self.framework.setdefault(column, value)

    def _add_competency(self, line: int, values: dict[str, str]) -> None:
        absent = [c for c in _CSV_REQUIRED if not values.get(c)]
        if absent:
            self.problem(line, "empty required cell(s): " + ", ".join(absent))
            return
        for column in ("domain_code", "code"):
            if not CODE_RE.match(values[column]):
                self.problem(line, f"`{column}` is {values[column]!r}; {CODE_HINT}")
        code = values["code"]
        if code in self.codes:
            self.problem(
                line, f"duplicate competency code {code!r} (first on line {self.codes[code]})"
            )
            return
        self.codes[code] = line
        self._domain(line, values).competencies.append(
            CompetencySpec(code, values["title"], values.get("description", ""), line=line)
        )

    def _domain(self, line: int, values: dict[str, str]) -> DomainSpec:
        """The row's domain, begun by the first row that names it."""
        domain = self.domains.get(values["domain_code"])
        if domain is None:
            if not values.get("domain_title"):
                self.problem(
                    line,
                    f"the first row of domain {values['domain_code']!r} needs a `domain_title`",
                )
            domain = self.domains[values["domain_code"]] = DomainSpec(
                values["domain_code"],
                values.get("domain_title", ""),
                values.get("domain_description", ""),
            )
        return domain

    def spec(self) -> FrameworkSpec:
        """The framework the rows describe; raise FileFormatError with every problem found."""
        framework = self.framework
        for column in ("framework_code", "framework_name"):
            if not framework.get(column):
                self.problem(2, f"`{column}` is empty; give it at least on the first row")
        if framework.get("framework_code") and not CODE_RE.match(framework["framework_code"]):
            self.problem(2, f"`framework_code` is {framework['framework_code']!r}; {CODE_HINT}")
        if framework.get("language") and not LANGUAGE_RE.match(framework["language"]):
            self.problem(2, f"`language` is {framework['language']!r}; use a code such as `en`")
        if not self.codes and not self.problems:
            self.problem(2, "no competencies: add one row per competency")
        if self.problems:
            raise FileFormatError(self.problems)
        return FrameworkSpec(
            code=framework["framework_code"],
            name=framework["framework_name"],
            scope=framework.get("scope", ""),
            version=framework.get("version", ""),
            language=framework.get("language", "en"),
            # A spreadsheet of competencies carries no levels: the usual four apply.
            levels=[LevelSpec(lv.number, lv.name, lv.descriptor) for lv in DEFAULT_LEVELS],
            domains=list(self.domains.values()),
            levels_from_file=False,
        )


def _csv_rows(reader, path: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for each row, the line being where the row starts (a quoted cell may
    run over several lines). A row the csv module cannot read (a cell of more than 128 KB)
    is a problem at its line and ends the reading."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(Problem(path, line, f"this row cannot be read as CSV ({exc})"))
            return
        yield line, row


# --- writing ----------------------------------------------------------------------------


def _escape(cell: str) -> str:
    """The cell as a spreadsheet shows it as text, never runs as a formula."""
    return "'" + cell if _FORMULA_START.match(cell) else cell


def dump_framework_csv(spec: FrameworkSpec) -> str:
    out = io.StringIO(newline="")
    # Rows end in CR LF, as RFC 4180 and spreadsheets have it; the csv module then also
    # quotes a cell holding a lone CR, which would otherwise end the row early.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    first = True
    for domain in spec.domains:
        first_in_domain = True
        for c in domain.competencies:
            writer.writerow(
                _escape(cell)
                for cell in [
                    spec.code if first else "",
                    spec.name if first else "",
                    spec.scope if first else "",
                    spec.version if first else "",
                    spec.language if first else "",
                    domain.code,
                    domain.title if first_in_domain else "",
                    domain.description if first_in_domain else "",
                    c.code,
                    c.title,
                    c.description,
                ]
            )
            first = first_in_domain = False
    return out.getvalue()

"""Reading a CSV of leaders to invite: every row checked, every problem at its line.

Nothing is written here: :func:`read_leaders_text` returns a plan — the good rows, the
rows already imported (skipped), the problems of the others — that the check job
(:mod:`.import_checks`) keeps for the preview and the import job
(:func:`~.import_jobs.run_import`) carries out: every good row, or none of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app import csvfiles
from app.accounts.models import User
from app.accounts.services import EMAIL_SHAPE, AccountError, normalize_email, normalize_phone
from app.errors import N_
from app.extensions import db

from ..models import Cohort, CohortMember, Programme
from ._common import ProgrammeError

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
COLUMNS = ("name", "phone", "email", "school", "region", "cohort", "language")
ALIASES = {
    "e-mail": "email",
    "email address": "email",
    "phone number": "phone",
    "mobile": "phone",
    "telephone": "phone",
    "full name": "name",
    "school name": "school",
    "lang": "language",
}
MAX_LENGTHS = {"name": 120, "email": 254, "phone": 32, "school": 200, "region": 80}
#: The column the refused rows' file adds, in the uploader's language: read back, it is
#: left out, so the file goes in again as it is once its rows are fixed.
FIX_COLUMN = N_("what to fix")


@dataclass
class LeaderRow:
    line: int
    name: str
    email: str | None
    phone: str | None
    school: str
    region: str
    cohort_id: int
    cohort_name: str
    language: str | None


@dataclass
class ImportPlan:
    rows: list[LeaderRow] = field(default_factory=list)
    problems: list[ProgrammeError] = field(default_factory=list)
    # Rows of people already invited into the same cohort (an earlier import of them).
    skipped: list[LeaderRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems

    def per_cohort(self) -> list[tuple[str, int]]:
        return sorted(Counter(row.cohort_name for row in self.rows).items())


def _problem(line: int, column: str | None, template: str, **params) -> ProgrammeError:
    return ProgrammeError(template, column, line=line, **params)


def decode_upload(data: bytes) -> str:
    """The file's text (:func:`app.csvfiles.decode`), not too large, not empty."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ProgrammeError(
            N_("This file is larger than %(limit)s MB. Split it into smaller files."),
            "file",
            limit=MAX_IMPORT_BYTES // (1024 * 1024),
        )
    try:
        text = csvfiles.decode(data)
    except csvfiles.CsvError as error:
        raise _file_error(error) from None
    if not text.strip():
        raise ProgrammeError(N_("This file is empty."), "file")
    return text


def _file_error(error: csvfiles.CsvError) -> ProgrammeError:
    return ProgrammeError(error.template, error.field, **error.params)


def fix_column_names() -> set[str]:
    """The refused rows' own column as any language names it (casefolded)."""
    names = {FIX_COLUMN}
    for code in current_app.config["LANGUAGES"]:
        with force_locale(code):
            names.add(gettext(FIX_COLUMN))
    return {name.casefold() for name in names}


def column_names(names: list[str | None]) -> list[str | None]:
    """The header's column names (None for the column our refused rows' file adds), or
    :class:`ProgrammeError` if they are not the columns of leaders."""
    unknown = [c for c in names if c is not None and c not in COLUMNS]
    if unknown:
        raise ProgrammeError(
            N_("Line 1: unknown columns %(unknown)s. The columns are: %(columns)s."),
            "file",
            unknown=", ".join(unknown),
            columns=", ".join(COLUMNS),
        )
    repeated = [c for c, n in Counter(names).items() if n > 1 and c is not None]
    if repeated:
        raise ProgrammeError(
            N_("Line 1: the column %(column)s is there twice."), "file", column=repeated[0]
        )
    if "name" not in names or "cohort" not in names or not {"phone", "email"} & set(names):
        raise ProgrammeError(
            N_("Line 1 must name the columns: name, phone or email, and cohort."), "file"
        )
    return names


def leaders_table(text: str) -> csvfiles.Table:
    """``text`` read as a file of leaders, its header checked; its rows raise
    :class:`ProgrammeError` where the file cannot be read further."""
    try:
        table = csvfiles.read(text, aliases=ALIASES, ignore=fix_column_names())
    except csvfiles.CsvError as error:
        raise _file_error(error) from None
    column_names(table.header)
    return table


def rows_of(table: csvfiles.Table):
    """The table's rows, a row that cannot be read a :class:`ProgrammeError`."""
    try:
        yield from table
    except csvfiles.CsvError as error:
        raise _file_error(error) from None


def check_header(text: str) -> None:
    """Refuse a file whose first line does not name the columns (reads that line only)."""
    leaders_table(text)


def read_leaders_csv(
    data: bytes, programme: Programme, progress: Callable[[int], None] | None = None
) -> ImportPlan:
    """:func:`read_leaders_text` of an uploaded file's bytes."""
    return read_leaders_text(decode_upload(data), programme, progress)


def read_leaders_text(
    text: str, programme: Programme, progress: Callable[[int], None] | None = None
) -> ImportPlan:
    """Every row of the file as a leader to invite, one already imported, or the problems
    that refuse it; raises :class:`ProgrammeError` for a file that cannot be read at all.
    ``progress(line)`` is called every 500 lines (the jobs record how far they are and let
    the web requests of their process run)."""
    table = leaders_table(text)
    header = table.header
    cohorts = {
        name.casefold(): (cid, name)
        for cid, name in db.session.execute(
            select(Cohort.id, Cohort.name).where(Cohort.programme_id == programme.id)
        )
    }
    plan, checker = ImportPlan(), _RowChecker(programme, cohorts)
    for row in rows_of(table):
        if progress is not None and row.line % 500 == 0:
            progress(row.line)
        if len(plan.rows) + len(plan.problems) >= MAX_IMPORT_ROWS:
            raise ProgrammeError(
                N_("This file has more than %(limit)s leaders. Split it into smaller files."),
                "file",
                limit=MAX_IMPORT_ROWS,
            )
        if len(row.cells) != len(header):
            plan.problems.append(
                _problem(
                    row.line,
                    None,
                    N_("This row has %(count)s cells; the first line names %(columns)s."),
                    count=len(row.cells),
                    columns=len(header),
                )
            )
            continue
        checker.check(row, plan)
    _check_existing_accounts(plan, list(cohorts.values()))
    if not plan.rows and not plan.problems and not plan.skipped:
        raise ProgrammeError(N_("This file names no leaders."), "file")
    return plan


class _RowChecker:
    def __init__(self, programme: Programme, cohorts: dict) -> None:
        self.region = programme.region or current_app.config["DEFAULT_REGION"]
        self.cohorts = cohorts
        self.seen: dict[tuple[str, str], int] = {}
        self.languages = {code.lower(): code for code in current_app.config["LANGUAGES"]}
        self.languages |= {
            str(name).casefold(): code for code, name in current_app.config["LANGUAGES"].items()
        }

    def check(self, row: csvfiles.Row, plan: ImportPlan) -> None:
        """A row's values, every cell a spreadsheet would run refused (the rule of
        :mod:`app.csvfiles`)."""
        line = row.line
        problems = [_file_error(problem) for problem in row.problems]
        values = {}
        for column in COLUMNS:
            raw = row.values.get(column) or ""
            if len(raw) > MAX_LENGTHS.get(column, 120):
                problems.append(
                    _problem(
                        line,
                        column,
                        N_("Longer than %(limit)s characters."),
                        limit=MAX_LENGTHS.get(column, 120),
                    )
                )
                continue
            values[column] = raw
        # The other cells are checked too, so one round of fixes is enough: a refused
        # cell counts as empty, and says only what is wrong with it.
        refused = {problem.field for problem in problems}
        values |= dict.fromkeys(refused, "")
        problems += [p for p in self._check_values(line, values) if p.field not in refused]
        if problems:
            plan.problems.extend(problems)
        else:
            plan.rows.append(self._row(line, values))

    def _check_values(self, line: int, values: dict[str, str]) -> list[ProgrammeError]:
        problems = []
        if not values["name"]:
            problems.append(_problem(line, "name", N_("Write the leader's name.")))
        email = normalize_email(values["email"])
        if email and not EMAIL_SHAPE.match(email):
            problems.append(_problem(line, "email", N_("This is not an email address.")))
        try:
            values["phone"] = normalize_phone(values["phone"], self.region)
        except AccountError as error:
            problems.append(_problem(line, "phone", error.template, **error.params))
        if not email and not values["phone"] and "phone" not in {p.field for p in problems}:
            problems.append(_problem(line, "phone", N_("Give a phone number or an email.")))
        values["email"] = email
        if values["cohort"].casefold() not in self.cohorts:
            problems.append(
                _problem(
                    line,
                    "cohort",
                    N_("This programme has no cohort called “%(cohort)s”. Create it first."),
                    cohort=values["cohort"],
                )
            )
        if values["language"] and values["language"].casefold() not in self.languages:
            problems.append(
                _problem(
                    line,
                    "language",
                    N_("Headway does not speak “%(language)s”. Use en, fr or sw."),
                    language=values["language"],
                )
            )
        for column in ("phone", "email"):
            if values[column]:
                first = self.seen.setdefault((column, values[column]), line)
                if first != line:
                    problems.append(
                        _problem(line, column, N_("The same as on line %(first)s."), first=first)
                    )
        return problems

    def _row(self, line: int, values: dict[str, str]) -> LeaderRow:
        cohort_id, cohort_name = self.cohorts[values["cohort"].casefold()]
        language = values["language"]
        return LeaderRow(
            line=line,
            name=values["name"],
            email=values["email"],
            phone=values["phone"],
            school=values["school"],
            region=values["region"],
            cohort_id=cohort_id,
            cohort_name=cohort_name,
            language=self.languages[language.casefold()] if language else None,
        )


def _check_existing_accounts(plan: ImportPlan, cohorts: list[tuple[int, str]]) -> None:
    """Rows whose phone or email an account already has: skipped when that account is
    already in the row's cohort (an earlier import of the same person), refused otherwise.
    A few statements per 500 rows."""
    taken: dict[tuple[str, str], int] = {}
    for column, attribute in (("email", User.email), ("phone", User.phone)):
        values = [getattr(row, column) for row in plan.rows if getattr(row, column)]
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            found = db.session.execute(select(attribute, User.id).where(attribute.in_(chunk)))
            taken |= {(column, value): user_id for value, user_id in found}
    if not taken:
        return
    members = _members(set(taken.values()), [cid for cid, _ in cohorts])
    keep = []
    for row in plan.rows:
        clash = [c for c in ("email", "phone") if (c, getattr(row, c)) in taken]
        people = {taken[(c, getattr(row, c))] for c in clash}
        if not clash:
            keep.append(row)
        elif len(people) == 1 and (people.pop(), row.cohort_id) in members:
            plan.skipped.append(row)
        else:
            message = {
                "email": N_("Someone already has an account with this email address."),
                "phone": N_("Someone already has an account with this phone number."),
            }[clash[0]]
            plan.problems.append(_problem(row.line, clash[0], message))
    plan.rows = keep
    plan.problems.sort(key=lambda problem: problem.params.get("line", 0))


def _members(user_ids: set[int], cohort_ids: list[int]) -> set[tuple[int, int]]:
    """Which of ``user_ids`` are in which of ``cohort_ids``: (user, cohort) pairs."""
    ids, pairs = sorted(user_ids), set()
    for start in range(0, len(ids), 500):
        found = db.session.execute(
            select(CohortMember.user_id, CohortMember.cohort_id).where(
                CohortMember.user_id.in_(ids[start : start + 500]),
                CohortMember.cohort_id.in_(cohort_ids),
            )
        )
        pairs |= {(user_id, cohort_id) for user_id, cohort_id in found}
    return pairs

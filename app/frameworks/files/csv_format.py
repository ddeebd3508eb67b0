"""Frameworks as CSV, one row per competency: read with every problem at its line, and
written back. A CSV carries no levels, so the usual four apply."""

from __future__ import annotations

from app import csvfiles

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
_CSV_REQUIRED = ("domain_code", "code", "title")
_FRAMEWORK_COLUMNS = ("framework_code", "framework_name", "scope", "version", "language")
# The columns a translation may give, as `<column>.<language>` (``title.fr``), and the
# field of the row's ``translations`` each fills. The first of a kind is required.
TRANSLATED_COLUMNS = {
    "framework_name": "name",
    "scope": "scope",
    "domain_title": "title",
    "domain_description": "description",
    "title": "title",
    "description": "description",
}
_FRAMEWORK_TRANSLATED = ("framework_name", "scope")
_DOMAIN_TRANSLATED = ("domain_title", "domain_description")
_COMPETENCY_TRANSLATED = ("title", "description")
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
    spreadsheet's fill-down is not needed); when given again they must match. Read with
    :mod:`app.csvfiles`: a cell that would run as a formula is refused, one our export
    guarded reads back as it was."""
    problems: list[Problem] = []
    try:
        table = csvfiles.read(text, name=_column_name)
    except csvfiles.CsvError as error:
        raise FileFormatError([_problem(path, error)]) from None
    header = _check_header(table.header, path)
    found = _FrameworkRows(path, problems, header)
    try:
        for row in table:
            if len(row.cells) != len(header):
                found.problem(
                    row.line, f"this row has {len(row.cells)} cells; the header has {len(header)}"
                )
            elif row.problems:
                problems.extend(_problem(path, error) for error in row.problems)
            else:
                found.add_row(row.line, {name: v for name, v in row.values.items() if name})
    except csvfiles.CsvError as error:
        problems.append(_problem(path, error))
    return found.spec()


def _problem(path: str, error: csvfiles.CsvError) -> Problem:
    """A problem of :mod:`app.csvfiles` as a framework file's (English, at its line)."""
    where = f"`{error.field}`: " if error.field and error.field != "file" else ""
    return Problem(path, error.params.get("line"), where + str(error))


def _check_header(header: list[str], path: str) -> list[str]:
    """The header row's column names, lower-cased (but for a translation column's language).
    Raise FileFormatError if there is no header row, or a required column is missing, or a
    column is unknown or names no language."""
    if not header:
        raise FileFormatError([Problem(path, 1, "the file is empty; expected a header row")])
    missing = [c for c in ("framework_code", "framework_name", *_CSV_REQUIRED) if c not in header]
    unknown = [c for c in header if c and c not in CSV_COLUMNS and "." not in c]
    unknown += [c for c in header if "." in c and c.partition(".")[0] not in TRANSLATED_COLUMNS]
    header_problems = []
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(unknown))
        header_problems.append(
            Problem(
                path,
                1,
                "header row: "
                + "; ".join(parts)
                + ". Expected: "
                + ", ".join(CSV_COLUMNS)
                + "; and for a translation, any of "
                + ", ".join(f"{c}.<language>" for c in TRANSLATED_COLUMNS)
                + " (such as title.fr)",
            )
        )
    header_problems += [
        Problem(
            path,
            1,
            f"header row: column `{c}` names no language: `{language}` is not a language "
            f"code; write `{base}.fr`, `{base}.sw`…",
        )
        for c in header
        if "." in c
        for base, _, language in [c.partition(".")]
        if base in TRANSLATED_COLUMNS and not _is_language(language)
    ]
    if header_problems:
        raise FileFormatError(header_problems)
    return header


def _column_name(cell: str) -> str:
    """A header cell as a column name: lower-cased, but a translation's language as given
    (``pt-BR``)."""
    base, dot, language = cell.strip().partition(".")
    return base.lower() + dot + language


def _is_language(text: str) -> bool:
    return bool(LANGUAGE_RE.match(text)) and len(text) <= MAX_LANGUAGE


class _FrameworkRows:
    """The framework that a CSV file's rows describe, gathered row by row, with every
    problem found on the way."""

    def __init__(self, path: str, problems: list[Problem], header: list[str]):
        self.path, self.header = path, header
        self.problems = problems
        self.framework: dict[str, str] = {}  # each framework column, as first given
        self.framework_lines: dict[str, int] = {}  # … and the line it was first given on
        self.languages: dict[str, int] = {}  # each language with text → its first line
        self.domains: dict[str, DomainSpec] = {}
        self.codes: dict[str, int] = {}  # each competency code → the line it is on

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def add_row(self, line: int, values: dict[str, str]) -> None:
        """One row's cells by column name: its framework columns and its competency."""
        self.problems.extend(
            Problem(self.path, line, f"`{column}` is longer than {limit} characters")
            for column, value in values.items()
            if (limit := _CSV_MAX_LENGTHS.get(column.partition(".")[0])) and len(value) > limit
        )
        self._take_framework_columns(line, values)
        self._add_competency(line, values)

    def _take_framework_columns(self, line: int, values: dict[str, str]) -> None:
        for column, value in values.items():
            if not value or column.partition(".")[0] not in _FRAMEWORK_COLUMNS:
                continue
            if column in self.framework and self.framework[column] != value:
                self.problem(
                    line,
                    f"`{column}` is {value!r} here but "
                    f"{self.framework[column]!r} above; one file holds one framework",
                )
            self.framework.setdefault(column, value)
            self.framework_lines.setdefault(column, line)
            self._note_language(line, column)

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
            CompetencySpec(
                code,
                values["title"],
                values.get("description", ""),
                line=line,
                translations=self._translations(line, values, _COMPETENCY_TRANSLATED),
            )
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
                translations=self._translations(line, values, _DOMAIN_TRANSLATED),
            )
        return domain

    def _translations(
        self, line: int, values: dict[str, str], columns: tuple[str, ...]
    ) -> dict[str, dict[str, str]]:
        """One row's `<column>.<language>` cells for ``columns`` (title first, then
        description), as a row's ``translations``. A translation needs the first column's
        text and translates only text the original has."""
        found: dict[str, dict[str, str]] = {}
        for column in columns:
            for name, text in values.items():
                base, _, language = name.partition(".")
                if base != column or not language or not text:
                    continue
                self._note_language(line, name)
                if not values.get(base):
                    self.problem(line, f"`{name}` translates nothing: `{base}` is empty")
                    continue
                found.setdefault(language, {})[TRANSLATED_COLUMNS[base]] = text
        for language, fields in found.items():
            required = TRANSLATED_COLUMNS[columns[0]]
            if required not in fields:
                self.problem(
                    line, f"`{columns[0]}.{language}` is empty; the row has other {language} text"
                )
        return found

    def _note_language(self, line: int, column: str) -> None:
        language = column.partition(".")[2]
        if language:
            self.languages.setdefault(language, line)

    def _framework_translations(self, original: str) -> dict[str, dict[str, str]]:
        """The framework's translations, each language needing its name; a column in the
        framework's own language is a problem with the header."""
        self.problems.extend(
            Problem(
                self.path,
                1,
                f"header row: column `{column}` is in the framework's own language "
                f"(`{original}`); its text belongs in `{column.partition('.')[0]}`",
            )
            for column in self.header
            if column.partition(".")[2] == original
        )
        found: dict[str, dict[str, str]] = {}
        for language, first_line in self.languages.items():
            if language == original:
                continue
            fields = {
                TRANSLATED_COLUMNS[column]: self.framework[f"{column}.{language}"]
                for column in _FRAMEWORK_TRANSLATED
                if f"{column}.{language}" in self.framework
            }
            if "name" not in fields:
                self.problem(
                    first_line,
                    f"`framework_name.{language}` is empty: a file with {language} text names "
                    "the framework in that language too (give it at least on the first row)",
                )
            if "scope" in fields and not self.framework.get("scope"):
                self.problem(
                    self.framework_lines[f"scope.{language}"],
                    f"`scope.{language}` translates nothing: `scope` is empty",
                )
            found[language] = fields
        return found

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
        translations = self._framework_translations(framework.get("language", "en"))
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
            translations=translations,
            levels_from_file=False,
        )


def dump_framework_csv(spec: FrameworkSpec) -> str:
    """The framework as CSV, every cell through :func:`app.csvfiles.guard`."""
    return csvfiles.text(None, _rows(spec))


def _rows(spec: FrameworkSpec):
    columns = _columns(spec)
    yield columns
    first = True
    for domain in spec.domains:
        first_in_domain = True
        for c in domain.competencies:
            cells = _translation_cells(c, _COMPETENCY_TRANSLATED)
            cells.update(
                domain_code=domain.code, code=c.code, title=c.title, description=c.description
            )
            if first:
                cells.update(_translation_cells(spec, _FRAMEWORK_TRANSLATED))
                cells.update(
                    framework_code=spec.code,
                    framework_name=spec.name,
                    scope=spec.scope,
                    version=spec.version,
                    language=spec.language,
                )
            if first_in_domain:
                cells.update(_translation_cells(domain, _DOMAIN_TRANSLATED))
                cells.update(domain_title=domain.title, domain_description=domain.description)
            yield [cells.get(column, "") for column in columns]
            first = first_in_domain = False


def _columns(spec: FrameworkSpec) -> list[str]:
    """The usual columns, then each language's (a scope's only where it is translated)."""
    columns = list(CSV_COLUMNS)
    for language in spec.translation_languages():
        columns += [
            f"{column}.{language}"
            for column in TRANSLATED_COLUMNS
            if column != "scope" or spec.translations.get(language, {}).get("scope")
        ]
    return columns


def _translation_cells(item, columns: tuple[str, ...]) -> dict[str, str]:
    """``item``'s translations as `<column>.<language>` cells."""
    return {
        f"{column}.{language}": text[TRANSLATED_COLUMNS[column]]
        for language, text in item.translations.items()
        for column in columns
        if text.get(TRANSLATED_COLUMNS[column])
    }

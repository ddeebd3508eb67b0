"""Competency frameworks as files: YAML and CSV, read into plain dataclasses and written back.

No Flask and no database here, so authors' files can be checked anywhere (a test, a
pre-commit hook, the import command). Every problem names the file and the line, and
all problems in a file are reported together so an author fixes them in one pass.

The format is documented in ``courses/README.md``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# The longest text the database keeps for each kind of field (see the models).
MAX_TITLE = 200
MAX_VERSION = 40
MAX_LANGUAGE = 16
MAX_LEVEL_NAME = 80


# --- problems ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, at one line (when a line is known)."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class FileFormatError(ValueError):
    """A file (or a package of files) could not be read; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --- YAML that remembers line numbers ---------------------------------------------------


class LineDict(dict):
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):
    """A YAML sequence that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    line_offset = 0
    duplicate_keys: list[tuple[str, int]]


def _line(loader: _LineLoader, node: yaml.Node) -> int:
    return node.start_mark.line + 1 + loader.line_offset


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = _line(loader, node)
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        if key in mapping:
            # PyYAML silently keeps the last value; an author almost never means that.
            loader.duplicate_keys.append((str(key), _line(loader, key_node)))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = _line(loader, key_node)
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = _line(loader, node)
    items.item_lines = [_line(loader, child) for child in node.value]
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, path: str, line_offset: int = 0) -> Any:
    """Parse YAML, returning LineDict/LineList containers; raise FileFormatError on bad YAML.

    ``line_offset`` shifts reported lines when the YAML is embedded in a larger file
    (front matter starts on line 2 of a lesson file).
    """
    loader = _LineLoader(text)
    loader.line_offset = line_offset
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        reason = exc.problem or exc.context or "not valid YAML"
        start = exc.context_mark
        if exc.problem and exc.context and start and mark and start.line != mark.line:
            # An unclosed bracket or quote is noticed lines later: say where it opened.
            reason += f" ({exc.context} that starts on line {start.line + 1 + line_offset})"
        raise FileFormatError([Problem(path, line, f"malformed YAML: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise FileFormatError([Problem(path, None, f"malformed YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if loader.duplicate_keys:
        raise FileFormatError(
            Problem(path, line, f"the key {key!r} appears twice in the same mapping")
            for key, line in loader.duplicate_keys
        )
    return data


class FieldReader:
    """Reads fields out of one YAML mapping, recording problems instead of stopping at the first.

    ``where`` describes the mapping in messages ("level 2", "competency LL.1").
    """

    def __init__(
        self, mapping: Any, path: str, problems: list[Problem], where: str, line: int | None = None
    ):
        self.path = path
        self.problems = problems
        self.where = where
        if isinstance(mapping, dict):
            self.mapping = mapping
            self.line = getattr(mapping, "line", line)
        else:
            self.mapping = {}
            self.line = line
            problems.append(Problem(path, line, f"{where} must be a mapping of `key: value` lines"))

    def line_of(self, key: str) -> int | None:
        key_lines = getattr(self.mapping, "key_lines", {})
        return key_lines.get(key, self.line)

    def problem(self, key: str | None, message: str) -> None:
        line = self.line_of(key) if key else self.line
        self.problems.append(Problem(self.path, line, message))

    def text(
        self,
        key: str,
        *,
        required: bool = True,
        default: str = "",
        pattern: re.Pattern[str] | None = None,
        hint: str = "",
        max_length: int | None = None,
    ) -> str:
        """``max_length`` is the column that stores it: longer text is the file's problem,
        reported at its line, not a database error halfway through an import."""
        value = self.mapping.get(key)
        if value is None or value == "":
            if required:
                self.problem(None, f"{self.where} is missing the required field `{key}`")
            return default
        if isinstance(value, bool | dict | list):
            self.problem(key, f"`{key}` in {self.where} must be text")
            return default
        value = str(value).strip()
        if max_length is not None and len(value) > max_length:
            self.problem(key, f"`{key}` in {self.where} is longer than {max_length} characters")
        elif pattern is not None and not pattern.match(value):
            self.problem(key, f"`{key}` in {self.where} is {value!r}; {hint or 'not allowed'}")
        return value

    def integer(
        self,
        key: str,
        *,
        required: bool = True,
        default: int = 0,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.problem(None, f"{self.where} is missing the required field `{key}`")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"`{key}` in {self.where} must be a whole number, not {value!r}")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = (
                f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            )
            self.problem(key, f"`{key}` in {self.where} must be {bounds}, not {value}")
            return default
        return value

    def items(self, key: str, *, required: bool = True) -> Iterator[tuple[Any, int | None]]:
        """Yield (item, line) for a YAML list field."""
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.problem(None, f"{self.where} is missing the required list `{key}`")
            return
        if not isinstance(value, list):
            self.problem(key, f"`{key}` in {self.where} must be a list (lines starting with `- `)")
            return
        if not value and required:
            self.problem(key, f"`{key}` in {self.where} is empty")
        lines = getattr(value, "item_lines", [self.line_of(key)] * len(value))
        yield from zip(value, lines, strict=True)


# --- the framework as data ----------------------------------------------------------------


@dataclass
class LevelSpec:
    number: int
    name: str
    descriptor: str = ""


@dataclass
class CompetencySpec:
    code: str
    title: str
    description: str = ""
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass
class DomainSpec:
    code: str
    title: str
    description: str = ""
    competencies: list[CompetencySpec] = field(default_factory=list)


@dataclass
class FrameworkSpec:
    code: str
    name: str
    scope: str = ""
    version: str = ""
    language: str = "en"
    levels: list[LevelSpec] = field(default_factory=list)
    domains: list[DomainSpec] = field(default_factory=list)
    # False when the file had no levels (a CSV) and ``levels`` are only the usual four:
    # they start a new framework but never replace an existing framework's own.
    levels_from_file: bool = field(default=True, compare=False, repr=False)

    def competencies(self) -> Iterator[CompetencySpec]:
        for domain in self.domains:
            yield from domain.competencies

    def competency_codes(self) -> list[str]:
        return [c.code for c in self.competencies()]


DEFAULT_LEVELS = (
    LevelSpec(1, "Emerging", "Knows why this matters and has started to try it, with support."),
    LevelSpec(
        2, "Developing", "Does it regularly in familiar situations; results are beginning to show."
    ),
    LevelSpec(3, "Established", "Does it consistently and well across the school."),
    LevelSpec(
        4, "Leading", "Has made it part of how the school works and helps other leaders grow it."
    ),
)

_CODE_HINT = "use letters, digits, dots or dashes, no spaces (for example `LL.2`)"


# --- reading YAML -------------------------------------------------------------------------


# The kinds of file a framework can be read from and written to.
FILE_EXTENSIONS = ("yaml", "yml", "csv")


def load_framework(path: str | Path) -> FrameworkSpec:
    """Read a framework from a ``.yaml``/``.yml`` or ``.csv`` file."""
    path = Path(path)
    return parse_framework(_read_text(path), str(path))


def parse_framework(text: str, path: str) -> FrameworkSpec:
    """Read a framework from the text of the file named ``path``: CSV by its extension,
    else YAML. ``path`` only names the file in problems (an upload has no real path)."""
    if Path(path).suffix.lower() == ".csv":
        return parse_framework_csv(text, path)
    return parse_framework_yaml(text, path)


def parse_framework_yaml(text: str, path: str) -> FrameworkSpec:
    data = load_yaml(text, path)
    problems: list[Problem] = []
    top = FieldReader(data, path, problems, "the framework", line=1)
    spec = FrameworkSpec(
        code=top.text("code", pattern=CODE_RE, hint=_CODE_HINT),
        name=top.text("name", max_length=MAX_TITLE),
        scope=top.text("scope", required=False, max_length=MAX_TITLE),
        version=top.text("version", required=False, max_length=MAX_VERSION),
        language=top.text(
            "language",
            required=False,
            default="en",
            pattern=LANGUAGE_RE,
            hint="use a language code such as `en`, `fr` or `sw`",
            max_length=MAX_LANGUAGE,
        ),
    )

    seen_numbers: dict[int, int | None] = {}
    for item, line in top.items("levels"):
        level = FieldReader(item, path, problems, "a level", line=line)
        number = level.integer("number", minimum=1, maximum=10)
        name = level.text("name", max_length=MAX_LEVEL_NAME)
        if number in seen_numbers:
            level.problem(
                "number", f"level {number} is defined twice (first on line {seen_numbers[number]})"
            )
            continue
        seen_numbers[number] = level.line_of("number")
        spec.levels.append(LevelSpec(number, name, level.text("descriptor", required=False)))
    _check_level_numbers(spec.levels, path, top.line_of("levels"), problems)

    domain_lines: dict[str, int | None] = {}
    competency_lines: dict[str, int | None] = {}
    for item, line in top.items("domains"):
        reader = FieldReader(item, path, problems, "a domain", line=line)
        domain = DomainSpec(
            code=reader.text("code", pattern=CODE_RE, hint=_CODE_HINT),
            title=reader.text("title", max_length=MAX_TITLE),
            description=reader.text("description", required=False),
        )
        if domain.code and domain.code in domain_lines:
            reader.problem(
                "code",
                f"duplicate domain code {domain.code!r} (first on line {domain_lines[domain.code]})",
            )
        domain_lines.setdefault(domain.code, reader.line_of("code"))
        where = f"domain {domain.code or '?'}"
        for c_item, c_line in reader.items("competencies"):
            c = FieldReader(c_item, path, problems, f"a competency in {where}", line=c_line)
            competency = CompetencySpec(
                code=c.text("code", pattern=CODE_RE, hint=_CODE_HINT),
                title=c.text("title", max_length=MAX_TITLE),
                description=c.text("description", required=False),
                line=c.line_of("code"),
            )
            if competency.code and competency.code in competency_lines:
                c.problem(
                    "code",
                    f"duplicate competency code {competency.code!r} "
                    f"(first on line {competency_lines[competency.code]})",
                )
                continue
            competency_lines[competency.code] = competency.line
            domain.competencies.append(competency)
        spec.domains.append(domain)

    if problems:
        raise FileFormatError(problems)
    return spec


def _check_level_numbers(
    levels: list[LevelSpec], path: str, line: int | None, problems: list[Problem]
) -> None:
    numbers = sorted(level.number for level in levels)
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        problems.append(
            Problem(path, line, f"levels must be numbered 1, 2, 3… without gaps; found {numbers}")
        )
    levels.sort(key=lambda level: level.number)


# --- reading CSV --------------------------------------------------------------------------

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
_CSV_MAX_LENGTHS = {
    "framework_name": MAX_TITLE,
    "scope": MAX_TITLE,
    "version": MAX_VERSION,
    "language": MAX_LANGUAGE,
    "domain_title": MAX_TITLE,
    "title": MAX_TITLE,
}


def parse_framework_csv(text: str, path: str) -> FrameworkSpec:
    """One row per competency. Framework columns may be blank after the first row (a
    spreadsheet's fill-down is not needed); when given again they must match."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[Problem] = []
    rows = _csv_rows(reader, path, problems)
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

    framework: dict[str, str] = {}
    domains: dict[str, DomainSpec] = {}
    codes: dict[str, int] = {}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(path, line, f"this row has {len(row)} cells; the header has {len(header)}")
            )
            continue
        values = {name: cell.strip() for name, cell in zip(header, row, strict=True) if name}
        problems.extend(
            Problem(path, line, f"`{column}` is longer than {limit} characters")
            for column, limit in _CSV_MAX_LENGTHS.items()
            if len(values.get(column, "")) > limit
        )
        for column in _FRAMEWORK_COLUMNS:
            value = values.get(column, "")
            if not value:
                continue
            if column in framework and framework[column] != value:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"`{column}` is {value!r} here but "
                        f"{framework[column]!r} above; one file holds one framework",
                    )
                )
            framework.setdefault(column, value)
        absent = [c for c in _CSV_REQUIRED if not values.get(c)]
        if absent:
            problems.append(Problem(path, line, "empty required cell(s): " + ", ".join(absent)))
            continue
        for column in ("domain_code", "code"):
            if not CODE_RE.match(values[column]):
                problems.append(
                    Problem(path, line, f"`{column}` is {values[column]!r}; {_CODE_HINT}")
                )
        code = values["code"]
        if code in codes:
            problems.append(
                Problem(
                    path, line, f"duplicate competency code {code!r} (first on line {codes[code]})"
                )
            )
            continue
        codes[code] = line
        domain = domains.get(values["domain_code"])
        if domain is None:
            if not values.get("domain_title"):
                problems.append(
                    Problem(
                        path,
                        line,
                        f"the first row of domain {values['domain_code']!r} needs a `domain_title`",
                    )
                )
            domain = domains[values["domain_code"]] = DomainSpec(
                values["domain_code"],
                values.get("domain_title", ""),
                values.get("domain_description", ""),
            )
        domain.competencies.append(
            CompetencySpec(code, values["title"], values.get("description", ""), line=line)
        )

    for column in ("framework_code", "framework_name"):
        if not framework.get(column):
            problems.append(
                Problem(path, 2, f"`{column}` is empty; give it at least on the first row")
            )
    if framework.get("framework_code") and not CODE_RE.match(framework["framework_code"]):
        problems.append(
            Problem(path, 2, f"`framework_code` is {framework['framework_code']!r}; {_CODE_HINT}")
        )
    if framework.get("language") and not LANGUAGE_RE.match(framework["language"]):
        problems.append(
            Problem(path, 2, f"`language` is {framework['language']!r}; use a code such as `en`")
        )
    if not codes and not problems:
        problems.append(Problem(path, 2, "no competencies: add one row per competency"))
    if problems:
        raise FileFormatError(problems)
    return FrameworkSpec(
        code=framework["framework_code"],
        name=framework["framework_name"],
        scope=framework.get("scope", ""),
        version=framework.get("version", ""),
        language=framework.get("language", "en"),
        # A spreadsheet of competencies carries no levels: the usual four apply.
        levels=[LevelSpec(lv.number, lv.name, lv.descriptor) for lv in DEFAULT_LEVELS],
        domains=list(domains.values()),
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


# --- writing ------------------------------------------------------------------------------


def framework_to_dict(spec: FrameworkSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"code": spec.code, "name": spec.name}
    if spec.scope:
        data["scope"] = spec.scope
    if spec.version:
        data["version"] = spec.version
    data["language"] = spec.language
    data["levels"] = [
        {
            "number": lv.number,
            "name": lv.name,
            **({"descriptor": lv.descriptor} if lv.descriptor else {}),
        }
        for lv in spec.levels
    ]
    data["domains"] = [
        {
            "code": d.code,
            "title": d.title,
            **({"description": d.description} if d.description else {}),
            "competencies": [
                {
                    "code": c.code,
                    "title": c.title,
                    **({"description": c.description} if c.description else {}),
                }
                for c in d.competencies
            ],
        }
        for d in spec.domains
    ]
    return data


def dump_framework_yaml(spec: FrameworkSpec) -> str:
    return dump_yaml(framework_to_dict(spec))


def dump_framework_csv(spec: FrameworkSpec) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    first = True
    for domain in spec.domains:
        first_in_domain = True
        for c in domain.competencies:
            writer.writerow(
                [
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


def dump_framework(spec: FrameworkSpec, path: str | Path) -> str:
    """The framework as the text of the file named ``path``: CSV by its extension, else YAML."""
    return (
        dump_framework_csv(spec)
        if Path(path).suffix.lower() == ".csv"
        else dump_framework_yaml(spec)
    )


def write_framework(spec: FrameworkSpec, path: str | Path) -> Path:
    """Write YAML or CSV, chosen by the file's extension."""
    path = Path(path)
    text = dump_framework(spec, path)
    path.write_text(text, encoding="utf-8")
    return path


class _ReadableDumper(yaml.SafeDumper):
    """Block style; long or multi-line text as folded/literal blocks so files diff well."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_ReadableDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_ReadableDumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
        default_flow_style=False,
    )


def decode_text(data: bytes, path: str) -> str:
    """The text of a file's bytes; raise FileFormatError naming ``path`` if it is not UTF-8."""
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError([Problem(path, None, f"not UTF-8 text ({exc.reason})")]) from None


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError([Problem(str(path), None, "file not found")]) from None
    return decode_text(data, str(path))

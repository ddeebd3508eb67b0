"""YAML read with line numbers and written readably, shared by framework and course files.

``load_yaml`` returns mappings and lists that remember where they were in the file, and
``FieldReader`` reads fields out of them, recording every problem at its line instead of
stopping at the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from .problems import FileFormatError, Problem
from .spec import LANGUAGE_RE, MAX_LANGUAGE

# --- reading, remembering line numbers --------------------------------------------------


class LineDict(dict):
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):
    """A YAML sequence that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


# Framework and course files nest a few levels; past this a file is refused at its line
# before Python's own recursion limit ends the reading with a RecursionError.
MAX_DEPTH = 50
# Aliases (``*name``) repeat what an anchor (``&name``) holds. A few save typing; nested
# ones multiply ("billion laughs"): a kilobyte stands for billions of values, and anything
# that walked them (a problem quoting the value) would never finish. What aliases repeat,
# counted value by value, is capped.
MAX_ALIASED_VALUES = 10_000


class _LineLoader(yaml.SafeLoader):
    line_offset = 0
    duplicate_keys: list[tuple[str, int]]

    def __init__(self, text: str, path: str, line_offset: int) -> None:
        super().__init__(text)
        self.path, self.line_offset = path, line_offset
        self.duplicate_keys = []
        self.nul_lines: list[int] = []
        self.depth = 0
        self.aliased_values = 0
        self.sizes: dict[yaml.Node, int] = {}  # each node's values, aliases expanded

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        mark = self.peek_event().start_mark
        if self.check_event(yaml.AliasEvent):
            node = super().compose_node(parent, index)
            self.aliased_values += self.sizes.get(node, 1)  # absent: an alias inside itself
            if self.aliased_values > MAX_ALIASED_VALUES:
                raise self._refuse(
                    mark,
                    f"aliases (`*name`) repeat more than {MAX_ALIASED_VALUES} values by "
                    "this line; write the values out instead",
                )
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._refuse(
                mark,
                f"lists and mappings are nested more than {MAX_DEPTH} levels deep here; "
                "this file needs only a few",
            )
        node = super().compose_node(parent, index)
        self.depth -= 1
        if isinstance(node, yaml.ScalarNode) and "\x00" in node.value:
            self.nul_lines.append(mark.line + 1 + self.line_offset)  # written "\0", "\x00"…
        self.sizes[node] = 1 + sum(self.sizes.get(child, 1) for child in _children(node))
        return node

    def _refuse(self, mark: yaml.Mark, message: str) -> FileFormatError:
        return FileFormatError([Problem(self.path, mark.line + 1 + self.line_offset, message)])


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []


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
    try:
        loader = _LineLoader(text, path, line_offset)
    except yaml.reader.ReaderError as exc:
        # Control characters are refused before any parsing (decode_text refuses NUL sooner).
        line = text.count("\n", 0, exc.position) + 1 + line_offset
        character = f"#x{exc.character:04x}" if isinstance(exc.character, int) else "a character"
        raise FileFormatError(
            [Problem(path, line, f"malformed YAML: {character} is not allowed here; remove it")]
        ) from None
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
    problems = [
        Problem(path, line, f"the key {key!r} appears twice in the same mapping")
        for key, line in loader.duplicate_keys
    ] + [
        Problem(
            path, line, "this text holds a NUL character (\\0), which text cannot hold; remove it"
        )
        for line in loader.nul_lines
    ]
    if problems:
        raise FileFormatError(sorted(problems, key=lambda p: p.line))
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

    def language(self) -> str:
        """The optional ``language`` field of a framework or course (English if absent)."""
        return self.text(
            "language",
            required=False,
            default="en",
            pattern=LANGUAGE_RE,
            hint="use a language code such as `en`, `fr` or `sw`",
            max_length=MAX_LANGUAGE,
        )

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


# --- writing ----------------------------------------------------------------------------


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

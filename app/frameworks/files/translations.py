"""A framework's YAML ``translations:`` block: its name, levels, domains and competencies in
other languages, read onto the spec's items with every mismatch at its line, and written back.

```yaml
translations:
  fr:
    name: …                          # required
    scope: …                         # optional
    levels: {1: {name: …, descriptor: …}}
    domains: {LL: {title: …, description: …}}
    competencies: {LL.1: {title: …, description: …}}
```
An item left out falls back to the original; one that is not in the framework is refused.
"""

from __future__ import annotations

from typing import Any

from .problems import Problem
from .spec import LANGUAGE_RE, MAX_LANGUAGE, MAX_LEVEL_NAME, MAX_TITLE, FrameworkSpec
from .yaml_io import FieldReader

# Each kind of thing a translation gives, its fields and the longest each may be (the
# original's column). The first field is required; another may only translate text the
# original has.
FRAMEWORK_FIELDS = {"name": MAX_TITLE, "scope": MAX_TITLE}
LEVEL_FIELDS = {"name": MAX_LEVEL_NAME, "descriptor": None}
ITEM_FIELDS = {"title": MAX_TITLE, "description": None}  # domains and competencies
_LANGUAGE_KEYS = (*FRAMEWORK_FIELDS, "levels", "domains", "competencies")


# --- reading ----------------------------------------------------------------------------


def read_translations(top: FieldReader, spec: FrameworkSpec) -> None:
    """Put the file's ``translations`` onto ``spec`` and its items (read before this), each
    problem recorded in ``top.problems`` at its line."""
    block = top.mapping.get("translations")
    if block is None:
        return
    if not isinstance(block, dict):
        top.problem(
            "translations",
            "`translations` must be a mapping of language codes (`fr:`, `sw:`) "
            "to the framework in that language",
        )
        return
    key_lines = getattr(block, "key_lines", {})
    for language, value in block.items():
        line = key_lines.get(language, top.line_of("translations"))
        if _check_language(language, spec.language, top, line):
            reader = FieldReader(
                value, top.path, top.problems, f"the `{language}` translation", line=line
            )
            if isinstance(value, dict):  # else FieldReader has said what is wrong
                _read_language(reader, language, spec)


def _check_language(language: Any, original: str, top: FieldReader, line: int | None) -> bool:
    """True if ``language`` is a language code other than the framework's own."""
    if not (
        isinstance(language, str) and LANGUAGE_RE.match(language) and len(language) <= MAX_LANGUAGE
    ):
        message = (
            f"translations: {language!r} is not a language code; "
            "use a code such as `fr` or `sw` (in quotes if YAML reads it as something else)"
        )
    elif language == original:
        message = (
            f"translations: `{language}` is the framework's own language "
            f"(`language: {original}`); a translation must be into another language"
        )
    else:
        return True
    top.problems.append(Problem(top.path, line, message))
    return False


def _read_language(reader: FieldReader, language: str, spec: FrameworkSpec) -> None:
    _refuse_unknown_keys(reader, _LANGUAGE_KEYS)
    translation = _read_fields(reader, spec, FRAMEWORK_FIELDS)
    if translation:
        spec.translations[language] = translation
    for key, kind, items, fields in (
        ("levels", "level", {str(lv.number): lv for lv in spec.levels}, LEVEL_FIELDS),
        ("domains", "domain", {d.code: d for d in spec.domains}, ITEM_FIELDS),
        ("competencies", "competency", {c.code: c for c in spec.competencies()}, ITEM_FIELDS),
    ):
        _read_items(reader, language, key, kind, items, fields)


def _read_items(
    reader: FieldReader,
    language: str,
    key: str,
    kind: str,
    items: dict[str, Any],
    fields: dict[str, int | None],
) -> None:
    """One language's ``levels``, ``domains`` or ``competencies``: number or code → fields."""
    entries = reader.mapping.get(key)
    if entries is None:
        return
    by = "numbers" if kind == "level" else "codes"
    if not isinstance(entries, dict):
        reader.problem(
            key, f"`{key}` in {reader.where} must be a mapping of {kind} {by} to their text"
        )
        return
    key_lines = getattr(entries, "key_lines", {})
    for item_key, entry in entries.items():
        line = key_lines.get(item_key, reader.line_of(key))
        item = items.get(str(item_key))
        if item is None:
            shown = item_key if kind == "level" else repr(str(item_key))
            reader.problems.append(
                Problem(
                    reader.path,
                    line,
                    f"`{key}` in {reader.where}: there is no {kind} {shown} in this framework",
                )
            )
            continue
        shown = item_key if kind == "level" else str(item_key)
        entry_reader = FieldReader(
            entry, reader.path, reader.problems, f"{kind} {shown} in {reader.where}", line=line
        )
        if isinstance(entry, dict):  # else FieldReader has said what is wrong
            _refuse_unknown_keys(entry_reader, tuple(fields))
            translation = _read_fields(entry_reader, item, fields)
            if translation:
                item.translations[language] = translation


def _read_fields(reader: FieldReader, original: Any, fields: dict[str, int | None]) -> dict:
    """The translated fields of one thing; the first is required, and another must
    translate text that ``original`` has."""
    required = next(iter(fields))
    translation: dict[str, str] = {}
    for name, limit in fields.items():
        text = reader.text(name, required=name == required, max_length=limit)
        if text and not getattr(original, name):
            reader.problem(
                name,
                f"`{name}` in {reader.where} translates nothing: the original has no {name}",
            )
        elif text:
            translation[name] = text
    return translation


def _refuse_unknown_keys(reader: FieldReader, known: tuple[str, ...]) -> None:
    expected = ", ".join(f"`{k}`" for k in known)
    for key in reader.mapping:
        if key not in known:
            reader.problem(key, f"unknown key `{key}` in {reader.where}; expected {expected}")


# --- writing ----------------------------------------------------------------------------


def translations_to_dict(spec: FrameworkSpec) -> dict[str, Any]:
    """The ``translations`` block for ``spec``: each language, its framework fields, then
    its levels, domains and competencies in the framework's order (empty if none)."""
    data: dict[str, Any] = {}
    for language in spec.translation_languages():
        block = _fields(spec.translations, language, FRAMEWORK_FIELDS)
        for key, items, fields in (
            ("levels", [(lv.number, lv) for lv in spec.levels], LEVEL_FIELDS),
            ("domains", [(d.code, d) for d in spec.domains], ITEM_FIELDS),
            ("competencies", [(c.code, c) for c in spec.competencies()], ITEM_FIELDS),
        ):
            entries = {
                key_: text
                for key_, item in items
                if (text := _fields(item.translations, language, fields))
            }
            if entries:
                block[key] = entries
        data[language] = block
    return data


def _fields(translations: dict, language: str, fields: dict[str, int | None]) -> dict:
    """One item's text in ``language``, its fields in the file's order."""
    text = translations.get(language) or {}
    return {name: text[name] for name in fields if text.get(name)}

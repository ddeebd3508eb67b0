"""A framework as plain data, and the rules its codes and texts must follow in any file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# The longest text the database keeps for each kind of field (see the models).
MAX_TITLE = 200
MAX_VERSION = 40
MAX_LANGUAGE = 16
MAX_LEVEL_NAME = 80
CODE_HINT = "use letters, digits, dots or dashes, no spaces (for example `LL.2`)"


# Each item's translations, exactly as its row's ``translations`` column keeps them:
# language code → field → text ({"fr": {"title": "…", "description": "…"}}).
Translations = dict[str, dict[str, str]]


@dataclass
class LevelSpec:
    number: int
    name: str
    descriptor: str = ""
    translations: Translations = field(default_factory=dict)


@dataclass
class CompetencySpec:
    code: str
    title: str
    description: str = ""
    line: int | None = field(default=None, compare=False, repr=False)
    translations: Translations = field(default_factory=dict)


@dataclass
class DomainSpec:
    code: str
    title: str
    description: str = ""
    competencies: list[CompetencySpec] = field(default_factory=list)
    translations: Translations = field(default_factory=dict)


@dataclass
class FrameworkSpec:
    code: str
    name: str
    scope: str = ""
    version: str = ""
    language: str = "en"
    levels: list[LevelSpec] = field(default_factory=list)
    domains: list[DomainSpec] = field(default_factory=list)
    translations: Translations = field(default_factory=dict)
    # False when the file had no levels (a CSV) and ``levels`` are only the usual four:
    # they start a new framework but never replace an existing framework's own.
    levels_from_file: bool = field(default=True, compare=False, repr=False)

    def competencies(self) -> Iterator[CompetencySpec]:
        for domain in self.domains:
            yield from domain.competencies

    def competency_codes(self) -> list[str]:
        return [c.code for c in self.competencies()]

    def translation_languages(self) -> list[str]:
        """Every language the framework or any of its items is translated into, sorted."""
        items = [self, *self.levels, *self.domains, *self.competencies()]
        return sorted({language for item in items for language in item.translations})


# The usual four levels, for a file that has none (a CSV).
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

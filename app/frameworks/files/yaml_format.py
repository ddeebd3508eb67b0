"""Frameworks as YAML: read with every problem at its line, and written back."""

from __future__ import annotations

from typing import Any

from .problems import FileFormatError, Problem
from .spec import (
    CODE_HINT,
    CODE_RE,
    MAX_LEVEL_NAME,
    MAX_TITLE,
    MAX_VERSION,
    CompetencySpec,
    DomainSpec,
    FrameworkSpec,
    LevelSpec,
)
from .translations import read_translations, translations_to_dict
from .yaml_io import FieldReader, dump_yaml, load_yaml

# --- reading ----------------------------------------------------------------------------


def parse_framework_yaml(text: str, path: str) -> FrameworkSpec:
    data = load_yaml(text, path)
    problems: list[Problem] = []
    top = FieldReader(data, path, problems, "the framework", line=1)
    spec = FrameworkSpec(
        code=top.text("code", pattern=CODE_RE, hint=CODE_HINT),
        name=top.text("name", max_length=MAX_TITLE),
        scope=top.text("scope", required=False, max_length=MAX_TITLE),
        version=top.text("version", required=False, max_length=MAX_VERSION),
        language=top.language(),
    )
    spec.levels = _read_levels(top)
    spec.domains = _read_domains(top)
    read_translations(top, spec)
    if problems:
        raise FileFormatError(problems)
    return spec


def _read_levels(top: FieldReader) -> list[LevelSpec]:
    """The framework's ``levels``, in order of number; a number given twice is a problem."""
    levels: list[LevelSpec] = []
    seen_numbers: dict[int, int | None] = {}
    for item, line in top.items("levels"):
        level = FieldReader(item, top.path, top.problems, "a level", line=line)
        number = level.integer("number", minimum=1, maximum=10)
        name = level.text("name", max_length=MAX_LEVEL_NAME)
        if number in seen_numbers:
            level.problem(
                "number", f"level {number} is defined twice (first on line {seen_numbers[number]})"
            )
            continue
        seen_numbers[number] = level.line_of("number")
        levels.append(LevelSpec(number, name, level.text("descriptor", required=False)))
    _check_level_numbers(levels, top.path, top.line_of("levels"), top.problems)
    return levels


def _read_domains(top: FieldReader) -> list[DomainSpec]:
    """The framework's ``domains`` with their competencies; a code given twice is a problem."""
    domains: list[DomainSpec] = []
    domain_lines: dict[str, int | None] = {}
    # Competency codes are unique across the framework, not just within a domain.
    competency_lines: dict[str, int | None] = {}
    for item, line in top.items("domains"):
        reader = FieldReader(item, top.path, top.problems, "a domain", line=line)
        domain = DomainSpec(
            code=reader.text("code", pattern=CODE_RE, hint=CODE_HINT),
            title=reader.text("title", max_length=MAX_TITLE),
            description=reader.text("description", required=False),
        )
        if domain.code and domain.code in domain_lines:
            reader.problem(
                "code",
                f"duplicate domain code {domain.code!r} (first on line {domain_lines[domain.code]})",
            )
        domain_lines.setdefault(domain.code, reader.line_of("code"))
        domain.competencies = _read_competencies(
            reader, f"domain {domain.code or '?'}", competency_lines
        )
        domains.append(domain)
    return domains


def _read_competencies(
    domain: FieldReader, where: str, competency_lines: dict[str, int | None]
) -> list[CompetencySpec]:
    """One domain's ``competencies``; ``competency_lines`` holds the line of each code read
    so far, in this domain or an earlier one."""
    competencies: list[CompetencySpec] = []
    for item, line in domain.items("competencies"):
        c = FieldReader(item, domain.path, domain.problems, f"a competency in {where}", line=line)
        competency = CompetencySpec(
            code=c.text("code", pattern=CODE_RE, hint=CODE_HINT),
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
        competencies.append(competency)
    return competencies


def _check_level_numbers(
    levels: list[LevelSpec], path: str, line: int | None, problems: list[Problem]
) -> None:
    numbers = sorted(level.number for level in levels)
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        problems.append(
            Problem(path, line, f"levels must be numbered 1, 2, 3… without gaps; found {numbers}")
        )
    levels.sort(key=lambda level: level.number)


# --- writing ----------------------------------------------------------------------------


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
    translations = translations_to_dict(spec)
    if translations:
        data["translations"] = translations
    return data


def dump_framework_yaml(spec: FrameworkSpec) -> str:
    return dump_yaml(framework_to_dict(spec))

"""Frameworks: import and export, browsing and editing. Services commit their own work."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import ServiceError
from app.extensions import db
from app.form_keys import claim_form_key
from app.logs import log_event

from .files import (
    CompetencySpec,
    DomainSpec,
    FrameworkSpec,
    LevelSpec,
    decode_text,
    dump_framework,
    parse_framework,
)
from .models import Competency, Domain, Framework, FrameworkLevel


@dataclass
class ImportReport:
    framework: Framework
    created: bool
    competencies_added: int = 0
    competencies_updated: int = 0
    competencies_retired: int = 0

    def summary(self) -> str:
        verb = "Created" if self.created else "Updated"
        return (
            f"{verb} framework {self.framework.code} ({self.framework.name}): "
            f"{self.competencies_added} competencies added, {self.competencies_updated} updated, "
            f"{self.competencies_retired} retired"
        )


def import_framework(spec: FrameworkSpec) -> ImportReport:
    """Create or update the framework with ``spec.code``, matching everything by code.

    Competencies missing from the spec are retired, not deleted, so whatever points at
    them keeps its history; one that comes back is un-retired.
    """
    framework = db.session.scalar(
        select(Framework)
        .where(Framework.code == spec.code)
        .options(selectinload(Framework.levels), selectinload(Framework.domains))
    )
    report = ImportReport(framework=framework, created=framework is None)
    if framework is None:
        framework = report.framework = Framework(code=spec.code)
        db.session.add(framework)
    framework.name, framework.scope = spec.name, spec.scope
    framework.version, framework.language = spec.version, spec.language
    framework.translations = _stored(spec.translations)

    if spec.levels_from_file or report.created:
        _apply_levels(framework, spec.levels)
    _apply_domains(framework, spec, report)
    db.session.commit()
    log_event(
        "framework_imported",
        framework=framework.code,
        created=report.created,
        competencies_added=report.competencies_added,
        competencies_updated=report.competencies_updated,
        competencies_retired=report.competencies_retired,
    )
    return report


def _apply_levels(framework: Framework, level_specs: list[LevelSpec]) -> None:
    levels = {level.number: level for level in framework.levels}
    for level_spec in level_specs:
        level = levels.pop(level_spec.number, None)
        if level is None:
            level = FrameworkLevel(number=level_spec.number)
            framework.levels.append(level)
        level.name, level.descriptor = level_spec.name, level_spec.descriptor
        level.translations = _stored(level_spec.translations)
    for level in levels.values():
        # Self-assessments store the number, not the row; a removed level just goes.
        framework.levels.remove(level)


def _apply_domains(framework: Framework, spec: FrameworkSpec, report: ImportReport) -> None:
    """The spec's domains and competencies, matched by code and put in the spec's order.
    Competencies it leaves out are retired; domains it leaves out stay, after the listed ones."""
    domains = {domain.code: domain for domain in framework.domains}
    existing = (
        {
            c.code: c
            for c in db.session.scalars(
                select(Competency).where(Competency.framework_id == framework.id)
            )
        }
        if framework.id
        else {}
    )
    for d_position, domain_spec in enumerate(spec.domains):
        domain = domains.get(domain_spec.code)
        if domain is None:
            domain = Domain(code=domain_spec.code)
            framework.domains.append(domain)
        domain.title, domain.description, domain.position = (
            domain_spec.title,
            domain_spec.description,
            d_position,
        )
        domain.translations = _stored(domain_spec.translations)
        _apply_competencies(framework, domain, domain_spec.competencies, existing, report)
    seen = set(spec.competency_codes())
    for code, competency in existing.items():
        if code not in seen and not competency.retired:
            competency.retired = True
            report.competencies_retired += 1
    listed = {domain_spec.code for domain_spec in spec.domains}
    unlisted = [domain for domain in framework.domains if domain.code not in listed]
    for position, domain in enumerate(unlisted, start=len(spec.domains)):
        domain.position = position


def _apply_competencies(
    framework: Framework,
    domain: Domain,
    competency_specs: list[CompetencySpec],
    existing: dict[str, Competency],
    report: ImportReport,
) -> None:
    """One domain's competencies from the spec, in its order; ``existing`` is the framework's
    competencies by code before the import, found or created here and counted in ``report``."""
    for c_position, c_spec in enumerate(competency_specs):
        competency = existing.get(c_spec.code)
        if competency is None:
            competency = Competency(code=c_spec.code, framework=framework)
            db.session.add(competency)
            report.competencies_added += 1
        elif (
            competency.title,
            competency.description,
            competency.translations or {},
            competency.domain_id,
            competency.retired,
        ) != (c_spec.title, c_spec.description, c_spec.translations, domain.id, False):
            report.competencies_updated += 1
        competency.domain = domain
        competency.title, competency.description = c_spec.title, c_spec.description
        competency.translations = _stored(c_spec.translations)
        competency.position, competency.retired = c_position, False


def _stored(translations: Mapping[str, Mapping[str, str]]) -> dict | None:
    """A spec's translations as a row keeps them: a copy of its own (a new object, so the
    JSON column sees the change), or None when there are none."""
    return {language: dict(fields) for language, fields in translations.items()} or None


def _copied(translations: Mapping[str, Mapping[str, str]] | None) -> dict[str, dict[str, str]]:
    return {language: dict(fields) for language, fields in (translations or {}).items()}


def import_framework_file(filename: str, data: bytes) -> ImportReport:
    """Import an uploaded ``.yaml``/``.yml`` or ``.csv`` file, read and imported exactly as
    ``flask frameworks import`` does.

    Raises FileFormatError, whose problems name the file and the line, before anything in
    the database is touched.
    """
    # Only the name is ours to show: some browsers send the sender's whole local path.
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    return import_framework(parse_framework(decode_text(data, name), name))


@dataclass(frozen=True)
class FrameworkFile:
    """A framework written out for download."""

    filename: str
    content_type: str
    text: str


EXPORT_CONTENT_TYPES = {"yaml": "application/yaml", "csv": "text/csv"}


def export_framework_file(framework: Framework, file_format: str) -> FrameworkFile:
    """The framework as a ``yaml`` or ``csv`` file, as ``flask frameworks export`` writes it."""
    # Codes are checked on import, but a file name must never carry a path or a quote.
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", framework.code).strip("._") or "framework"
    filename = f"{stem}.{file_format}"
    return FrameworkFile(
        filename=filename,
        content_type=f"{EXPORT_CONTENT_TYPES[file_format]}; charset=utf-8",
        text=dump_framework(framework_to_spec(framework), filename),
    )


def framework_to_spec(framework: Framework) -> FrameworkSpec:
    """The framework as data, for export; retired competencies are left out."""
    by_domain = competencies_by_domain(framework)
    return FrameworkSpec(
        code=framework.code,
        name=framework.name,
        scope=framework.scope,
        version=framework.version,
        language=framework.language,
        levels=[
            LevelSpec(lv.number, lv.name, lv.descriptor, translations=_copied(lv.translations))
            for lv in framework.levels
        ],
        domains=[
            DomainSpec(
                d.code,
                d.title,
                d.description,
                [
                    CompetencySpec(
                        c.code, c.title, c.description, translations=_copied(c.translations)
                    )
                    for c in by_domain.get(d.id, [])
                ],
                translations=_copied(d.translations),
            )
            for d in framework.domains
            if by_domain.get(d.id)
        ],
        translations=_copied(framework.translations),
    )


def competencies_by_domain(
    framework: Framework, *, include_retired: bool = False
) -> dict[int, list[Competency]]:
    query = (
        select(Competency)
        .where(Competency.framework_id == framework.id)
        .order_by(Competency.position)
    )
    if not include_retired:
        query = query.where(Competency.retired.is_(False))
    grouped: dict[int, list[Competency]] = {}
    for competency in db.session.scalars(query):
        grouped.setdefault(competency.domain_id, []).append(competency)
    return grouped


def known_competency_codes() -> Mapping[str, set[str]]:
    """Each framework's code → the codes of its active competencies, for checking course files."""
    rows = db.session.execute(
        select(Framework.code, Competency.code)
        .join(Competency, Competency.framework_id == Framework.id, isouter=True)
        .where((Competency.retired.is_(False)) | (Competency.id.is_(None)))
    )
    codes: dict[str, set[str]] = {}
    for framework_code, competency_code in rows:
        codes.setdefault(framework_code, set())
        if competency_code:
            codes[framework_code].add(competency_code)
    return codes


def list_frameworks() -> list[Framework]:
    return list(db.session.scalars(select(Framework).order_by(Framework.name)))


def get_part(model, part_id: int):
    """A framework's level, domain or competency by id (``model`` is its class), or None."""
    return db.session.get(model, part_id)


def get_framework(framework_id: int) -> Framework | None:
    return db.session.scalar(
        select(Framework)
        .where(Framework.id == framework_id)
        .options(selectinload(Framework.levels), selectinload(Framework.domains))
    )


def find_framework(code: str) -> Framework | None:
    return db.session.scalar(select(Framework).where(Framework.code == code))


def default_framework() -> Framework | None:
    """The framework leaders assess themselves against: ``HEADWAY_FRAMEWORK`` (default SLC),
    else the first one imported. Programmes will choose theirs when they arrive."""
    code = current_app.config["FRAMEWORK"]
    return find_framework(code) or db.session.scalar(
        select(Framework).order_by(Framework.id).limit(1)
    )


def update_framework(
    framework: Framework, *, name: str, scope: str, version: str, language: str
) -> Framework:
    framework.name, framework.scope, framework.version, framework.language = (
        name,
        scope,
        version,
        language,
    )
    db.session.commit()
    return framework


def update_level(level: FrameworkLevel, *, name: str, descriptor: str) -> FrameworkLevel:
    level.name, level.descriptor = name, descriptor
    db.session.commit()
    return level


def update_domain(domain: Domain, *, title: str, description: str) -> Domain:
    domain.title, domain.description = title, description
    db.session.commit()
    return domain


def update_competency(
    competency: Competency, *, title: str, description: str, retired: bool
) -> Competency:
    competency.title, competency.description, competency.retired = title, description, retired
    db.session.commit()
    return competency


class CodeTaken(ValueError):
    pass


class FrameworkError(ServiceError):
    """Something a framework's editor can put right."""


def add_competency(
    domain: Domain, *, code: str, title: str, description: str, by, key: str
) -> Competency:
    """A new competency at the end of ``domain``. The form's ``key`` sent again by ``by``
    gives back the competency it added (claimed before the code is checked: a double tap's
    code is taken). Commits."""
    claimed = claim_form_key(by.id, key, "frameworks.add_competency", FrameworkError)
    if not claimed.added:
        db.session.commit()
        return db.session.get(Competency, claimed.row_id)
    taken = db.session.scalar(
        select(Competency.id).where(
            Competency.framework_id == domain.framework_id, Competency.code == code
        )
    )
    if taken:
        raise CodeTaken(code)
    position = len(domain.competencies)
    competency = Competency(
        framework_id=domain.framework_id,
        domain=domain,
        code=code,
        title=title,
        description=description,
        position=position,
    )
    db.session.add(competency)
    db.session.flush()
    claimed.record(competency.id)
    db.session.commit()
    return competency

"""The default framework as each process keeps it: plain immutable data, read again only
when the published content's version changes (``app/published.py``), as the learning
area keeps its courses. Growth pages read it on every view; four statements once per
version and process, none after. Nothing here is an ORM row; ``translated()`` works on
these as on rows (:class:`TranslatedText`), so templates read both alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app import published
from app.extensions import db
from app.translatable import KeptText, frozen

from .models import Competency, Domain, Framework, FrameworkLevel


@dataclass(frozen=True, eq=False)
class LevelEntry(KeptText):
    id: int
    number: int
    name: str
    descriptor: str
    translations: Mapping | None
    language: str  # its framework's


@dataclass(frozen=True, eq=False)
class CompetencyEntry(KeptText):
    id: int
    domain_id: int
    code: str
    title: str
    description: str
    position: int
    translations: Mapping | None
    language: str


@dataclass(frozen=True, eq=False)
class DomainEntry(KeptText):
    id: int
    code: str
    title: str
    description: str
    position: int
    translations: Mapping | None
    language: str
    competencies: tuple[CompetencyEntry, ...]  # in use (not retired), in order


@dataclass(frozen=True, eq=False)
class FrameworkEntry(KeptText):
    id: int
    code: str
    name: str
    language: str
    translations: Mapping | None
    levels: tuple[LevelEntry, ...]
    domains: tuple[DomainEntry, ...]


def default_framework() -> FrameworkEntry | None:
    """The framework leaders assess themselves against (``frameworks.default_framework``),
    with its levels, domains and competencies in use, as this process keeps it."""
    code = current_app.config["FRAMEWORK"]
    return published.cached(("default-framework", code), lambda: _build(code))


def _build(code: str) -> FrameworkEntry | None:
    framework = db.session.scalar(select(Framework).where(Framework.code == code))
    if framework is None:
        framework = db.session.scalar(select(Framework).order_by(Framework.id).limit(1))
    if framework is None:
        return None
    language = framework.language
    levels = tuple(
        LevelEntry(row.id, row.number, row.name, row.descriptor, frozen(row.translations), language)
        for row in db.session.scalars(
            select(FrameworkLevel)
            .where(FrameworkLevel.framework_id == framework.id)
            .order_by(FrameworkLevel.number)
        )
    )
    by_domain: dict[int, list[CompetencyEntry]] = {}
    for row in db.session.scalars(
        select(Competency)
        .where(Competency.framework_id == framework.id, Competency.retired.is_(False))
        .order_by(Competency.position)
    ):
        by_domain.setdefault(row.domain_id, []).append(
            CompetencyEntry(
                row.id,
                row.domain_id,
                row.code,
                row.title,
                row.description,
                row.position,
                frozen(row.translations),
                language,
            )
        )
    domains = tuple(
        DomainEntry(
            row.id,
            row.code,
            row.title,
            row.description,
            row.position,
            frozen(row.translations),
            language,
            tuple(by_domain.get(row.id, ())),
        )
        for row in db.session.scalars(
            select(Domain).where(Domain.framework_id == framework.id).order_by(Domain.position)
        )
    )
    return FrameworkEntry(
        framework.id,
        framework.code,
        framework.name,
        language,
        frozen(framework.translations),
        levels,
        domains,
    )

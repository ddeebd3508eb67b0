"""Finding practices: the library (by competency, the reader's improvement priority,
language, region and words) and one practice's page.

The search is SQL ``LIKE`` over ``search_text``, the title, problem and steps folded
(lower case, no accents: ``_common.fold``) in the practice's own language, with the words
folded alike: every word must appear. It finds "eleves" in "Élèves" and "wasichana" in
"Wasichana", but knows no stems or synonyms ("élève" does not find "élèves" unless typed as
a prefix); at a programme's few thousand practices a full-text index is not needed yet.
Each page of the library is a fixed few statements however many practices there are.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.coaching.models import ImprovementPriority, PriorityCompetency
from app.extensions import db

from ..models import Practice, PracticeCompetency, PracticeTry, Status
from ..permissions import reader_kind, visible_to, visible_to_kind
from ._common import fold

PER_PAGE = 20
QUERY_MAX = 100


@dataclass
class LibraryFilter:
    words: str = ""
    competency_id: int | None = None
    language: str = ""
    region: str = ""
    for_priority: bool = False
    page: int = 1


@dataclass
class LibraryPage:
    practices: list[Practice]
    page: int
    has_next: bool
    filters: LibraryFilter = field(default_factory=LibraryFilter)


def _like(words: str) -> list[str]:
    escaped = fold(words[:QUERY_MAX]).replace("\\", "\\\\").replace("%", "\\%")
    return ["%" + word.replace("_", "\\_") + "%" for word in escaped.split()]


def _for_priority_of(leader_id: int):
    """The condition on ``practices``: it shows a competency of the leader's improvement
    priority."""
    return (
        select(PracticeCompetency.practice_id)
        .join(
            PriorityCompetency,
            PriorityCompetency.competency_id == PracticeCompetency.competency_id,
        )
        .join(ImprovementPriority, ImprovementPriority.id == PriorityCompetency.priority_id)
        .where(
            PracticeCompetency.practice_id == Practice.id,
            ImprovementPriority.leader_id == leader_id,
        )
        .exists()
    )


def library(reader: User, filters: LibraryFilter) -> LibraryPage:
    """Approved practices the reader may see, newest first, one page of them."""
    query = select(Practice).where(Practice.status == Status.APPROVED, visible_to(reader))
    for pattern in _like(filters.words):
        query = query.where(Practice.search_text.like(pattern, escape="\\"))
    if filters.competency_id:
        query = query.where(
            select(PracticeCompetency.practice_id)
            .where(
                PracticeCompetency.practice_id == Practice.id,
                PracticeCompetency.competency_id == filters.competency_id,
            )
            .exists()
        )
    if filters.for_priority:
        query = query.where(_for_priority_of(reader.id))
    if filters.language:
        query = query.where(Practice.language == filters.language)
    if filters.region:
        query = query.where(Practice.region == filters.region)
    page = max(1, filters.page)
    rows = list(
        db.session.scalars(
            query.options(joinedload(Practice.author), selectinload(Practice.competency_links))
            .order_by(Practice.approved_at.desc(), Practice.id.desc())
            .limit(PER_PAGE + 1)
            .offset((page - 1) * PER_PAGE)
        ).unique()
    )
    return LibraryPage(rows[:PER_PAGE], page, len(rows) > PER_PAGE, filters)


#: how many practices the "for your priority" cards show
PRIORITY_CARD_SIZE = 3


def for_priority(leader: User, limit: int = PRIORITY_CARD_SIZE) -> list[Practice]:
    """Up to ``limit`` approved practices ``leader`` may read that show a competency of
    their improvement priority, newest first: one statement, built once per kind of reader
    (it runs on every Learn page; the cards on Learn and on the coach's page of the leader
    read nothing else, their templates touch no relationship)."""
    kind = reader_kind(leader)
    if kind is None:
        return []
    values = {"leader_id": leader.id, "limit": limit}
    return list(db.session.scalars(_for_priority_statement(kind), values))


@functools.cache
def _for_priority_statement(kind: str):
    leader_id = bindparam("leader_id")
    return (
        select(Practice)
        .where(
            Practice.status == Status.APPROVED,
            Practice.author_id.is_distinct_from(leader_id),
            visible_to_kind(kind, leader_id),
            _for_priority_of(leader_id),
        )
        .order_by(Practice.approved_at.desc(), Practice.id.desc())
        .limit(bindparam("limit"))
    )


def regions() -> list[str]:
    """The regions approved practices come from, for the library's filter."""
    return list(
        db.session.scalars(
            select(Practice.region)
            .where(Practice.status == Status.APPROVED, Practice.region != "")
            .distinct()
            .order_by(Practice.region)
        )
    )


def my_practices(author: User) -> list[Practice]:
    """The author's own, at every state, latest changed first."""
    return list(
        db.session.scalars(
            select(Practice)
            .where(Practice.author_id == author.id)
            .order_by(Practice.updated_at.desc(), Practice.id.desc())
        )
    )


def shared_by(author_id: int) -> list[Practice]:
    """What a leader has sent for review or had approved (their drafts are their own)."""
    return list(
        db.session.scalars(
            select(Practice)
            .where(Practice.author_id == author_id, Practice.status != Status.DRAFT)
            .order_by(Practice.submitted_at.desc(), Practice.id.desc())
        )
    )


def get_practice(practice_id: int) -> Practice | None:
    return db.session.get(Practice, practice_id)


def visible_practice(reader: User, practice_id: int) -> Practice | None:
    """The practice if ``reader`` may read it (one statement), else None."""
    return db.session.scalar(
        select(Practice)
        .where(Practice.id == practice_id, visible_to(reader))
        .options(joinedload(Practice.author))
    )


def try_of(reader: User, practice: Practice) -> PracticeTry | None:
    return db.session.scalar(
        select(PracticeTry).where(
            PracticeTry.practice_id == practice.id, PracticeTry.leader_id == reader.id
        )
    )

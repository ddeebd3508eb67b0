"""What a report is about (a ``Scope``: the programme, a cohort, a region, or a cohort in a
region) and where every leader of a programme is (a ``Layout``), so the small-group rule
(``suppression``) can hold between every report and export an admin can ask for.

A leader's *kind* is the set of (cohort id, region) they are in: almost always one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, false, literal, or_, select

from app.extensions import db

from ..models import Cohort, CohortMember, LeaderProfile, Programme
from ._common import nothing, pausing
from .research import BREAKDOWNS, breakdown_columns
from .suppression import blocks, hidden_groups, is_whole

MAX_WEEKS = 52


@dataclass(frozen=True)
class Scope:
    programme: Programme
    cohort: Cohort | None = None
    region: str | None = None

    def members(self):
        """The leaders the report is about, as a statement of user ids."""
        query = (
            select(CohortMember.user_id)
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(Cohort.programme_id == self.programme.id)
        )
        if self.cohort is not None:
            query = query.where(Cohort.id == self.cohort.id)
        if self.region:
            query = query.where(CohortMember.region == self.region)
        return query.distinct()

    def holds(self, kind: frozenset) -> bool:
        """Whether leaders of this kind are in the scope (the same test as ``members``)."""
        return any(
            (self.cohort is None or cohort_id == self.cohort.id)
            and (not self.region or region == self.region)
            for cohort_id, region in kind
        )

    def period(self, today: date) -> tuple[date, date]:
        """The weeks the report covers: from the start of the cohort (or of the first
        cohort), at most the last 52 weeks, up to its end or today."""
        cohorts = [self.cohort] if self.cohort else self.programme.cohorts
        starts = [c.starts_on for c in cohorts] or [today]
        ends = [c.ends_on or today for c in cohorts] or [today]
        end = min(max(ends), today)
        start = max(min(starts), end - timedelta(weeks=MAX_WEEKS) + timedelta(days=1))
        return start, end


def member_keys(layout: Layout):
    """Two expressions of ``CohortMember`` (joined to a statement's user ids and to
    ``Cohort``, of the layout's programme) that name a leader's kind: (cohort id, region)
    for a leader in one cohort, (-user id, "") for one in several. Statements group by
    them, so their rows grow with the cohorts and regions, not with the leaders."""
    several = CohortMember.user_id.in_(list(layout.several))
    return (
        case((several, -CohortMember.user_id), else_=CohortMember.cohort_id),
        case((several, literal("")), else_=CohortMember.region),
    )


def of_programme(statement, user_id, layout: Layout):
    """``statement`` joined to one membership in the layout's programme of each of its
    ``user_id`` (for a leader in several cohorts, the first: their rows are not doubled)."""
    first = [
        and_(CohortMember.user_id == person, CohortMember.cohort_id == min(kind)[0])
        for person, kind in layout.several.items()
    ]
    return (
        statement.join(CohortMember, CohortMember.user_id == user_id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(Cohort.programme_id == layout.programme.id)
        .where(or_(CohortMember.user_id.not_in(list(layout.several)), or_(false(), *first)))
    )


@dataclass
class Layout:
    """How many leaders of each kind a programme has, with their breakdown groups, cut into
    the blocks of the small-group rule."""

    programme: Programme
    people: Counter = field(default_factory=Counter)  # kind → leaders
    groups: dict = field(default_factory=lambda: defaultdict(Counter))  # (kind, breakdown)
    several: dict = field(default_factory=dict)  # user id → kind, for leaders in 2+ cohorts
    leaders: dict = field(default_factory=dict)  # user id → (kind, breakdown groups)
    parts: list[frozenset] = field(default_factory=list)
    block_of: dict = field(default_factory=dict)  # kind → index in parts

    def kinds(self, scope: Scope) -> set[frozenset]:
        return {kind for kind in self.people if scope.holds(kind)}

    def answers_in(self, scope: Scope) -> dict[int, tuple[str, ...]]:
        """The breakdown groups of each of the scope's leaders, by user id."""
        kinds = self.kinds(scope)
        return {
            user_id: groups for user_id, (kind, groups) in self.leaders.items() if kind in kinds
        }

    def shown(self, scope: Scope) -> bool:
        return is_whole(self.kinds(scope), self.parts)

    def kind(self, cohort_key: int, region_key: str) -> frozenset:
        """The kind of leader a ``member_keys`` key names."""
        if cohort_key > 0:
            return frozenset({(cohort_key, region_key)})
        return self.several[-cohort_key]

    def hidden_in_blocks(self, scope: Scope, breakdown: str) -> set[str]:
        """The groups of ``breakdown`` hidden in any block of ``scope``."""
        per_block = defaultdict(Counter)
        for kind in self.kinds(scope):
            per_block[self.block_of[kind]].update(self.groups[kind, breakdown])
        return set().union(*(hidden_groups(sizes) for sizes in per_block.values()))

    def record_place(self, cohort_id: int, region: str) -> tuple[bool, bool]:
        """Whether a researcher's record may give its cohort, its region: the leaders it
        would single out (of that cohort and region, or of either alone) are whole blocks."""
        cohort = {kind for kind in self.people if any(c == cohort_id for c, _ in kind)}
        place = {kind for kind in self.people if (cohort_id, region) in kind}
        if is_whole(place, self.parts):
            return True, True
        if is_whole(cohort, self.parts):
            return True, False
        return False, is_whole(
            {k for k in self.people if any(r == region for _, r in k)}, self.parts
        )


def requestable_scopes(programme: Programme, kinds) -> list[Scope]:
    """Every scope an admin can ask a report of that holds anyone, coarsest first: the
    programme, each cohort, each region, each cohort in a region."""
    places = sorted({place for kind in kinds for place in kind})
    regions = sorted({region for _, region in places if region})
    cohorts = {cohort.id: cohort for cohort in programme.cohorts}
    scopes = [Scope(programme)]
    scopes += [Scope(programme, cohort) for cohort in programme.cohorts]
    scopes += [Scope(programme, None, region) for region in regions]
    scopes += [Scope(programme, cohorts[c], region) for c, region in places if region]
    return scopes


def programme_layout(programme: Programme, pause=nothing) -> Layout:
    """Where every leader of ``programme`` is, in one statement, and its blocks;
    ``pause()`` every thousand leaders (the report job lets requests run there)."""
    groups = breakdown_columns()
    rows = db.session.execute(
        select(CohortMember.user_id, CohortMember.cohort_id, CohortMember.region, *groups.values())
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .outerjoin(LeaderProfile, LeaderProfile.user_id == CohortMember.user_id)
        .where(Cohort.programme_id == programme.id)
    )
    places, answers = defaultdict(set), {}
    for user_id, cohort_id, region, *answered in pausing(rows, pause):
        places[user_id].add((cohort_id, region))
        answers[user_id] = answered
    layout = Layout(programme)
    for user_id, place in pausing(places.items(), pause):
        kind = frozenset(place)
        layout.people[kind] += 1
        if len(kind) > 1:
            layout.several[user_id] = kind
        layout.leaders[user_id] = (kind, tuple(answers[user_id]))
        for key, group in zip(BREAKDOWNS, answers[user_id], strict=True):
            layout.groups[kind, key][group] += 1
    scopes = requestable_scopes(programme, layout.people)
    layout.parts = blocks(layout.people, ([k for k in layout.people if s.holds(k)] for s in scopes))
    layout.block_of = {kind: i for i, part in enumerate(layout.parts) for kind in part}
    return layout

"""Evidence for a cohort, a region or a whole programme: a fixed handful of statements
whatever the number of leaders (weekly activity, one grouped statement of every per-person
number by every breakdown, one per rating source for growth per competency), then the
small-group rule (``suppression``) in Python.

Every area's numbers arrive through ``app/registry.py``; this module names none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, case, cast, distinct, extract, func, literal, select, union_all

from app import registry
from app.db import UTCDateTime
from app.extensions import db
from app.frameworks.models import Competency

from ..models import Cohort, CohortMember, LeaderProfile, Programme
from .research import BREAKDOWNS, breakdown_columns
from .suppression import MIN_GROUP, hidden_groups, too_few

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

    def period(self, today: date) -> tuple[date, date]:
        """The weeks the report covers: from the start of the cohort (or of the first
        cohort), at most the last 52 weeks, up to its end or today."""
        cohorts = [self.cohort] if self.cohort else self.programme.cohorts
        starts = [c.starts_on for c in cohorts] or [today]
        ends = [c.ends_on or today for c in cohorts] or [today]
        end = min(max(ends), today)
        start = max(min(starts), end - timedelta(weeks=MAX_WEEKS) + timedelta(days=1))
        return start, end


@dataclass
class Group:
    key: str
    label: object
    people: int
    values: dict[str, float | int | None]
    hidden: bool = False


@dataclass
class Breakdown:
    key: str
    title: object
    groups: list[Group]


@dataclass
class CompetencyGrowth:
    code: str
    title: str
    people: int
    first: float | None
    latest: float | None
    hidden: bool


@dataclass
class Report:
    scope: Scope
    start: date
    end: date
    people: int
    columns: list[tuple[str, object]]
    totals: dict[str, float | int | None] = field(default_factory=dict)
    weeks: list[tuple[date, int]] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    growth: list[tuple[object, list[CompetencyGrowth]]] = field(default_factory=list)

    @property
    def too_few(self) -> bool:
        return too_few(self.people)

    min_group = MIN_GROUP


def _at(moment: date) -> datetime:
    return datetime.combine(moment, time.min, tzinfo=UTC)


def week_index(column, start: date):
    """Whole weeks from ``start`` to the timestamp ``column``, on either database."""
    if db.engine.dialect.name == "sqlite":
        days = func.julianday(column) - func.julianday(start.isoformat())
        return cast(days / 7, Integer)
    since = extract("epoch", column - literal(_at(start), UTCDateTime()))
    return cast(func.floor(since / 604800), Integer)


def _activity():
    sources = [source.statement() for source in registry.ACTIVITY.values()]
    acts = union_all(*sources).subquery("activity")
    user_id, at = list(acts.c)[:2]
    return user_id, at


def _weekly(scope: Scope, start: date, end: date) -> list[tuple[date, int]]:
    user_id, at = _activity()
    week = week_index(at, start)
    counts = dict(
        db.session.execute(
            select(week, func.count(distinct(user_id)))
            .where(user_id.in_(scope.members()), at >= _at(start), at < _at(end + timedelta(1)))
            .group_by(week)
        ).all()
    )
    weeks = (end - start).days // 7 + 1
    return [(start + timedelta(weeks=i), int(counts.get(i, 0))) for i in range(weeks)]


def _rating_pairs(source, members):
    """Per leader and competency, the first and latest level (leaders rated twice or more)."""
    ratings = source.statement().subquery()
    user_id, competency_id, at, level = list(ratings.c)[:4]
    window = {"partition_by": (user_id, competency_id)}
    ranked = (
        select(
            user_id.label("user_id"),
            competency_id.label("competency_id"),
            level.label("level"),
            func.row_number().over(order_by=at.asc(), **window).label("first_rank"),
            func.row_number().over(order_by=at.desc(), **window).label("last_rank"),
        )
        .where(user_id.in_(members))
        .subquery()
    )
    return (
        select(
            ranked.c.user_id,
            ranked.c.competency_id,
            func.sum(case((ranked.c.first_rank == 1, ranked.c.level), else_=0)).label("first"),
            func.sum(case((ranked.c.last_rank == 1, ranked.c.level), else_=0)).label("latest"),
        )
        .group_by(ranked.c.user_id, ranked.c.competency_id)
        .having(func.count() > 1)
        .subquery()
    )


@dataclass
class People:
    """Every leader of a scope with their breakdown groups and their numbers (raw sums:
    ``growth:<source>`` and ``pairs:<source>`` make a mean only when added up)."""

    groups: dict[int, tuple[str, ...]]
    numbers: dict[int, dict[str, float]]
    keys: list[str]


def people_numbers(scope: Scope, start: date, end: date) -> People:
    """One statement for the leaders and their groups, then one per number, each a list of
    (user id, value) for the scope's leaders: joined here rather than in SQL, so the cost
    grows in a straight line with the leaders on either database (SQLite would scan a
    grouped subquery once per leader)."""
    members = scope.members()
    groups = breakdown_columns()
    rows = db.session.execute(
        select(CohortMember.user_id, *groups.values())
        .where(CohortMember.user_id.in_(members))
        .outerjoin(LeaderProfile, LeaderProfile.user_id == CohortMember.user_id)
        .distinct()
    )
    people = People({row[0]: tuple(row[1:]) for row in rows}, {}, [])
    for keys, statement in _number_statements(members, start, end):
        people.keys.extend(keys)
        user_id, *values = list(statement.subquery().c)
        for person, *amounts in db.session.execute(
            select(user_id, *values).where(user_id.in_(members))
        ):
            numbers = people.numbers.setdefault(person, {})
            numbers.update((key, amount or 0) for key, amount in zip(keys, amounts, strict=True))
    return people


def _number_statements(members, start: date, end: date):
    """(the numbers' keys, a statement of user id and those numbers), one per source."""
    for key, metric in registry.PERSON_METRICS.items():
        yield (key,), metric.statement()
    user_id, at = _activity()
    yield (
        ("active_people",),
        select(user_id, literal(1))
        .where(at >= _at(start), at < _at(end + timedelta(1)))
        .distinct(),
    )
    for key, source in registry.RATINGS.items():
        pairs = _rating_pairs(source, members)
        growth = func.sum(pairs.c.latest - pairs.c.first)
        yield (
            (f"growth:{key}", f"pairs:{key}"),
            select(pairs.c.user_id, growth, func.count()).group_by(pairs.c.user_id),
        )


def columns() -> list[tuple[str, object]]:
    """The numbers every row of a report gives, after its count of people."""
    cols = [("active_people", _l("Active at least once"))]
    cols += [(key, metric.label) for key, metric in registry.PERSON_METRICS.items()]
    cols += [
        (f"growth:{key}", _l("Growth (%(source)s)", source=source.label))
        for key, source in registry.RATINGS.items()
    ]
    return cols


def _finish(sums: dict[str, float]) -> dict[str, float | int | None]:
    """Raw sums to the numbers shown: growth becomes the mean change per competency rated."""
    values: dict[str, float | int | None] = {}
    for key, value in sums.items():
        if key.startswith("pairs:"):
            continue
        if key.startswith("growth:"):
            pairs = sums[f"pairs:{key.removeprefix('growth:')}"]
            values[key] = round(float(value) / float(pairs), 2) if pairs else None
        else:
            values[key] = int(value)
    return values


def _breakdowns(people: People) -> tuple[dict, list[Breakdown]]:
    """The totals, and each breakdown's groups with their people and numbers added up."""
    empty = dict.fromkeys(people.keys, 0)
    totals = dict(empty)
    per_group = {key: {} for key in BREAKDOWNS}
    for person, groups in people.groups.items():
        numbers = people.numbers.get(person, {})
        for key in people.keys:
            totals[key] += numbers.get(key, 0)
        for key, group in zip(BREAKDOWNS, groups, strict=True):
            entry = per_group[key].setdefault(group, [0, dict(empty)])
            entry[0] += 1
            for number in people.keys:
                entry[1][number] += numbers.get(number, 0)
    breakdowns = []
    for key, (title, labels) in BREAKDOWNS.items():
        found = per_group[key]
        sizes = {group: found.get(group, [0])[0] for group in [*labels, ""]}
        hidden = hidden_groups(sizes)
        breakdowns.append(
            Breakdown(
                key,
                title,
                [
                    Group(
                        group,
                        labels.get(group, _l("Not answered")),
                        sizes[group],
                        _finish(found.get(group, [0, empty])[1]),
                        group in hidden,
                    )
                    for group in [*labels, ""]
                ],
            )
        )
    return _finish(totals), breakdowns


def _competency_growth(scope: Scope) -> list[tuple[object, list[CompetencyGrowth]]]:
    charts = []
    for source in registry.RATINGS.values():
        pairs = _rating_pairs(source, scope.members())
        growth = (
            select(
                pairs.c.competency_id,
                func.count().label("people"),
                func.avg(pairs.c.first).label("first"),
                func.avg(pairs.c.latest).label("latest"),
            )
            .group_by(pairs.c.competency_id)
            .subquery()
        )
        rows = db.session.execute(
            select(Competency, growth.c.people, growth.c.first, growth.c.latest)
            .join(growth, growth.c.competency_id == Competency.id)
            .order_by(Competency.code)
        ).all()
        charts.append(
            (
                source.label,
                [
                    CompetencyGrowth(
                        competency.code,
                        competency.translated("title"),  # in the reader's language
                        people,
                        None if too_few(people) else round(float(first), 2),
                        None if too_few(people) else round(float(latest), 2),
                        too_few(people),
                    )
                    for competency, people, first, latest in rows
                ],
            )
        )
    return charts


def build_report(scope: Scope, today: date | None = None) -> Report:
    """The report of ``scope``; numbers of fewer than five people are never in it."""
    today = today or datetime.now(UTC).date()
    start, end = scope.period(today)
    people = people_numbers(scope, start, end)
    totals, breakdowns = _breakdowns(people)
    report = Report(scope, start, end, len(people.groups), columns())
    if report.too_few:
        return report
    report.totals, report.breakdowns = totals, breakdowns
    report.weeks = _weekly(scope, start, end) if start <= end else []
    report.growth = _competency_growth(scope)
    return report

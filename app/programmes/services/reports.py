"""Evidence for a cohort, a region or a whole programme: a fixed handful of statements
whatever the number of leaders (where the programme's leaders are, weekly activity, one
grouped statement of every per-person number by every breakdown, one per rating source for
growth per competency), then the small-group rule (``suppression``) in Python, per block
of the programme's leaders (``scopes.Layout``).

Every area's numbers arrive through ``app/registry.py``; this module names none of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, case, cast, distinct, extract, func, literal, select, union_all

from app import registry
from app.db import UTCDateTime
from app.extensions import db
from app.frameworks.models import Competency

from .research import BREAKDOWNS
from .scopes import Layout, Scope, member_keys, of_programme, programme_layout
from .suppression import MIN_GROUP, block_counts_shown, hidden_groups, too_few


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
    weeks: list[tuple[date, int | None]] = field(default_factory=list)  # None: hidden
    breakdowns: list[Breakdown] = field(default_factory=list)
    growth: list[tuple[object, list[CompetencyGrowth]]] = field(default_factory=list)
    # Shown, it could be subtracted from another report to single out 1 to 4 leaders.
    held_back: bool = False

    @property
    def too_few(self) -> bool:
        return too_few(self.people)

    @property
    def shows_nothing(self) -> bool:
        return self.too_few or self.held_back

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


def _weekly(scope: Scope, layout: Layout, start: date, end: date) -> list[tuple[date, int | None]]:
    """Active leaders per week, counted per block (``suppression``): a week with 1 to 4
    active in any of the scope's blocks is hidden (None)."""
    user_id, at = _activity()
    week = week_index(at, start)
    keys = member_keys(layout)
    statement = select(*keys, week, func.count(distinct(user_id))).select_from(at.table)
    rows = db.session.execute(
        of_programme(statement, user_id, layout)
        .where(user_id.in_(scope.members()), at >= _at(start), at < _at(end + timedelta(1)))
        .group_by(*keys, week)
    )
    counts = defaultdict(Counter)  # week → block → active leaders
    for cohort_key, region_key, index, active in rows:
        counts[index][layout.block(cohort_key, region_key)] += active
    weeks = (end - start).days // 7 + 1
    return [
        (
            start + timedelta(weeks=i),
            sum(counts[i].values()) if block_counts_shown(counts[i].values()) else None,
        )
        for i in range(weeks)
    ]


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


def people_numbers(scope: Scope, layout: Layout, start: date, end: date) -> People:
    """The scope's leaders and their groups (from the programme's ``layout``), then one
    statement per number, each a list of (user id, value) for the scope's leaders: joined
    here rather than in SQL, so the cost grows in a straight line with the leaders on
    either database (SQLite would scan a grouped subquery once per leader)."""
    members = scope.members()
    people = People(layout.answers_in(scope), {}, [])
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


def _breakdowns(people: People, scope: Scope, layout: Layout) -> tuple[dict, list[Breakdown]]:
    """The totals, and each breakdown's groups with their people and numbers added up; a
    group hidden in any of the scope's blocks is hidden in the scope (``suppression``)."""
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
        hidden = hidden_groups(sizes, already=layout.hidden_in_blocks(scope, key))
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


def _competency_growth(scope: Scope, layout: Layout) -> list[tuple[object, list[CompetencyGrowth]]]:
    """Per rating source and competency, the leaders rated twice or more and their mean
    first and latest level, counted per block: hidden if 1 to 4 in any of the scope's."""
    charts = []
    keys = member_keys(layout)
    for source in registry.RATINGS.values():
        pairs = _rating_pairs(source, scope.members())
        growth = select(
            pairs.c.competency_id,
            keys[0].label("cohort_key"),
            keys[1].label("region_key"),
            func.count().label("people"),
            func.sum(pairs.c.first).label("first"),
            func.sum(pairs.c.latest).label("latest"),
        ).select_from(pairs)
        growth = (
            of_programme(growth, pairs.c.user_id, layout)
            .group_by(pairs.c.competency_id, *keys)
            .subquery()
        )
        rows = db.session.execute(
            select(Competency, growth.c.cohort_key, growth.c.region_key, growth.c.people)
            .add_columns(growth.c.first, growth.c.latest)
            .join(growth, growth.c.competency_id == Competency.id)
            .order_by(Competency.code)
        ).all()
        found = {}  # competency → [per block people, first sum, latest sum]
        for competency, cohort_key, region_key, people, first, latest in rows:
            entry = found.setdefault(competency, [Counter(), 0.0, 0.0])
            entry[0][layout.block(cohort_key, region_key)] += people
            entry[1] += float(first)
            entry[2] += float(latest)
        charts.append((source.label, [_growth(c, *entry) for c, entry in found.items()]))
    return charts


def _growth(competency, per_block: Counter, first: float, latest: float) -> CompetencyGrowth:
    people = sum(per_block.values())
    hidden = too_few(people) or not block_counts_shown(per_block.values())
    return CompetencyGrowth(
        competency.code,
        competency.translated("title"),  # in the reader's language
        people,
        None if hidden else round(first / people, 2),
        None if hidden else round(latest / people, 2),
        hidden,
    )


def build_report(scope: Scope, today: date | None = None) -> Report:
    """The report of ``scope``; numbers of fewer than five people are never in it."""
    today = today or datetime.now(UTC).date()
    start, end = scope.period(today)
    layout = programme_layout(scope.programme)
    people = sum(layout.people[kind] for kind in layout.kinds(scope))
    report = Report(scope, start, end, people, columns(), held_back=not layout.shown(scope))
    if report.shows_nothing:
        return report
    numbers = people_numbers(scope, layout, start, end)
    report.totals, report.breakdowns = _breakdowns(numbers, scope, layout)
    report.weeks = _weekly(scope, layout, start, end) if start <= end else []
    report.growth = _competency_growth(scope, layout)
    return report

"""The statements behind programme reports, for a set of leaders (``members``: a statement
of user ids): each leader's numbers that the areas register (``app/registry.py``), who was
active in a period, active leaders per kind of leader (``scopes.Layout``) and week, and
per competency and kind the leaders rated twice with their first and latest levels, and
per competency and kind the numbers areas count by competency (``competency_count``).

Every one of them adds up over disjoint sets of leaders (a leader's numbers are theirs;
the counts are per kind of leader, and a leader is of one kind), so the report job
(``aggregates``) reads a large programme in slices of leaders, each a statement of bounded
cost, and adds the slices; and every scope's report is then put together from the
programme's rows in Python (``reports.report_of``), with exactly the numbers that the
same statements over the scope's own leaders give (``reports.build_report``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, case, cast, distinct, extract, func, literal, select, union_all

from app import registry
from app.db import UTCDateTime
from app.extensions import db
from app.frameworks.models import Competency

from ._common import nothing
from .scopes import Layout, member_keys, of_programme

Period = tuple[date, date]  # the first and last day a report covers


def at_midnight(moment: date) -> datetime:
    return datetime.combine(moment, time.min, tzinfo=UTC)


def week_index(column, start: date):
    """Whole weeks from ``start`` to the timestamp ``column``, on either database."""
    if db.engine.dialect.name == "sqlite":
        days = func.julianday(column) - func.julianday(start.isoformat())
        return cast(days / 7, Integer)
    since = extract("epoch", column - literal(at_midnight(start), UTCDateTime()))
    return cast(func.floor(since / 604800), Integer)


def _of(statement, members):
    """A source's statement narrowed to ``members`` inside (its first column is the user
    id), so the database reads their rows by its index rather than every row."""
    return statement.where(statement.selected_columns[0].in_(members))


def _activity(members, courses):
    sources = [_of(source.select(courses), members) for source in registry.ACTIVITY.values()]
    acts = union_all(*sources).subquery("activity")
    user_id, at = list(acts.c)[:2]
    return user_id, at


def _in_period(at, period: Period):
    start, end = period
    return (at >= at_midnight(start)) & (at < at_midnight(end + timedelta(1)))


def _rating_pairs(source, members, courses):
    """Per leader and competency, the first and latest level (leaders rated twice or more)."""
    ratings = _of(source.select(courses), members).subquery()
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


def number_keys() -> list[str]:
    """The keys of each leader's raw numbers: ``growth:<source>`` and ``pairs:<source>``
    make a mean only when added up (``reports.finish_figures``)."""
    keys = [*registry.PERSON_METRICS, "active_people"]
    for key in registry.RATINGS:
        keys += [f"growth:{key}", f"pairs:{key}"]
    return keys


def person_numbers(members, courses, pause=nothing) -> dict[int, dict[str, float]]:
    """One statement per number, each a list of (user id, value) for ``members``: joined
    here rather than in SQL, so the cost grows in a straight line with the leaders on
    either database (SQLite would scan a grouped subquery once per leader). Activity is
    not among them: it depends on the period (:func:`active_leaders`)."""
    numbers: dict[int, dict[str, float]] = {}
    for keys, statement in _number_statements(members, courses):
        user_id, *values = list(statement.subquery().c)
        for person, *amounts in db.session.execute(
            select(user_id, *values).where(user_id.in_(members))
        ):
            mine = numbers.setdefault(person, {})
            mine.update((key, amount or 0) for key, amount in zip(keys, amounts, strict=True))
        pause()
    return numbers


def _number_statements(members, courses):
    """(the numbers' keys, a statement of user id and those numbers), one per source."""
    for key, metric in registry.PERSON_METRICS.items():
        yield (key,), _of(metric.select(courses), members)
    for key, source in registry.RATINGS.items():
        pairs = _rating_pairs(source, members, courses)
        growth = func.sum(pairs.c.latest - pairs.c.first)
        yield (
            (f"growth:{key}", f"pairs:{key}"),
            select(pairs.c.user_id, growth, func.count()).group_by(pairs.c.user_id),
        )


def active_leaders(members, period: Period, courses) -> set[int]:
    """``members`` active at least once in ``period``."""
    user_id, at = _activity(members, courses)
    return set(
        db.session.scalars(
            select(user_id).where(user_id.in_(members), _in_period(at, period)).distinct()
        )
    )


def weekly_rows(members, layout: Layout, period: Period, courses) -> list[tuple]:
    """(cohort key, region key, week, active leaders): ``members`` active per week of
    ``period``, per kind of leader (``scopes.member_keys``)."""
    user_id, at = _activity(members, courses)
    week = week_index(at, period[0])
    keys = member_keys(layout)
    statement = select(*keys, week, func.count(distinct(user_id))).select_from(at.table)
    return [
        tuple(row)
        for row in db.session.execute(
            of_programme(statement, user_id, layout)
            .where(user_id.in_(members), _in_period(at, period))
            .group_by(*keys, week)
        )
    ]


def growth_rows(members, layout: Layout, courses, pause=nothing) -> dict[str, list[tuple]]:
    """Per rating source: (competency id, cohort key, region key, leaders rated twice or
    more, their first levels added up, their latest levels added up)."""
    keys = member_keys(layout)
    found = {}
    for key, source in registry.RATINGS.items():
        pairs = _rating_pairs(source, members, courses)
        growth = select(
            pairs.c.competency_id,
            keys[0],
            keys[1],
            func.count(),
            func.sum(pairs.c.first),
            func.sum(pairs.c.latest),
        ).select_from(pairs)
        growth = of_programme(growth, pairs.c.user_id, layout).group_by(
            pairs.c.competency_id, *keys
        )
        found[key] = [tuple(row) for row in db.session.execute(growth)]
        pause()
    return found


def competency_count_rows(members, layout: Layout, courses, pause=nothing) -> dict[str, list]:
    """Per competency count (``registry.competency_count``): (competency id, cohort key,
    region key, leaders counted, their values added up)."""
    keys = member_keys(layout)
    found = {}
    for key, source in registry.COMPETENCY_COUNTS.items():
        counts = _of(source.select(courses), members).subquery()
        user_id, competency_id, value = list(counts.c)[:3]
        statement = select(
            competency_id, keys[0], keys[1], func.count(distinct(user_id)), func.sum(value)
        ).select_from(counts)
        statement = of_programme(statement, user_id, layout).group_by(competency_id, *keys)
        found[key] = [tuple(row) for row in db.session.execute(statement)]
        pause()
    return found


@dataclass
class Figures:
    """What the statements give about some leaders of a programme, from which the report
    of any scope of theirs is put together (``reports.report_of``)."""

    keys: list[str] = field(default_factory=number_keys)
    numbers: dict[int, dict[str, float]] = field(default_factory=dict)  # user → key → sum
    active: dict[Period, set[int]] = field(default_factory=dict)
    weekly: dict[Period, list[tuple]] = field(default_factory=dict)
    growth: dict[str, list[tuple]] = field(default_factory=dict)  # rating source → rows
    # competency count (registry.competency_count) → rows
    by_competency: dict[str, list[tuple]] = field(default_factory=dict)
    competencies: dict[int, Competency] = field(default_factory=dict)

    def add(self, other: Figures) -> None:
        """The figures of another set of leaders (none of them in this one)."""
        self.numbers.update(other.numbers)
        for period, people in other.active.items():
            self.active.setdefault(period, set()).update(people)
        for period, rows in other.weekly.items():
            self.weekly.setdefault(period, []).extend(rows)
        for key, rows in other.growth.items():
            self.growth.setdefault(key, []).extend(rows)
        for key, rows in other.by_competency.items():
            self.by_competency.setdefault(key, []).extend(rows)


def gather(
    members, layout: Layout, periods: dict[Period, object], courses, pause=nothing
) -> Figures:
    """The figures of ``members``; for each period, of the leaders ``periods`` names (a
    statement of user ids, within ``members``). ``pause()`` runs between statements (the
    job lets other requests run there)."""
    figures = Figures(numbers=person_numbers(members, courses, pause))
    for period, active_members in periods.items():
        figures.active[period] = active_leaders(active_members, period, courses)
        pause()
        if period[0] <= period[1]:
            figures.weekly[period] = weekly_rows(active_members, layout, period, courses)
            pause()
    figures.growth = growth_rows(members, layout, courses, pause)
    figures.by_competency = competency_count_rows(members, layout, courses, pause)
    return figures


def load_competencies(figures: Figures) -> None:
    """The competencies the growth and per competency rows name, for their codes and
    titles (one statement)."""
    ids = {
        row[0]
        for found in (figures.growth, figures.by_competency)
        for rows in found.values()
        for row in rows
    } - set(figures.competencies)
    if ids:
        figures.competencies.update(
            (c.id, c) for c in db.session.scalars(select(Competency).where(Competency.id.in_(ids)))
        )

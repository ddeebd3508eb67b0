"""Evidence for a cohort, a region or a whole programme: the statements of ``figures``
(where the programme's leaders are, each leader's numbers, weekly activity, growth per
competency: a fixed handful whatever the number of leaders), then the small-group rule
(``suppression``) in Python, per block of the programme's leaders (``scopes.Layout``).

Leaders see reports as the report job left them (``aggregates``), which puts every
scope's report together with :func:`report_of` from figures of the whole programme;
:func:`build_report` computes one scope's from its own leaders, now.

A programme's reports count the lessons of its own courses (every course while it names
none). Every area's numbers arrive through ``app/registry.py``; this module names none.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from app import registry
from app.learning.models import Course

from ..models import ProgrammeCourse
from ._common import nothing, pausing
from .figures import (
    Figures,
    Period,
    active_leaders,
    gather,
    load_competencies,
    person_numbers,
)
from .research import BREAKDOWNS
from .scopes import Layout, Scope, programme_layout
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
    competency_id: int | None = None


@dataclass
class CompetencyCounts:
    """One competency's row of the table "by competency": each count's number, None where
    the small-group rule hides it."""

    code: str
    title: str
    values: dict[str, int | None]
    competency_id: int | None = None


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
    by_competency: list[CompetencyCounts] = field(default_factory=list)
    # Shown, it could be subtracted from another report to single out 1 to 4 leaders.
    held_back: bool = False

    @property
    def too_few(self) -> bool:
        return too_few(self.people)

    @property
    def shows_nothing(self) -> bool:
        return self.too_few or self.held_back

    @property
    def competency_columns(self) -> list[tuple[str, object]]:
        return competency_columns()

    min_group = MIN_GROUP


@dataclass
class People:
    """Every leader of a scope with their breakdown groups and their numbers (raw sums:
    ``growth:<source>`` and ``pairs:<source>`` make a mean only when added up)."""

    groups: dict[int, tuple[str, ...]]
    numbers: dict[int, dict[str, float]]
    keys: list[str]


def people_of(
    scope: Scope, layout: Layout, figures: Figures, period: Period, pause=nothing
) -> People:
    """The scope's leaders, their groups (from the programme's ``layout``) and numbers."""
    groups = layout.answers_in(scope)
    active = figures.active.get(period, set())
    numbers = {}
    for person in pausing(groups, pause):
        mine = figures.numbers.get(person, {})
        numbers[person] = (mine | {"active_people": 1}) if person in active else mine
    return People(groups, numbers, figures.keys)


def people_numbers(scope: Scope, layout: Layout, start: date, end: date) -> People:
    """The scope's leaders, their groups and their numbers over ``start``–``end``."""
    members = scope.members()
    figures = Figures(numbers=person_numbers(members, programme_courses(scope.programme)))
    figures.active[start, end] = active_leaders(
        members, (start, end), programme_courses(scope.programme)
    )
    return people_of(scope, layout, figures, (start, end))


def programme_courses(programme) -> Select:
    """The courses whose lessons a programme's reports count, as a statement of their ids
    (so it costs no statement of its own): the programme's own, or every course while it
    names none, as before programmes had courses."""
    links = select(ProgrammeCourse.course_id).where(ProgrammeCourse.programme_id == programme.id)
    return select(Course.id).where(or_(Course.id.in_(links), ~links.exists()))


def columns() -> list[tuple[str, object]]:
    """The numbers every row of a report gives, after its count of people."""
    cols = [("active_people", _l("Active at least once"))]
    cols += [(key, metric.label) for key, metric in registry.PERSON_METRICS.items()]
    cols += [
        (f"growth:{key}", _l("Growth (%(source)s)", source=source.label))
        for key, source in registry.RATINGS.items()
    ]
    return cols


def finish_figures(sums: dict[str, float]) -> dict[str, float | int | None]:
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


def _breakdowns(
    people: People, scope: Scope, layout: Layout, pause=nothing
) -> tuple[dict, list[Breakdown]]:
    """The totals, and each breakdown's groups with their people and numbers added up; a
    group hidden in any of the scope's blocks is hidden in the scope (``suppression``)."""
    empty = dict.fromkeys(people.keys, 0)
    totals = dict(empty)
    per_group = {key: {} for key in BREAKDOWNS}
    for person, groups in pausing(people.groups.items(), pause):
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
                        finish_figures(found.get(group, [0, empty])[1]),
                        group in hidden,
                    )
                    for group in [*labels, ""]
                ],
            )
        )
    return finish_figures(totals), breakdowns


def _weeks(
    rows: list[tuple], layout: Layout, kinds: set, period: Period
) -> list[tuple[date, int | None]]:
    """Active leaders per week of the scope's ``kinds``, counted per block
    (``suppression``): a week with 1 to 4 active in any of the scope's blocks is hidden
    (None)."""
    counts = defaultdict(Counter)  # week → block → active leaders
    for cohort_key, region_key, index, active in rows:
        kind = layout.kind(cohort_key, region_key)
        if kind in kinds:
            counts[index][layout.block_of[kind]] += active
    start, end = period
    return [
        (
            start + timedelta(weeks=i),
            sum(counts[i].values()) if block_counts_shown(counts[i].values()) else None,
        )
        for i in range((end - start).days // 7 + 1)
    ]


def _competency_growth(
    figures: Figures, layout: Layout, kinds: set
) -> list[tuple[object, list[CompetencyGrowth]]]:
    """Per rating source and competency, the leaders of the scope's ``kinds`` rated twice
    or more and their mean first and latest level, counted per block: hidden if 1 to 4 in
    any of the scope's."""
    charts = []
    for key, source in registry.RATINGS.items():
        found = {}  # competency → [per block people, first sum, latest sum]
        for competency_id, cohort_key, region_key, people, first, latest in figures.growth.get(
            key, []
        ):
            kind = layout.kind(cohort_key, region_key)
            if kind not in kinds:
                continue
            entry = found.setdefault(figures.competencies[competency_id], [Counter(), 0.0, 0.0])
            entry[0][layout.block_of[kind]] += people
            entry[1] += float(first)
            entry[2] += float(latest)
        ordered = sorted(found.items(), key=lambda item: (item[0].code, item[0].id))
        charts.append((source.label, [_growth(c, *entry) for c, entry in ordered]))
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
        competency.id,
    )


def competency_columns() -> list[tuple[str, object]]:
    """The numbers of the table "by competency" (``registry.competency_count``)."""
    return [(key, count.label) for key, count in registry.COMPETENCY_COUNTS.items()]


def _by_competency(figures: Figures, layout: Layout, kinds: set) -> list[CompetencyCounts]:
    """Per competency, each count over the scope's ``kinds``. A count is hidden (None)
    when the leaders it counts are 1 to 4 in any of the scope's blocks, as growth per
    competency is: "2 tried it, 1 worked" of a competency would otherwise be about one
    or two people the reader may know."""
    found: dict = {}  # competency → count key → [per block leaders, value]
    for key in registry.COMPETENCY_COUNTS:
        for competency_id, cohort_key, region_key, people, value in figures.by_competency.get(
            key, []
        ):
            kind = layout.kind(cohort_key, region_key)
            if kind not in kinds:
                continue
            competency = figures.competencies[competency_id]
            entry = found.setdefault(competency, {}).setdefault(key, [Counter(), 0])
            entry[0][layout.block_of[kind]] += people
            entry[1] += int(value or 0)
    rows = []
    for competency, entries in sorted(found.items(), key=lambda item: (item[0].code, item[0].id)):
        values: dict[str, int | None] = {}
        for key in registry.COMPETENCY_COUNTS:
            per_block, total = entries.get(key, (Counter(), 0))
            people = sum(per_block.values())
            shown = people == 0 or (not too_few(people) and block_counts_shown(per_block.values()))
            values[key] = total if shown else None
        rows.append(
            CompetencyCounts(competency.code, competency.translated("title"), values, competency.id)
        )
    return rows


def empty_report(scope: Scope, layout: Layout, today: date) -> Report:
    """The report of ``scope`` with its people and period but no numbers yet."""
    start, end = scope.period(today)
    people = sum(layout.people[kind] for kind in layout.kinds(scope))
    return Report(scope, start, end, people, columns(), held_back=not layout.shown(scope))


def report_of(scope: Scope, layout: Layout, figures: Figures, today: date, pause=nothing) -> Report:
    """The report of ``scope`` from ``figures`` of (at least) its leaders over its period;
    numbers of fewer than five people are never in it. ``pause()`` every five hundred
    leaders (the job lets requests run there)."""
    report = empty_report(scope, layout, today)
    if report.shows_nothing:
        return report
    kinds, period = layout.kinds(scope), (report.start, report.end)
    numbers = people_of(scope, layout, figures, period, pause)
    report.totals, report.breakdowns = _breakdowns(numbers, scope, layout, pause)
    report.weeks = (
        _weeks(figures.weekly[period], layout, kinds, period) if period[0] <= period[1] else []
    )
    report.growth = _competency_growth(figures, layout, kinds)
    report.by_competency = _by_competency(figures, layout, kinds)
    return report


def build_report(scope: Scope, today: date | None = None) -> Report:
    """The report of ``scope``, computed now from the scope's own leaders (the report job
    puts every scope's together from the programme's figures instead: ``aggregates``)."""
    today = today or datetime.now(UTC).date()
    layout = programme_layout(scope.programme)
    report = empty_report(scope, layout, today)
    if report.shows_nothing:
        return report
    period = (report.start, report.end)
    figures = gather(
        scope.members(),
        layout,
        {period: scope.members()},
        programme_courses(scope.programme),
    )
    load_competencies(figures)
    return report_of(scope, layout, figures, today)

"""What each area contributes to the shell, to programme reports and to a person's data.

Areas register at import time (``app/learning/contributions.py`` is the example; an area's
tab and home cards are in its ``__init__.py``, as Indico's modules connect their menu
entries there), so the shell, the programme pages and the privacy tools reach every area
without knowing them:

- :func:`tab`: the area's tab in the bottom navigation, for whom, in which place;
  :func:`pages_under` puts some of an area's pages under another area's tab;
- :func:`home_cards`: the area's cards on the home page (a partial), in which place;
- :func:`shell_part`: a partial of the layout every page shares, in one of its places
  (:data:`SHELL_SLOTS`: the ``<head>``, the top bar, the footer): the web app manifest, the
  notifications bell, the language buttons; :func:`body_data`, a ``data-`` attribute of
  ``<body>`` that the page's script reads (where the service worker is);
- :func:`page_card`: a card one area puts on another's page (the daily review on Learn),
  with what it shows of the person, read in at most one statement, or in none: as columns
  the page's own statement carries (:func:`page_card_columns`);
- :func:`me_link`: a line on Me that opens one of the area's pages (review settings);
- :func:`predicate`: who may do what, a named rule (``can_view_group(user, membership)``)
  the area writes beside its models (``app/<area>/permissions.py``); routes import it, and
  every registered one is a template global of its name, so pages read the same rule;
- :func:`grant`: the part of another area's rule that only this area can answer (media asks
  whether a lesson playing an asset is open to the person; the learning area answers);
- :func:`personal_data`: how to export what the area holds about one person, and how to
  erase it (delete, or anonymise what others still need, such as a discussion post);
- :func:`person_metric`: a number per person for reports (lessons completed, check-ins held);
- :func:`activity`: moments a person was active, for "active leaders per week";
- :func:`ratings`: competency ratings over time, for growth (self-assessments, coach ratings);
- :func:`competency_count`: a number per person and competency, for the report's table "by
  competency" (practices shared, tried per competency);
- :func:`person_section`: a part of the admin's page of one person (their cohorts, their
  data), so the people pages offer what other areas do for a person without importing them;
- :func:`course_access`: which published courses a person may open (a programme's leaders
  see its courses), as a condition the learning area folds into statements it makes anyway;
- :func:`person_column`: a number read with the signed-in person on every request (the
  unread notifications badge), where a statement of its own would be one more per page.

The statements are functions returning a SQLAlchemy ``Select`` so they are built inside
an app context and can be embedded as subqueries: a report is a fixed handful of
statements however many leaders it covers. A source about lessons registers with
``by_course=True``: its function then takes ``courses``, the ids of the courses a
programme's report counts (a list or a statement of ids; None: every course), and counts
only those; reports call every source through ``select(courses)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context
from sqlalchemy import ColumnElement, Select, and_, bindparam, select

from app.extensions import db


@dataclass(frozen=True)
class PersonalData:
    key: str
    #: user id → rows (dicts of JSON-able values) describing what is held.
    export: Callable[[int], list[dict[str, Any]]]
    #: user id → None: remove or anonymise it. Joins the caller's transaction, never commits.
    erase: Callable[[int], None]


class _Source:
    """What every report source shares (its fields ``statement`` and ``by_course``)."""

    def select(self, courses=None) -> Select:
        """The source's statement, counting only ``courses`` where it is about lessons."""
        return self.statement(courses) if self.by_course else self.statement()


@dataclass(frozen=True)
class PersonMetric(_Source):
    key: str
    label: Any  # a lazy string
    #: ``select(<user_id>, <value>)`` with one row per person (grouped by user id).
    statement: Callable[..., Select]
    by_course: bool = False


@dataclass(frozen=True)
class ActivitySource(_Source):
    key: str
    #: ``select(<user_id>, <at>)``: one row per thing a person did, ``at`` a UTC timestamp.
    statement: Callable[..., Select]
    by_course: bool = False


@dataclass(frozen=True)
class RatingSource(_Source):
    key: str
    label: Any
    #: ``select(<user_id>, <competency_id>, <at>, <level>)``, one row per rating given.
    statement: Callable[..., Select]
    by_course: bool = False


@dataclass(frozen=True)
class CompetencyCount(_Source):
    """A number the programme report also gives per competency (its table "by
    competency"), under the small-group rule: per competency, the leaders it counts."""

    key: str
    label: Any
    #: ``select(<user_id>, <competency_id>, <value>)``, one row per person and competency.
    statement: Callable[..., Select]
    by_course: bool = False


@dataclass(frozen=True)
class PersonSection:
    key: str
    #: a partial (``<area>/_name.html``) the admin's page of a person includes
    template: str
    #: the person (a ``User``) → the partial's context: a fixed few statements
    context: Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class CourseAccess:
    key: str
    #: ``(user id, course id)`` → a condition that holds when the person may open the
    #: course; the course id is a column (``Course.id``, ``Lesson.course_id``) or a value.
    condition: Callable[[int, Any], ColumnElement[bool]]


@dataclass(frozen=True)
class PersonColumn:
    key: str
    #: ``users.id`` (a column) → a scalar subquery over that person.
    column: Callable[[Any], ColumnElement]
    #: ``(user id, value)`` → None: called with what the person's load read.
    receive: Callable[[int, Any], None]


@dataclass(frozen=True)
class Tab:
    #: its icon, ``icons.svg#<key>``
    key: str
    label: Any  # a lazy string
    #: the page it opens
    endpoint: str
    #: the person → whether they have this tab: of their roles alone, as the navigation
    #: finds each set of roles' tabs once a process
    allowed: Callable[[Any], bool]
    #: its place: tabs are shown by this number, lowest first
    order: int
    #: the pages on which it is the current tab, when not every page of its blueprint
    current_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class HomeCards:
    #: a partial (``<area>/_home_cards.html``) of ``<li>`` cards, each shown to whom it is for
    template: str
    #: its place among the areas' cards, lowest first
    order: int


@dataclass(frozen=True)
class ShellPart:
    #: a partial (``<area>/_name.html``) the layout includes; it decides whom it shows to
    template: str
    #: which of :data:`SHELL_SLOTS` it goes in
    slot: str
    #: its place in the slot, lowest first
    order: int


#: the places of the layout (``app/templates/layout.html``) an area may put a partial in
SHELL_SLOTS = ("head", "bar", "footer")


@dataclass(frozen=True)
class PageCard:
    #: the endpoint of the page it sits on (``learning.home``)
    page: str
    #: a partial (``<area>/_name.html``) the page includes
    template: str
    #: the person → the partial's context (one statement at most), or None: no card. With
    #: ``columns``, (the person, the columns' values) → the context, in no statement.
    context: Callable[..., dict[str, Any] | None]
    order: int
    #: what the card reads, as scalar columns the page's own statement carries (the page
    #: builds it once: bound parameters, ``user_id`` the person's and the rest ``binds``')
    columns: Callable[[], list[Any]] | None = None
    #: the person → the values of the columns' other bound parameters
    binds: Callable[[Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class MeLink:
    endpoint: str
    label: Any  # a lazy string
    hint: Any  # a lazy string
    #: the person → whether it is for them (of their roles alone)
    allowed: Callable[[Any], bool]
    order: int


PREDICATES: dict[str, Callable[..., bool]] = {}
#: a rule's name (``"media.view_asset"``) → the areas' answers to it, by where they are written
GRANTS: dict[str, dict[str, Callable[..., bool]]] = {}
TABS: dict[str, Tab] = {}
#: a page's endpoint → the endpoint of the tab it sits under (not its own blueprint's)
PAGES_UNDER: dict[str, str] = {}
HOME_CARDS: dict[str, HomeCards] = {}
SHELL_PARTS: dict[str, ShellPart] = {}
#: a ``data-`` attribute's name → what it holds for this request (None: left out)
BODY_DATA: dict[str, Callable[[], str | None]] = {}
PERSONAL_DATA: dict[str, PersonalData] = {}
PERSON_METRICS: dict[str, PersonMetric] = {}
ACTIVITY: dict[str, ActivitySource] = {}
RATINGS: dict[str, RatingSource] = {}
COMPETENCY_COUNTS: dict[str, CompetencyCount] = {}
PERSON_SECTIONS: dict[str, PersonSection] = {}
#: parts of the coach's page of a leader (a ``PersonSection``: the leader → its context)
COURSE_ACCESS: dict[str, CourseAccess] = {}
PERSON_COLUMNS: dict[str, PersonColumn] = {}
PAGE_CARDS: dict[tuple[str, str], PageCard] = {}
ME_LINKS: dict[str, MeLink] = {}


def predicate(rule: Callable[..., bool]) -> Callable[..., bool]:
    """Register a rule (``can_…`` or ``is_…``, the person first) under its name, for routes
    and templates alike; decorates it unchanged. Two rules of one name are refused: a
    template would otherwise read whichever area came last."""
    name = rule.__name__
    if not name.startswith(("can_", "is_")):
        raise ValueError(f"A rule's name says what it allows (can_…, is_…), not {name!r}.")
    known = PREDICATES.get(name)
    if known is not None and _where(known) != _where(rule):
        raise ValueError(f"{name} is written twice: in {_where(known)} and {_where(rule)}.")
    PREDICATES[name] = rule
    return rule


def grant(rule: str, answer: Callable[..., bool]) -> None:
    """``answer`` (with the rule's arguments) also allows what ``rule`` asks: the area that
    knows the rows answers for the area that asks (:func:`granted`)."""
    GRANTS.setdefault(rule, {})[_where(answer)] = answer


def granted(rule: str, *args) -> bool:
    """Whether any area's answer to ``rule`` allows it; no answer registered: no."""
    return any(answer(*args) for answer in GRANTS.get(rule, {}).values())


def _where(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def tab(key: str, label, endpoint: str, allowed, *, order: int, current_on=()) -> None:
    TABS[endpoint] = Tab(key, label, endpoint, allowed, order, tuple(current_on))


def pages_under(tab_endpoint: str, *endpoints: str) -> None:
    """These pages sit under the tab that opens ``tab_endpoint`` (the programme's pages
    about one person are reached from that person's page, under People)."""
    for endpoint in endpoints:
        PAGES_UNDER[endpoint] = tab_endpoint


def home_cards(template: str, *, order: int) -> None:
    HOME_CARDS[template] = HomeCards(template, order)


def shell_part(slot: str, template: str, *, order: int) -> None:
    if slot not in SHELL_SLOTS:
        raise ValueError(f"The layout has no place {slot!r}: {', '.join(SHELL_SLOTS)}.")
    SHELL_PARTS[template] = ShellPart(template, slot, order)


def body_data(name: str, value: Callable[[], str | None]) -> None:
    BODY_DATA[name] = value


def shell_templates(slot: str) -> list[str]:
    """The partials of one place of the layout, in the areas' order."""
    parts = (part for part in SHELL_PARTS.values() if part.slot == slot)
    return [part.template for part in sorted(parts, key=lambda part: (part.order, part.template))]


def body_data_values() -> list[tuple[str, str]]:
    """This request's ``data-`` attributes of ``<body>``, by name, those with a value."""
    found = ((name, BODY_DATA[name]()) for name in sorted(BODY_DATA))
    return [(name, value) for name, value in found if value is not None]


def page_card(page: str, template: str, context, *, order: int, columns=None, binds=None) -> None:
    PAGE_CARDS[page, template] = PageCard(page, template, context, order, columns, binds)


def _cards_on(page: str) -> list[PageCard]:
    return sorted(
        (card for card in PAGE_CARDS.values() if card.page == page), key=lambda c: c.order
    )


def page_card_columns(page: str) -> list[Any]:
    """The columns the cards on ``page`` read, in their order, for the page's statement to
    carry after its own (the page builds it once)."""
    return [column for card in _cards_on(page) if card.columns for column in card.columns()]


def page_card_binds(page: str, person) -> dict[str, Any]:
    """The values of the bound parameters the cards' columns on ``page`` use for ``person``."""
    values: dict[str, Any] = {}
    for card in _cards_on(page):
        if card.binds:
            values.update(card.binds(person))
    return values


def page_cards(page: str, person, values=None) -> list[tuple[str, dict[str, Any]]]:
    """The cards on ``page`` for ``person``: (template, context) in their order. ``values``:
    the page statement's values of :func:`page_card_columns`, in order (None: it had no row)."""
    shown = []
    remaining = list(values) if values is not None else None
    for card in _cards_on(page):
        if card.columns is None:
            shown.append((card.template, card.context(person)))
            continue
        width = len(card.columns())
        own = None if remaining is None else tuple(remaining[:width])
        if remaining is not None:
            del remaining[:width]
        shown.append((card.template, card.context(person, own)))
    return [(template, context) for template, context in shown if context is not None]


def me_link(endpoint: str, label, hint, allowed, *, order: int) -> None:
    ME_LINKS[endpoint] = MeLink(endpoint, label, hint, allowed, order)


def me_links(person) -> list[MeLink]:
    return [
        link
        for link in sorted(ME_LINKS.values(), key=lambda link: link.order)
        if link.allowed(person)
    ]


def tabs() -> list[Tab]:
    return sorted(TABS.values(), key=lambda tab: (tab.order, tab.endpoint))


def home_card_templates() -> list[str]:
    return [cards.template for cards in sorted(HOME_CARDS.values(), key=lambda c: c.order)]


def personal_data(key: str, *, export, erase) -> None:
    PERSONAL_DATA[key] = PersonalData(key, export, erase)


def person_metric(key: str, label, statement, *, by_course: bool = False) -> None:
    PERSON_METRICS[key] = PersonMetric(key, label, statement, by_course)


def activity(key: str, statement, *, by_course: bool = False) -> None:
    ACTIVITY[key] = ActivitySource(key, statement, by_course)


def ratings(key: str, label, statement, *, by_course: bool = False) -> None:
    RATINGS[key] = RatingSource(key, label, statement, by_course)


def competency_count(key: str, label, statement, *, by_course: bool = False) -> None:
    COMPETENCY_COUNTS[key] = CompetencyCount(key, label, statement, by_course)


def person_section(key: str, template: str, context) -> None:
    PERSON_SECTIONS[key] = PersonSection(key, template, context)


def person_column(key: str, column, receive) -> None:
    PERSON_COLUMNS[key] = PersonColumn(key, column, receive)


def course_access(key: str, condition) -> None:
    COURSE_ACCESS[key] = CourseAccess(key, condition)


def course_condition(user_id: int, course_id) -> ColumnElement[bool] | None:
    """The condition on ``course_id`` (a column or a value) that holds for the published
    courses ``user_id`` may open: every registered :class:`CourseAccess` at once. None when
    nothing narrows them (everyone who learns opens every published course)."""
    conditions = [access.condition(user_id, course_id) for access in COURSE_ACCESS.values()]
    return and_(*conditions) if conditions else None


@functools.cache
def _may_open_statement() -> Select | None:
    """Built once (the areas have registered by the first request), values bound per call."""
    condition = course_condition(bindparam("user_id"), bindparam("course_id"))
    return None if condition is None else select(condition)


def may_open_course(user_id: int, course_id: int) -> bool:
    """Whether ``user_id`` may open course ``course_id`` (if published): one statement when
    something narrows it, once per request for each course."""
    statement = _may_open_statement()
    if statement is None:
        return True
    known = g.setdefault("_courses_opened", {}) if has_request_context() else {}
    if (user_id, course_id) not in known:
        values = {"user_id": user_id, "course_id": course_id}
        known[user_id, course_id] = bool(db.session.scalar(statement, values))
    return known[user_id, course_id]


def rows(statement: Select) -> list[dict[str, Any]]:
    """A statement's rows as dicts: what an area's ``export`` gives for a person."""
    return [dict(row._mapping) for row in db.session.execute(statement)]

"""CSV for people outside Headway: a report as shown (hidden groups stay hidden), the
pseudonymised records behind it for researchers (held back where they would single out
fewer than five leaders, as ``suppression`` says), and the audit log. Every cell is
neutralised against spreadsheet formulas; every export is logged."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select

from app import audit, csvfiles
from app.accounts.models import User
from app.audit import AuditEntry
from app.extensions import db

from ..models import Cohort, CohortMember
from ._common import nothing, pausing
from .reports import People, Report, Scope, columns, finish_figures, people_numbers
from .research import BREAKDOWNS
from .scopes import programme_layout

HIDDEN = "fewer than 5"
HELD_BACK = "held back (fewer than 5)"


def pseudonym(user_id: int) -> str:
    """The same leader is the same pseudonym in every export, and no one without the
    server's secret can tell whose it is."""
    secret = current_app.config["PSEUDONYM_SECRET"] or current_app.config["SECRET_KEY"]
    digest = hmac.new(str(secret).encode(), f"pseudonym:{user_id}".encode(), hashlib.sha256)
    return "L-" + digest.hexdigest()[:16]


def _scope_subject(scope: Scope) -> str:
    if scope.cohort is not None:
        return f"cohort:{scope.cohort.id}"
    return f"programme:{scope.programme.id}"


def report_csv(report: Report, *, by, as_of=None) -> str:
    """The report's tables as one CSV (the last row saying when its figures were worked
    out, ``as_of``, where known); logged as an export and committed."""
    keys = [key for key, _ in report.columns]
    # The table "by competency" counts under the same keys as the totals where an area
    # registered both (practices shared, approved, tried, worked); any other gets a column.
    keys += [key for key, _ in report.competency_columns if key not in keys]
    header = ["section", "group", "people", *keys]
    rows = []
    if report.shows_nothing:
        why = HELD_BACK if report.held_back and not report.too_few else HIDDEN
        rows.append(["total", "", why, *[why] * len(keys)])
    else:
        rows.append(["total", "", report.people, *[report.totals.get(k) for k in keys]])
        for breakdown in report.breakdowns:
            for group in breakdown.groups:
                cells = (
                    [HIDDEN] * (1 + len(keys))
                    if group.hidden
                    else [
                        group.people,
                        *[group.values.get(k) for k in keys],
                    ]
                )
                rows.append([breakdown.key, group.key or "not answered", *cells])
        for week_start, active in report.weeks:
            rows.append(
                [
                    "active leaders, week of",
                    week_start.isoformat(),
                    HIDDEN if active is None else active,
                ]
            )
        for label, competencies in report.growth:
            for item in competencies:
                rows.append(
                    [
                        f"growth {label}: first / latest",
                        item.code,
                        HIDDEN if item.hidden else item.people,
                        HIDDEN if item.hidden else item.first,
                        HIDDEN if item.hidden else item.latest,
                    ]
                )
        rows.extend(_by_competency_rows(report, keys))
    if as_of is not None:
        rows.append(["figures as of", as_of.isoformat(), *[""] * (len(header) - 2)])
    audit.record("report_export", actor=by, subject=_scope_subject(report.scope))
    db.session.commit()
    return csvfiles.text(header, rows)


def _by_competency_rows(report: Report, keys: list[str]) -> list[list]:
    """The table "by competency": a row per competency, its counts in their columns
    (hidden under the small-group rule as on the page), the people cell left empty: each
    count has its own leaders."""
    rows = []
    for row in report.by_competency:
        cells = [
            (HIDDEN if row.values[key] is None else row.values[key]) if key in row.values else ""
            for key in keys
        ]
        rows.append(["by competency", f"{row.code} {row.title}", "", *cells])
    return rows


def records_header() -> list[str]:
    return ["pseudonym", "cohort", "region", *BREAKDOWNS, *(key for key, _ in columns())]


def records_csv(scope: Scope, *, by, start, end) -> str:
    """One row per leader and cohort: a pseudonym, the cohort, the region, the research
    answers (given with consent only) and every per-person number of the report. No names,
    phones, emails or schools. A cohort or region that would single out fewer than five
    leaders reads "held back", and a scope whose report is held back gives no rows, only
    a row saying so. Computed now (the report job keeps every scope's file:
    ``aggregates``). Logged and committed."""
    header = records_header()
    layout = programme_layout(scope.programme)
    if layout.shown(scope):
        people = people_numbers(scope, layout, start, end)
        rows = record_rows(scope, layout, people, memberships(scope))
    else:
        rows = held_back_rows()
    return records_export(scope, header, rows, by=by)


def records_export(scope: Scope, header, rows: list, *, by) -> str:
    """``rows`` as CSV, logged as an export of ``scope``'s records and committed."""
    log_records_export(scope, len(rows), by=by)
    return csvfiles.text(header, rows)


def log_records_export(scope: Scope, rows: int, *, by) -> None:
    """An export of ``scope``'s records (``rows`` of them) in the audit log; commits."""
    audit.record("records_export", actor=by, subject=_scope_subject(scope), rows=rows)
    db.session.commit()


def held_back_rows() -> list[list]:
    return [[HELD_BACK, *[""] * (len(records_header()) - 1)]]


def memberships(scope: Scope, members=None) -> list[tuple]:
    """(user id, cohort id, cohort name, region) of every membership of the scope's
    leaders in the programme (in the scope's cohort if it has one), by user and cohort;
    of those of ``members`` (a statement of some of its leaders' ids) if given."""
    statement = (
        select(CohortMember.user_id, Cohort.id, Cohort.name, CohortMember.region)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.user_id.in_(scope.members() if members is None else members))
        .where(Cohort.programme_id == scope.programme.id)
    )
    if scope.cohort is not None:
        statement = statement.where(Cohort.id == scope.cohort.id)
    return db.session.execute(statement.order_by(CohortMember.user_id, Cohort.id)).all()


def record_rows(
    scope: Scope, layout, people: People, found: list[tuple], names=None, pause=nothing
) -> list[list]:
    """The records of ``scope``'s leaders from ``found`` (:func:`memberships` of the scope
    or of a larger one); ``names`` keeps pseudonyms made already; ``pause()`` every
    thousand."""
    keys = [key for key, _ in columns()]
    names = {} if names is None else names
    rows, places = [], {}
    for person, cohort_id, cohort, region in pausing(found, pause):
        if person not in people.groups or (scope.cohort and cohort_id != scope.cohort.id):
            continue
        values = finish_figures(dict.fromkeys(people.keys, 0) | people.numbers.get(person, {}))
        if (cohort_id, region) not in places:
            places[cohort_id, region] = layout.record_place(cohort_id, region)
        show_cohort, show_region = places[cohort_id, region]
        if person not in names:
            names[person] = pseudonym(person)
        rows.append(
            [
                names[person],
                cohort if show_cohort else HELD_BACK,
                region if show_region else HELD_BACK,
                *people.groups.get(person, ()),
                *(values.get(key) for key in keys),
            ]
        )
    return rows


AUDIT_COLUMNS = ("at", "action", "actor_id", "target_id", "subject", "details")


def audit_entries(limit: int, before_id: int | None = None) -> list:
    """The newest ``limit`` entries (older than ``before_id``), with the actor's account."""
    query = (
        select(AuditEntry, User)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return db.session.execute(query).all()


def audit_csv(*, by) -> str:
    """The whole audit log as CSV (ids, never names); logged and committed."""
    audit.record("audit_export", actor=by)
    db.session.flush()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    text = csvfiles.text(
        AUDIT_COLUMNS,
        (
            (e.at.isoformat(), e.action, e.actor_id, e.target_user_id, e.subject, e.details)
            for e in entries
        ),
    )
    db.session.commit()
    return text

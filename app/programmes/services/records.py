"""CSV for people outside Headway: a report as shown (hidden groups stay hidden), the
pseudonymised records behind it for researchers, and the audit log. Every cell is
neutralised against spreadsheet formulas; every export is logged."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select

from app import audit, registry
from app.accounts.models import User
from app.audit import AuditEntry
from app.extensions import db

from ..models import Cohort, CohortMember, LeaderProfile
from .common import csv_text
from .reports import Report, Scope, _activity, _at, _rating_pairs
from .research import breakdown_columns

HIDDEN = "fewer than 5"


def pseudonym(user_id: int) -> str:
    """The same leader is the same pseudonym in every export, and no one without the
    server's secret can tell whose it is."""
    secret = current_app.config.get("PSEUDONYM_SECRET") or current_app.config["SECRET_KEY"]
    digest = hmac.new(str(secret).encode(), f"pseudonym:{user_id}".encode(), hashlib.sha256)
    return "L-" + digest.hexdigest()[:16]


def _scope_subject(scope: Scope) -> str:
    if scope.cohort is not None:
        return f"cohort:{scope.cohort.id}"
    return f"programme:{scope.programme.id}"


def report_csv(report: Report, *, by) -> str:
    """The report's tables as one CSV; logged as an export and committed."""
    keys = [key for key, _ in report.columns]
    header = ["section", "group", "people", *keys]
    rows = []
    if report.too_few:
        rows.append(["total", "", HIDDEN, *[HIDDEN] * len(keys)])
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
            rows.append(["active leaders, week of", week_start.isoformat(), active])
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
    audit.record("report_export", actor=by, subject=_scope_subject(report.scope))
    db.session.commit()
    return csv_text(header, rows)


def records_csv(scope: Scope, *, by, start, end) -> str:
    """One row per leader: a pseudonym, cohort, region, research answers (only given with
    consent) and every per-person number. No names, phones, emails or schools. Logged."""
    members = scope.members().subquery()
    groups = breakdown_columns()
    user_id, at = _activity()
    active = (
        select(user_id.label("user_id"))
        .where(at >= _at(start), at < _at(end))
        .distinct()
        .subquery()
    )
    metrics = {
        key: metric.statement().subquery() for key, metric in registry.PERSON_METRICS.items()
    }
    query = (
        select(
            members.c.user_id,
            Cohort.name,
            CohortMember.region,
            *groups.values(),
            active.c.user_id.is_not(None),
            *(list(sub.c)[1] for sub in metrics.values()),
        )
        .select_from(members)
        .join(CohortMember, CohortMember.user_id == members.c.user_id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .outerjoin(LeaderProfile, LeaderProfile.user_id == members.c.user_id)
        .outerjoin(active, active.c.user_id == members.c.user_id)
        .where(Cohort.programme_id == scope.programme.id)
        .order_by(members.c.user_id, Cohort.id)
    )
    if scope.cohort is not None:
        query = query.where(Cohort.id == scope.cohort.id)
    for sub in metrics.values():
        query = query.outerjoin(sub, list(sub.c)[0] == members.c.user_id)
    growth = _growth_by_person(scope)
    header = ["pseudonym", "cohort", "region", *groups, "active", *metrics, *growth]
    rows = []
    for row in db.session.execute(query):
        values = list(row)
        person = values[0]
        rows.append(
            [
                pseudonym(person),
                *values[1:],
                *(source.get(person) for source in growth.values()),
            ]
        )
    audit.record("records_export", actor=by, subject=_scope_subject(scope), rows=len(rows))
    db.session.commit()
    return csv_text(header, rows)


def _growth_by_person(scope: Scope) -> dict[str, dict[int, float]]:
    """Per rating source, each leader's mean change per competency rated twice or more."""
    result = {}
    for key, source in registry.RATINGS.items():
        pairs = _rating_pairs(source, scope.members())
        rows = db.session.execute(select(pairs.c.user_id, pairs.c.latest - pairs.c.first)).all()
        sums: dict[int, list[float]] = {}
        for person, change in rows:
            sums.setdefault(person, []).append(change)
        result[f"growth:{key}"] = {p: round(sum(v) / len(v), 2) for p, v in sums.items()}
    return result


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
    text = csv_text(
        AUDIT_COLUMNS,
        (
            (e.at.isoformat(), e.action, e.actor_id, e.target_user_id, e.subject, e.details)
            for e in entries
        ),
    )
    db.session.commit()
    return text

"""What programmes contribute to the registry in ``app/registry.py``: which courses their
leaders open, and what they (and the notifications they sit beside) hold about a person —
cohort memberships (and their rows in invitation codes files), research answers,
notifications, and the admin actions the audit log records about them."""

from __future__ import annotations

from sqlalchemy import delete, or_, select

from app import registry
from app.audit import AuditEntry
from app.extensions import db
from app.notifications.models import Notification

from .models import Cohort, CohortMember, LeaderProfile, Programme, ProgrammeCourse
from .services.aggregates import mark_changed
from .services.import_jobs import drop_from_codes_files


def _courses_open_to(user_id: int, course_id):
    """A programme's leaders open the courses it chose; a leader in two programmes, the
    courses of both. Someone in no programme, or in one that chose no courses, opens every
    published course (as before programmes chose any)."""
    programmes = (
        select(Cohort.programme_id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id)
    )
    return or_(
        ~programmes.exists(),
        programmes.where(Cohort.programme_id.not_in(select(ProgrammeCourse.programme_id))).exists(),
        select(ProgrammeCourse.course_id)
        .where(
            ProgrammeCourse.course_id == course_id,
            ProgrammeCourse.programme_id.in_(programmes),
        )
        .exists(),
    )


def _memberships(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            Programme.name.label("programme"),
            Cohort.name.label("cohort"),
            CohortMember.region,
            CohortMember.joined_at,
        )
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(CohortMember.user_id == user_id)
    )


def _erase_memberships(user_id: int) -> None:
    drop_from_codes_files(user_id)  # while the memberships still say which imports
    # Their programmes' reports and records are worked out again without them.
    mark_changed(
        select(Cohort.programme_id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id)
    )
    cohort_ids = list(
        db.session.scalars(select(CohortMember.cohort_id).where(CohortMember.user_id == user_id))
    )
    db.session.execute(delete(CohortMember).where(CohortMember.user_id == user_id))
    if cohort_ids:
        db.session.execute(
            Cohort.__table__.update()
            .where(Cohort.id.in_(cohort_ids))
            .values(member_count=Cohort.member_count - 1)
        )


def _research(user_id: int) -> list[dict]:
    return registry.rows(
        select(
            LeaderProfile.consent_at,
            LeaderProfile.gender,
            LeaderProfile.years_as_head,
            LeaderProfile.school_type,
            LeaderProfile.school_size,
            LeaderProfile.locality,
        ).where(LeaderProfile.user_id == user_id)
    )


def _notifications(user_id: int) -> list[dict]:
    return registry.rows(
        select(Notification.kind, Notification.params, Notification.created_at)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id)
    )


def _audit(user_id: int) -> list[dict]:
    return registry.rows(
        select(AuditEntry.at, AuditEntry.action, AuditEntry.subject)
        .where(AuditEntry.target_user_id == user_id)
        .order_by(AuditEntry.id)
    )


def _keep(user_id: int) -> None:
    """The audit log names people by account id only, and must say that an erasure
    happened: nothing to erase."""


registry.course_access("programmes", _courses_open_to)
registry.personal_data("cohorts", export=_memberships, erase=_erase_memberships)
registry.personal_data(
    "research_answers",
    export=_research,
    erase=lambda user_id: db.session.execute(
        delete(LeaderProfile).where(LeaderProfile.user_id == user_id)
    ),
)
registry.personal_data(
    "notifications",
    export=_notifications,
    erase=lambda user_id: db.session.execute(
        delete(Notification).where(Notification.user_id == user_id)
    ),
)
registry.personal_data("admin_actions", export=_audit, erase=_keep)

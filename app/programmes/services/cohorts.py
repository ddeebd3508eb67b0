"""Programmes and their cohorts: created and changed by admins, every change logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from app import audit
from app.accounts import services as accounts
from app.accounts.models import User
from app.db import upsert
from app.errors import N_
from app.extensions import db
from app.form_keys import claim_form_key
from app.learning.models import Course
from app.roles import Role

from ..models import Cohort, CohortMember, ImportBatch, Programme, ProgrammeCourse
from ._common import ProgrammeError
from .aggregates import mark_changed


def get_programme(programme_id: int) -> Programme | None:
    return db.session.get(Programme, programme_id)


def get_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)


def get_import_batch(batch_id: int) -> ImportBatch | None:
    return db.session.get(ImportBatch, batch_id)


def list_programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(Programme.name)))


def courses_to_offer() -> list[Course]:
    """Every course, by title: what a programme may offer its leaders."""
    return list(db.session.scalars(select(Course).order_by(Course.title)))


def _check_region(region: str) -> str:
    region = (region or "").strip().upper()
    if region and (len(region) != 2 or not region.isalpha()):
        raise ProgrammeError(
            N_("Write the country as two letters, for example KE, RW or IN."), "region"
        )
    return region


def save_programme(
    programme: Programme | None,
    *,
    name: str,
    framework_id: int | None,
    region: str,
    course_ids: list[int],
    by,
    key: str | None = None,
) -> Programme:
    """Create a programme (``programme`` None, its form's ``key`` given: the same form
    again gives back the programme it created) or change one; commits."""
    name = name.strip()
    if not name:
        raise ProgrammeError(N_("Give the programme a name."), "name")
    if programme is None:  # claimed before the name is checked: a double tap's name is taken
        claimed = claim_form_key(by.id, key, "programmes.create_programme", ProgrammeError)
        if not claimed.added:
            db.session.commit()
            return db.session.get(Programme, claimed.row_id)
    same_name = select(Programme.id).where(func.lower(Programme.name) == name.lower())
    if programme is not None:
        same_name = same_name.where(Programme.id != programme.id)
    if db.session.scalar(same_name):
        raise ProgrammeError(N_("Another programme already has this name."), "name")
    created = programme is None
    programme = programme or Programme()
    programme.name, programme.framework_id = name, framework_id
    programme.region = _check_region(region)
    known = set(db.session.scalars(select(Course.id).where(Course.id.in_(course_ids))))
    programme.course_links = [ProgrammeCourse(course_id=cid) for cid in sorted(known)]
    db.session.add(programme)
    db.session.flush()
    audit.record(
        "programme_create" if created else "programme_change",
        actor=by,
        subject=f"programme:{programme.id}",
    )
    if created:
        claimed.record(programme.id)
    mark_changed(programme.id)  # its courses may have changed
    db.session.commit()
    return programme


def save_cohort(
    programme: Programme,
    cohort: Cohort | None,
    *,
    name: str,
    starts_on: date,
    ends_on: date | None,
    by,
    key: str | None = None,
) -> Cohort:
    """Create a cohort of ``programme`` (``cohort`` None, its form's ``key`` given: the same
    form again gives back the cohort it created) or change one; commits."""
    name = name.strip()
    if not name:
        raise ProgrammeError(N_("Give the cohort a name."), "name")
    if ends_on is not None and ends_on < starts_on:
        raise ProgrammeError(N_("A cohort cannot end before it starts."), "ends_on")
    if cohort is None:  # claimed before the name is checked: a double tap's name is taken
        claimed = claim_form_key(by.id, key, "programmes.create_cohort", ProgrammeError)
        if not claimed.added:
            db.session.commit()
            return db.session.get(Cohort, claimed.row_id)
    clash = db.session.scalar(
        select(Cohort.id).where(
            Cohort.programme_id == programme.id,
            func.lower(Cohort.name) == name.lower(),
            Cohort.id != (cohort.id if cohort else -1),
        )
    )
    if clash:
        raise ProgrammeError(N_("This programme already has a cohort of this name."), "name")
    created = cohort is None
    cohort = cohort or Cohort(programme_id=programme.id)
    cohort.name, cohort.starts_on, cohort.ends_on = name, starts_on, ends_on
    db.session.add(cohort)
    db.session.flush()
    audit.record(
        "cohort_create" if created else "cohort_change",
        actor=by,
        subject=f"cohort:{cohort.id}",
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat() if ends_on else None,
    )
    if created:
        claimed.record(cohort.id)
    mark_changed(programme.id)
    db.session.commit()
    return cohort


def add_member(cohort: Cohort, identifier: str, region: str, by) -> tuple[User, bool]:
    """Put an existing leader's account, found by e-mail or phone, in a cohort (an import
    refuses accounts that exist): the person, and whether they were added now. Commits."""
    try:
        user = accounts.find_user(identifier)
    except accounts.AccountError as error:  # a phone number that cannot be anyone's
        raise ProgrammeError(error.template, "identifier", **error.params) from error
    if user is None:
        raise ProgrammeError(
            N_(
                "No account has this e-mail address or phone number. Check it, or invite "
                "the person from People or from a file."
            ),
            "identifier",
        )
    _require_leader(user, "identifier")
    return user, _add(cohort, user, region, by)


def add_person(cohort: Cohort, user: User, region: str, by) -> bool:
    """Put ``user`` in a cohort, from their own page: whether they were added now (False:
    they were in it already). Commits."""
    _require_leader(user, "cohort_id")
    return _add(cohort, user, region, by)


def _require_leader(user: User, field: str) -> None:
    if not user.has_role(Role.LEADER):
        raise ProgrammeError(
            N_("%(name)s is not a leader: give them the leader role on their page first."),
            field,
            name=user.display_name,
        )


def _add(cohort: Cohort, user: User, region: str, by) -> bool:
    """Once only, however often it is sent at once: the upsert adds the row (and counts it,
    and logs it) for one request; the others find it there."""
    values = {"cohort_id": cohort.id, "user_id": user.id, "region": region.strip()[:80]}
    added = bool(upsert(CohortMember, values, key=("cohort_id", "user_id")))
    if added:
        cohort.member_count = Cohort.member_count + 1
        audit.record("cohort_add", actor=by, target=user.id, subject=f"cohort:{cohort.id}")
        mark_changed(cohort.programme_id)
    db.session.commit()
    return added


def person_cohorts(user: User) -> list[tuple[Cohort, Programme]]:
    """The cohorts ``user`` is in, with their programme: one statement."""
    return db.session.execute(
        select(Cohort, Programme)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(CohortMember.user_id == user.id)
        .order_by(Programme.name, Cohort.starts_on.desc(), Cohort.name)
    ).all()


def cohort_choices(user: User) -> list[tuple[int, str]]:
    """Every cohort ``user`` is not in yet, as (id, "Cohort · Programme"), the newest of
    each programme first: one statement. A country has tens of cohorts, not thousands."""
    theirs = select(CohortMember.cohort_id).where(CohortMember.user_id == user.id)
    rows = db.session.execute(
        select(Cohort.id, Cohort.name, Programme.name)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(Cohort.id.not_in(theirs))
        .order_by(Programme.name, Cohort.starts_on.desc(), Cohort.name)
    )
    return [(cohort_id, f"{cohort} · {programme}") for cohort_id, cohort, programme in rows]


def remove_member(cohort: Cohort, user_id: int, by) -> None:
    """Take a leader out of a cohort (their account and data stay); commits."""
    removed = db.session.execute(
        CohortMember.__table__.delete().where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id
        )
    ).rowcount
    if removed:
        cohort.member_count = Cohort.member_count - removed
        audit.record("cohort_remove", actor=by, target=user_id, subject=f"cohort:{cohort.id}")
        mark_changed(cohort.programme_id)
    db.session.commit()


def cohort_members(cohort: Cohort, query: str = "", number: int = 1) -> MembersPage:
    """Page ``number`` of a cohort's leaders by name, narrowed by ``query`` (as the People
    page searches): three statements whatever the cohort's size."""
    people = accounts.page_of(
        accounts.search_people(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id)
            .order_by(User.name, User.id),
            query,
        ),
        number,
    )
    regions = dict(
        db.session.execute(
            select(CohortMember.user_id, CohortMember.region).where(
                CohortMember.cohort_id == cohort.id,
                CohortMember.user_id.in_([person.id for person in people.items]),
            )
        ).all()
    )
    return MembersPage(people, regions)


@dataclass(frozen=True)
class MembersPage:
    people: Pagination  # of User
    regions: dict[int, str]  # user id → the region the import gave


def regions(programme: Programme) -> list[str]:
    return list(
        db.session.scalars(
            select(CohortMember.region)
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(Cohort.programme_id == programme.id, CohortMember.region != "")
            .distinct()
            .order_by(CohortMember.region)
        )
    )

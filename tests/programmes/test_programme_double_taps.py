"""Double taps on the programme's writes: the import confirmed several times at once
queues one job and imports once; an erasure asked for several times at once is one request; research
answers saved several times at once are one row. Against the live threaded server."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from app.accounts.models import User, UserRole
from app.audit import AuditEntry
from app.extensions import db
from app.programmes.models import (
    Cohort,
    CohortMember,
    ErasureRequest,
    ImportBatch,
    LeaderProfile,
)
from tests.phones import Phone
from tests.programmes.test_programme_imports import GOOD, checked

ROUNDS = 3


def _count(model) -> int:
    db.session.rollback()  # read what the server committed
    return db.session.scalar(select(func.count()).select_from(model))


def run_queued_jobs(app) -> list[str]:
    """Every message waiting on the app's job queue, run here as a worker would: their
    names."""
    huey = app.extensions["jobs"].huey
    names = []
    while (task := huey.dequeue()) is not None:
        names.append(task.name)
        huey.execute(task)
    return names


def test_an_import_confirmed_three_times_at_once_imports_once(
    app, live_server, admin, programme, cohort
):
    phone = Phone(live_server, admin)
    url = f"/programme/{programme.id}/import"
    app.extensions["jobs"].huey.flush()  # nothing left over from other tests
    for _ in range(ROUNDS):
        draft = checked(GOOD, programme, admin)
        app.extensions["jobs"].huey.flush()  # the check's message: it ran here
        statuses = phone.together("POST", url, {"batch": draft.key})
        assert statuses == [303, 303, 303], statuses
        assert _count(User) == 1  # the requests only queued it
        assert run_queued_jobs(app) == ["programmes.import_leaders"]
        assert _count(ImportBatch) == 1
        assert _count(CohortMember) == 3
        assert _count(User) == 4  # the admin and the three leaders
        assert db.session.get(Cohort, cohort.id).member_count == 3
        db.session.execute(delete(CohortMember))
        db.session.execute(delete(ImportBatch))
        db.session.execute(delete(AuditEntry))
        leaders = select(User.id).where(User.id != admin.id)
        db.session.execute(delete(UserRole).where(UserRole.user_id.in_(leaders)))
        db.session.execute(delete(User).where(User.id != admin.id))
        db.session.execute(Cohort.__table__.update().values(member_count=0))
        db.session.commit()


@pytest.mark.parametrize(
    ("path", "fields", "model"),
    [
        ("/programme/me/erasure", {}, ErasureRequest),
        ("/programme/me/research", {"consent": "y", "gender": "woman"}, LeaderProfile),
    ],
)
def test_a_leaders_write_sent_three_times_at_once_is_one_row(
    live_server, make_user, path, fields, model
):
    phone = Phone(live_server, make_user("leader"))
    for _ in range(ROUNDS):
        statuses = phone.together("POST", path, fields)
        assert statuses == [303, 303, 303], statuses
        assert _count(model) == 1
        db.session.execute(delete(model))
        db.session.commit()


@pytest.mark.parametrize("where", ["person", "cohort"])
def test_a_leader_added_to_a_cohort_three_times_at_once_is_added_once(
    live_server, admin, programme, cohort, make_user, where
):
    """From the person's page (a cohort chosen) and from the cohort's (their phone number):
    one membership, counted once, logged once."""
    leader = make_user("leader", phone="+254712000111")
    phone = Phone(live_server, admin)
    if where == "person":
        path, fields = f"/programme/people/{leader.id}/cohorts", {"cohort_id": cohort.id}
    else:
        path = f"/programme/{programme.id}/cohorts/{cohort.id}/members"
        fields = {"identifier": "+254 712 000 111"}
    for _ in range(ROUNDS):
        statuses = phone.together("POST", path, fields)
        assert statuses == [303, 303, 303], statuses
        assert _count(CohortMember) == 1
        assert db.session.get(Cohort, cohort.id).member_count == 1
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert actions.count("cohort_add") == 1
        db.session.execute(delete(CohortMember))
        db.session.execute(delete(AuditEntry).where(AuditEntry.action == "cohort_add"))
        db.session.execute(Cohort.__table__.update().values(member_count=0))
        db.session.commit()


def test_an_erasure_for_a_person_confirmed_three_times_at_once_is_done_once(
    live_server, admin, make_user
):
    phone = Phone(live_server, admin)
    for _ in range(ROUNDS):
        person = make_user("leader", name="Asked By Letter")
        path = f"/programme/people/{person.id}/erasure"
        fields = {"erase-channel": "letter", "erase-confirm": "y"}
        statuses = phone.together("POST", path, fields)
        assert statuses == [303, 303, 303], statuses
        db.session.rollback()
        assert db.session.get(User, person.id).is_erased
        assert _count(ErasureRequest) == 1
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert actions.count("erasure") == 1
        db.session.execute(delete(ErasureRequest))
        db.session.execute(delete(AuditEntry).where(AuditEntry.action == "erasure"))
        db.session.commit()

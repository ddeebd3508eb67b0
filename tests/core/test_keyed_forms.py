"""Every form that adds a row is keyed (``app.forms.KeyField``, README "Writes a person
repeats"), and each, sent three times at once with the same key to a real threaded server,
adds its row once and answers every tap as it answered the first.

The forms are found, not listed: a keyed form without a case below fails, and so does a
form whose name says it adds something (``New…``, ``Add…``, ``Start…``) without a key.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms.fields.core import UnboundField

import app as application
from app.accounts.models import User
from app.extensions import db
from app.forms import KeyField, new_form_key
from tests.learning.conftest import framework  # noqa: F401  (fixture)
from tests.phones import TAPS, Phone

#: What a form's name says when it adds a row.
ADDING = ("New", "Add", "Start", "Book", "Create", "Post", "Reply", "Invite", "Import")

#: Forms named as adding a row that need no key, and why.
NO_KEY_NEEDED = {
    "app.programmes.forms.AddMemberForm": "a person is in a cohort once: one row, upserted",
    "app.programmes.forms.AddToCohortForm": "a person is in a cohort once: one row, upserted",
    "app.accounts.forms.AcceptInvitationForm": "sets the password of the invited account",
    "app.frameworks.forms.ImportForm": "a framework is found by its code: the same file again "
    "changes nothing",
}


def _form_classes() -> dict[str, type[FlaskForm]]:
    found = {}
    for area in pkgutil.iter_modules(application.__path__):
        try:
            module = importlib.import_module(f"app.{area.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = cls
    return found


def _keyed(cls: type[FlaskForm]) -> bool:
    return any(
        isinstance(value, UnboundField) and issubclass(value.field_class, KeyField)
        for value in (getattr(cls, name) for name in dir(cls))
    )


FORMS = _form_classes()
KEYED = sorted(name for name, cls in FORMS.items() if _keyed(cls))


@dataclass
class Case:
    """One keyed form sent by ``person`` to ``url``: the row it adds is ``model`` where
    ``where`` holds."""

    person: User
    url: str
    fields: dict
    model: type
    where: dict
    answer: int = 303
    key_name: str = "key"
    files: dict = field(default_factory=dict)


def _group_with(member):
    from app.groups import services as groups

    group = groups.create_group("Keyed circle")
    groups.add_member(group, member)
    return group


def _reply(make_user, frame):
    from app.groups import services as groups
    from app.groups.models import Post

    leader = make_user("leader")
    thread = groups.start_thread(_group_with(leader), leader, "Reading", "How?", new_form_key())
    url = f"/groups/threads/{thread.id}/posts"
    return Case(leader, url, {"body": "We tried it."}, Post, {"body": "We tried it."})


def _thread(make_user, frame):
    from app.groups.models import Thread

    leader = make_user("leader")
    url = f"/groups/{_group_with(leader).id}/threads/new"
    fields = {"title": "Late arrivals", "body": "What works?"}
    return Case(leader, url, fields, Thread, {"title": "Late arrivals"})


def _group(make_user, frame):
    from app.groups.models import Group

    fields = {"name": "Rwamagana heads"}
    return Case(make_user("admin"), "/groups/new", fields, Group, fields)


def _self_assessment(make_user, frame):
    from app.learning.models import SelfAssessment

    leader = make_user("leader")
    competency = frame.domains[0].competencies[0]
    fields = {f"c{competency.id}": "2"}
    return Case(leader, "/learn/self-assessment", fields, SelfAssessment, {"user_id": leader.id})


def _paired(make_user):
    from app.coaching import services as coaching

    coach, leader = make_user("coach"), make_user("leader")
    coaching.pair(coach, leader)
    return coach, leader


def _priority(make_user, frame):
    from app.coaching.models import PriorityChange

    coach, leader = _paired(make_user)
    competency = frame.domains[0].competencies[0]
    fields = {"title": "Reading for all", "status": "active", "competency": competency.id}
    url = f"/coaching/leaders/{leader.id}/priority"
    return Case(coach, url, fields, PriorityChange, {"changed_by_id": coach.id})


def _check_in(make_user, frame):
    from app.coaching.models import CheckIn

    coach, leader = _paired(make_user)
    fields = {"day": "2030-05-06", "at": "10:00", "mode": "call"}
    url = f"/coaching/leaders/{leader.id}/check-ins/new"
    return Case(coach, url, fields, CheckIn, {"leader_id": leader.id})


def _action(make_user, frame):
    from app.coaching import services as coaching
    from app.coaching.models import ActionItem

    coach, leader = _paired(make_user)
    check_in = coaching.schedule_check_in(
        coach, leader, day=date(2030, 5, 6), at=time(10), mode="call", key=new_form_key()
    )
    fields = {"title": "Observe P3", "owner": "leader", "due_on": "2030-05-20"}
    url = f"/coaching/check-ins/{check_in.id}/actions"
    return Case(coach, url, fields, ActionItem, {"check_in_id": check_in.id})


def _course(make_user, frame):
    from app.learning.models import Course

    fields = {"title": "Keyed course", "summary": "", "language": "en", "framework": frame.id}
    return Case(make_user("author"), "/studio/courses", fields, Course, {"title": "Keyed course"})


def _draft(author, frame):
    from app.studio import services as studio

    course = studio.create_course(
        author, title="Draft", summary="", language="en", framework=frame, key=new_form_key()
    )
    module = studio.add_module(course, "Week 1", by=author, key=new_form_key())
    return course, module, studio.add_lesson(module, "Visits", by=author, key=new_form_key())


def _module(make_user, frame):
    from app.learning.models import Module

    author = make_user("author")
    course, _module, _lesson = _draft(author, frame)
    url = f"/studio/courses/{course.id}/modules"
    return Case(author, url, {"title": "Week 2"}, Module, {"title": "Week 2"})


def _lesson(make_user, frame):
    """The lesson's form is written by hand in the course page (``new_form_key()``)."""
    from app.learning.models import Lesson

    author = make_user("author")
    _course, module, _lesson = _draft(author, frame)
    url = f"/studio/modules/{module.id}/lessons"
    return Case(author, url, {"title": "Observing"}, Lesson, {"title": "Observing"})


def _question(make_user, frame):
    from app.learning.models import QuickCheckQuestion

    author = make_user("author")
    _course, _module, lesson = _draft(author, frame)
    fields = {"new-prompt": "Which first?", "new-choices": "Data\nPeople", "new-answer": "1"}
    url = f"/studio/lessons/{lesson.id}/questions"
    where = {"prompt": "Which first?"}
    return Case(author, url, fields, QuickCheckQuestion, where, key_name="new-key")


def _programme(make_user, frame):
    from app.programmes.models import Programme

    fields = {"name": "Heads Rwanda", "framework_id": "0", "region": ""}
    return Case(make_user("admin"), "/programme/new", fields, Programme, {"name": "Heads Rwanda"})


def _admin_programme(make_user):
    from app.programmes import services as programmes

    admin = make_user("admin")
    programme = programmes.save_programme(
        None, name="Heads", framework_id=None, region="KE", course_ids=[], by=admin, key="p" * 16
    )
    return admin, programme


def _cohort(make_user, frame):
    from app.programmes.models import Cohort

    admin, programme = _admin_programme(make_user)
    fields = {"name": "Cohort A", "starts_on": "2030-03-01"}
    url = f"/programme/{programme.id}/cohorts/new"
    return Case(admin, url, fields, Cohort, {"name": "Cohort A"})


def _import(make_user, frame):
    from app.programmes.models import ImportBatch

    admin, programme = _admin_programme(make_user)
    csv = b"name,phone,email,school,region,cohort,language\nGrace,,g@example.org,S,R,,en\n"
    return Case(
        admin,
        f"/programme/{programme.id}/import",
        {},
        ImportBatch,
        {"programme_id": programme.id},
        files={"file": ("leaders.csv", csv)},
    )


def _invite(make_user, frame):
    fields = {"name": "Wanjiku", "email": "wanjiku@example.org", "roles": "leader"}
    where = {"email": "wanjiku@example.org"}
    return Case(make_user("admin"), "/people/invite", fields, User, where, answer=200)


def _competency(make_user, frame):
    from app.frameworks.models import Competency

    domain = frame.domains[0]
    url = f"/frameworks/{frame.id}/domains/{domain.id}/competencies/new"
    fields = {"code": "LL.9", "title": "Keyed"}
    return Case(make_user("admin"), url, fields, Competency, {"code": "LL.9"})


#: Each keyed form, and how to send it: the route and fields a person fills in.
CASES: dict[str, list[Callable]] = {
    "app.groups.forms.PostForm": [_reply],
    "app.groups.forms.ThreadForm": [_thread],
    "app.groups.forms.GroupForm": [_group],
    "app.learning.forms.SelfAssessmentForm": [_self_assessment],
    "app.coaching.forms.PriorityForm": [_priority],
    "app.coaching.forms.ScheduleForm": [_check_in],
    "app.coaching.forms.ActionForm": [_action],
    "app.studio.forms.CourseForm": [_course],
    "app.studio.forms.NewTitleForm": [_module, _lesson],
    "app.studio.forms.NewQuestionForm": [_question],
    "app.programmes.forms.NewProgrammeForm": [_programme],
    "app.programmes.forms.NewCohortForm": [_cohort],
    "app.programmes.forms.ImportForm": [_import],
    "app.accounts.forms.InviteForm": [_invite],
    "app.frameworks.forms.NewCompetencyForm": [_competency],
}


#: Keyed forms whose double taps their area's tests send (three at once, one row), for now.
TAPPED_ELSEWHERE = {
    "app.practices.forms.NewPracticeForm": "tests/practices/test_practices_double_taps.py",
    "app.practices.forms.PhotoForm": "tests/practices/test_practices_double_taps.py",
    "app.practices.forms.ReviewForm": "tests/practices/test_practices_double_taps.py",
    "app.review.forms.AnswerForm": "tests/review/test_review_double_taps.py",
}


def test_every_keyed_form_has_its_double_tap_here():
    assert sorted([*CASES, *TAPPED_ELSEWHERE]) == KEYED
    root = Path(__file__).resolve().parents[2]
    assert all((root / path).is_file() for path in TAPPED_ELSEWHERE.values())


def test_every_form_named_for_adding_a_row_is_keyed():
    unkeyed = [
        name
        for name, cls in FORMS.items()
        if cls.__name__.startswith(ADDING) and not _keyed(cls) and name not in NO_KEY_NEEDED
    ]
    assert unkeyed == [], "derive from app.forms.KeyedForm (README: Writes a person repeats)"
    assert set(NO_KEY_NEEDED) <= set(FORMS)


def _count(model, where: dict) -> int:
    db.session.rollback()  # what the server committed
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


@pytest.mark.parametrize(
    "make_case",
    [make for name in sorted(CASES) for make in CASES[name]],
    ids=lambda make: make.__name__.strip("_"),
)
def test_the_same_form_sent_three_times_at_once_adds_one_row_and_answers_alike(
    live_server,
    make_user,
    framework,  # noqa: F811  (the fixture)
    make_case,
):
    case = make_case(make_user, framework)
    before = _count(case.model, case.where)
    phone = Phone(live_server, case.person)
    fields = {**case.fields, case.key_name: new_form_key()}
    answers = phone.answers("POST", case.url, fields, files=case.files)
    assert [a.status for a in answers] == [case.answer] * TAPS, [a.text[-600:] for a in answers]
    assert len({a.getheader("Location") for a in answers}) == 1
    assert _count(case.model, case.where) == before + 1


@pytest.mark.parametrize(
    "make_case",
    [_thread, _check_in, _course],
    ids=lambda make: make.__name__.strip("_"),
)
def test_a_form_without_its_key_or_with_one_from_another_form_adds_nothing(
    client,
    login,
    make_user,
    framework,  # noqa: F811  (the fixture)
    make_case,
):
    """Without a key: a 422 that keeps what was typed. With a key another form claimed: the
    area's error, a 422 too, saying to reload."""
    from app.form_keys import claim_key

    case = make_case(make_user, framework)
    login(case.person)
    before = _count(case.model, case.where)
    missing = client.post(case.url, data=case.fields)
    assert missing.status_code == 422 and "This form is out of date" in missing.text
    typed = next(value for value in case.fields.values() if isinstance(value, str) and value)
    assert typed in missing.text
    reused = new_form_key()
    claim_key(case.person.id, reused, "elsewhere.action")
    db.session.commit()
    refused = client.post(case.url, data={**case.fields, case.key_name: reused})
    assert refused.status_code == 422 and "This form is out of date" in refused.text
    assert _count(case.model, case.where) == before

"""Reports served from the figures the job queue keeps: the job gives every scope the
numbers computed now from its own leaders (suppressed cells included, in slices or not),
the page reads them in the same few statements at any size and says "as of" when, a
programme with no figures yet says they are being prepared (polling with JavaScript, a
Refresh link without), stale figures are shown while the job makes new ones."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app import jobs
from app.coaching.models import CheckIn, CoachRating
from app.db import utcnow
from app.extensions import db
from app.frameworks.models import Competency
from app.groups import services as groups
from app.learning.models import Lesson
from app.programmes import services
from app.programmes.models import ReportSnapshot, ReportState
from app.programmes.services import aggregates
from tests.conftest import sign_in
from tests.programmes.conftest import (
    START,
    add_profile,
    add_progress,
    add_sitting,
    at,
    new_cohort,
    new_programme,
)
from tests.programmes.test_programme_double_taps import run_queued_jobs

TODAY = START + timedelta(days=60)
NOW = datetime.combine(TODAY, time(12), tzinfo=UTC)
FRAGMENT = {"HX-Request": "true"}

#: name → (cohorts, region, gender, days active, rated twice). "Pilot" is one leader (its
#: report and Main's are held back); "Late" starts two weeks after the others (a period of
#: its own); W1 is in Main and Late.
PEOPLE = {
    "W1": (("Main", "Late"), "Nairobi", "woman", (1, 8, 20), True),
    "W2": (("Main",), "Nairobi", "woman", (1, 8), True),
    "W3": (("Main",), "Nairobi", "woman", (1,), True),
    "W4": (("Main",), "Nairobi", "woman", (2,), True),
    "M1": (("Main",), "Nairobi", "man", (2, 9), True),
    "M2": (("Main",), "Nairobi", "man", (3,), False),
    "M3": (("Main",), "Nairobi", "man", (), False),
    "W5": (("Main",), "Coast", "woman", (1, 8), True),
    "W6": (("Main",), "Coast", "woman", (1, 8, 15), True),
    "M4": (("Main",), "Coast", "man", (1, 9), True),
    "M5": (("Main",), "Coast", "man", (2, 10), True),
    "M6": (("Main",), "Coast", "man", (2, 16), False),
    "P1": (("Pilot",), "Nairobi", "other", (1,), True),
    "L1": (("Late",), "Coast", "woman", (15, 22), True),
    "L2": (("Late",), "Coast", "woman", (16, 23), True),
    "L3": (("Late",), "Coast", "man", (15,), True),
    "L4": (("Late",), "Nairobi", "man", (17, 30), True),
    "L5": (("Late",), "Nairobi", None, (18,), False),
    "L6": (("Late",), "Nairobi", None, (), False),
}


@pytest.fixture
def country(programme, admin, make_user, enrol, make_course, framework):
    """The people above with lessons, self-assessments, a coach's ratings and posts."""
    cohorts = {
        name: new_cohort(
            programme,
            admin,
            name,
            starts_on=START + timedelta(days=days),
            ends_on=START + timedelta(days=days, weeks=4),
        )
        for name, days in (("Main", 0), ("Pilot", 0), ("Late", 14))
    }
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.course_id == make_course("c", lessons=3).id)
    ).all()
    one, two = db.session.scalars(
        select(Competency.id).where(Competency.framework_id == framework.id).limit(2)
    ).all()
    coach, group = make_user("coach"), groups.create_group("Cluster")
    people = {}
    for n, (name, (places, region, gender, days, rated)) in enumerate(PEOPLE.items()):
        person = people[name] = make_user(name=name)
        for place in places:
            enrol(person, region=region, to=cohorts[place])
        if gender:
            add_profile(person, gender=gender, years_as_head=n % 12)
        for k, day in enumerate(days):
            add_progress(person, lessons[k % 3], day=day, completed=k % 2 == 0)
        if rated:
            add_sitting(person, framework.id, {one: 1, two: 2}, day=0)
            add_sitting(person, framework.id, {one: 1 + n % 3, two: 3}, day=20)
            _coach_rating(coach, person, {one: 2 + n % 2}, day=5)
            _coach_rating(coach, person, {one: 3}, day=25)
        if n % 4 == 0:
            groups.add_member(group, person)
            groups.start_thread(group, person, f"Thread {n}", "Words", f"t{n}")
    return cohorts


def _coach_rating(coach, leader, levels: dict, *, day: int) -> None:
    check_in = CheckIn(
        coach_id=coach.id,
        leader_id=leader.id,
        starts_at=at(day),
        mode="call",
        held_at=at(day),
        prepared_at=at(day - 1),
    )
    db.session.add(check_in)
    db.session.flush()
    db.session.add_all(
        CoachRating(check_in_id=check_in.id, competency_id=c, level=lv) for c, lv in levels.items()
    )
    db.session.commit()


def _scopes(programme) -> list[services.Scope]:
    """Every scope the page accepts, with regions and combinations that hold no one."""
    return [
        services.Scope(programme, cohort, region)
        for cohort in [None, *programme.cohorts]
        for region in [None, "Nairobi", "Coast", "Nowhere"]
    ]


def _plain(report) -> dict:
    return {
        "people": report.people,
        "period": (report.start, report.end),
        "shows nothing": (report.too_few, report.held_back),
        "totals": report.totals,
        "weeks": list(report.weeks),
        "breakdowns": [
            (b.key, [(g.key, g.people, g.values, g.hidden) for g in b.groups])
            for b in report.breakdowns
        ],
        "growth": [
            (
                str(label),
                [(i.code, str(i.title), i.people, i.first, i.latest, i.hidden) for i in items],
            )
            for label, items in report.growth
        ],
        "by competency": [(r.code, str(r.title), r.values) for r in report.by_competency],
    }


def _text(body) -> str:
    return body if isinstance(body, str) else b"".join(body).decode()


@pytest.mark.parametrize("slice_leaders", [1000, 4])
def test_the_job_gives_every_scope_the_numbers_worked_out_from_its_own_leaders(
    programme, admin, country, monkeypatch, slice_leaders
):
    monkeypatch.setattr(aggregates, "SLICE_LEADERS", slice_leaders)
    assert services.refresh_reports(programme.id, now=NOW)
    hidden = held_back = 0
    for scope in _scopes(programme):
        view = services.report_view(scope, now=NOW + timedelta(minutes=1))
        reference = services.build_report(scope, today=TODAY)
        assert _plain(view.report) == _plain(reference), (scope.cohort, scope.region)
        assert services.report_csv(view.report, by=admin) == services.report_csv(
            reference, by=admin
        )
        records = services.records_csv(scope, by=admin, start=reference.start, end=reference.end)
        assert _text(services.records_download(scope, view, by=admin)) == records
        hidden += sum(g.hidden for b in reference.breakdowns for g in b.groups)
        hidden += sum(active is None for _, active in reference.weeks)
        held_back += reference.held_back and not reference.too_few
    assert hidden and held_back  # the comparison covered suppressed cells and reports


def test_the_page_reads_the_kept_report_in_the_same_statements_at_any_size(
    client, admin, programme, cohort, make_user, enrol, make_course, count_queries
):
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == make_course("c").id))
    sign_in(client, admin)
    urls = [
        f"/programme/{programme.id}/report",
        f"/programme/{programme.id}/report?cohort={cohort.id}",
    ]
    counts = []
    for size in (6, 60):
        while cohort.member_count < size:
            person = make_user()
            enrol(person, region=("Nairobi", "Coast")[cohort.member_count % 2])
            add_progress(person, lesson, day=cohort.member_count % 20)
        services.refresh_reports(programme.id)
        for url in urls:
            with count_queries() as counter:
                page = client.get(url)
            assert page.status_code == 200 and 'id="totals"' in page.text
            assert f'<td data-label="Leaders">{size}</td>' in page.text
            counts.append(counter.count)
    # The person signed in, the programme (and cohort), the kept report, the cohorts and
    # the shell's count of notifications.
    assert counts[:2] == counts[2:] and max(counts) <= 6, (counts, counter.statements)


def test_a_programme_without_figures_says_they_are_being_prepared(
    app, client, admin, programme, cohort, make_user, enrol, count_queries
):
    huey = app.extensions["jobs"].huey
    huey.flush()
    for n in range(6):
        enrol(make_user(name=f"L{n}"), region="Nairobi")
    sign_in(client, admin)
    url = f"/programme/{programme.id}/report?cohort={cohort.id}"
    with count_queries() as counter:
        page = client.get(url)
    assert page.status_code == 200 and 'id="preparing"' in page.text
    assert 'hx-trigger="every 2s"' in page.text and ">Refresh</a>" in page.text
    assert 'id="totals"' not in page.text and "report.csv" not in page.text
    # The page's own five, the ask, and the shell's rows again after its commit.
    assert counter.count <= 10, counter.statements
    polled = client.get(url, headers=FRAGMENT)
    assert polled.status_code == 200 and "being prepared" in polled.text
    assert "<html" not in polled.text
    # Asked once, however often viewed; the exports wait too.
    assert (
        client.post(f"/programme/{programme.id}/report.csv?cohort={cohort.id}").status_code == 303
    )
    assert client.post(f"/programme/{programme.id}/records.csv").status_code == 303
    assert run_queued_jobs(app) == ["programmes.refresh_reports"]
    done = client.get(url, headers=FRAGMENT)
    assert done.status_code == 286  # htmx stops polling and shows the figures
    assert 'id="as-of"' in done.text and "every 2s" not in done.text
    page = client.get(url)
    assert page.status_code == 200 and 'id="as-of"' in page.text and 'id="totals"' in page.text
    state = db.session.get(ReportState, programme.id)
    assert f"Figures as of {state.computed_at:%-d %b %Y, %H:%M}." in page.text
    exported = client.post(f"/programme/{programme.id}/report.csv?cohort={cohort.id}").text
    assert exported.startswith("section,group,people") and "figures as of," in exported
    assert run_queued_jobs(app) == []


def test_stale_figures_are_shown_while_the_job_makes_new_ones(
    app, programme, cohort, admin, make_user, enrol, make_course
):
    huey = app.extensions["jobs"].huey
    huey.flush()
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == make_course("c").id))
    people = [make_user() for _ in range(6)]
    for person in people:
        enrol(person)
        add_progress(person, lesson, day=1)
    scope = services.Scope(programme, cohort)
    then = utcnow()
    services.refresh_reports(programme.id, now=then)
    add_progress(people[0], make_lesson(make_course), day=2)  # a leader's write: nothing asked
    fresh = services.report_view(scope, now=then + timedelta(minutes=5))
    assert fresh.as_of == then and not fresh.refreshing
    assert fresh.report.totals["lessons_completed"] == 6 and huey.pending_count() == 0
    later = then + timedelta(minutes=11)
    stale = services.report_view(scope, now=later)
    assert stale.as_of == then and stale.refreshing
    assert stale.report.totals["lessons_completed"] == 6  # shown meanwhile
    assert services.report_view(scope, now=later).refreshing
    assert services.sweep_reports(now=later) == 0  # asked already
    assert run_queued_jobs(app) == ["programmes.refresh_reports"]
    new = services.report_view(scope)
    assert new.as_of > then and not new.refreshing
    assert new.report.totals["lessons_completed"] == 7


def make_lesson(make_course):
    return db.session.scalar(select(Lesson).where(Lesson.course_id == make_course("d").id))


def test_an_admins_change_makes_the_figures_stale_at_once(
    app, programme, cohort, admin, make_user, enrol
):
    app.extensions["jobs"].huey.flush()
    for _ in range(5):
        enrol(make_user())
    scope = services.Scope(programme, cohort)
    services.refresh_reports(programme.id)
    assert not services.report_view(scope).refreshing
    newcomer = make_user(email="new@example.org")
    services.add_member(cohort, "new@example.org", "Coast", by=admin)  # one UPDATE
    view = services.report_view(scope)
    assert view.refreshing and view.report.people == 5
    assert run_queued_jobs(app) == ["programmes.refresh_reports"]
    view = services.report_view(scope)
    assert view.report.people == 6 and not view.refreshing and view.regions == ["Coast"]
    services.complete_erasure(services.request_erasure(newcomer), by=admin)
    assert services.report_view(scope).refreshing  # worked out again without them


def test_the_sweep_asks_for_stale_figures_once(app, admin, programme, cohort, make_user, enrol):
    huey = app.extensions["jobs"].huey
    huey.flush()
    other = new_programme(admin, "Other", region="", course_ids=[])
    services.refresh_reports(programme.id, now=NOW)
    services.refresh_reports(other.id, now=NOW + timedelta(minutes=8))
    later = NOW + timedelta(minutes=11)
    assert services.sweep_reports(now=later) == 1  # only the one ten minutes old
    assert services.sweep_reports(now=later) == 0
    assert [task.name for task in huey.pending()] == ["programmes.refresh_reports"]
    again = later + aggregates.ASK_AGAIN_AFTER + timedelta(minutes=1)
    assert services.sweep_reports(now=again) == 2  # the message was lost: asked again


def test_a_second_job_finds_the_programme_taken(programme, cohort):
    db.session.add(ReportState(programme_id=programme.id, started_at=NOW))
    db.session.commit()
    assert not services.refresh_reports(programme.id, now=NOW + timedelta(minutes=1))
    assert db.session.scalar(select(ReportSnapshot)) is None
    # A job that claimed it and never finished lost its worker: taken over.
    assert services.refresh_reports(programme.id, now=NOW + aggregates.RUN_STALE_AFTER * 2)
    assert db.session.scalar(select(ReportSnapshot)) is not None


def test_the_report_refuses_everyone_but_admins(client, make_user, programme, cohort):
    services.refresh_reports(programme.id)
    url = f"/programme/{programme.id}/report"
    for role in ("leader", "coach", "author"):
        sign_in(client, make_user(role))
        assert client.get(url).status_code == 403
        assert client.get(url, headers=FRAGMENT).status_code == 403
        assert client.post(url + ".csv").status_code == 403
        client.post("/sign-out")


def test_the_report_sweep_rides_on_the_job_queue_every_five_minutes(app):
    huey = app.extensions["jobs"].huey
    assert "programmes.sweep_reports" in [t.name for t in huey.read_periodic(NOW)]
    later = NOW + timedelta(minutes=2)
    assert "programmes.sweep_reports" not in [t.name for t in huey.read_periodic(later)]


def test_the_report_job_goes_ahead_of_waiting_transcodes(app, programme):
    huey = app.extensions["jobs"].huey
    huey.flush()
    jobs.enqueue("media.transcode", 12345)
    services.ask_for_refresh(programme.id)
    db.session.commit()
    assert huey.dequeue().name == "programmes.refresh_reports"
    huey.flush()

"""Report numbers against a hand-computed cohort, the small-group rule (with differencing),
and statements that do not grow with the number of leaders."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.frameworks.models import Competency
from app.learning.models import Lesson
from app.programmes import services
from app.programmes.services.suppression import hidden_groups
from tests.programmes.conftest import START, add_profile, add_progress, add_sitting, new_cohort

TODAY = START + timedelta(days=60)


@pytest.fixture
def leaders(make_user, enrol):
    """W1–W6 women (0–2 years as head, Nairobi), M1–M5 men (6–10 years, Coast), N1 gave
    no answers (Nairobi)."""
    people = {}
    for n in range(1, 7):
        people[f"W{n}"] = make_user(name=f"W{n}")
        enrol(people[f"W{n}"], region="Nairobi")
        add_profile(people[f"W{n}"], gender="woman", years_as_head=1)
    for n in range(1, 6):
        people[f"M{n}"] = make_user(name=f"M{n}")
        enrol(people[f"M{n}"], region="Coast")
        add_profile(people[f"M{n}"], gender="man", years_as_head=7)
    people["N1"] = make_user(name="N1")
    enrol(people["N1"], region="Nairobi")
    return people


@pytest.fixture
def activity(leaders, make_course, framework):
    """Hand-computed: weeks 0–4 active 4, 2, 1, 0, 0; 6 leaders active; 7 lessons done;
    growth on the first competency by 5 leaders from 1.8 to 3.8 on average."""
    course = make_course("c", lessons=2)
    one, two = _lessons(course)
    p = leaders
    add_progress(p["W1"], one, day=0)
    add_progress(p["W1"], two, day=8)
    add_progress(p["W2"], one, day=1)
    add_progress(p["W3"], one, day=9, completed=False)
    add_progress(p["M1"], one, day=2)
    add_progress(p["M2"], one, day=15)
    add_progress(p["M2"], two, day=15)
    add_progress(p["N1"], one, day=3)
    c1, c2 = _competencies(framework)
    add_sitting(p["W1"], framework.id, {c1: 1, c2: 2}, day=0)
    add_sitting(p["W1"], framework.id, {c1: 3, c2: 2}, day=20)
    for name in ("W2", "W3", "W4", "W5"):
        for day, level in ((0, 2), (10, 3), (20, 4)):
            add_sitting(p[name], framework.id, {c1: level}, day=day)
    add_sitting(p["M1"], framework.id, {c1: 1}, day=0)
    return c1, c2


def _lessons(course):
    return db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).all()


def _competencies(framework):
    return db.session.scalars(
        select(Competency.id)
        .where(Competency.framework_id == framework.id)
        .order_by(Competency.code)
    ).all()[:2]


def test_the_cohort_report_matches_the_hand_computed_numbers(programme, cohort, activity):
    report = services.build_report(services.Scope(programme, cohort), today=TODAY)
    assert (report.start, report.end) == (START, START + timedelta(weeks=4))
    # 4, 2 and 1 active: each a group of fewer than five, hidden.
    assert [n for _, n in report.weeks] == [None, None, None, 0, 0]
    assert report.people == 12
    assert report.totals["active_people"] == 6
    assert report.totals["lessons_completed"] == 7
    assert report.totals["growth:self_assessment"] == round(10 / 6, 2)
    # Self-assessment, then coach ratings (none given in this cohort), then the daily
    # review's recall (no reviews here).
    (label, competencies), (coach_label, coach_competencies), *_review = report.growth
    assert str(label) == "Self-assessment" and str(coach_label) == "Coach ratings"
    assert all(c.first is None for c in coach_competencies)
    first, second = competencies
    assert (first.people, first.first, first.latest, first.hidden) == (5, 1.8, 3.8, False)
    assert second.hidden and second.first is None


def test_breakdowns_hide_small_groups_and_their_complement(programme, cohort, activity):
    report = services.build_report(services.Scope(programme, cohort), today=TODAY)
    gender = {g.key: g for g in next(b for b in report.breakdowns if b.key == "gender").groups}
    # Not answered is 1 person (in Nairobi): hidden. Nairobi's report (women and N1) is
    # there to ask for, so women are hidden with it in Nairobi, and so here: shown, they
    # would give N1 back as this report minus Nairobi's women minus Coast's men.
    assert gender[""].hidden and gender["woman"].hidden
    assert not gender["man"].hidden and gender["man"].people == 5
    assert gender["man"].values["active_people"] == 2
    assert gender["man"].values["lessons_completed"] == 3
    assert gender["other"].people == 0 and not gender["other"].hidden
    tenure = {g.key: g for g in next(b for b in report.breakdowns if b.key == "tenure").groups}
    assert tenure["6_10"].people == 5 and tenure["0_2"].hidden and tenure[""].hidden


def test_a_region_report_counts_only_its_leaders(programme, cohort, activity):
    report = services.build_report(services.Scope(programme, None, "Coast"), today=TODAY)
    assert report.people == 5
    assert report.totals["lessons_completed"] == 3
    assert [n for _, n in report.weeks][:3] == [None, 0, None]  # 1, 0, 1: hidden
    gender = next(b for b in report.breakdowns if b.key == "gender")
    assert {g.key: g.hidden for g in gender.groups if g.people} == {"man": False}


def test_a_report_of_fewer_than_five_leaders_shows_no_numbers(programme, admin, make_user, enrol):
    small = new_cohort(programme, admin, "Small", starts_on=START, ends_on=None)
    for n in range(4):
        enrol(make_user(name=f"S{n}"), to=small)
    report = services.build_report(services.Scope(programme, small), today=TODAY)
    assert report.too_few and report.totals == {} and report.breakdowns == []
    text = services.report_csv(report, by=admin)
    assert "fewer than 5" in text and ",4," not in text


@pytest.mark.parametrize(
    ("sizes", "hidden"),
    [
        ({"a": 10, "b": 7, "c": 0}, set()),
        ({"a": 10, "b": 3, "c": 0}, {"a", "b"}),  # 3 alone would be total − 10
        ({"a": 10, "b": 7, "c": 2, "d": 2}, {"b", "c", "d"}),  # 2 + 2 < 5: add the 7
        ({"a": 10, "b": 6, "c": 4, "d": 1}, {"c", "d"}),
        ({"a": 3, "b": 1}, {"a", "b"}),
        ({"a": 9, "b": 5, "c": 1}, {"b", "c"}),
    ],
)
def test_the_small_group_rule(sizes, hidden):
    assert hidden_groups(sizes) == hidden
    if hidden:  # what subtraction gives is never fewer than five people, nor one group
        assert sum(sizes[name] for name in hidden) >= 5 or hidden == set(sizes)
        assert len(hidden) >= 2


def test_the_report_runs_the_same_statements_for_more_leaders(
    programme, cohort, activity, leaders, make_user, enrol, count_queries, make_course
):
    scope = services.Scope(programme, cohort)
    db.session.expire_all()  # both runs load the cohort and programme afresh
    with count_queries() as before:
        services.build_report(scope, today=TODAY)
    lesson = _lessons(make_course("more", lessons=1))[0]
    for n in range(30):
        person = make_user(name=f"X{n}")
        enrol(person)
        add_progress(person, lesson, day=n % 20)
    db.session.expire_all()
    with count_queries() as after:
        report = services.build_report(scope, today=TODAY)
    assert report.people == 42
    # A handful per report plus about one per registered metric and rating source (learning,
    # groups, coaching, review: its two numbers and its recall; practices: shared, approved,
    # tried, worked), and one per count by competency (registry.competency_count; the
    # practices' four again, for the table "by competency"): the same for 12 leaders as
    # for 42.
    assert after.count == before.count <= 24 + 4


def test_the_researchers_records_are_pseudonymous_and_match_the_report(
    programme, cohort, activity, leaders, admin
):
    scope = services.Scope(programme, cohort)
    report = services.build_report(scope, today=TODAY)
    text = services.records_csv(scope, by=admin, start=report.start, end=report.end)
    rows = {row["pseudonym"]: row for row in csv.DictReader(io.StringIO(text))}
    assert len(rows) == 12
    w1 = rows[services.pseudonym(leaders["W1"].id)]
    assert w1["gender"] == "woman" and w1["tenure"] == "0_2" and w1["region"] == "Nairobi"
    assert w1["lessons_completed"] == "2" and w1["growth:self_assessment"] == "1.0"
    assert rows[services.pseudonym(leaders["N1"].id)]["gender"] == ""
    assert sum(int(r["lessons_completed"]) for r in rows.values()) == 7
    assert "W1" not in text and "@" not in text
    assert services.pseudonym(leaders["W1"].id) == services.pseudonym(leaders["W1"].id)


def test_competencies_are_named_in_the_readers_language(
    client, make_user, programme, cohort, activity
):
    from tests.conftest import sign_in

    c1, c2 = (db.session.get(Competency, id) for id in activity)
    c1.translations = {"fr": {"title": "Observer les leçons en classe"}}
    c2.translations = {}
    db.session.commit()
    services.refresh_reports(programme.id)  # the report job, as a worker runs it
    sign_in(client, make_user("admin", locale="fr"))
    page = client.get(f"/programme/{programme.id}/report?cohort={cohort.id}").text
    assert f"{c1.code} <span>Observer les leçons en classe</span>" in page
    # Not translated: the original, marked as English for screen readers.
    assert f'{c2.code} <span lang="en">{c2.title}</span>' in page

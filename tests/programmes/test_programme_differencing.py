"""The small-group rule between reports: every report CSV an admin can ask for of a
programme (each cohort, each region, each cohort in a region, the whole programme), taken
together, gives no group of 1 to 4 leaders by subtracting one from another, nor by any
other sum; the researchers' records hold back what would single out a leader."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from fractions import Fraction
from itertools import combinations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.frameworks.models import Competency
from app.learning.models import Lesson
from app.programmes import services
from tests.conftest import sign_in
from tests.programmes.conftest import START, add_profile, add_progress, add_sitting, new_cohort

TODAY = START + timedelta(days=60)

#: name → (cohort, region, gender, active in week 1, rated twice). Everyone is active in
#: week 0. "Pilot" is one leader: anything that gives a number for Main beside the same
#: number for the programme gives that leader's.
PEOPLE = {
    "W1": ("Main", "Nairobi", "woman", True, True),
    "W2": ("Main", "Nairobi", "woman", True, True),
    "W3": ("Main", "Nairobi", "woman", False, True),
    "W4": ("Main", "Nairobi", "woman", False, True),
    "M1": ("Main", "Nairobi", "man", False, True),
    "M2": ("Main", "Nairobi", "man", False, False),
    "M3": ("Main", "Nairobi", "man", False, False),
    "W5": ("Main", "Coast", "woman", True, True),
    "W6": ("Main", "Coast", "woman", True, True),
    "M4": ("Main", "Coast", "man", True, True),
    "M5": ("Main", "Coast", "man", True, True),
    "M6": ("Main", "Coast", "man", True, True),
    "P1": ("Pilot", "Nairobi", "other", False, True),
}


@pytest.fixture
def pilot(programme, admin, make_user, enrol, make_course, framework):
    cohorts = {
        name: new_cohort(
            programme, admin, name, starts_on=START, ends_on=START + timedelta(weeks=4)
        )
        for name in ("Main", "Pilot")
    }
    one, two = db.session.scalars(
        select(Lesson).where(Lesson.course_id == make_course("c", lessons=2).id)
    ).all()
    competency = db.session.scalar(
        select(Competency.id).where(Competency.framework_id == framework.id)
    )
    for name, (cohort, region, gender, week_one, rated) in PEOPLE.items():
        person = make_user(name=name)
        enrol(person, region=region, to=cohorts[cohort])
        add_profile(person, gender=gender)
        add_progress(person, one, day=1)
        if week_one:
            add_progress(person, two, day=8)
        if rated:
            add_sitting(person, framework.id, {competency: 1}, day=0)
            add_sitting(person, framework.id, {competency: 3}, day=20)
    return cohorts


def _scopes(programme) -> list[services.Scope]:
    """Every scope the report page and its exports accept, as ``_scope`` in the routes."""
    return [
        services.Scope(programme, cohort, region)
        for cohort in [None, *programme.cohorts]
        for region in [None, *services.regions(programme)]
    ]


def _who(scope) -> frozenset[str]:
    return frozenset(
        name
        for name, (cohort, region, *_) in PEOPLE.items()
        if (scope.cohort is None or scope.cohort.name == cohort)
        and (scope.region is None or scope.region == region)
    )


def _shown_sets(programme, admin) -> dict[str, list[frozenset[str]]]:
    """For each kind of number, the sets of leaders whose number some report CSV gives:
    "people" (each report's total: lessons, activity), "gender" (the totals and the
    groups shown), each week's active leaders, the leaders rated twice on a competency."""
    found = {"people": [], "gender": [], "week 0": [], "week 1": [], "rated": []}
    for scope in _scopes(programme):
        report = services.build_report(scope, today=TODAY)
        rows = list(csv.reader(io.StringIO(services.report_csv(report, by=admin))))[1:]
        who = _who(scope)
        for section, group, people, *_ in rows:
            if "fewer than 5" in people:  # hidden, or held back
                continue
            if section == "total":
                found["people"].append(who)
                found["gender"].append(who)
            elif section == "gender":
                gender = None if group == "not answered" else group
                found["gender"].append(frozenset(p for p in who if PEOPLE[p][2] == gender))
            elif section.startswith("active leaders"):
                week = (date.fromisoformat(group) - START).days // 7
                active = {p for p in who if week == 0 or (week == 1 and PEOPLE[p][3])}
                found.setdefault(f"week {week}", []).append(frozenset(active))
            elif section.startswith("growth Self"):
                found["rated"].append(frozenset(p for p in who if PEOPLE[p][4]))
    return found


def _reduce(basis, vector):
    for pivot, row in basis:
        if vector[pivot]:
            factor = vector[pivot] / row[pivot]
            vector = [v - factor * r for v, r in zip(vector, row, strict=True)]
    return vector


def small_groups_worked_out(sets: list[frozenset[str]]) -> list[set[str]]:
    """Every group of 1 to 4 leaders whose sum some adding and subtracting of these sets'
    sums gives (its indicator lies in their span): subtracting a pair of reports, or the
    programme minus every other cohort."""
    names = sorted(PEOPLE)
    basis = []
    for members in sets:
        row = _reduce(basis, [Fraction(name in members) for name in names])
        pivot = next((i for i, v in enumerate(row) if v), None)
        if pivot is not None:
            basis.append((pivot, row))
    return [
        set(group)
        for size in range(1, 5)
        for group in combinations(names, size)
        if not any(_reduce(basis, [Fraction(name in group) for name in names]))
    ]


def test_no_sum_of_reports_gives_a_small_group(programme, admin, pilot):
    shown = _shown_sets(programme, admin)
    assert all(shown[kind] for kind in ("people", "gender", "week 0", "week 1", "rated"))
    worked_out = {kind: small_groups_worked_out(sets) for kind, sets in shown.items()}
    assert worked_out == dict.fromkeys(shown, [])


def test_the_programme_minus_every_other_cohort_is_not_the_pilot(programme, admin, pilot):
    whole = services.build_report(services.Scope(programme), today=TODAY)
    main = services.build_report(services.Scope(programme, pilot["Main"]), today=TODAY)
    assert whole.people == 13 and whole.totals["lessons_completed"] == 20
    # Shown beside the programme's, Main's report would give P1 by subtraction.
    text = services.report_csv(main, by=admin)
    assert ",12," not in text and "fewer than 5" in text
    assert main.held_back and main.totals == {} and main.weeks == []


def test_a_week_with_one_to_four_active_in_a_block_is_hidden(programme, admin, pilot):
    weeks = dict(services.build_report(services.Scope(programme), today=TODAY).weeks)
    coast = dict(services.build_report(services.Scope(programme, None, "Coast"), today=TODAY).weeks)
    # Week 1: the five of Coast and two of Nairobi (W1, W2). The programme's 7 less
    # Coast's 5 would be Nairobi's 2.
    assert weeks[START] == 13 and weeks[START + timedelta(weeks=1)] is None
    assert coast[START + timedelta(weeks=1)] == 5


def test_a_one_leader_cohorts_records_are_held_back(programme, admin, pilot):
    scope = services.Scope(programme, pilot["Pilot"])
    report = services.build_report(scope, today=TODAY)
    text = services.records_csv(scope, by=admin, start=report.start, end=report.end)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["pseudonym"] for row in rows] == ["held back (fewer than 5)"]
    assert "L-" not in text and "other" not in text


def test_the_records_give_a_cohort_or_region_only_where_it_singles_no_one_out(
    programme, admin, pilot
):
    scope = services.Scope(programme)
    report = services.build_report(scope, today=TODAY)
    text = services.records_csv(scope, by=admin, start=report.start, end=report.end)
    places = {(row["cohort"], row["region"]) for row in csv.DictReader(io.StringIO(text))}
    # Main is all but P1: naming it would name P1 as the one row that is not Main's.
    assert places == {
        ("held back (fewer than 5)", "Nairobi"),
        ("Main", "Coast"),
    }


def test_the_report_page_says_why_it_shows_nothing(app, client, make_user, programme, admin, pilot):
    sign_in(client, admin)
    services.refresh_reports(programme.id)  # the report job, as a worker runs it
    url = f"/programme/{programme.id}/report?cohort={pilot['Main'].id}"
    page = client.get(url)
    assert page.status_code == 200 and 'id="too-few"' in page.text
    assert "would let a group of fewer than 5 people be worked out" in page.text
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "would let a group" in fragment.text and "<html" not in fragment.text
    french = app.test_client()
    sign_in(french, make_user("admin", locale="fr"))
    assert "celui-ci permettrait de retrouver un groupe de moins de 5" in french.get(url).text
    records = client.post(f"/programme/{programme.id}/records.csv?cohort={pilot['Pilot'].id}")
    assert "held back" in records.text and "L-" not in records.text


def test_a_leader_in_two_cohorts_is_counted_once_in_every_report(
    programme, admin, make_user, enrol, make_course, framework
):
    first, second = (
        new_cohort(programme, admin, name, starts_on=START, ends_on=None)
        for name in ("First", "Second")
    )
    course = make_course("c", lessons=1)
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    competency = db.session.scalar(
        select(Competency.id).where(Competency.framework_id == framework.id)
    )
    people = [make_user(name=f"L{n}") for n in range(12)]
    for n, person in enumerate(people):
        enrol(person, region="Nairobi", to=first if n < 6 else second)
        add_progress(person, lesson, day=1)
        add_sitting(person, framework.id, {competency: 1}, day=0)
        add_sitting(person, framework.id, {competency: 3}, day=20)
    enrol(people[0], region="Coast", to=second)  # in both cohorts, two regions
    for scope in _scopes(programme):
        report = services.build_report(scope, today=TODAY)
        services.records_csv(scope, by=admin, start=report.start, end=report.end)
    whole = services.build_report(services.Scope(programme), today=TODAY)
    assert whole.people == 12 and whole.weeks[0] == (START, 12)
    rated = whole.growth[0][1][0]
    assert (rated.people, rated.first, rated.latest) == (12, 1.0, 3.0)

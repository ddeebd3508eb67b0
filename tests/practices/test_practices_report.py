"""The programme's report counts practices shared, approved, tried and how they went, per
region, against a hand-computed cohort, under the report's small-group rule."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from app.practices import services
from app.programmes import services as programmes
from app.programmes.services import snapshots
from tests.practices.conftest import fields, new_key
from tests.programmes.conftest import START

TODAY = START + timedelta(days=20)


def _shared(author, admin, title, approve):
    practice = services.create_practice(author, fields(title=title), new_key())
    services.submit_practice(practice, author)
    if approve:
        services.review_practice(practice, admin, "approve", "", new_key())
    return practice


def test_practices_in_the_report_by_region(make_user, programme, cohort, enrol, admin):
    coast = [make_user(name=f"C{n}") for n in range(5)]
    nairobi = [make_user(name=f"N{n}") for n in range(5)]
    for person in coast:
        enrol(person, region="Coast")
    for person in nairobi:
        enrol(person, region="Nairobi")
    # Coast: C0 shares two (one approved), C1 a draft; Nairobi: N0 shares one, approved.
    one = _shared(coast[0], admin, "Huddles", approve=True)
    _shared(coast[0], admin, "Corners", approve=False)
    services.create_practice(coast[1], fields(title="Draft"), new_key())
    two = _shared(nairobi[0], admin, "Visits", approve=True)
    # Tries: C1 and C2 of C0's (worked, partly), N1 of C0's (worked), C3 of N0's (no word).
    for person, practice, outcome in (
        (coast[1], one, "worked"),
        (coast[2], one, "partly"),
        (nairobi[1], one, "worked"),
        (coast[3], two, None),
    ):
        services.try_practice(practice, person)
        if outcome:
            services.report_outcome(practice, person, outcome, "")
    expected = {
        "Coast": (2, 1, 3, 1),
        "Nairobi": (1, 1, 1, 1),
        None: (3, 2, 4, 2),
    }
    keys = ("practices_shared", "practices_approved", "practices_tried", "practices_worked")
    for region, numbers in expected.items():
        scope = (
            programmes.Scope(programme, None, region)
            if region
            else programmes.Scope(programme, cohort)
        )
        report = programmes.build_report(scope, today=TODAY)
        assert tuple(report.totals[key] for key in keys) == numbers, region


def test_fewer_than_five_leaders_show_no_practice_numbers(
    make_user,
    programme,
    cohort,
    enrol,
    admin,
):
    few = [make_user(name=f"F{n}") for n in range(3)]
    for person in few:
        enrol(person, region="Lake")
    _shared(few[0], admin, "Huddles", approve=True)
    report = programmes.build_report(programmes.Scope(programme, None, "Lake"), today=TODAY)
    assert report.totals.get("practices_shared") is None


def test_practices_by_competency_against_a_hand_computed_cohort(
    make_user, programme, cohort, enrol, admin, framework
):
    """Ten leaders of one cohort; competencies A and B. Each figure of a competency is
    shown when the leaders it counts are none or five and more, else hidden (None)."""
    a, b = framework.domains[0].competencies[:2]
    leaders = [make_user(name=f"L{n}") for n in range(10)]
    for person in leaders:
        enrol(person, region="Coast")

    def share(author, title, competencies, approve=True):
        practice = services.create_practice(
            author, fields(title=title, competency_ids=competencies), new_key()
        )
        services.submit_practice(practice, author)
        if approve:
            services.review_practice(practice, admin, "approve", "", new_key())
        return practice

    p1 = share(leaders[0], "P1", (a.id,))
    p2 = share(leaders[1], "P2", (a.id, b.id))
    share(leaders[2], "P3", (a.id,), approve=False)  # sent, not approved
    share(leaders[3], "P4", (a.id, b.id))
    share(leaders[4], "P5", (a.id,))
    services.create_practice(leaders[5], fields(title="Draft", competency_ids=(a.id,)), new_key())
    for person in leaders[5:]:  # L5–L9 try P1, and it worked
        services.try_practice(p1, person)
        services.report_outcome(p1, person, "worked", "")
    services.try_practice(p2, leaders[5])  # L5 tries P2 too: partly
    services.report_outcome(p2, leaders[5], "partly", "")

    # By hand. A: shared P1–P5 by L0–L4 (5 authors: 5); approved P1, P2, P4, P5 by 4
    # authors (hidden); tried P1 ×5 and P2 ×1 by L5–L9 (5 leaders: 6); worked P1 ×5 (5).
    # B: shared P2, P4 (2 authors: hidden), approved the same (hidden), tried P2 by L5
    # alone (hidden), worked by nobody (0: shown).
    expected = {
        a.code: {
            "practices_shared": 5,
            "practices_approved": None,
            "practices_tried": 6,
            "practices_worked": 5,
        },
        b.code: {
            "practices_shared": None,
            "practices_approved": None,
            "practices_tried": None,
            "practices_worked": 0,
        },
    }
    scope = programmes.Scope(programme, cohort)
    report = programmes.build_report(scope, today=TODAY)
    assert {row.code: row.values for row in report.by_competency} == expected
    # The report's CSV carries the same table, hidden numbers said as hidden.
    exported = list(csv.reader(io.StringIO(programmes.report_csv(report, by=admin))))
    header, rows = exported[0], exported[1:]
    by_competency = {
        row[1].split(" ")[0]: {key: row[header.index(key)] for key in expected[a.code]}
        for row in rows
        if row[0] == "by competency"
    }
    assert by_competency == {
        code: {key: "fewer than 5" if value is None else str(value) for key, value in row.items()}
        for code, row in expected.items()
    }
    # As the report job keeps it and a reader's page reads it back.
    kept = snapshots.from_json(scope, snapshots.to_json(report, {a.id: a, b.id: b}))
    assert {row.code: row.values for row in kept.by_competency} == expected
    assert [str(row.title) for row in kept.by_competency] == [a.title, b.title]


def test_the_report_page_shows_the_table_by_competency(
    make_user, programme, cohort, enrol, admin, framework, client, login
):
    a = framework.domains[0].competencies[0]
    leaders = [make_user(name=f"L{n}") for n in range(5)]
    for person in leaders:
        enrol(person, region="Coast")
    for n, person in enumerate(leaders):
        practice = services.create_practice(
            person, fields(title=f"P{n}", competency_ids=(a.id,)), new_key()
        )
        services.submit_practice(practice, person)
    login(admin)
    programmes.refresh_reports(programme.id)  # the report job, as a worker runs it
    page = client.get(f"/programme/{programme.id}/report?cohort={cohort.id}").text
    table = page[page.index('id="by-competency"') :]
    table = table[: table.index("</table>")]
    assert a.code in table and 'data-label="Practices shared">5</td>' in table
    assert 'data-label="Practices approved">0</td>' in table

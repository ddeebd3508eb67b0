"""The programme's report counts practices shared, approved, tried and how they went, per
region, against a hand-computed cohort, under the report's small-group rule."""

from __future__ import annotations

from datetime import timedelta

from app.practices import services
from app.programmes import services as programmes
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

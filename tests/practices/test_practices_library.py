"""Finding practices: the search in English, French and Swahili, the filters, statement
counts that stay the same however many practices there are; and a person's practices in
their data export and on erasure."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.coaching import services as coaching
from app.extensions import db
from app.forms import new_form_key
from app.practices import services
from app.practices.models import (
    Practice,
    PracticeCompetency,
    PracticeReview,
    PracticeTry,
    Status,
)
from app.programmes.services import privacy
from tests.learning.conftest import count_queries  # noqa: F401  (fixture)
from tests.practices.conftest import make_practice

TEXTS = {
    "en": ("Reading corners", "Pupils read little at home.", "Build a shelf of books."),
    "fr": (
        "Coins lecture",
        "Les élèves lisent peu à la maison.",
        "Chaque classe construit une étagère de livres.",
    ),
    "sw": (
        "Kona za kusoma",
        "Wanafunzi wasichana husoma kidogo nyumbani.",
        "Kila darasa linajenga rafu ya vitabu.",
    ),
}


@pytest.fixture
def shelf(w):
    made = {}
    for language, (title, problem, steps) in TEXTS.items():
        made[language] = make_practice(
            w, title=title, problem=problem, steps=steps, language=language
        )
    return made


def _found(reader, **filters) -> list[str]:
    page = services.library(reader, services.LibraryFilter(**filters))
    return [p.language for p in page.practices]


@pytest.mark.parametrize(
    "words, expected",
    [
        ("shelf", ["en"]),
        ("READ home", ["en"]),
        ("eleves", ["fr"]),  # without the accents
        ("Élèves MAISON", ["fr"]),
        ("étagère", ["fr"]),
        ("wasichana", ["sw"]),
        ("vitabu rafu", ["sw"]),
        ("kona", ["sw"]),
        ("vitabu shelf", []),  # every word must be there
        ("100%", []),  # LIKE's wildcards are words too
        ("_", []),
    ],
)
def test_the_search_in_three_languages(w, shelf, words, expected):
    assert _found(w.chen, words=words) == expected


def test_the_filters(w, shelf):
    assert sorted(_found(w.chen, language="sw")) == ["sw"]
    competency = w.framework.domains[0].competencies[0]
    linked = make_practice(w, title="Linked", language="en")
    db.session.add(PracticeCompetency(practice_id=linked.id, competency_id=competency.id))
    db.session.commit()
    page = services.library(w.chen, services.LibraryFilter(competency_id=competency.id))
    assert [p.id for p in page.practices] == [linked.id]
    # Baraka's priority builds that competency: "for my priority" finds it.
    coaching.save_priority(
        w.baraka,
        coaching.PriorityFields(title="Reading", competency_ids=(competency.id,)),
        by=w.coach,
        framework_id=w.framework.id,
        key=new_form_key(),
    )
    page = services.library(w.baraka, services.LibraryFilter(for_priority=True))
    assert [p.id for p in page.practices] == [linked.id]
    assert services.library(w.chen, services.LibraryFilter(for_priority=True)).practices == []


def test_the_library_and_a_practice_cost_the_same_statements_with_more_practices(
    w,
    client,
    login,
    count_queries,  # noqa: F811
):
    def measure() -> dict[str, int]:
        first = db.session.scalar(select(Practice.id).order_by(Practice.id))
        counts = {}
        for name, url in {
            "library": "/practices/",
            "search": "/practices/?q=corners&language=en",
            "practice": f"/practices/{first}",
            "mine": "/practices/mine",
        }.items():
            client.get(url)
            with count_queries() as counter:
                assert client.get(url).status_code == 200, url
            counts[name] = counter.count
        return counts

    for n in range(2):
        make_practice(w, title=f"Corners {n}")
    login(w.amina)
    few = measure()
    for n in range(25):
        practice = make_practice(w, title=f"More corners {n}")
        services.try_practice(practice, w.baraka)
    assert measure() == few


def test_a_person_s_practices_tries_and_reviews_are_in_their_data(w):
    shared = make_practice(w, title="Shared")
    services.try_practice(shared, w.baraka)
    services.report_outcome(shared, w.baraka, "partly", "Half the staff came.")
    amina = privacy.personal_data(w.amina)
    assert [row["title"] for row in amina["practices"]] == ["Shared"]
    assert amina["practices"][0]["steps"].startswith("Each class")
    baraka = privacy.personal_data(w.baraka)
    assert baraka["practice_tries"] == [
        {
            "practice": "Shared",
            "outcome": "partly",
            "outcome_note": "Half the staff came.",
            "created_at": baraka["practice_tries"][0]["created_at"],
            "reported_at": baraka["practice_tries"][0]["reported_at"],
        }
    ]
    assert privacy.personal_data(w.coach)["practice_reviews"][0]["decision"] == "approve"


def _erase(person, by) -> None:
    request = privacy.request_erasure(person)
    assert privacy.complete_erasure(request, by=by)


def test_erasure_keeps_approved_practices_credited_to_a_former_member(w, client, login):
    approved = make_practice(w, title="Approved")
    waiting = make_practice(w, Status.SUBMITTED, title="Waiting")
    draft = make_practice(w, Status.DRAFT, title="Draft")
    services.try_practice(approved, w.baraka)
    other = make_practice(w, author=w.baraka, title="Baraka's")
    services.try_practice(other, w.amina)
    services.report_outcome(other, w.amina, "worked", "")
    ids = approved.id, waiting.id, draft.id, other.id
    _erase(w.amina, w.admin)
    db.session.expire_all()
    assert db.session.get(Practice, ids[0]).author_id is None
    assert db.session.get(Practice, ids[1]) is None
    assert db.session.get(Practice, ids[2]) is None
    assert (
        db.session.scalar(
            select(func.count()).select_from(PracticeTry).where(PracticeTry.leader_id == w.amina.id)
        )
        == 0
    )
    recounted = db.session.get(Practice, ids[3])
    assert (recounted.tried_count, recounted.worked_count) == (0, 0)
    login(w.chen)
    page = client.get(f"/practices/{ids[0]}").get_data(as_text=True)
    assert "a former member" in page and "Amina" not in page


def test_erasing_a_coach_keeps_their_reviews_without_a_name(w):
    practice = make_practice(w)
    coaching.unpair(w.amina)
    coaching.unpair(w.baraka)
    _erase(w.coach, w.admin)
    db.session.expire_all()
    review = db.session.scalars(
        select(PracticeReview).where(PracticeReview.practice_id == practice.id)
    ).one()
    assert review.reviewer_id is None


@pytest.mark.parametrize(
    "locale, words, heading",
    [("en", "shelf", "Practices"), ("fr", "élèves", "Pratiques"), ("sw", "vitabu", "Mbinu")],
)
def test_the_library_page_in_each_language(
    w, shelf, client, login, make_user, locale, words, heading
):
    reader = make_user("leader", locale=locale)
    login(reader)
    page = client.get(f"/practices/?q={words}").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page
    practice = shelf[{"en": "en", "fr": "fr", "sw": "sw"}[locale]]
    assert f"practice-{practice.id}" in page


def test_a_leader_may_choose_that_erasure_removes_her_approved_practices(w, client, login):
    approved = make_practice(w, title="Approved")
    login(w.amina)
    page = client.get("/practices/mine").get_data(as_text=True)
    assert '<input checked id="choice-0" name="choice" required type="radio" value="keep">' in page
    assert (
        client.post("/practices/mine/erasure-choice", data={"choice": "remove"}).status_code == 303
    )
    assert (
        client.post("/practices/mine/erasure-choice", data={"choice": "remove"}).status_code == 303
    )
    client.post("/sign-out")
    login(w.admin)  # what the admin sees before completing the erasure
    person = client.get(f"/people/{w.amina.id}").get_data(as_text=True)
    assert "On erasure they go with their data (their choice)." in person
    practice_id = approved.id
    _erase(w.amina, w.admin)
    db.session.expire_all()
    assert db.session.get(Practice, practice_id) is None

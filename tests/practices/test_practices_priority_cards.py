""" "Practices for your priority" on Learn, and for the leader's priority on their coach's
page: up to three approved practices showing a competency of the leader's improvement
priority, that the leader may read; one statement whatever the number of practices."""

from __future__ import annotations

from app.coaching import services as coaching
from app.extensions import db
from app.forms import new_form_key
from app.practices import services
from app.practices.contributions import _priority_card
from app.practices.models import PracticeCompetency, Status
from tests.learning.conftest import count_queries  # noqa: F401  (fixture)
from tests.practices.conftest import make_practice


def _link(practice, competency) -> None:
    db.session.add(PracticeCompetency(practice_id=practice.id, competency_id=competency.id))
    db.session.commit()


def _priority(w, leader, competency) -> None:
    coaching.save_priority(
        leader,
        coaching.PriorityFields(title="Reading", competency_ids=(competency.id,)),
        by=w.coach,
        framework_id=w.framework.id,
        key=new_form_key(),
    )


def test_up_to_three_approved_practices_for_the_priority(w):
    wanted, other = w.framework.domains[0].competencies[:2]
    matching = []
    for n in range(4):
        practice = make_practice(w, title=f"Match {n}")
        _link(practice, wanted)
        matching.append(practice)
    _link(make_practice(w, title="Other competency"), other)
    _link(make_practice(w, Status.SUBMITTED, title="Not approved yet"), wanted)
    _link(make_practice(w, author=w.baraka, title="Baraka's own"), wanted)
    assert _priority_card(w.baraka) is None  # no priority yet: no card
    _priority(w, w.baraka, wanted)
    shown = [p.title for p in services.for_priority(w.baraka)]
    assert len(shown) == services.PRIORITY_CARD_SIZE == 3
    assert set(shown) <= {p.title for p in matching}
    assert "Baraka's own" not in shown


def test_the_cards_on_learn_and_on_the_coachs_page(w, client, login, count_queries):  # noqa: F811
    wanted = w.framework.domains[0].competencies[0]
    practice = make_practice(w, title="Reading corners")
    _link(practice, wanted)
    login(w.baraka)
    assert 'id="priority-practices"' not in client.get("/learn/").get_data(as_text=True)
    _priority(w, w.baraka, wanted)
    page = client.get("/learn/").get_data(as_text=True)
    assert 'id="priority-practices"' in page and f"/practices/{practice.id}" in page
    assert "/practices/?priority=1" in page
    with count_queries() as one:
        client.get("/learn/")
    for n in range(6):
        _link(make_practice(w, title=f"More {n}"), wanted)
    with count_queries() as seven:
        client.get("/learn/")
    assert one.count == seven.count, (one.statements, seven.statements)
    client.post("/sign-out")
    login(w.coach)
    page = client.get(f"/coaching/leaders/{w.baraka.id}").get_data(as_text=True)
    assert 'id="priority-practices"' in page and "Reading corners" not in page  # newest 3
    assert "More 5" in page
    client.post("/sign-out")
    login(w.other_coach)  # not Baraka's coach: not his page at all
    assert client.get(f"/coaching/leaders/{w.baraka.id}").status_code in (403, 404)

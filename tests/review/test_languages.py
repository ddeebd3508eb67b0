"""The review in the leader's language: the page's words from the review's catalogue, the
question in the language the lesson is translated into, else the course's own."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.learning import catalogue
from app.learning.models import QuickCheckQuestion
from app.review import services
from tests.review.conftest import T0

NOW = T0 + timedelta(days=3)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("app.review.services._common.utcnow", lambda: NOW)


def _translate_first_question(language: str, prompt: str) -> QuickCheckQuestion:
    question = db.session.scalars(
        db.select(QuickCheckQuestion).order_by(QuickCheckQuestion.id)
    ).first()
    question.translations = {language: {"prompt": prompt, "choices": ["Ndiyo A", "Ndiyo B"]}}
    db.session.commit()
    return question


def test_questions_in_the_leader_s_language_where_translated(make_user, learned):
    leader = make_user("leader")
    learned(leader, lessons=1)
    question = _translate_first_question("sw", "Ipi?")
    drawn = {q.question.id: q for q in services.due_questions(leader, NOW, "sw", limit=5)}
    translated = drawn[question.id]
    assert translated.text("prompt") == "Ipi?" and translated.text("prompt").lang == "sw"
    assert translated.choices == ("Ndiyo A", "Ndiyo B")
    other = next(q for q in drawn.values() if q.question.id != question.id)
    assert other.text("prompt") == "Which again?" and other.text("prompt").lang == "en"
    assert catalogue.get(translated.lesson.id) is not None


@pytest.mark.parametrize(
    ("locale", "words"),
    [("fr", "Révision du jour"), ("sw", "Marudio ya leo"), ("en", "Today's review")],
)
def test_the_review_page_speaks_the_leader_s_language(
    client, make_user, login, learned, locale, words
):
    leader = make_user("leader", locale=locale)
    learned(leader, lessons=1)
    _translate_first_question("sw", "Ipi?")
    login(leader)
    page = client.get("/learn/review/").get_data(as_text=True)
    assert words in page
    # The first question is translated into Swahili only; French reads the original.
    assert ("Ipi?" in page) == (locale == "sw") and ("Which?" in page) == (locale != "sw")
    assert words in client.get("/learn/").get_data(as_text=True)

"""The author writes a lesson's optional "have you tried it?" question in the studio, in
each language of the course (``app/review/services/tried.py`` asks it)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.learning.models import Lesson

PROMPT = "Did you hold a short classroom visit this week?"


def test_the_author_writes_the_question_in_every_language(client, login, author, studio_course):
    course = studio_course()
    lesson = db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).first()
    login(author)
    page = client.get(f"/studio/lessons/{lesson.id}").get_data(as_text=True)
    assert 'name="tried_prompt"' in page
    text = {"title": lesson.title, "body": lesson.body, "reflection_prompt": "Why?"}
    response = client.post(f"/studio/lessons/{lesson.id}", data=text | {"tried_prompt": PROMPT})
    assert response.status_code == 303
    swahili = {"title": "Kusoma namba", "body": "Maandishi", "reflection_prompt": "Kwa nini?"}
    client.post(
        f"/studio/lessons/{lesson.id}?lang=sw",
        data=swahili | {"tried_prompt": "Je, ulifanya ziara fupi ya darasani wiki hii?"},
    )
    db.session.expire_all()
    assert lesson.tried_prompt == PROMPT
    assert lesson.translated("tried_prompt", "sw").startswith("Je, ulifanya")
    again = client.get(f"/studio/lessons/{lesson.id}?lang=sw").get_data(as_text=True)
    assert "Je, ulifanya ziara fupi" in again


def test_a_leader_cannot_write_it(client, login, make_user, studio_course):
    course = studio_course()
    lesson = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).first()
    login(make_user("leader"))
    response = client.post(
        f"/studio/lessons/{lesson.id}", data={"title": "x", "tried_prompt": "Hacked?"}
    )
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert lesson.tried_prompt == ""

"""Demo data for `make run`: the demo author owns the demo course and has a draft of
their own, so the studio shows something alive. Safe to run again."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.db import upsert
from app.extensions import db
from app.frameworks.models import Framework
from app.learning.models import Course

from . import services
from .models import CourseAuthor

DEMO_AUTHOR = "author@example.org"
DEMO_COURSE = "leading-learning-essentials"
DRAFT_TITLE = "Coaching conversations that stick"


def load_demo_studio() -> list[str]:
    author = db.session.scalar(select(User).where(func.lower(User.email) == DEMO_AUTHOR))
    if author is None:
        return []
    lines = []
    demo = db.session.scalar(select(Course).where(Course.slug == DEMO_COURSE))
    if demo is not None:
        upsert(
            CourseAuthor,
            {"course_id": demo.id, "user_id": author.id, "is_owner": True},
            key=("course_id", "user_id"),
        )
        db.session.commit()
        lines.append(f"{DEMO_AUTHOR} owns {DEMO_COURSE}")
    draft = db.session.scalar(select(Course).where(Course.title == DRAFT_TITLE))
    framework = db.session.scalar(select(Framework).order_by(Framework.id).limit(1))
    if draft is None and framework is not None:
        draft = services.create_course(
            author,
            title=DRAFT_TITLE,
            summary="How a coach and a head teacher agree one priority and follow it up.",
            language="en",
            framework=framework,
            key="demo-studio-draft-course",
        )
        module = services.add_module(
            draft, "Agreeing a priority", by=author, key="demo-studio-draft-module"
        )
        lesson = services.add_lesson(
            module, "Agreeing one priority", by=author, key="demo-studio-draft-lesson"
        )
        services.update_lesson(
            lesson,
            "en",
            title="Agreeing one priority",
            body="Start from **what the school's data shows**, then choose one thing to change.",
            reflection_prompt="Which one priority would make the biggest difference this term?",
            duration_seconds=300,
        )
        lines.append(f"Created the draft course {draft.slug!r} for {DEMO_AUTHOR}")
    return lines

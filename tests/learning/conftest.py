"""Fixtures for the learning area: the default framework, the demo course, and a
factory for synthetic courses of any size."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from app.extensions import db
from app.frameworks import services as frameworks
from app.frameworks.files import load_framework
from app.learning import services
from app.learning.course_files import CourseSpec, LessonSpec, ModuleSpec, QuestionSpec, load_course

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK_FILE = ROOT / "courses" / "frameworks" / "school-leadership-core.yaml"
DEMO_COURSE = ROOT / "courses" / "leading-learning-essentials"


@pytest.fixture
def framework(app):
    return frameworks.import_framework(load_framework(FRAMEWORK_FILE)).framework


@pytest.fixture
def demo_course(framework):
    spec = load_course(DEMO_COURSE, frameworks.known_competency_codes())
    return services.import_course(spec, queue_media=False).course


def lesson_spec(n: int, competencies=("LL.2",)) -> LessonSpec:
    return LessonSpec(
        slug=f"lesson-{n}",
        title=f"Lesson {n}",
        competencies=list(competencies),
        duration_seconds=60,
        reflection_prompt="What will you try?",
        body=f"Text of lesson {n}.",
        questions=[
            QuestionSpec("Which?", ["A", "B"], 1, "Yes.", "No."),
            QuestionSpec("Which again?", ["A", "B", "C"], 3, "Yes.", "No."),
        ],
    )


@pytest.fixture
def make_course(framework):
    """``make_course("slug", lessons=3)``: a published course in one module."""

    def factory(slug: str, lessons: int = 3, competencies=("LL.2",)):
        spec = CourseSpec(
            slug=slug,
            title=f"Course {slug}",
            summary="",
            framework=framework.code,
            modules=[
                ModuleSpec(
                    "module",
                    "Module",
                    [lesson_spec(n, competencies) for n in range(1, lessons + 1)],
                )
            ],
        )
        return services.import_course(spec, queue_media=False).course

    return factory


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: …``; ``counter.count`` is the SQL statements run."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting

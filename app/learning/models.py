"""Courses, modules and lessons; and what each leader does with them.

Content (courses, modules, lessons, questions) is matched by slug or position on
re-import and unpublished rather than deleted, so a leader's progress, answers and
reflections always have something to point at.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app import published
from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.frameworks.models import Competency, Framework
from app.media.models import MediaAsset
from app.translatable import Translatable


class Course(Translatable, db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16), default="en")
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    published: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    # Kept up to date by the import so the Learn page needs no counting query.
    lesson_count: Mapped[int] = mapped_column(default=0)
    duration_seconds: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    framework: Mapped[Framework] = relationship()
    modules: Mapped[list[Module]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="Module.position"
    )

    @property
    def original_language(self) -> str:
        return self.language

    def __repr__(self) -> str:
        return f"<Course {self.id} {self.slug}>"


class Module(Translatable, db.Model):
    __tablename__ = "course_modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    published: Mapped[bool] = mapped_column(default=True)

    course: Mapped[Course] = relationship(back_populates="modules")

    @property
    def original_language(self) -> str:
        return self.course.language

    def __repr__(self) -> str:
        return f"<Module {self.id} {self.slug}>"


class Lesson(Translatable, db.Model):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        ForeignKey("course_modules.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    # Order across the whole course, so "next lesson" is one comparison.
    position: Mapped[int] = mapped_column(default=0)
    duration_seconds: Mapped[int] = mapped_column(default=0)
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    reflection_prompt: Mapped[str] = mapped_column(Text, default="")
    # The daily review's "have you tried it?" question, asked once after the lesson's last
    # recall review (``app/review/services/tried.py``); "" when the author wrote none.
    tried_prompt: Mapped[str] = mapped_column(Text, default="", server_default="")
    media_asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="SET NULL"), index=True
    )
    # Where the media and captions came from in the course files, for export.
    media_source: Mapped[str | None] = mapped_column(String(300))
    captions_source: Mapped[str | None] = mapped_column(String(300))
    media_sha256: Mapped[str | None] = mapped_column(String(64))
    published: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    module: Mapped[Module] = relationship()
    # Read-only both ways; ``asset.lessons`` lets this area answer who may play an asset
    # (``permissions.lessons_playing``) without the media area knowing about lessons.
    media_asset: Mapped[MediaAsset | None] = relationship(
        backref=backref("lessons", viewonly=True), viewonly=True
    )
    competency_links: Mapped[list[LessonCompetency]] = relationship(
        cascade="all, delete-orphan", order_by="LessonCompetency.position"
    )
    questions: Mapped[list[QuickCheckQuestion]] = relationship(
        back_populates="lesson",
        cascade="all, delete-orphan",
        order_by="QuickCheckQuestion.position",
    )

    # The lesson in other languages: ``translations`` holds the text (title, body, body_html,
    # reflection_prompt); a language's own media, if it has any, is a ``LessonMedia`` row.
    media_translations: Mapped[list[LessonMedia]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan"
    )

    @property
    def original_language(self) -> str:
        return self.course.language

    def __repr__(self) -> str:
        return f"<Lesson {self.id} {self.slug}>"


class LessonMedia(db.Model):
    """A translation's own narrated media (or the original video with its captions).

    Kept when the language is unpublished, so publishing it again transcodes nothing.
    """

    __tablename__ = "lesson_media"

    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    media_asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="SET NULL"), index=True
    )
    media_source: Mapped[str | None] = mapped_column(String(300))
    captions_source: Mapped[str | None] = mapped_column(String(300))
    # Of the media and captions files together: either changing queues a new transcode.
    media_sha256: Mapped[str | None] = mapped_column(String(64))

    lesson: Mapped[Lesson] = relationship(back_populates="media_translations")
    media_asset: Mapped[MediaAsset | None] = relationship(
        backref=backref("translated_lessons", viewonly=True), viewonly=True
    )

    def __repr__(self) -> str:
        return f"<LessonMedia lesson={self.lesson_id} {self.language} asset={self.media_asset_id}>"


class LessonCompetency(db.Model):
    __tablename__ = "lesson_competencies"

    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    competency: Mapped[Competency] = relationship()

    def __repr__(self) -> str:
        return f"<LessonCompetency {self.lesson_id}→{self.competency_id}>"


class QuickCheckQuestion(Translatable, db.Model):
    __tablename__ = "quick_check_questions"
    __table_args__ = (UniqueConstraint("lesson_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    prompt: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[int]  # the correct choice, counting from 1
    feedback_correct: Mapped[str] = mapped_column(Text, default="")
    feedback_incorrect: Mapped[str] = mapped_column(Text, default="")
    # A question dropped from the lesson file is hidden, so past answers keep their meaning.
    active: Mapped[bool] = mapped_column(default=True)
    # Whether it comes back in the daily review (app/review/): all do unless the author says.
    in_review: Mapped[bool] = mapped_column(default=True, server_default=true())

    lesson: Mapped[Lesson] = relationship(back_populates="questions")

    @property
    def original_language(self) -> str:
        return self.lesson.course.language

    @property
    def course_id(self) -> int:
        return self.lesson.course_id

    def __repr__(self) -> str:
        return f"<QuickCheckQuestion {self.id} lesson={self.lesson_id} #{self.position}>"


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position_seconds: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        done = "done" if self.completed_at else f"{self.position_seconds}s"
        return f"<LessonProgress user={self.user_id} lesson={self.lesson_id} {done}>"


class QuickCheckAnswer(db.Model):
    """A leader's answer to one question; the first attempt is kept for accuracy."""

    __tablename__ = "quick_check_answers"
    __table_args__ = (UniqueConstraint("user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("quick_check_questions.id", ondelete="CASCADE")
    )
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    choice: Mapped[int]
    correct: Mapped[bool]
    first_correct: Mapped[bool]
    attempts: Mapped[int] = mapped_column(default=1)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<QuickCheckAnswer user={self.user_id} q={self.question_id} {self.choice}>"


class Reflection(db.Model):
    """A leader's private notebook entry for one lesson."""

    __tablename__ = "reflections"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def version(self) -> str:
        """Changes with every save. A phone keeps it with its draft, so a draft begun
        before newer text was saved elsewhere is offered, not restored over it."""
        return self.updated_at.isoformat() if self.updated_at else ""

    def __repr__(self) -> str:
        return f"<Reflection user={self.user_id} lesson={self.lesson_id} {len(self.body)} chars>"


class SelfAssessment(db.Model):
    """One sitting in which a leader rates themself on their framework's competencies."""

    __tablename__ = "self_assessments"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ratings: Mapped[list[SelfRating]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<SelfAssessment {self.id} user={self.user_id} {self.created_at:%Y-%m-%d}>"


class SelfRating(db.Model):
    __tablename__ = "self_ratings"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("self_assessments.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[int]

    assessment: Mapped[SelfAssessment] = relationship(back_populates="ratings")

    def __repr__(self) -> str:
        return f"<SelfRating {self.assessment_id} c={self.competency_id} level={self.level}>"


# Leaders see these as each process keeps them (``catalogue/``): writing any of them gives
# the published content a new version, so every process reads it again.
published.watch(Course, Module, Lesson, LessonMedia, LessonCompetency, QuickCheckQuestion)

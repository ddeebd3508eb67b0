"""Learning: competency frameworks, courses and lessons, and each leader's progress,
quick-check answers, reflections and self-assessments.

Revision ID: 0003_learning
Revises: 0002_media
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0003_learning"
down_revision = "0002_media"
branch_labels = None
depends_on = None


def _pk(table, *columns):
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _fk(table, column, target, ondelete=None):
    target_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{target_table}"), ondelete=ondelete
    )


def _uq(table, *columns):
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{columns[0]}"))


def _index(table, column):
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade():
    op.create_table(
        "frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _pk("frameworks", "id"),
        _uq("frameworks", "code"),
    )
    op.create_table(
        "framework_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("descriptor", sa.Text(), nullable=False),
        _fk("framework_levels", "framework_id", "frameworks.id", "CASCADE"),
        _pk("framework_levels", "id"),
        _uq("framework_levels", "framework_id", "number"),
    )
    op.create_table(
        "framework_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("framework_domains", "framework_id", "frameworks.id", "CASCADE"),
        _pk("framework_domains", "id"),
        _uq("framework_domains", "framework_id", "code"),
    )
    op.create_table(
        "competencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        _fk("competencies", "domain_id", "framework_domains.id", "CASCADE"),
        _fk("competencies", "framework_id", "frameworks.id", "CASCADE"),
        _pk("competencies", "id"),
        _uq("competencies", "framework_id", "code"),
    )
    _index("competencies", "domain_id")

    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("lesson_count", sa.Integer(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _fk("courses", "framework_id", "frameworks.id"),
        _pk("courses", "id"),
        _uq("courses", "slug"),
    )
    _index("courses", "framework_id")
    op.create_table(
        "course_modules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        _fk("course_modules", "course_id", "courses.id", "CASCADE"),
        _pk("course_modules", "id"),
        _uq("course_modules", "course_id", "slug"),
    )
    op.create_table(
        "lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("reflection_prompt", sa.Text(), nullable=False),
        sa.Column("media_asset_id", sa.Integer(), nullable=True),
        sa.Column("media_source", sa.String(length=300), nullable=True),
        sa.Column("captions_source", sa.String(length=300), nullable=True),
        sa.Column("media_sha256", sa.String(length=64), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _fk("lessons", "course_id", "courses.id", "CASCADE"),
        _fk("lessons", "media_asset_id", "media_assets.id", "SET NULL"),
        _fk("lessons", "module_id", "course_modules.id", "CASCADE"),
        _pk("lessons", "id"),
        _uq("lessons", "course_id", "slug"),
    )
    _index("lessons", "media_asset_id")
    _index("lessons", "module_id")
    op.create_table(
        "lesson_competencies",
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("lesson_competencies", "competency_id", "competencies.id", "CASCADE"),
        _fk("lesson_competencies", "lesson_id", "lessons.id", "CASCADE"),
        _pk("lesson_competencies", "lesson_id", "competency_id"),
    )
    _index("lesson_competencies", "competency_id")
    op.create_table(
        "quick_check_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("answer", sa.Integer(), nullable=False),
        sa.Column("feedback_correct", sa.Text(), nullable=False),
        sa.Column("feedback_incorrect", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _fk("quick_check_questions", "lesson_id", "lessons.id", "CASCADE"),
        _pk("quick_check_questions", "id"),
        _uq("quick_check_questions", "lesson_id", "position"),
    )

    op.create_table(
        "lesson_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("position_seconds", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        _fk("lesson_progress", "course_id", "courses.id", "CASCADE"),
        _fk("lesson_progress", "lesson_id", "lessons.id", "CASCADE"),
        _fk("lesson_progress", "user_id", "users.id", "CASCADE"),
        _pk("lesson_progress", "id"),
        _uq("lesson_progress", "user_id", "lesson_id"),
    )
    _index("lesson_progress", "lesson_id")
    _index("lesson_progress", "updated_at")
    _index("lesson_progress", "user_id")
    op.create_table(
        "quick_check_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("first_correct", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        _fk("quick_check_answers", "lesson_id", "lessons.id", "CASCADE"),
        _fk("quick_check_answers", "question_id", "quick_check_questions.id", "CASCADE"),
        _fk("quick_check_answers", "user_id", "users.id", "CASCADE"),
        _pk("quick_check_answers", "id"),
        _uq("quick_check_answers", "user_id", "question_id"),
    )
    _index("quick_check_answers", "lesson_id")
    _index("quick_check_answers", "user_id")
    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _fk("reflections", "lesson_id", "lessons.id", "CASCADE"),
        _fk("reflections", "user_id", "users.id", "CASCADE"),
        _pk("reflections", "id"),
        _uq("reflections", "user_id", "lesson_id"),
    )
    _index("reflections", "lesson_id")
    _index("reflections", "user_id")
    op.create_table(
        "self_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("self_assessments", "framework_id", "frameworks.id", "CASCADE"),
        _fk("self_assessments", "user_id", "users.id", "CASCADE"),
        _pk("self_assessments", "id"),
    )
    _index("self_assessments", "user_id")
    op.create_table(
        "self_ratings",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        _fk("self_ratings", "assessment_id", "self_assessments.id", "CASCADE"),
        _fk("self_ratings", "competency_id", "competencies.id", "CASCADE"),
        _pk("self_ratings", "assessment_id", "competency_id"),
    )
    _index("self_ratings", "competency_id")


def downgrade():
    for table, columns in (
        ("self_ratings", ["competency_id"]),
        ("self_assessments", ["user_id"]),
        ("reflections", ["lesson_id", "user_id"]),
        ("quick_check_answers", ["lesson_id", "user_id"]),
        ("lesson_progress", ["lesson_id", "updated_at", "user_id"]),
        ("quick_check_questions", []),
        ("lesson_competencies", ["competency_id"]),
        ("lessons", ["media_asset_id", "module_id"]),
        ("course_modules", []),
        ("courses", ["framework_id"]),
        ("competencies", ["domain_id"]),
        ("framework_domains", []),
        ("framework_levels", []),
        ("frameworks", []),
    ):
        for column in columns:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)

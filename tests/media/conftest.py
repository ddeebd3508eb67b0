"""Fixtures for the media area: a short generated clip and assets run through the real job."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

# app.permissions imports app.accounts, whose routes import app.permissions: importing the
# media area first (as this module would) must not be the first import of either.
import app.accounts  # noqa: F401,I001
from app.extensions import db
from app.media import services
from app.media.models import MediaAsset
from tests.media_pipeline.conftest import lavfi_clip
from tests.services import require_ffmpeg

ROOT = Path(__file__).resolve().parents[2]
CAPTIONS = b"1\n00:00:00,200 --> 00:00:01,200\nHello, head teachers.\n"


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory) -> Path:
    """320×180, 2 s, picture and tone: one video rung and the audio renditions."""
    require_ffmpeg()
    return lavfi_clip(tmp_path_factory.mktemp("media-area") / "tiny.mp4", size="320x180", seconds=2)


@pytest.fixture
def ready_asset(app, tiny_clip, make_user, ladders):
    """``ready_asset(owner)``: an upload taken through the real job to ``ready`` (ffmpeg makes
    the clip's ladder once a run: ``Ladders`` in tests/conftest.py)."""

    def factory(owner=None) -> MediaAsset:
        asset = services.queue_transcode(tiny_clip, owner=owner, captions=CAPTIONS)
        db.session.commit()
        ladders.run_transcode(asset.id)
        db.session.expire_all()
        asset = db.session.get(MediaAsset, asset.id)
        assert asset.status == "ready", (asset.error, asset.error_detail)
        return asset

    return factory


@pytest.fixture
def lesson_for(app):
    """``lesson_for(asset, published=True)``: a lesson in a published course that plays it."""
    from app.frameworks import services as frameworks
    from app.frameworks.files import load_framework
    from app.learning import services as learning
    from app.learning.course_files import CourseSpec, LessonSpec, ModuleSpec
    from app.learning.models import Lesson

    def factory(asset: MediaAsset, published: bool = True):
        framework = frameworks.import_framework(
            load_framework(ROOT / "courses" / "frameworks" / "school-leadership-core.yaml")
        ).framework
        lesson_spec = LessonSpec(
            slug="media-lesson",
            title="Media lesson",
            competencies=["LL.2"],
            duration_seconds=60,
            reflection_prompt="?",
            body="Text.",
            questions=[],
        )
        spec = CourseSpec(
            slug="media-course",
            title="Media course",
            summary="",
            framework=framework.code,
            modules=[ModuleSpec("module", "Module", [lesson_spec])],
        )
        course = learning.import_course(spec, queue_media=False).course
        lesson = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).one()
        lesson.media_asset_id = asset.id
        lesson.published = published
        db.session.commit()
        return lesson

    return factory

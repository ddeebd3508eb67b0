"""Fixtures for the studio: authors, a framework, and a draft course built in the studio."""

from __future__ import annotations

import base64

import pytest

from app.forms import new_form_key
from tests.learning.conftest import framework  # noqa: F401  (fixture)
from tests.media.conftest import tiny_clip  # noqa: F401  (fixture)


@pytest.fixture
def author(make_user):
    return make_user("author", name="Priya Author")


@pytest.fixture
def other_author(make_user):
    return make_user("author", name="Other Author")


@pytest.fixture
def studio_course(app, author, framework):  # noqa: F811
    """``studio_course(owner=author)``: a draft course with one module and one lesson."""
    from app.studio import services

    def factory(owner=None, title="Leading with data"):
        owner = owner or author
        course = services.create_course(
            owner,
            title=title,
            summary="Why data.",
            language="en",
            framework=framework,
            key=new_form_key(),
        )
        module = services.add_module(course, "Data in the staff room", by=owner, key=new_form_key())
        lesson = services.add_lesson(module, "Reading the numbers", by=owner, key=new_form_key())
        competency = next(c for c in services.course_competencies(lesson) if c.code == "LL.2")
        services.update_lesson(
            lesson,
            "en",
            title="Reading the numbers",
            body="Look at **attendance** first.",
            reflection_prompt="What do your numbers say?",
            duration_seconds=240,
            competency_ids=[competency.id],
        )
        return course

    return factory


def tus_metadata(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in values.items())


@pytest.fixture
def ready_asset_for_studio(app):
    """``ready_asset_for_studio(ready=False)``: a media asset row without running ffmpeg."""
    from app.extensions import db
    from app.media.models import MediaAsset

    def factory(ready: bool = True):
        asset = MediaAsset(
            key_prefix=__import__("uuid").uuid4().hex,
            source_key="x/source",
            status="ready" if ready else "transcoding",
            progress=100.0 if ready else 40.0,
        )
        db.session.add(asset)
        db.session.commit()
        return asset

    return factory

"""Each process keeps the published courses (``app/learning/catalogue/``) and reads them
again only when the published content's version changes (``app/published.py``).

Every way content reaches leaders changes that version. Each test here warms a second app
on the same database — another process, with its own copy — then changes the content
through the first, as an author, an admin or an operator would, and finds the change on the
other's next page: the only thing the two processes share is the database.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.db import utcnow
from app.extensions import db
from app.frameworks.models import Competency
from app.learning.models import Course, Lesson, Module, QuickCheckQuestion
from app.media.models import MediaAsset, Rendition
from app.studio import services as studio
from app.studio.models import Upload, UploadStatus
from tests.conftest import sign_in
from tests.studio.conftest import author, studio_course  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def leader(make_user):
    return make_user("leader", name="Lea Leader")


@pytest.fixture
def editor(make_user):
    """An admin: edits every course in the studio, and the frameworks."""
    return make_user("admin", name="Ed Editor")


@pytest.fixture
def elsewhere(make_app, leader):
    """The leader's browser on another process, signed in there."""
    other = make_app().test_client()
    sign_in(other, leader)
    return other


@pytest.fixture
def editing(client, login, editor):
    login(editor)
    return client


@pytest.fixture
def course(make_course):
    return make_course("kept", lessons=2)


def _lesson(course, n: int = 1) -> Lesson:
    return db.session.scalar(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == f"lesson-{n}")
    )


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _lesson_url(course, n: int = 1, lang: str | None = None) -> str:
    return f"/learn/{course.slug}/lesson-{n}" + (f"?lang={lang}" if lang else "")


def test_a_process_keeps_what_it_read_until_the_version_changes(course, elsewhere):
    """The control: a write that goes around the session (so changes no version) is not
    seen by a process that already holds the course; the next version brings it."""
    assert "Lesson 1" in _page(elsewhere, "/learn/")
    db.session.execute(text("UPDATE lessons SET title = 'Behind its back' WHERE slug = 'lesson-1'"))
    db.session.commit()
    assert "Behind its back" not in _page(elsewhere, "/learn/")
    _lesson(course).title = "Through the session"
    db.session.commit()
    assert "Through the session" in _page(elsewhere, "/learn/")


def test_editing_a_published_lesson_in_the_studio(course, elsewhere, editing):
    lesson = _lesson(course)
    assert "Text of lesson 1." in _page(elsewhere, _lesson_url(course))
    response = editing.post(
        f"/studio/lessons/{lesson.id}",
        data={
            "title": "Lesson one, renamed",
            "body": "New **text**.",
            "reflection_prompt": "What now?",
            "duration_minutes": 2,
            "competencies": [link.competency_id for link in lesson.competency_links],
        },
    )
    assert response.status_code == 303
    page = _page(elsewhere, _lesson_url(course))
    assert "Lesson one, renamed" in page and "New <strong>text</strong>." in page
    assert "What now?" in page
    assert "Lesson one, renamed" in _page(elsewhere, "/learn/")


def test_editing_a_translation_in_the_studio(course, elsewhere, editing):
    lesson = _lesson(course)
    _page(elsewhere, _lesson_url(course, lang="fr"))
    response = editing.post(
        f"/studio/lessons/{lesson.id}?lang=fr",
        data={
            "title": "Leçon une",
            "body": "Le texte.",
            "reflection_prompt": "Et maintenant ?",
            "competencies": [link.competency_id for link in lesson.competency_links],
        },
    )
    assert response.status_code == 303
    page = _page(elsewhere, _lesson_url(course, lang="fr"))
    assert "Leçon une" in page and "Le texte." in page


def test_publishing_and_unpublishing_a_lesson_in_the_studio(course, elsewhere, editing):
    lesson = _lesson(course, 2)
    assert editing.post(f"/studio/lessons/{lesson.id}/unpublish").status_code == 303
    assert "Lesson 2" not in _page(elsewhere, "/learn/")
    assert elsewhere.get(_lesson_url(course, 2)).status_code == 404
    assert editing.post(f"/studio/lessons/{lesson.id}/publish").status_code == 303
    assert "Lesson 2" in _page(elsewhere, "/learn/")
    assert elsewhere.get(_lesson_url(course, 2)).status_code == 200


def test_publishing_and_unpublishing_a_course_in_the_studio(course, elsewhere, editing):
    assert "Course kept" in _page(elsewhere, "/learn/")
    assert editing.post(f"/studio/courses/{course.id}/unpublish").status_code == 303
    assert "Course kept" not in _page(elsewhere, "/learn/")
    assert elsewhere.get(_lesson_url(course)).status_code == 404
    assert editing.post(f"/studio/courses/{course.id}/publish").status_code == 303
    assert "Course kept" in _page(elsewhere, "/learn/")


def test_renaming_a_course_and_a_module_in_the_studio(course, elsewhere, editing):
    _page(elsewhere, "/learn/")
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    response = editing.post(
        f"/studio/courses/{course.id}", data={"title": "Renamed course", "summary": ""}
    )
    assert response.status_code == 303
    assert editing.post(f"/studio/modules/{module.id}", data={"title": "Part one"}).status_code
    page = _page(elsewhere, "/learn/")
    assert "Renamed course" in page and "Part one" in page


def test_moving_a_lesson_in_the_studio(course, elsewhere, editing):
    assert "Next: Lesson 2" in _page(elsewhere, _lesson_url(course))
    second = _lesson(course, 2)
    assert editing.post(f"/studio/lessons/{second.id}/move", data={"step": -1}).status_code == 303
    assert "Next: Lesson 1" in _page(elsewhere, _lesson_url(course, 2))
    assert "Next:" not in _page(elsewhere, _lesson_url(course))


def test_editing_a_question_in_the_studio(course, elsewhere, editing):
    lesson = _lesson(course)
    assert "Which again?" in _page(elsewhere, _lesson_url(course))
    question = db.session.scalar(
        select(QuickCheckQuestion)
        .where(QuickCheckQuestion.lesson_id == lesson.id, QuickCheckQuestion.active)
        .order_by(QuickCheckQuestion.position)
    )
    prefix = f"q{question.id}"
    response = editing.post(
        f"/studio/lessons/{lesson.id}/questions/0",
        data={
            f"{prefix}-prompt": "Which, reworded?",
            f"{prefix}-choices": "A\nB",
            f"{prefix}-answer": 1,
            f"{prefix}-feedback_correct": "Yes.",
            f"{prefix}-feedback_incorrect": "No.",
        },
    )
    assert response.status_code == 303
    assert "Which, reworded?" in _page(elsewhere, _lesson_url(course))


def _ready_asset(name: str) -> MediaAsset:
    asset = MediaAsset(key_prefix=name, source_key=f"{name}/source", status="ready", progress=100)
    asset.renditions.append(
        Rendition(
            name="240p",
            kind="video",
            storage_key=f"{name}/240p.mp4",
            content_type="video/mp4",
            codecs="avc1",
            height=240,
            bytes=1000,
            duration_s=60,
            bitrate_kbps=100,
        )
    )
    db.session.add(asset)
    db.session.flush()
    return asset


def test_a_new_video_swapped_in_by_the_studio(course, elsewhere, editing, editor):
    """The studio's sweep of finished uploads (``apply_ready_uploads``, as the transcode's
    ``asset_ready`` does): the lesson plays the new video in every process."""
    lesson = _lesson(course)
    old, new = _ready_asset("old"), _ready_asset("new")
    lesson.media_asset_id = old.id
    db.session.add(
        Upload(
            id="u" * 32,
            owner_id=editor.id,
            lesson_id=lesson.id,
            language="en",
            filename="new.mp4",
            content_type="video/mp4",
            length=10,
            offset=10,
            status=UploadStatus.COMPLETE,
            storage_key="new/source",
            asset_id=new.id,
            completed_at=utcnow(),
            expires_at=utcnow(),
        )
    )
    db.session.commit()
    assert f'data-player="{old.id}"' in _page(elsewhere, _lesson_url(course))
    from app.studio.services.uploads import apply_ready_uploads  # the sweep, not a GET

    assert apply_ready_uploads() == 1
    assert f'data-player="{new.id}"' in _page(elsewhere, _lesson_url(course))


def test_importing_a_course_from_its_files(app, framework, runner, make_app, leader, tmp_path):
    """``flask learning import``, run by an operator: a changed lesson and a new one."""
    files = tmp_path / "course"
    shutil.copytree(ROOT / "courses" / "leading-learning-essentials", files)
    assert runner.invoke(args=["learning", "import", str(files), "--no-media"]).exit_code == 0
    other = make_app().test_client()
    sign_in(other, leader)
    assert "Short, frequent classroom visits" in _page(other, "/learn/")
    lesson_file = files / "lessons" / "short-frequent-classroom-visits.md"
    lesson_file.write_text(
        lesson_file.read_text().replace(
            "Short, frequent classroom visits", "Classroom visits, renamed", 1
        )
    )
    fr_file = files / "lessons" / "short-frequent-classroom-visits.fr.md"
    fr_file.write_text(
        fr_file.read_text().replace(
            "Des visites de classe courtes et fréquentes", "Des visites, renommées", 1
        )
    )
    result = runner.invoke(args=["learning", "import", str(files), "--no-media"])
    assert result.exit_code == 0, result.output
    assert "Classroom visits, renamed" in _page(other, "/learn/")
    url = "/learn/leading-learning-essentials/short-frequent-classroom-visits?lang=fr"
    assert "Des visites, renommées" in _page(other, url)


def test_editing_a_competency_in_the_frameworks(course, elsewhere, editing, framework):
    competency = db.session.scalar(
        select(Competency).where(Competency.framework_id == framework.id, Competency.code == "LL.2")
    )
    assert competency.title in _page(elsewhere, "/learn/")
    response = editing.post(
        f"/frameworks/{framework.id}/competencies/{competency.id}/edit",
        data={"title": "Renamed competency", "description": ""},
    )
    assert response.status_code in (302, 303)
    assert "LL.2 Renamed competency" in _page(elsewhere, "/learn/")
    assert "LL.2 Renamed competency" in _page(elsewhere, _lesson_url(course))


def test_a_framework_translation_imported(course, make_app, make_user, editing):
    """Translations of a framework come from its file, uploaded by an admin."""
    french_leader = make_user("leader", locale="fr")
    other = make_app().test_client()
    sign_in(other, french_leader)
    old = "LL.2 Observer et améliorer l&#39;enseignement"
    assert old in _page(other, "/learn/")
    source = (ROOT / "courses" / "frameworks" / "school-leadership-core.yaml").read_text()
    changed = source.replace("Observer et améliorer l'enseignement", "Titre changé", 1)
    assert changed != source
    response = editing.post(
        "/frameworks/import",
        data={"file": (io.BytesIO(changed.encode()), "framework.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    page = _page(other, "/learn/")
    assert "LL.2 Titre changé" in page and old not in page


def test_a_course_built_in_the_studio_appears_when_published(
    studio_course,  # noqa: F811
    elsewhere,
    editing,
):
    """A course built in the studio reaches leaders when its lesson and it are published."""
    course = studio_course()
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    assert "Leading with data" not in _page(elsewhere, "/learn/")
    studio.publish_lesson(lesson)
    studio.publish_course(db.session.get(Course, course.id))
    assert "Leading with data" in _page(elsewhere, "/learn/")

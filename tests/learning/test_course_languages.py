"""Courses in the leader's language: what each leader reads, switching, and the files."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import select

from app.extensions import db
from app.frameworks import services as frameworks
from app.frameworks.files import FileFormatError
from app.learning import services
from app.learning.course_files import CourseTranslationSpec, LessonTranslationSpec, load_course
from app.learning.course_files import QuestionTranslationSpec as QT
from app.learning.models import Lesson, LessonProgress, Reflection
from tests.learning.conftest import DEMO_COURSE, lesson_spec

FIRST = "short-frequent-classroom-visits"
URL = f"/learn/leading-learning-essentials/{FIRST}"


def _lesson(slug=FIRST) -> Lesson:
    return db.session.scalar(select(Lesson).where(Lesson.slug == slug))


def _article(html: str) -> str:
    return re.search(r'<article class="lesson"[^>]*>', html).group(0)


def test_a_french_leader_reads_the_lesson_in_french(client, make_user, login, demo_course):
    login(make_user("leader", locale="fr"))
    html = client.get(URL).get_data(as_text=True)
    assert "<h1>Des visites de classe courtes et fréquentes</h1>" in html
    assert "lang=" not in _article(html)  # the page is French too
    assert "À quoi sert surtout une courte visite de classe ?" in html
    assert "Pensez aux trois dernières classes" in html
    # The other languages, each named in itself.
    assert 'hreflang="en" lang="en">English</a>' in html
    assert 'hreflang="sw" lang="sw">Kiswahili</a>' in html
    learn = client.get("/learn/").get_data(as_text=True)
    assert "Piloter les apprentissages" in learn and "Observer l&#39;enseignement" in learn
    assert "Short, frequent classroom visits" not in learn


def test_a_swahili_leader_reads_it_in_swahili_and_an_untranslated_lesson_is_marked(
    client, make_user, login, framework, tmp_path
):
    course = tmp_path / "course"
    shutil.copytree(DEMO_COURSE, course)
    (course / "lessons" / "feedback-teachers-act-on.sw.md").unlink()
    services.import_course(load_course(course), queue_media=False)
    login(make_user("leader", locale="sw"))
    html = client.get(URL).get_data(as_text=True)
    assert "lang=" not in _article(html) and "Kiingereza" not in html
    untranslated = client.get("/learn/leading-learning-essentials/feedback-teachers-act-on")
    html = untranslated.get_data(as_text=True)
    # In English, said so in Swahili, and marked for screen readers and hyphenation.
    assert 'lang="en"' in _article(html) and "Kiingereza" in html
    assert "<h1>Feedback teachers act on</h1>" in html


def test_switching_a_lesson_s_language_keeps_answers_position_and_notebook(
    client, make_user, login, demo_course
):
    leader = make_user("leader", locale="fr")
    login(leader)
    lesson = _lesson()
    question = lesson.questions[0]
    client.get(URL)
    reply = client.post(
        f"/learn/lessons/{lesson.id}/questions/{question.id}?lang=fr",
        data={"choice": "2"},
        headers={"HX-Request": "true"},
    )
    assert "Oui. Une courte visite" in reply.get_data(as_text=True)
    services.save_position(leader, lesson, 21)
    services.save_reflection(leader, lesson, "Mes notes")

    html = client.get(URL + "?lang=en").get_data(as_text=True)
    assert "<h1>Short, frequent classroom visits</h1>" in html and 'lang="en"' in _article(html)
    assert re.search(r'value="2" required checked', html)
    assert "Yes. A short visit is a look at learning" in html  # the feedback, in English
    assert "Mes notes" in html
    # Forms on the switched page keep the switch, so a write without JavaScript returns to it.
    assert f"/learn/lessons/{lesson.id}/complete?lang=en" in html
    done = client.post(f"/learn/lessons/{lesson.id}/complete?lang=en")
    assert done.headers["Location"].endswith(f"{URL}?lang=en#finish")
    progress = db.session.scalar(select(LessonProgress))
    assert progress.completed_at and progress.position_seconds == 21


def test_a_language_the_lesson_lacks_shows_the_original(client, make_user, login, demo_course):
    login(make_user("leader", locale="fr"))
    html = client.get(URL + "?lang=de").get_data(as_text=True)
    assert "<h1>Des visites de classe courtes et fréquentes</h1>" in html


def test_unpublishing_a_language_loses_no_progress(
    client, runner, make_user, login, framework, tmp_path
):
    course = tmp_path / "course"
    shutil.copytree(DEMO_COURSE, course)
    assert runner.invoke(args=["learning", "import", "--no-media", str(course)]).exit_code == 0
    leader = make_user("leader", locale="fr")
    lesson = _lesson()
    services.complete_lesson(leader, lesson)
    services.save_reflection(leader, lesson, "Mes notes")
    services.answer_question(leader, lesson.questions[0], 2)

    text = (course / "course.yaml").read_text()
    (course / "course.yaml").write_text(text[: text.index("translations:")])
    for path in course.glob("lessons/*.*.md"):
        path.unlink()
    result = runner.invoke(args=["learning", "import", "--no-media", str(course)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _lesson().translations is None

    login(leader)
    html = client.get(URL).get_data(as_text=True)
    assert "<h1>Short, frequent classroom visits</h1>" in html and "Read in" not in html
    assert "You completed this lesson." not in html  # French page…
    assert "Vous avez terminé cette leçon." in html  # …and the completion is still there
    assert db.session.scalar(select(Reflection)).body == "Mes notes"
    assert re.search(r'value="2" required checked', html)


# --- files -----------------------------------------------------------------------------


def _problems(course) -> list[str]:
    with pytest.raises(FileFormatError) as caught:
        load_course(course, frameworks.known_competency_codes())
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def course(tmp_path, framework):
    target = tmp_path / "course"
    shutil.copytree(DEMO_COURSE, target)
    return target


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_a_missing_question_is_refused_at_its_line(course):
    fr = course / "lessons" / f"{FIRST}.fr.md"
    text = fr.read_text()
    second = text.index('  - question: "Pendant une visite')
    end = text.index("---", second)
    fr.write_text(text[:second] + text[end:])
    assert _problems(course) == [
        f"{fr}:9: the translation has 1 quick-check question(s) but the original "
        f"({FIRST}.md) has 2: translate every question, in the same order"
    ]


def test_a_different_number_of_choices_is_refused_at_its_line(course):
    fr = course / "lessons" / f"{FIRST}.fr.md"
    _edit(fr, '      - "À vérifier que la progression est à jour"\n', "")
    assert _problems(course) == [
        f"{fr}:11: question 1 has 2 choices but the original has 3: "
        "translate each choice, in the same order"
    ]


def test_a_translation_into_a_language_the_course_lacks_is_refused(course):
    de = course / "lessons" / f"{FIRST}.de.md"
    shutil.copy(course / "lessons" / f"{FIRST}.fr.md", de)
    assert _problems(course) == [
        f"{de}:1: a translation into `de`, but course.yaml has no `de:` under `translations:`; "
        "add the course's title in de there, or remove this file"
    ]


def test_other_mismatches_each_name_their_file_and_line(course):
    yaml_path = course / "course.yaml"
    _edit(yaml_path, "      teacher-teams: Animer", "      teacher-team: Animer")
    fr = course / "lessons" / f"{FIRST}.fr.md"
    _edit(fr, "quick_check:\n  - question:", "quick_check:\n  - answer: 3\n    question:")
    _edit(fr, 'title: "Des visites', 'duration: 60\ntitle: "Des visites')
    problems = _problems(course)
    assert f"{fr}:2: `duration` belongs to the original lesson ({FIRST}.md); remove it here" in (
        problems
    )
    assert any(
        p.startswith(f"{fr}:11: `answer` of question 1 is 3 but the original's is 2")
        for p in problems
    ), problems
    assert any(
        p.startswith(f"{yaml_path}:") and "no module 'teacher-team' in this course" in p
        for p in problems
    ), problems


def test_a_refused_translation_changes_nothing(runner, course, framework):
    assert runner.invoke(args=["learning", "import", "--no-media", str(course)]).exit_code == 0
    before = _lesson().translations
    fr = course / "lessons" / f"{FIRST}.fr.md"
    _edit(fr, 'title: "Des visites de classe', 'title: "Visites de classe')
    _edit(fr, '      - "À vérifier que la progression est à jour"\n', "")
    result = runner.invoke(args=["learning", "import", "--no-media", str(course)])
    assert result.exit_code == 1 and f"{fr.name}:11:" in result.output
    db.session.expire_all()
    assert _lesson().translations == before


def test_export_writes_each_translation_to_its_own_file(runner, demo_course, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        args=["learning", "export", "leading-learning-essentials", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    exported = (out / "lessons" / f"{FIRST}.sw.md").read_text()
    assert exported.startswith("---\ntitle: ") and "answer:" not in exported
    assert "media: media/short-frequent-classroom-visits.sw.mp4" in exported
    assert "translations:\n  fr:\n" in (out / "course.yaml").read_text()


# --- queries do not grow with languages -------------------------------------------------


def _translated(spec, languages):
    """``spec`` with every lesson translated into ``languages``."""
    for language in languages:
        spec.translations[language] = CourseTranslationSpec(
            f"Course in {language}", modules={"module": f"Module in {language}"}
        )
        for lesson in spec.lessons():
            lesson.translations[language] = LessonTranslationSpec(
                title=f"{lesson.title} ({language})",
                reflection_prompt="?",
                body="Text.",
                questions=[
                    QT(q.prompt + language, [c + language for c in q.choices], "y", "n")
                    for q in lesson.questions
                ],
            )
    return spec


def test_page_queries_do_not_grow_with_languages(
    client, make_user, login, framework, count_queries
):
    from app.learning.course_files import CourseSpec, ModuleSpec

    def course(slug, languages):
        spec = CourseSpec(
            slug=slug,
            title=slug,
            summary="",
            framework=framework.code,
            modules=[ModuleSpec("module", "Module", [lesson_spec(n) for n in range(1, 4)])],
        )
        services.import_course(_translated(spec, languages), queue_media=False)

    leader = make_user("leader", locale="fr")
    login(leader)
    counts = []
    for slug, languages in (("one", ["fr"]), ("three", ["fr", "sw", "pt"])):
        course(slug, languages)
        lesson_url = f"/learn/{slug}/lesson-2"
        page = {}
        for name, url in (
            ("learn", "/learn/"),
            ("lesson", lesson_url),
            ("growth", "/learn/growth"),
        ):
            client.get(url)
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200
            page[name] = counter.count
        assert "Lesson 2 (fr)" in client.get(lesson_url).get_data(as_text=True)
        counts.append(page)
    assert counts[0] == counts[1], counts


def test_feedback_that_opens_with_the_verdict_does_not_say_it_twice(
    client, make_user, login, demo_course
):
    """The French explanations open with "Pas tout à fait." themselves: the page's own
    verdict is not put before it again, nor before the English one's "Not quite."."""
    login(make_user("leader", locale="fr"))
    lesson = _lesson()
    question = lesson.questions[0]
    wrong = client.post(
        f"/learn/lessons/{lesson.id}/questions/{question.id}?lang=fr",
        data={"choice": "1"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert wrong.count("Pas tout à fait") == 1, wrong
    english = client.post(
        f"/learn/lessons/{lesson.id}/questions/{question.id}?lang=en",
        data={"choice": "1"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    # The lesson in English: its explanation opens with its own "Not quite.", which the
    # French verdict does not precede either.
    assert "Not quite. A ten-minute" in english and "Pas tout à fait" not in english


@pytest.mark.parametrize(
    ("locale", "answers"),
    [
        # (question, choice, what the explanation opens with, the verdict it already gives)
        ("fr", [(0, 1, "Pas tout à fait.", "Pas tout à fait."), (0, 2, "Oui.", "Exact.")]),
        ("sw", [(0, 1, "Si hivyo.", "Bado kidogo."), (0, 2, "Ndiyo.", "Sahihi.")]),
        ("sw", [(1, 2, "Sawa.", "Sahihi.")]),
        ("en", [(0, 2, "Yes.", "Correct."), (0, 1, "Not quite.", "Not quite.")]),
    ],
)
def test_feedback_never_opens_with_two_verdicts(
    client, make_user, login, demo_course, locale, answers
):
    """ "Bado kidogo. Si hivyo. …", "Exact. Oui. …": an explanation that opens with a verdict
    of its own, in its own words, is not preceded by the page's."""
    login(make_user("leader", locale=locale))
    lesson = _lesson()
    for index, choice, opener, verdict in answers:
        question = lesson.questions[index]
        feedback = re.search(
            r'<p class="feedback[^>]*>(.*?)</p>',
            client.post(
                f"/learn/lessons/{lesson.id}/questions/{question.id}",
                data={"choice": str(choice)},
                headers={"HX-Request": "true"},
            ).get_data(as_text=True),
            re.S,
        ).group(1)
        text = re.sub(r"<[^>]+>", "", feedback).strip()
        assert text.startswith(opener) and verdict not in text.replace(opener, "", 1), text
        assert "<b>" not in feedback


def test_feedback_without_an_opener_is_led_by_the_verdict(client, make_user, login, demo_course):
    login(make_user("leader", locale="sw"))
    lesson = _lesson()
    question = lesson.questions[1]  # "Waangalie zaidi wanafunzi. …" gives no verdict itself
    html = client.post(
        f"/learn/lessons/{lesson.id}/questions/{question.id}",
        data={"choice": "1"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert "<b>Bado kidogo.</b> <span" in html and "Waangalie zaidi wanafunzi." in html

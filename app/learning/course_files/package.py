"""A whole course package: ``course.yaml``, its lessons and their translations, checked
together, every problem reported at once."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from app.frameworks.files import FieldReader, FileFormatError, Problem, load_yaml

from .reading import course_fields, known_codes_of, read_modules, read_text
from .spec import COURSE_FILE, CourseSpec
from .translations import read_course_translations, read_lesson_translations


def load_course(
    root: str | Path,
    frameworks: Mapping[str, Collection[str]] | None = None,
    *,
    check_media: bool = True,
) -> CourseSpec:
    """Read and check the course package in directory ``root``.

    ``frameworks`` maps each known framework code to its competency codes; when given,
    the course's framework and every lesson's competencies must be in it.
    """
    root = Path(root)
    course_path = root / COURSE_FILE
    problems: list[Problem] = []
    if not course_path.is_file():
        raise FileFormatError(
            [
                Problem(
                    str(course_path),
                    None,
                    f"file not found: a course package needs a `{COURSE_FILE}`",
                )
            ]
        )
    data = load_yaml(read_text(course_path), str(course_path))
    top = FieldReader(data, str(course_path), problems, "the course", line=1)
    course = course_fields(top, root)
    known_codes = known_codes_of(top, course.framework, frameworks)
    course.modules = read_modules(top, root, known_codes, check_media)
    course.translations = read_course_translations(top, course)
    problems.extend(read_lesson_translations(course, check_media))
    if problems:
        raise FileFormatError(problems)
    return course

"""Course packages as files: ``course.yaml`` plus one Markdown file per lesson.

Reads a package into plain dataclasses (``spec``), checks it — required fields, duplicate
slugs, unknown competency codes, missing media — (``reading``), and writes dataclasses back
to files so authors can keep courses in git (``writing``). No Flask and no database here.
Every problem names the file and the line, and all problems in the package are reported
together.

The format is documented in ``courses/README.md``.
"""

from .package import load_course
from .reading import parse_lesson
from .spec import (
    COURSE_FILE,
    LESSONS_DIR,
    MAX_DURATION_SECONDS,
    MAX_PATH,
    MAX_SLUG,
    SLUG_RE,
    CourseSpec,
    CourseTranslationSpec,
    LessonSpec,
    LessonTranslationSpec,
    ModuleSpec,
    QuestionSpec,
    QuestionTranslationSpec,
)
from .writing import course_to_dict, dump_course_yaml, dump_lesson, write_course

__all__ = [
    "COURSE_FILE",
    "LESSONS_DIR",
    "MAX_DURATION_SECONDS",
    "MAX_PATH",
    "MAX_SLUG",
    "SLUG_RE",
    "CourseSpec",
    "CourseTranslationSpec",
    "LessonSpec",
    "LessonTranslationSpec",
    "ModuleSpec",
    "QuestionSpec",
    "QuestionTranslationSpec",
    "course_to_dict",
    "dump_course_yaml",
    "dump_lesson",
    "load_course",
    "parse_lesson",
    "write_course",
]

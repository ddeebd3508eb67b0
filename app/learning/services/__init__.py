"""Courses and the leader's learning journey. Services take explicit arguments, never
read the request, and commit their own work.

Every page's data is gathered in a fixed number of queries whatever the number of
courses, lessons or answers, so pages stay fast as a programme grows.

``courses`` imports and exports course packages; ``learn`` gathers the Learn page;
``lessons`` the lesson page and what a leader does there; ``growth_and_assessment`` the
growth page and self-assessment. Callers use this package: ``services.import_course``.
"""

from ._common import LearningError
from .courses import (
    CourseImport,
    CourseImportError,
    apply_questions,
    course_to_spec,
    find_course,
    import_course,
    list_courses,
    question_spec,
    render_markdown,
)
from .exports import stored_media_files
from .growth_and_assessment import (
    AssessmentForm,
    CompetencyGrowth,
    DomainGrowth,
    Growth,
    growth,
    record_self_assessment,
    self_assessment_form,
)
from .learn import ContinueItem, CourseItem, LearnHome, LessonItem, ModuleItem, learn_home
from .lessons import (
    REFLECTION_MAX_CHARS,
    LearnerState,
    LessonPage,
    LessonText,
    QuestionItem,
    answer_question,
    complete_lesson,
    content_language,
    find_lesson,
    get_lesson,
    get_question,
    learner_state,
    lesson_page,
    may_open,
    published_lesson,
    published_lesson_by_id,
    save_position,
    save_position_in_published_lesson,
    save_reflection,
    start_lesson,
)

__all__ = [
    # courses
    "CourseImport",
    "CourseImportError",
    "apply_questions",
    "course_to_spec",
    "find_course",
    "import_course",
    "list_courses",
    "question_spec",
    "render_markdown",
    "stored_media_files",
    # learn
    "ContinueItem",
    "CourseItem",
    "LearnHome",
    "LessonItem",
    "ModuleItem",
    "learn_home",
    # lessons
    "REFLECTION_MAX_CHARS",
    "LearnerState",
    "LessonPage",
    "LessonText",
    "content_language",
    "QuestionItem",
    "answer_question",
    "complete_lesson",
    "find_lesson",
    "get_lesson",
    "get_question",
    "learner_state",
    "lesson_page",
    "may_open",
    "published_lesson",
    "published_lesson_by_id",
    "save_position",
    "save_position_in_published_lesson",
    "save_reflection",
    "start_lesson",
    # growth_and_assessment
    "AssessmentForm",
    "CompetencyGrowth",
    "DomainGrowth",
    "Growth",
    "growth",
    "record_self_assessment",
    "LearningError",
    "self_assessment_form",
]

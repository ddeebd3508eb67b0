"""Demo content for `make run`: the default framework and the demo course, from `courses/`."""

from __future__ import annotations

from pathlib import Path

from app.frameworks import services as frameworks
from app.frameworks.files import load_framework

from . import services
from .course_files import load_course

COURSES = Path(__file__).resolve().parents[2] / "courses"
DEMO_FRAMEWORK = COURSES / "frameworks" / "school-leadership-core.yaml"
DEMO_COURSES = (COURSES / "leading-learning-essentials",)


def load_demo_content() -> list[str]:
    """Import the framework and demo courses; safe to run again (imports are idempotent,
    and media is queued only when a file is new or changed). Returns what happened."""
    lines = [frameworks.import_framework(load_framework(DEMO_FRAMEWORK)).summary()]
    for course_dir in DEMO_COURSES:
        spec = load_course(course_dir, frameworks.known_competency_codes())
        lines.append(services.import_course(spec).summary())
    return lines

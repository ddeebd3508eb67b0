"""`flask learning …`: import course packages from files and export them back."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from app.frameworks import services as frameworks
from app.frameworks.files import FileFormatError
from app.media import services as media

from . import bp, services
from .course_files import load_course, write_course


@bp.cli.command("import")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-media", is_flag=True, help="Do not queue lesson media for transcoding.")
def import_command(directory: Path, no_media: bool) -> None:
    """Create or update the course in DIRECTORY (a folder with course.yaml), by slug.

    Safe to run again: edits update in place, lessons removed from the files are
    unpublished, and leaders' progress is kept. Nothing changes if any file has a
    problem; every problem is listed with its file and line.
    """
    try:
        spec = load_course(directory, frameworks.known_competency_codes())
        report = services.import_course(spec, queue_media=not no_media)
    except FileFormatError as error:
        raise click.ClickException(f"{directory} was not imported:\n{error}") from None
    except services.CourseImportError as error:
        raise click.ClickException(f"{directory} was not imported: {error}") from None
    click.echo(report.summary())


@bp.cli.command("export")
@click.argument("slug")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write course.yaml and lessons/ into.",
)
@click.option(
    "--media-from",
    type=click.Path(file_okay=False, path_type=Path),
    help="Course folder to copy the lesson media and captions from.",
)
def export_command(slug: str, out: Path, media_from: Path | None) -> None:
    """Write the course SLUG back to files, so authors can keep it in git.

    Media uploaded in the studio is written out from media storage; media imported from
    files is copied from --media-from.
    """
    course = services.find_course(slug)
    if course is None:
        raise click.ClickException(f"no course with slug {slug!r}")
    spec = services.course_to_spec(course)
    written = write_course(spec, out)
    if media_from is not None:
        for relative in spec.media_files():
            source, target = media_from / relative, out / relative
            if source.is_file() and source.resolve() != target.resolve():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
                written.append(target)
    written += _write_stored_media(course, out, skip=set(map(str, written)))
    click.echo(f"Wrote {len(written)} files to {out}")


def _write_stored_media(course, out: Path, skip: set[str]) -> list[Path]:
    """The course's studio-uploaded media and captions, streamed from media storage."""
    written = []
    for relative, key in services.stored_media_files(course).items():
        target = out / relative
        if str(target) in skip or not media.storage().exists(key):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as f:
            for chunk in media.storage().open(key):
                f.write(chunk)
        written.append(target)
    return written


@bp.cli.command("list")
def list_command() -> None:
    """List the courses in the database."""
    for course in services.list_courses():
        state = "published" if course.published else "unpublished"
        click.echo(f"{course.slug:<40} {course.lesson_count:>3} lessons  {state}")

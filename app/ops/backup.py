"""Backups: a consistent copy of the database and of local media, in one folder, that
restores onto a fresh instance.

The database is copied while the app runs: SQLite with its online backup API (a snapshot
of one moment, even mid-write), PostgreSQL with ``pg_dump`` (one transaction, so one
moment too). The database goes first and media after it: media files are written once
under new keys and only then recorded, so every file the copied database names is already
there to copy. Media in S3 is the bucket's to keep (versioning or replication at the
provider); a backup of such an instance holds the database only, and says so.

A backup folder holds ``manifest.json`` (what is in it), ``database.sqlite3`` or
``database.pgdump``, ``media/``, and ``secret_key`` when the instance made its own. Without
that key a restore onto a new machine would sign every leader out and change every signed
media URL. A key given in ``HEADWAY_SECRET_KEY`` is the operator's to carry over with the
rest of the settings; the backup says so instead of copying it.

A backup holds everyone's personal data and may hold the key, so only its owner may read
it: every file is made ``0600`` and every folder ``0700`` before anything is written into
it (a folder the operator made keeps its own mode).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import utcnow
from app.extensions import db
from app.media import services as media

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_DUMP_FILE = "database.pgdump"
SECRET_KEY_FILE = "secret_key"
KEY_FROM_SETTINGS = (
    "the secret key comes from HEADWAY_SECRET_KEY and is not in the backup: give the new "
    "machine the same value, or every leader is signed out and every signed media URL changes"
)


class BackupError(Exception):
    """A backup or restore that cannot be done, with what to do about it."""


@dataclass
class Summary:
    folder: Path
    database: str
    media_files: int
    media_note: str = ""
    key_note: str = ""


def create_backup(folder: Path) -> Summary:
    """Copy the database, then local media, into ``folder`` (new or empty)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give a new folder for the backup.")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    dialect = db.engine.dialect.name
    revision = _schema_revision()
    if dialect == "sqlite":
        _sqlite_copy(Path(db.engine.url.database), _private_file(folder / SQLITE_FILE))
    elif dialect == "postgresql":
        _pg_dump(_private_file(folder / PG_DUMP_FILE))
    else:
        raise BackupError(f"No backup for a {dialect} database.")
    media_root, note = _local_media_root()
    files = _copy_tree(media_root, folder / "media", private=True) if media_root else 0
    key_note = "" if _copy_instance_key(folder / SECRET_KEY_FILE) else KEY_FROM_SETTINGS
    manifest = {
        "created_at": utcnow().isoformat(),
        "database": dialect,
        "schema_revision": revision,
        "media_files": files,
        "media_note": note,
        "secret_key": "included" if not key_note else "from HEADWAY_SECRET_KEY, not included",
    }
    _private_file(folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return Summary(folder, dialect, files, note, key_note)


def _instance_key_file() -> Path:
    return Path(current_app.instance_path) / SECRET_KEY_FILE


def _copy_instance_key(target: Path) -> bool:
    """Copy the instance's own key file, if that is the key in use; say whether it did."""
    source = _instance_key_file()
    if not source.is_file() or source.read_text().strip() != current_app.config["SECRET_KEY"]:
        return False
    _write_private(target, source.read_text())
    return True


def _write_private(path: Path, text: str) -> None:
    """Created readable by its owner only, never for a moment by anyone else."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text)
    path.chmod(0o600)


def restore_backup(folder: Path) -> Summary:
    """Replace this instance's database with the backup's, and put its media files back."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} is not a Headway backup (no readable {MANIFEST}).") from error
    dialect = db.engine.dialect.name
    if manifest["database"] != dialect:
        raise BackupError(
            f"This backup is of a {manifest['database']} database; this instance uses {dialect}."
        )
    db.session.remove()
    db.engine.dispose()  # no connection of ours may hold the old database open
    if dialect == "sqlite":
        _sqlite_copy(folder / SQLITE_FILE, Path(db.engine.url.database))
    else:
        _pg_restore(folder / PG_DUMP_FILE)
    db.engine.dispose()
    media_root, note = _local_media_root()
    files = 0
    if media_root and (folder / "media").is_dir():
        files = _copy_tree(folder / "media", media_root)
    return Summary(
        folder, dialect, files, note or manifest.get("media_note", ""), _restore_key(folder)
    )


def _restore_key(folder: Path) -> str:
    """Put the backup's key back as the instance's own; what the operator must do, if any."""
    backed_up = folder / SECRET_KEY_FILE
    if not backed_up.is_file():
        return KEY_FROM_SETTINGS
    key = backed_up.read_text().strip()
    _write_private(_instance_key_file(), key + "\n")
    if os.environ.get("HEADWAY_SECRET_KEY", key) != key:
        return (
            f"the backup's secret key is now in {_instance_key_file()}, but HEADWAY_SECRET_KEY "
            "is set to another and wins: unset it, or leaders are signed out"
        )
    return ""


def _schema_revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # tables made without migrations (tests): no revision to record
        db.session.rollback()
        return None


def _local_media_root() -> tuple[Path | None, str]:
    path = media.storage().local_path("probe")
    if path is None:
        return None, "media is in S3: back up the bucket at the provider"
    return Path(current_app.config["MEDIA_ROOT"]), ""


def _private_file(path: Path) -> Path:
    """``path`` made empty and readable by its owner only, before anything is written to it
    (creating it with the default mode and narrowing it later would leave a moment when
    others could open it, and keep what they opened)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)  # an existing file keeps its mode through O_CREAT
    return path


def _copy_tree(source: Path, target: Path, private: bool = False) -> int:
    """Copy every file under ``source`` to ``target``; ``private``: owner-only folders and
    files (into a backup), else with their own modes (back into the media root)."""
    if private:
        target.mkdir(mode=0o700, exist_ok=True)
    count = 0
    for path in sorted(source.rglob("*")) if source.is_dir() else []:
        if path.is_file():
            destination = target / path.relative_to(source)
            if private:
                for parent in reversed(destination.relative_to(target).parents[:-1]):
                    (target / parent).mkdir(mode=0o700, exist_ok=True)
                shutil.copyfile(path, _private_file(destination))
                shutil.copystat(path, destination)
                os.chmod(destination, 0o600)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, destination)
            count += 1
    return count


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent snapshot while others read and write."""
    if not source.exists():
        raise BackupError(f"{source} does not exist.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def _libpq(url) -> tuple[str, list[str]]:
    """A libpq connection string for the pg_ tools, and ``-n schema`` if the URL's options
    pin a search path (each test run keeps its own schema)."""
    url = make_url(url.render_as_string(hide_password=False)).set(drivername="postgresql")
    pinned = re.search(r"search_path=([\w$]+)", unquote(str(url.query.get("options", ""))))
    return url.render_as_string(hide_password=False), (["-n", pinned[1]] if pinned else [])


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            f"`{command[0]}` is not installed: apt-get install postgresql-client (the same "
            "major version as the server)."
        ) from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()[-2000:]}") from error


def _pg_dump(target: Path) -> None:
    dsn, schema = _libpq(db.engine.url)
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *schema, dsn])


def _pg_restore(source: Path) -> None:
    dsn, _schema = _libpq(db.engine.url)
    _run(
        [
            *("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"),
            *("--dbname", dsn, str(source)),
        ]
    )

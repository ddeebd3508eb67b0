"""Rebuilding a SQLite table without losing the rows that point at it.

On SQLite most of ``op.batch_alter_table`` (a foreign key, a dropped column, a changed type)
makes a new table, copies the rows, drops the old table and renames the new one. The app
turns foreign keys on for every connection (``app/db.py``), and with them on, dropping the
old table deletes its rows first: ``ON DELETE CASCADE`` empties every table pointing at it
and ``ON DELETE SET NULL`` cuts every link to it. So a migration that rebuilds a table
others point at calls :func:`foreign_keys_off` before the batch and :func:`foreign_keys_on`
after it; on PostgreSQL both do nothing.

``PRAGMA foreign_keys`` is ignored inside a transaction, and on SQLite Alembic runs each
revision in one (opened by its first write at the latest: the batch's copy of the rows), so
each is set in an autocommit block and then read back. What the revision wrote before is
committed first, and the rebuilt table is committed before foreign keys come back on: if the
process dies just then, the table is changed but the revision not yet recorded. When the
foreign key check fails the revision is rolled back, all but the new table itself
(``_alembic_tmp_<table>``: the driver creates it outside the transaction), which is to be
dropped before trying again.

Migrations import this as ``migrations.sqlite_rebuild``: ``flask --app app:create_app db
upgrade`` and the tests both run from the repository's root, which is on ``sys.path``.
"""

from __future__ import annotations

from alembic import op


def _on_sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def _set_foreign_keys(on: bool) -> None:
    context = op.get_context()
    with context.autocommit_block():
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if context.as_sql:  # `flask db upgrade --sql` writes the statements, no connection to ask
        return
    state = op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar()
    if state != int(on):
        consequence = (
            "they stay off on this connection"
            if on
            else "rebuilding the table would delete or cut the rows pointing at it"
        )
        raise RuntimeError(
            f"PRAGMA foreign_keys={'ON' if on else 'OFF'} did not take (a transaction was "
            f"open): {consequence}."
        )


def foreign_keys_off() -> None:
    """Before a ``batch_alter_table`` that rebuilds a table others point at, on SQLite."""
    if _on_sqlite():
        _set_foreign_keys(False)


def foreign_keys_on() -> None:
    """After the rebuild: check that every foreign key still finds its row (raising, with
    the rows that do not, before anything of this revision is committed), then turn them
    back on for the connection."""
    if not _on_sqlite():
        return
    if not op.get_context().as_sql:
        broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(
                "foreign keys without their row after rebuilding a table "
                f"(table, rowid, parent, foreign key number): {[tuple(row) for row in broken]}"
            )
    _set_foreign_keys(True)

"""Commands run before the tables exist say what to do, not a traceback."""

from __future__ import annotations

from app import create_app
from tests.conftest import app_config


def test_a_command_on_an_empty_database_says_to_run_the_migrations(tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path))
    runner = app.test_cli_runner()
    for command in (["media", "status"], ["users", "list"], ["frameworks", "list"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 1, (command, result.output)
        assert "The database has no tables yet" in result.output and "db upgrade" in result.output
        assert "Traceback" not in result.output


def test_other_database_errors_are_not_disguised(tmp_path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from app.media import cli

    app = create_app(app_config(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path))

    def locked(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(cli.db.session, "scalars", locked)
    result = app.test_cli_runner().invoke(args=["media", "status"])
    assert isinstance(result.exception, OperationalError)

"""`flask frameworks import/export`: update in place by code, retire rather than delete,
and change nothing when the file is bad."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.frameworks import services
from app.frameworks.files import load_framework
from app.frameworks.models import Competency, Framework
from tests.frameworks.conftest import edited_default

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "courses" / "frameworks" / "school-leadership-core.yaml"


def _competencies():
    return {c.code: c for c in db.session.scalars(select(Competency))}


def test_import_then_reimport_updates_in_place(app, runner, tmp_path):
    result = runner.invoke(args=["frameworks", "import", str(DEFAULT)])
    assert result.exit_code == 0, result.output
    assert "Created framework SLC (School Leadership Core): 18 competencies added" in result.output
    ids = {code: c.id for code, c in _competencies().items()}

    edited = tmp_path / "slc.yaml"
    edited.write_text(edited_default(DEFAULT))
    result = runner.invoke(args=["frameworks", "import", str(edited)])
    assert "Updated framework SLC" in result.output and "1 updated, 1 retired" in result.output
    db.session.expire_all()
    after = _competencies()
    assert {
        code: c.id for code, c in after.items()
    } == ids  # same rows: nothing pointing at them breaks
    assert after["LL.2"].title == "Observing teaching"
    assert after["LS.3"].retired is True
    assert "LS.3" not in services.known_competency_codes()["SLC"]

    runner.invoke(args=["frameworks", "import", str(DEFAULT)])
    db.session.expire_all()
    assert _competencies()["LS.3"].retired is False


def test_bad_file_changes_nothing(app, runner, tmp_path):
    runner.invoke(args=["frameworks", "import", str(DEFAULT)])
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        DEFAULT.read_text()
        .replace("code: LL.3", "code: LL.2")
        .replace("name: School", "name: Changed")
    )
    result = runner.invoke(args=["frameworks", "import", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:" in result.output and "duplicate competency code 'LL.2'" in result.output
    assert db.session.scalar(select(Framework.name)) == "School Leadership Core"


def test_csv_import_and_export(app, runner, tmp_path):
    runner.invoke(args=["frameworks", "import", str(DEFAULT)])
    out = tmp_path / "slc.csv"
    result = runner.invoke(args=["frameworks", "export", "SLC", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("framework_code,framework_name,")
    assert load_framework(out).domains == load_framework(DEFAULT).domains

    kenya = tmp_path / "kenya.csv"
    kenya.write_text(
        "framework_code,framework_name,scope,domain_code,domain_title,code,title\n"
        "KE,Heads of institutions,Kenya,IL,Instructional leadership,IL.1,Curriculum\n"
        ",,,IL,,IL.2,Supervision\n"
    )
    result = runner.invoke(args=["frameworks", "import", str(kenya)])
    assert "Created framework KE" in result.output and "2 competencies added" in result.output
    assert db.session.scalar(select(func.count()).select_from(Framework)) == 2
    assert "KE" in runner.invoke(args=["frameworks", "list"]).output


def test_yaml_export_round_trips(app, runner, tmp_path):
    runner.invoke(args=["frameworks", "import", str(DEFAULT)])
    out = tmp_path / "slc.yaml"
    runner.invoke(args=["frameworks", "export", "SLC", "--out", str(out)])
    assert load_framework(out) == load_framework(DEFAULT)
    stdout = runner.invoke(args=["frameworks", "export", "SLC"]).output
    assert stdout.startswith("code: SLC\n")
    assert runner.invoke(args=["frameworks", "export", "NOPE"]).exit_code == 1


def test_csv_reimport_keeps_the_frameworks_own_levels(app, runner, tmp_path):
    """A CSV carries no levels: re-importing one (say, the CSV export edited in a
    spreadsheet) must not replace or delete the levels leaders rate themselves on."""
    five = DEFAULT.read_text().replace(
        "levels:\n",
        "levels:\n  - number: 5\n    name: System leader\n    descriptor: Leads beyond the school.\n",
        1,
    )
    yaml_file = tmp_path / "slc.yaml"
    yaml_file.write_text(five)
    assert runner.invoke(args=["frameworks", "import", str(yaml_file)]).exit_code == 0
    framework = services.find_framework("SLC")
    before = [(lv.number, lv.name, lv.descriptor) for lv in framework.levels]
    assert len(before) == 5

    csv_file = tmp_path / "slc.csv"
    assert (
        runner.invoke(args=["frameworks", "export", "SLC", "--out", str(csv_file)]).exit_code == 0
    )
    csv_file.write_text(
        csv_file.read_text().replace("Observing and improving teaching", "Observing teaching")
    )
    result = runner.invoke(args=["frameworks", "import", str(csv_file)])
    assert result.exit_code == 0 and "1 updated" in result.output, result.output
    db.session.expire_all()
    assert [(lv.number, lv.name, lv.descriptor) for lv in framework.levels] == before


def test_text_longer_than_the_database_keeps_is_a_file_error(app, runner, tmp_path):
    """Too long for its column: a problem naming file and line, not a database error."""
    runner.invoke(args=["frameworks", "import", str(DEFAULT)])
    bad = tmp_path / "long.yaml"
    bad.write_text(
        DEFAULT.read_text()
        .replace("name: School Leadership Core", "name: " + "S" * 201, 1)
        .replace("title: Observing and improving teaching", "title: " + "O" * 201)
    )
    result = runner.invoke(args=["frameworks", "import", str(bad)])
    assert result.exit_code == 1, result.output
    assert f"{bad}:11: `name` in the framework is longer than 200 characters" in result.output
    assert "`title` in a competency in domain LL is longer than 200 characters" in result.output
    assert db.session.scalar(select(Framework.name)) == "School Leadership Core"


def test_a_file_nested_too_deeply_is_refused_at_its_line(app, runner, tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("code: X\nname:\n" + "".join(" " * n + "- \n" for n in range(1, 2000)))
    result = runner.invoke(args=["frameworks", "import", str(deep)])
    assert result.exit_code == 1
    assert f"{deep}:" in result.output and "nested more than 50 levels deep" in result.output
    assert db.session.scalar(select(Framework.name)) is None

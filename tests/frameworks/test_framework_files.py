"""Framework files: the default framework, round trips, and errors that name file and line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from app.frameworks.files import (
    CompetencySpec,
    DomainSpec,
    FileFormatError,
    dump_framework_csv,
    dump_framework_yaml,
    load_framework,
    parse_framework_csv,
    parse_framework_yaml,
    write_framework,
)
from tests.frameworks.conftest import alias_bomb

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "courses" / "frameworks" / "school-leadership-core.yaml"

GOOD = """\
code: T
name: Test framework
levels:
  - number: 1
    name: Emerging
  - number: 2
    name: Leading
domains:
  - code: D
    title: Domain
    competencies:
      - code: D.1
        title: First
      - code: D.2
        title: Second
"""


def problems(exc: pytest.ExceptionInfo[FileFormatError]) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in exc.value.problems]


def test_default_framework_has_five_domains_and_four_levels():
    spec = load_framework(DEFAULT)
    assert spec.code == "SLC"
    assert [d.title for d in spec.domains] == [
        "Leading learning",
        "Leading people",
        "Leading the organisation",
        "Leading with the community",
        "Leading self",
    ]
    assert all(3 <= len(d.competencies) <= 4 for d in spec.domains)
    assert [(lv.number, lv.name) for lv in spec.levels] == [
        (1, "Emerging"),
        (2, "Developing"),
        (3, "Established"),
        (4, "Leading"),
    ]
    assert all(lv.descriptor for lv in spec.levels)
    assert all(c.description for c in spec.competencies())
    assert "LL.2" in spec.competency_codes()


def test_yaml_and_csv_round_trip(tmp_path):
    spec = load_framework(DEFAULT)
    assert parse_framework_yaml(dump_framework_yaml(spec), "x.yaml") == spec
    from_csv = parse_framework_csv(dump_framework_csv(spec), "x.csv")
    assert from_csv.domains == spec.domains
    assert (from_csv.code, from_csv.name, from_csv.version) == (spec.code, spec.name, spec.version)
    written = write_framework(spec, tmp_path / "out.csv")
    assert load_framework(written).domains == spec.domains


def test_competencies_remember_their_line():
    spec = parse_framework_yaml(GOOD, "t.yaml")
    assert [c.line for c in spec.competencies()] == [12, 14]


def test_malformed_yaml_names_file_and_line():
    with pytest.raises(FileFormatError) as exc:
        parse_framework_yaml("code: T\nname: [unclosed\nlevels: []\n", "bad.yaml")
    (problem,) = exc.value.problems
    assert problem.path == "bad.yaml" and problem.line is not None and problem.line >= 2
    assert str(problem).startswith("bad.yaml:")
    assert "malformed YAML" in problem.message


def test_duplicate_codes_missing_fields_and_bad_levels_are_all_reported():
    text = GOOD.replace("code: D.2", "code: D.1").replace("name: Leading", "nom: Leading")
    text = text.replace("number: 2", "number: 3")
    with pytest.raises(FileFormatError) as exc:
        parse_framework_yaml(text, "t.yaml")
    found = problems(exc)
    assert (14, "duplicate competency code 'D.1' (first on line 12)") in found
    assert any(line == 6 and "missing the required field `name`" in msg for line, msg in found)
    assert any("without gaps" in msg for _, msg in found)


def test_duplicate_yaml_key_is_an_error():
    with pytest.raises(FileFormatError) as exc:
        parse_framework_yaml(GOOD + "name: Again\n", "t.yaml")
    assert problems(exc) == [(16, "the key 'name' appears twice in the same mapping")]


def test_code_with_spaces_is_rejected_at_its_line():
    with pytest.raises(FileFormatError) as exc:
        parse_framework_yaml(GOOD.replace("code: D.2", "code: D 2"), "t.yaml")
    assert problems(exc)[0][0] == 14


CSV = """\
framework_code,framework_name,scope,version,language,domain_code,domain_title,domain_description,code,title,description
KE,Heads of institutions,Kenya,2024,en,IL,Instructional leadership,,IL.1,Curriculum delivery,Ensures the curriculum is taught
,,,,,IL,,,IL.2,Supervising teaching,Observes lessons
,,,,,CM,Community,,CM.1,Parents,"Works with parents,
across two lines"
"""


def test_csv_fill_down_and_default_levels():
    spec = parse_framework_csv(CSV, "k.csv")
    assert spec.code == "KE" and spec.scope == "Kenya"
    assert [d.code for d in spec.domains] == ["IL", "CM"]
    assert spec.domains[1].competencies[0].description == "Works with parents,\nacross two lines"
    assert [lv.name for lv in spec.levels] == ["Emerging", "Developing", "Established", "Leading"]


def test_csv_semicolons_and_bom(tmp_path):
    path = tmp_path / "fr.csv"
    path.write_text(
        "\ufeff" + CSV.replace(",", ";").replace("parents;", "parents,"), encoding="utf-8"
    )
    assert load_framework(path).competency_codes() == ["IL.1", "IL.2", "CM.1"]


def test_bad_csv_rows_name_their_line():
    bad = CSV + "KE,Other name,,,,IL,,,IL.1,Again,\n,,,,,IL,,,,No code,\n,,,,,IL,,\n"
    with pytest.raises(FileFormatError) as exc:
        parse_framework_csv(bad, "k.csv")
    found = problems(exc)
    assert (
        6,
        "`framework_name` is 'Other name' here but 'Heads of institutions' above; "
        "one file holds one framework",
    ) in found
    assert (6, "duplicate competency code 'IL.1' (first on line 2)") in found
    assert (7, "empty required cell(s): code") in found
    assert (8, "this row has 8 cells; the header has 11") in found


def test_csv_header_problems():
    with pytest.raises(FileFormatError) as exc:
        parse_framework_csv("code,title,colour\nA,B,red\n", "h.csv")
    ((line, message),) = problems(exc)
    assert line == 1 and "missing column(s) framework_code, framework_name, domain_code" in message
    assert "unknown column(s) colour" in message


def test_missing_file():
    with pytest.raises(FileFormatError, match="file not found"):
        load_framework(ROOT / "nope.yaml")


def test_csv_cell_too_large_for_the_csv_reader_names_its_line():
    huge = CSV + ",,,,,IL,,,IL.3,Huge," + "x" * 200_000 + "\n"
    with pytest.raises(FileFormatError) as exc:
        parse_framework_csv(huge, "k.csv")
    ((line, message),) = problems(exc)
    assert line == 6 and "cannot be read as CSV" in message


def test_csv_problem_in_a_multi_line_row_names_the_row_s_first_line():
    bad = CSV.replace(",,,,,CM,Community,,CM.1,Parents,", ",,,,,CM,,,CM.1,Parents,")
    with pytest.raises(FileFormatError) as exc:
        parse_framework_csv(bad, "k.csv")
    assert problems(exc) == [(4, "the first row of domain 'CM' needs a `domain_title`")]


def test_csv_text_longer_than_the_database_keeps_names_its_line():
    with pytest.raises(FileFormatError) as exc:
        parse_framework_csv(CSV.replace("Supervising teaching", "S" * 201), "k.csv")
    assert problems(exc) == [(3, "`title` is longer than 200 characters")]


@pytest.mark.parametrize(
    "nested",
    [
        "name: " + "[" * 5000 + "]" * 5000,
        "name:\n" + "".join(" " * depth + "- \n" for depth in range(1, 2000)),
        "name: " + "{a: " * 2000 + "1" + "}" * 2000,
    ],
)
def test_deeply_nested_yaml_is_a_problem_at_its_line(nested):
    with pytest.raises(FileFormatError) as exc:
        parse_framework_yaml("code: T\n" + nested + "\n", "deep.yaml")
    ((line, message),) = problems(exc)
    assert line is not None and line >= 2
    assert "nested more than" in message


def test_an_alias_bomb_is_refused_at_its_line_before_anything_expands():
    with pytest.raises(FileFormatError) as exc:
        parse_framework_yaml(alias_bomb(9) + GOOD.replace("name: Emerging", "name: *a9"), "b.yaml")
    ((line, message),) = problems(exc)
    assert 2 <= line <= 10 and "aliases" in message


def test_a_few_aliases_still_work():
    text = GOOD.replace("name: Test framework", "name: &name Test framework") + "scope: *name\n"
    assert parse_framework_yaml(text, "t.yaml").scope == "Test framework"


# What a spreadsheet would run as a formula, each with the way it is sometimes smuggled in.
FORMULAS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "''@twice quoted",
]


def test_csv_cells_a_spreadsheet_would_run_are_written_as_text_and_read_back_as_they_were():
    spec = parse_framework_yaml(GOOD, "t.yaml")
    spec.name, spec.scope, spec.version = "=1+1", "@scope", "-1"
    domain = spec.domains[0]
    domain.title, domain.description = "+Domain", "=Domain description"
    domain.competencies = [
        *(
            CompetencySpec(f"D.{n}", title, description=title)
            for n, title in enumerate(FORMULAS, start=1)
        ),
        CompetencySpec("D.90", "'plain quote stays", "Don't touch - or = inside"),
        CompetencySpec("D.91", "Plain", "'"),
    ]
    text = dump_framework_csv(spec)
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK" in text and "'-2+3" in text and "''=already quoted" in text

    back = parse_framework_csv(text, "t.csv")
    assert (back.name, back.scope, back.version) == ("=1+1", "@scope", "-1")
    assert back.domains == [
        DomainSpec(
            "D",
            "+Domain",
            "=Domain description",
            [
                *(
                    CompetencySpec(f"D.{n}", title, description=title)
                    for n, title in enumerate(FORMULAS, start=1)
                ),
                CompetencySpec("D.90", "'plain quote stays", "Don't touch - or = inside"),
                CompetencySpec("D.91", "Plain", "'"),
            ],
        )
    ]

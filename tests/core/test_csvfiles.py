"""The one CSV reader and writer (app/csvfiles.py): encodings, delimiters, aliases, errors
at their line and column, and the formula guard both ways."""

from __future__ import annotations

import pytest

from app import csvfiles

TEXT = 'Full Name,Mobile,Note\nGrace,+254 712 345 678,hello\n\nAmani,,"two\nlines"\nZawadi,,x\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_utf8_with_or_without_a_bom_and_utf16_with_one_are_read(encoding):
    data = "name\nGrâce\n".encode(encoding)
    if encoding in ("utf-16-le", "cp1252"):  # no mark, or not Unicode: refused, not guessed
        with pytest.raises(csvfiles.CsvError, match="not saved as UTF-8"):
            csvfiles.decode(data)
    else:
        assert csvfiles.decode(data) == "name\nGrâce\n"


def test_a_nul_character_is_refused_at_its_line():
    with pytest.raises(csvfiles.CsvError) as refused:
        csvfiles.decode(b"name\nGrace\nAm\x00ani\n")
    assert refused.value.params == {"line": 3} and "Line 3" in str(refused.value)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_the_one_the_header_has_most_of(delimiter):
    table = csvfiles.read(TEXT.replace(",", delimiter), aliases={"mobile": "phone"})
    assert table.delimiter == delimiter
    assert [row.values for row in table][0] == {
        "full name": "Grace",
        "phone": "+254 712 345 678",
        "note": "hello",
    }


def test_rows_carry_the_line_they_start_on_aliases_and_ignored_columns():
    table = csvfiles.read(TEXT, aliases={"full name": "name"}, ignore=["NOTE"])
    assert table.header == ["name", "mobile", None]
    assert table.header_cells == ["Full Name", "Mobile", "Note"]
    rows = list(table)  # the blank line 3 is no row
    assert [(row.line, row.values) for row in rows] == [
        (2, {"name": "Grace", "mobile": "+254 712 345 678"}),
        (4, {"name": "Amani", "mobile": ""}),
        (6, {"name": "Zawadi", "mobile": ""}),
    ]
    assert rows[1].cells == ["Amani", "", "two\nlines"]


def test_a_row_that_cannot_be_read_names_its_line():
    with pytest.raises(csvfiles.CsvError) as refused:
        list(csvfiles.read('name,phone\nGrace,1\n"Amani,2\n'))
    assert refused.value.params["line"] == 3
    assert "Line 3 cannot be read as CSV" in str(refused.value)


def test_a_cell_that_would_run_is_refused_at_its_line_and_column():
    text = "name,phone,school\n=HYPERLINK(1),+254 712 345 678,@SUM(A1)\nGrace,=1+1,-x\n"
    rows = list(csvfiles.read(text))
    assert [(p.params, p.field) for row in rows for p in row.problems] == [
        ({"line": 2, "char": "="}, "name"),
        ({"line": 2, "char": "@"}, "school"),
        ({"line": 3, "char": "="}, "phone"),
        ({"line": 3, "char": "-"}, "school"),
    ]
    assert rows[0].values == {"phone": "+254 712 345 678"}  # a phone number is no formula
    assert str(rows[0].problems[0]) == "Starts with “=”, which a spreadsheet runs as a formula."


CELLS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "''@twice quoted",
    "'plain quote stays",
    "Don't touch - or = inside",
    "'",
    "+254 712 345 678",
    "+254733111222",
]


def test_every_text_is_written_so_no_formula_runs_and_reads_back_as_it_was():
    text = csvfiles.text(["cell"], ([cell] for cell in CELLS))
    written = [row.cells[0] for row in csvfiles.read(text)]
    runnable = [cell for cell in written if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert runnable == ["+254733111222"]  # a whole E.164 number, plain for SMS tools
    assert [row.values.get("cell") for row in csvfiles.read(text)] == CELLS


def test_only_a_whole_e164_number_escapes_the_guard():
    assert [
        csvfiles.guard(cell)
        for cell in ("+254733111222", "+254 733 111 222", "+1+1", "=1+1", "+0733111222")
    ] == ["+254733111222", "'+254 733 111 222", "'+1+1", "'=1+1", "'+0733111222"]
    assert [csvfiles.guard(v) for v in (None, True, False, 3, -2.5, {"b": 1, "a": "="})] == [
        "",
        "yes",
        "no",
        "3",
        "-2.5",
        '{"a": "=", "b": 1}',
    ]


def test_lines_stream_one_record_at_a_time_with_a_bom_and_a_delimiter_on_request():
    rows = iter([["a", "b;c"], ["=d", "e"]])
    lines = csvfiles.lines(["x", "y"], rows, delimiter=";")
    assert next(lines) == "x;y\r\n"
    assert next(lines) == 'a;"b;c"\r\n'
    assert list(lines) == ["'=d;e\r\n"]
    assert csvfiles.text(None, [["a"]], bom=True) == "\ufeffa\r\n"

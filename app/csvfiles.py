"""CSV files in and out, the same way for every area.

Reading: :func:`decode` turns an upload's bytes into text (UTF-8 with or without a
byte-order mark, or UTF-16 with its mark, as spreadsheets save them; nothing else, and no
NUL), and :func:`read` splits it into rows, each with the line it starts on, its cells
by column name (the header's names lower-cased and the caller's aliases resolved).
The delimiter is whichever of comma, semicolon and tab the header line has most of.

One rule for formulas, both ways. A spreadsheet runs a cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return ("CSV injection"). Written out
(:func:`guard`), such a cell gets a leading ``'``, which a spreadsheet reads as "this is
text", unless it is a whole E.164 phone number (``+254733111222``: nothing a
spreadsheet could run, and a bulk-SMS tool needs it plain). Read back, one leading quote
before a formula character is taken off again (:func:`unguard`), so every text makes the
round trip; a cell that starts a formula without that quote is refused, at its line and
column, unless it is shaped like a phone number: a file a spreadsheet would run
is not taken in.

Problems are :class:`CsvError` (a :class:`~app.errors.ServiceError`): an ``N_()``
template with the line and the column, translated where it is shown.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from app.errors import N_, ServiceError

# A cell a spreadsheet would run; with the quotes our guard may already have put before it,
# so a text that starts with quotes gets one more and reads back as it was.
_NEEDS_GUARD = re.compile(r"'*[=+\-@\t\r]")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")
_FORMULA = re.compile(r"[=+\-@\t\r]")
#: A whole phone number as stored (E.164): written plain.
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# A phone number as people write one (``+254 712 345 678``): read as it is, not refused.
_PHONE_SHAPE = re.compile(r"\+[0-9][0-9 ().\-]*")
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
DELIMITERS = (",", ";", "\t")

NOT_UTF8 = N_(
    "This file is not saved as UTF-8 text. In the spreadsheet choose Save as, then "
    "“CSV UTF-8”, and upload that file."
)
HOLDS_NUL = N_(
    "Line %(line)s holds an invisible NUL character: this is not a CSV file, or it was "
    "saved in another encoding. Save it as “CSV UTF-8”."
)
UNREADABLE = N_("Line %(line)s cannot be read as CSV: %(reason)s.")
FORMULA = N_("Starts with “%(char)s”, which a spreadsheet runs as a formula.")


class CsvError(ServiceError):
    """A file, or one cell of it, that cannot be read: ``params`` name the ``line`` where
    it is known, ``field`` the column."""


# --- reading ----------------------------------------------------------------------------


def decode_bytes(data: bytes) -> str:
    """The text of ``data``: UTF-16 when it starts with a UTF-16 byte-order mark, else
    UTF-8 with or without one. Raises :class:`UnicodeDecodeError`."""
    if data.startswith(_UTF16_MARKS):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def nul_line(text: str) -> int | None:
    """The line of the first NUL character in ``text`` (no text column can store one)."""
    at = text.find("\x00")
    return None if at < 0 else text.count("\n", 0, at) + 1


def decode(data: bytes) -> str:
    """An uploaded CSV file's text; :class:`CsvError` if it is in another encoding or holds
    a NUL character (a file saved in another encoding is often full of them)."""
    try:
        text = decode_bytes(data)
    except UnicodeDecodeError:
        raise CsvError(NOT_UTF8, "file") from None
    line = nul_line(text)
    if line is not None:
        raise CsvError(HOLDS_NUL, "file", line=line)
    return text


def delimiter_of(text: str) -> str:
    """Comma, semicolon or tab: whichever the first line has most of (a comma if none)."""
    first = text.split("\n", 1)[0]
    return max(DELIMITERS, key=first.count)


def unguard(cell: str) -> str:
    """The text of a cell that :func:`guard` may have written."""
    return cell[1:] if _GUARDED.match(cell) else cell


def is_formula(cell: str) -> bool:
    """Whether a spreadsheet would run ``cell`` (a phone number written ``+…`` it would not)."""
    return bool(_FORMULA.match(cell)) and not _PHONE_SHAPE.fullmatch(cell)


def column_name(cell: str) -> str:
    """A header cell as a column name: stripped and lower-cased."""
    return cell.strip().lower()


@dataclass
class Row:
    """One row that is not blank: where it starts, its cells as read, and its values by
    column (stripped, our guard taken off). A cell that starts a formula is left out of
    ``values`` and said in ``problems``."""

    line: int
    cells: list[str]
    values: dict[str, str] = field(default_factory=dict)
    problems: list[CsvError] = field(default_factory=list)


class Table:
    """A CSV text read with :func:`read`: ``header`` (the columns' names, None for a column
    left out), ``header_cells`` as written, ``delimiter``, and its rows when iterated
    (:class:`CsvError` for a row the csv module cannot read: a cell of more than 128 KB,
    a quote never closed)."""

    def __init__(
        self,
        text: str,
        *,
        aliases: Mapping[str, str] | None = None,
        ignore: Iterable[str] = (),
        name: Callable[[str], str] = column_name,
    ) -> None:
        self.delimiter = delimiter_of(text)
        self._reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True
        )
        self._rows = self._read()
        ignored = {column.casefold() for column in ignore}
        first = next(self._rows, None)
        self.header_cells: list[str] = first[1] if first else []
        aliases = aliases or {}
        self.header: list[str | None] = [
            None if cell.strip().casefold() in ignored else aliases.get(name(cell), name(cell))
            for cell in self.header_cells
        ]

    def _read(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            line = self._reader.line_num + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise CsvError(UNREADABLE, "file", line=line, reason=str(error)) from None
            yield line, cells

    def __iter__(self) -> Iterator[Row]:
        header = self.header
        for line, cells in self._rows:
            if not any(c.strip() for i, c in enumerate(cells) if i >= len(header) or header[i]):
                continue  # a blank row, or one with text only in a column left out
            row = Row(line, cells)
            for column, cell in zip(header, cells, strict=False):
                if column is None:
                    continue
                value = cell.strip()
                if is_formula(value):
                    row.problems.append(CsvError(FORMULA, column, line=line, char=value[0]))
                    continue
                row.values[column] = unguard(value)
            yield row


def read(
    text: str,
    *,
    aliases: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    name: Callable[[str], str] = column_name,
) -> Table:
    """``text`` as a :class:`Table`. ``name`` makes a header cell a column name (stripped
    and lower-cased), then ``aliases`` map other names to the caller's own; a header cell in
    ``ignore`` (casefolded) is left out of every row's values."""
    return Table(text, aliases=aliases, ignore=ignore, name=name)


# --- writing ----------------------------------------------------------------------------


def guard(value) -> str:
    """A value as a cell a spreadsheet shows as text, never runs: a formula character gets a
    leading quote, a whole E.164 number stays plain. Numbers stay numbers, ``None`` is
    empty, a yes/no is ``yes``/``no``, a list or mapping is JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True, default=str)
    text = str(value)
    if E164.fullmatch(text):
        return text
    return "'" + text if _NEEDS_GUARD.match(text) else text


class _Line:
    """Where the csv module writes one row, read back at once."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text


def lines(
    header: Iterable | None, rows: Iterable[Iterable], *, delimiter: str = ","
) -> Iterator[str]:
    """Each row (the header first, if any) as one CSV record ending in CR LF, as RFC 4180
    and spreadsheets have it (the csv module then also quotes a cell holding a lone CR,
    which would otherwise end the row early); every cell through :func:`guard`. A
    generator, so a long file can be streamed."""
    out = _Line()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows if header is None else _with_header(header, rows):
        writer.writerow([guard(cell) for cell in row])
        yield out.text
        out.text = ""


def _with_header(header: Iterable, rows: Iterable[Iterable]) -> Iterator[Iterable]:
    yield header
    yield from rows


def text(
    header: Iterable | None,
    rows: Iterable[Iterable],
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> str:
    """A whole CSV document of :func:`lines`; ``bom`` starts it with a byte-order mark, so a
    spreadsheet opens its accents right."""
    return ("\ufeff" if bom else "") + "".join(lines(header, rows, delimiter=delimiter))

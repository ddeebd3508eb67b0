"""A framework file of either kind: YAML or CSV chosen by the file's extension, read from
bytes in UTF-8 (or UTF-16 with its mark) and written back."""

from __future__ import annotations

from pathlib import Path

from app import csvfiles

from .csv_format import dump_framework_csv, parse_framework_csv
from .problems import FileFormatError, Problem
from .spec import FrameworkSpec
from .yaml_format import dump_framework_yaml, parse_framework_yaml

# The kinds of file a framework can be read from and written to.
FILE_EXTENSIONS = ("yaml", "yml", "csv")


def load_framework(path: str | Path) -> FrameworkSpec:
    """Read a framework from a ``.yaml``/``.yml`` or ``.csv`` file."""
    path = Path(path)
    return parse_framework(_read_text(path), str(path))


def parse_framework(text: str, path: str) -> FrameworkSpec:
    """Read a framework from the text of the file named ``path``: CSV by its extension,
    else YAML. ``path`` only names the file in problems (an upload has no real path)."""
    if Path(path).suffix.lower() == ".csv":
        return parse_framework_csv(text, path)
    return parse_framework_yaml(text, path)


def dump_framework(spec: FrameworkSpec, path: str | Path) -> str:
    """The framework as the text of the file named ``path``: CSV by its extension, else YAML."""
    return (
        dump_framework_csv(spec)
        if Path(path).suffix.lower() == ".csv"
        else dump_framework_yaml(spec)
    )


def write_framework(spec: FrameworkSpec, path: str | Path) -> Path:
    """Write YAML or CSV, chosen by the file's extension."""
    path = Path(path)
    text = dump_framework(spec, path)
    path.write_text(text, encoding="utf-8")
    return path


def decode_text(data: bytes, path: str) -> str:
    """The text of a file's bytes, every framework and course file read through here: UTF-8
    with or without a byte-order mark, or UTF-16 with one, as :mod:`app.csvfiles` reads
    them. Raise FileFormatError naming ``path`` if it is neither or holds a NUL character,
    which no text column can store (PostgreSQL refuses it)."""
    try:
        text = csvfiles.decode_bytes(data)
    except UnicodeDecodeError as exc:
        raise FileFormatError([Problem(path, None, f"not UTF-8 text ({exc.reason})")]) from None
    line = csvfiles.nul_line(text)
    if line is not None:
        raise FileFormatError(
            [
                Problem(
                    path,
                    line,
                    "this line holds a NUL character (\\x00), which text cannot hold: remove "
                    "it (a file saved as UTF-16 without its byte-order mark is full of them; "
                    "save it as UTF-8)",
                )
            ]
        )
    return text


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError([Problem(str(path), None, "file not found")]) from None
    return decode_text(data, str(path))

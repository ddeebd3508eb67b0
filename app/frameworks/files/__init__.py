"""Competency frameworks as files: YAML and CSV, read into plain dataclasses and written back.

No Flask and no database here, so authors' files can be checked anywhere (a test, a
pre-commit hook, the import command). Every problem names the file and the line, and
all problems in a file are reported together so an author fixes them in one pass.

The format is documented in ``courses/README.md``. The modules: ``spec`` (the data and
its rules), ``problems`` (what is wrong, where), ``yaml_io`` (YAML with line numbers,
also used by course files), ``yaml_format`` and ``csv_format`` (each kind of file),
``translations`` (a YAML file's ``translations:`` block; a CSV's are its
``<column>.<language>`` columns), and ``formats`` (either kind, by the file's extension).
"""

from .csv_format import CSV_COLUMNS, dump_framework_csv, parse_framework_csv
from .formats import (
    FILE_EXTENSIONS,
    decode_text,
    dump_framework,
    load_framework,
    parse_framework,
    write_framework,
)
from .problems import FileFormatError, Problem
from .spec import (
    CODE_RE,
    DEFAULT_LEVELS,
    LANGUAGE_RE,
    MAX_LANGUAGE,
    MAX_LEVEL_NAME,
    MAX_TITLE,
    MAX_VERSION,
    CompetencySpec,
    DomainSpec,
    FrameworkSpec,
    LevelSpec,
)
from .yaml_format import dump_framework_yaml, framework_to_dict, parse_framework_yaml
from .yaml_io import FieldReader, LineDict, LineList, dump_yaml, load_yaml

__all__ = [
    "CODE_RE",
    "CSV_COLUMNS",
    "DEFAULT_LEVELS",
    "FILE_EXTENSIONS",
    "LANGUAGE_RE",
    "MAX_LANGUAGE",
    "MAX_LEVEL_NAME",
    "MAX_TITLE",
    "MAX_VERSION",
    "CompetencySpec",
    "DomainSpec",
    "FieldReader",
    "FileFormatError",
    "FrameworkSpec",
    "LevelSpec",
    "LineDict",
    "LineList",
    "Problem",
    "decode_text",
    "dump_framework",
    "dump_framework_csv",
    "dump_framework_yaml",
    "dump_yaml",
    "framework_to_dict",
    "load_framework",
    "load_yaml",
    "parse_framework",
    "parse_framework_csv",
    "parse_framework_yaml",
    "write_framework",
]

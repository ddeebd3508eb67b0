"""What is wrong with a file: each problem names the file and the line, and a
FileFormatError carries every problem found so an author fixes them in one pass."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, at one line (when a line is known)."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class FileFormatError(ValueError):
    """A file (or a package of files) could not be read; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

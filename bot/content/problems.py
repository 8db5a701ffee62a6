"""A problem found in content, printed as `file:line: message` for curators."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

# where a file named relative to the project (not to the content root) is, see under_root
_PROJECT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    level: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.level == "warning" else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


def under_root(problems: Iterable[Problem], root: Path) -> list[Problem]:
    """The problems with each file under the content root named relative to it, as the intents'
    are: the assessment's loader names a file by its absolute path, or relative to the project
    when it lies there. Files elsewhere keep the name they have."""
    base = root.resolve()
    named = []
    for problem in problems:
        path = Path(problem.file)
        path = path if path.is_absolute() else _PROJECT / path
        try:
            problem = replace(problem, file=str(path.resolve().relative_to(base)))
        except ValueError:
            pass
        named.append(problem)
    return named


class ContentError(Exception):
    """Raised when content cannot be served; carries every problem, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.level == "error"]
        super().__init__("\n".join(str(p) for p in errors))

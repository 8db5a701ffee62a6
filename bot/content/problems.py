"""A problem found in content, printed as `file:line: message` for curators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    level: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.level == "warning" else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


class ContentError(Exception):
    """Raised when content cannot be served; carries every problem, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.level == "error"]
        super().__init__("\n".join(str(p) for p in errors))

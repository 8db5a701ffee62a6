"""Checks shared by every content loader (intents/, responses/, assessment/): a YAML file read
into a tree plus problems, a mapping's fields against a spec, and a list of texts.

One place, so a curator sees the same message for the same mistake in any file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.content.problems import Problem
from bot.content.yamlsrc import LineDict, LineList, parse


def read_yaml(path: Path, name: str) -> tuple[Any, list[Problem]]:
    """The file's tree (None if unusable) and its problems, reported under `name`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, 1, f"cannot read file: {exc}")]
    tree, yaml_problems = parse(text)
    problems = [Problem(name, p.line, p.message) for p in yaml_problems]
    if tree is None and not yaml_problems:
        problems.append(Problem(name, 1, "file is empty"))
    return tree, problems


def check_fields(
    tree: Any, spec: dict[str, bool], file: str, what: str, problems: list[Problem], line: int = 1
) -> bool:
    """Report unknown and missing fields (spec: name -> required); False if `tree` is unusable."""
    if not isinstance(tree, LineDict):
        problems.append(
            Problem(file, getattr(tree, "line", line), f"{what} must be a mapping of fields")
        )
        return False
    for key in tree:
        if key not in spec:
            allowed = ", ".join(spec)
            problems.append(
                Problem(
                    file, tree.line_of(key), f"unknown field '{key}' in {what} (allowed: {allowed})"
                )
            )
    ok = True
    for key, required in spec.items():
        if required and key not in tree:
            problems.append(Problem(file, tree.line, f"{what} is missing required field '{key}'"))
            ok = False
    return ok


def list_items(
    value: Any, line: int, what: str, file: str, problems: list[Problem]
) -> LineList | None:
    """The list a field holds; None when the field is absent (a required one is reported by
    check_fields) or holds something else, reported as "`what` must be a list"."""
    if value is None:
        return None
    if not isinstance(value, LineList):
        problems.append(Problem(file, line, f"{what} must be a list"))
        return None
    return value


def text_items(
    value: Any, line: int, what: str, file: str, problems: list[Problem]
) -> list[tuple[str, int]]:
    """A list of non-empty texts with their lines (numbers are read as text); None is empty."""
    value = list_items(value, line, what, file, problems)
    if value is None:
        return []
    out = []
    for index, item in enumerate(value):
        if isinstance(item, int | float) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str) or not item.strip():
            problems.append(
                Problem(file, value.line_of(index), f"{what} item must be non-empty text")
            )
            continue
        out.append((item.strip(), value.line_of(index)))
    return out

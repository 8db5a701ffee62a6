"""YAML with line numbers: the loader curators' error messages depend on.

PyYAML's plain `safe_load` forgets where things were. Here every mapping and list keeps the
1-based line of itself, of each key and of each item, so a message can say `file:line`.
Duplicate keys, which PyYAML silently lets the last one win, are reported as errors, and so are
anchors and aliases (`&name`, `*name`): content is written by hand and has no need of them, and
nested aliases expand exponentially ("billion laughs"). A scalar YAML reads as a date that does
not exist (`2027-02-30`) is a problem at its line, not a ValueError.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


class LineDict(dict[str, Any]):
    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


@dataclass(frozen=True)
class YamlProblem:
    line: int
    message: str


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses an anchor or alias as it is composed, before anything could expand it."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases (&name, *name) are not allowed in content; "
                "write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def parse(text: str) -> tuple[Any, list[YamlProblem]]:
    """Parse one YAML document; return (tree, problems). A syntax error gives (None, [problem])."""
    try:
        node = yaml.compose(text, Loader=_NoAliasLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or "invalid YAML"
        return None, [YamlProblem(line, f"invalid YAML: {what}")]
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors in practice
        return None, [YamlProblem(1, f"invalid YAML: {exc}")]
    except RecursionError:  # thousands of nested brackets: PyYAML's composer recurses
        return None, [YamlProblem(1, "invalid YAML: nested too deeply")]
    if node is None:
        return None, []
    problems: list[YamlProblem] = []
    constructor = yaml.SafeLoader("")
    try:
        return _convert(node, constructor, problems), problems
    except RecursionError:
        return None, [YamlProblem(1, "invalid YAML: nested too deeply")]


def _convert(node: yaml.Node, constructor: yaml.SafeLoader, problems: list[YamlProblem]) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, constructor, problems)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                problems.append(
                    YamlProblem(
                        line, f"duplicate key '{key}' (first at line {result.key_lines[key]})"
                    )
                )
                continue
            result[key] = _convert(value_node, constructor, problems)
            result.key_lines[key] = line
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LineList()
        items.line = node.start_mark.line + 1
        items.item_lines = []
        for item in node.value:
            items.append(_convert(item, constructor, problems))
            items.item_lines.append(item.start_mark.line + 1)
        return items
    try:
        return constructor.construct_object(node, deep=True)
    except ValueError:  # a timestamp-shaped scalar naming a day that does not exist
        message = f"'{node.value}' is not a real date (quote it if it is meant as text)"
    except yaml.YAMLError as exc:  # a tag it cannot build: a stray `<<:` merge key, bad !!binary
        message = f"invalid YAML: {getattr(exc, 'problem', None) or exc}"
    problems.append(YamlProblem(node.start_mark.line + 1, message))
    return str(node.value)

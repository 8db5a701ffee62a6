"""The layers of bot/ run one way: a module imports only its own layer and the ones below it,
and no two parts import each other, even through a third.

Bottom up (docs and STYLE.md draw the same picture): the values every layer shares; content
(files -> values); nlu (matching, reads content); rolefit (the assessment); the store's ports;
dialogue (the engine); the store implementations; settings; the runtime that assembles engines
and the curator tools; the adapters; the composition root; and the entry points at the top.
Every import counts, including ones inside a function or under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import REPO

# Bottom first. A module belongs to the longest part that prefixes its name, so the store's
# ports (store.base) sit below the engine that uses them and the implementations above it, and
# slack.cli (an entry point that calls the composition root) above the rest of slack/.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("bot.values",),
    ("bot.content",),
    ("bot.nlu",),
    ("bot.rolefit",),
    ("bot.store.base",),
    ("bot.dialogue",),
    ("bot.store",),
    ("bot.settings",),
    ("bot.runtime", "bot.curation", "bot.evaluation"),
    ("bot.slack", "bot.terminal"),
    ("bot.app",),
    ("bot.cli", "bot.slack.cli", "bot.__main__"),
)
LEVEL = {part: level for level, parts in enumerate(LAYERS) for part in parts}


def part_of(module: str) -> str | None:
    candidates = [p for p in LEVEL if module == p or module.startswith(p + ".")]
    return max(candidates, key=len) if candidates else None


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((REPO / "bot").rglob("*.py")):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        if name != "bot":  # the package's own __init__ holds nothing
            found[name] = path
    return found


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return {name for name in found if name.startswith("bot.")}


def dependencies() -> dict[str, dict[str, set[str]]]:
    """part -> part it imports -> the modules that do, for messages that say where to look."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for module, path in modules().items():
        source = part_of(module)
        assert source is not None, f"{module} is in no layer: add it to LAYERS in {__file__}"
        for name in imports(path):
            target = part_of(name)
            assert target is not None, f"{module} imports {name}, which is in no layer"
            if target != source:
                graph[source][target].add(module)
    return graph


def cycle(graph: dict[str, dict[str, set[str]]]) -> list[str]:
    """One cycle between parts, as the path around it, or [] when there is none."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once explored

    def visit(part: str, path: list[str]) -> list[str]:
        state[part] = "open"
        for target in sorted(graph.get(part, {})):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target] if target in path else [part, target]
            if target not in state:
                found = visit(target, [*path, target])
                if found:
                    return found
        state[part] = "done"
        return []

    for part in sorted(graph):
        if part not in state:
            found = visit(part, [part])
            if found:
                return found
    return []


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = [
        f"{module} ({source}) imports {target}, a layer above"
        for source, targets in dependencies().items()
        for target, where in targets.items()
        if LEVEL[target] > LEVEL[source]
        for module in sorted(where)
    ]
    assert upward == []


def test_no_two_parts_import_each_other() -> None:
    found = cycle(dependencies())
    assert found == [], "import cycle: " + " -> ".join(found)


def test_the_checks_catch_an_upward_import_and_a_cycle() -> None:
    """The two checks above would pass on a graph they could not read; show they can fail."""
    graph: dict[str, dict[str, set[str]]] = {
        "bot.dialogue": {"bot.rolefit": {"bot.dialogue.engine"}},
        "bot.rolefit": {"bot.dialogue": {"bot.rolefit.flow"}},
    }
    assert cycle(graph) in (
        ["bot.dialogue", "bot.rolefit", "bot.dialogue"],
        ["bot.rolefit", "bot.dialogue", "bot.rolefit"],
    )
    assert LEVEL["bot.rolefit"] < LEVEL["bot.dialogue"]  # so rolefit -> dialogue is upward
    assert part_of("bot.store.sqlite") == "bot.store"
    assert part_of("bot.store.base") == "bot.store.base"

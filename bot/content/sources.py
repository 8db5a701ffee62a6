"""The sources every quote cites: responses/sources.yml read once, and quotes checked against the
sources' captured text once, for every file that cites them (the answers and the assessment).

The assessment loader takes its source ids from here; it never parses sources.yml itself, and
`rolebot validate` reads each source's text once, whichever file a quote is in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from bot.content.fields import read_yaml
from bot.content.load import SOURCES_FILE, default_root, source_list
from bot.content.problems import Problem
from bot.values.content import Citation, Source

_SQUASH = re.compile(r"[\W_]+")


def default_sources_path() -> Path:
    """The source list shipped with the project: responses/sources.yml."""
    return default_root() / "responses" / SOURCES_FILE


def load_sources(path: Path, name: str | None = None) -> tuple[list[Source], list[Problem]]:
    """The sources in `path` (a sources.yml), problems reported under `name`."""
    name = name or str(path)
    tree, problems = read_yaml(path, name)
    if tree is None:
        return [], problems
    return source_list(tree, name, problems), problems


def squash(text: str) -> str:
    """Case, whitespace and punctuation removed: quotes survive curly quotes and line breaks."""
    return _SQUASH.sub("", text.casefold())


def check_quotes(
    citations: Iterable[Citation], sources: Iterable[Source], sources_dir: Path
) -> list[Problem]:
    """Every quote must appear in its source's captured text (case, spaces, punctuation aside).

    Each source's text is read once; a source without one is reported at its entry.
    """
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for source in sources:
        if not source.file:
            problems.append(
                Problem(
                    source.origin.file,
                    source.origin.line,
                    f"source '{source.id}' names no 'file' to check quotes against",
                )
            )
            continue
        path = sources_dir / source.file
        try:
            texts[source.id] = squash(path.read_text(encoding="utf-8"))
        except OSError as exc:
            problems.append(
                Problem(
                    source.origin.file,
                    source.origin.line,
                    f"cannot read source text {path}: {exc.strerror}",
                )
            )
    for citation in citations:
        text = texts.get(citation.source)
        if text is not None and citation.quote and squash(citation.quote) not in text:
            problems.append(
                Problem(
                    citation.origin.file,
                    citation.origin.line,
                    f"quote not found in source '{citation.source}': \"{citation.quote[:60]}...\"",
                )
            )
    return problems

"""Read intents/, responses/ and domain.yml into the content model, with every structural problem.

Owns the file layout and field names; cross-file rules (ids that must match) live in
validate.py, quotes against the sources' text in sources.py. Never raises on bad content: it returns what it
could build and the list of problems, so `rolebot validate` can report them all at once.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from bot.content.domain import DOMAIN_FILE, load_domain
from bot.content.fields import check_fields, list_items, read_yaml, text_items
from bot.content.problems import Problem
from bot.content.yamlsrc import LineDict, LineList
from bot.values.content import (
    Citation,
    Claim,
    Content,
    Example,
    Intent,
    Origin,
    Response,
    Source,
)

INTENT_FIELDS = {
    "id": True,
    "description": True,
    "examples": True,
    "keywords": False,
    "kind": False,
    "asked": False,
}
RESPONSE_FIELDS = {
    "id": True,
    "title": True,
    "short": True,
    "body": True,
    "citations": False,
    "related": False,
    "owner": False,
    "review_by": False,
}
SOURCE_FIELDS = {
    "id": True,
    "title": True,
    "publisher": True,
    "kind": True,
    "url": True,
    "file": False,
}
CITATION_FIELDS = {"source": True, "quote": True}
CLAIM_FIELDS = {"text": True, "cites": False}
INTENT_KINDS = ("knowledge", "conversation")
SOURCES_FILE = "sources.yml"
OUT_OF_SCOPE_FILE = "out_of_scope.yml"
OUT_OF_SCOPE_FIELDS = {
    "description": True,
    "examples": True,
    "other_roles": False,
    "asked": False,
}


def default_root() -> Path:
    """The content shipped with the project: the repository root holding intents/ and responses/."""
    return Path(__file__).resolve().parents[2]


# content already read in this process, by what its files were when read: a process that builds
# many engines over the same files (tests, a reload that changed nothing) parses them once
_READ: dict[tuple[str, tuple[tuple[str, int, int], ...]], tuple[Content, tuple[Problem, ...]]] = {}


def _fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file the loader may read, with its modification time and size."""
    found = []
    for path in [
        *_yaml_files(root / "intents"),
        *_yaml_files(root / "responses"),
        root / OUT_OF_SCOPE_FILE,
        root / DOMAIN_FILE,
    ]:
        try:
            stat = path.stat()
        except OSError:
            continue
        found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def load_content(root: Path, fresh: bool = False) -> tuple[Content, list[Problem]]:
    """Everything under `root`, and every problem found reading it (file:line). `fresh`: parse
    the files even if this process read them as they are (what `make bench` times)."""
    key = (str(root.resolve()), _fingerprint(root))
    if fresh or key not in _READ:
        content, problems = _load_content(root)
        if len(_READ) >= 8:  # a few content versions are all a process needs again
            del _READ[next(iter(_READ))]
        _READ[key] = (content, tuple(problems))
    content, found = _READ[key]
    return content, list(found)


def _load_content(root: Path) -> tuple[Content, list[Problem]]:
    problems: list[Problem] = []
    intents: list[Intent] = []
    responses: list[Response] = []
    sources: list[Source] = []
    for sub in ("intents", "responses"):
        if not (root / sub).is_dir():
            problems.append(Problem(str(root / sub), 0, f"missing content folder '{sub}/'"))
    for path in _yaml_files(root / "intents"):
        tree = _read(path, root, problems)
        if tree is not None:
            intent = _intent(tree, _rel(path, root), problems)
            if intent:
                intents.append(intent)
    for path in _yaml_files(root / "responses"):
        tree = _read(path, root, problems)
        if tree is None:
            continue
        if path.name == SOURCES_FILE:
            sources.extend(source_list(tree, _rel(path, root), problems))
        else:
            response = _response(tree, _rel(path, root), problems)
            if response:
                responses.append(response)
    terms = frozenset(k for i in intents if i.kind == "knowledge" for k in i.keywords)
    domain, domain_problems = load_domain(root)
    problems += domain_problems
    out_of_scope, other_roles, out_of_scope_asked = _out_of_scope(root, problems)
    content = Content(
        tuple(intents),
        tuple(responses),
        tuple(sources),
        terms,
        domain,
        out_of_scope,
        other_roles,
        out_of_scope_asked,
    )
    return content, problems


def _out_of_scope(
    root: Path, problems: list[Problem]
) -> tuple[tuple[Example, ...], frozenset[str], tuple[Example, ...]]:
    """`out_of_scope.yml`: near-topic questions we do not answer, titles not ours, and near-topic
    questions people really asked (all optional)."""
    path = root / OUT_OF_SCOPE_FILE
    if not path.is_file():
        return (), frozenset(), ()
    tree = _read(path, root, problems)
    if tree is None:
        return (), frozenset(), ()
    file = _rel(path, root)
    if not check_fields(tree, OUT_OF_SCOPE_FIELDS, file, "out-of-scope list", problems):
        return (), frozenset(), ()
    examples = _examples(tree, "examples", file, problems)
    roles = frozenset(r.lower().strip() for r, _ in _strings(tree, "other_roles", file, problems))
    asked = _examples(tree, "asked", file, problems)
    return examples, roles, asked


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _read(path: Path, root: Path, problems: list[Problem]) -> Any:
    tree, found = read_yaml(path, _rel(path, root))
    problems.extend(found)
    return tree


def _text(tree: LineDict, key: str, file: str, problems: list[Problem], what: str) -> str:
    value = tree.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(
            Problem(file, tree.line_of(key), f"'{key}' of {what} must be non-empty text")
        )
        return ""
    return value.strip()


def _strings(tree: LineDict, key: str, file: str, problems: list[Problem]) -> list[tuple[str, int]]:
    return text_items(tree.get(key), tree.line_of(key), f"'{key}'", file, problems)


def _examples(tree: LineDict, key: str, file: str, problems: list[Problem]) -> tuple[Example, ...]:
    """A list of phrasings (`examples`, `asked`), each with the line it is on."""
    return tuple(Example(t, Origin(file, line)) for t, line in _strings(tree, key, file, problems))


def _intent(tree: Any, file: str, problems: list[Problem]) -> Intent | None:
    if not check_fields(tree, INTENT_FIELDS, file, "intent", problems):
        return None
    intent_id = _text(tree, "id", file, problems, "intent")
    kind = tree.get("kind", "knowledge")
    if kind not in INTENT_KINDS:
        problems.append(
            Problem(file, tree.line_of("kind"), f"kind must be one of {', '.join(INTENT_KINDS)}")
        )
        kind = "knowledge"
    examples = _examples(tree, "examples", file, problems)
    keywords = tuple(k.lower() for k, _ in _strings(tree, "keywords", file, problems))
    asked = _examples(tree, "asked", file, problems)
    if not intent_id:
        return None
    return Intent(
        id=intent_id,
        description=_text(tree, "description", file, problems, "intent"),
        examples=examples,
        keywords=keywords,
        origin=Origin(file, tree.line_of("id")),
        kind=kind,
        asked=asked,
    )


def _response(tree: Any, file: str, problems: list[Problem]) -> Response | None:
    if not check_fields(tree, RESPONSE_FIELDS, file, "response", problems):
        return None
    citations: list[Citation] = []
    raw = (
        list_items(tree.get("citations"), tree.line_of("citations"), "'citations'", file, problems)
        or LineList()
    )
    for index, item in enumerate(raw):
        line = raw.line_of(index)
        if not check_fields(item, CITATION_FIELDS, file, "citation", problems, line):
            continue
        quote = item.get("quote")
        source = item.get("source")
        if not isinstance(quote, str) or not quote.strip():
            problems.append(Problem(file, item.line_of("quote"), "citation quote is empty"))
            quote = ""
        if not isinstance(source, str) or not source.strip():
            problems.append(
                Problem(file, item.line_of("source"), "citation source must be a source id")
            )
            source = ""
        citations.append(Citation(source.strip(), " ".join(quote.split()), Origin(file, line)))
    review_by = tree.get("review_by")
    if review_by is not None and not isinstance(review_by, dt.date):
        problems.append(
            Problem(file, tree.line_of("review_by"), "review_by must be a date (YYYY-MM-DD)")
        )
        review_by = None
    owner = tree.get("owner")
    body, claims = _body(tree, file, problems)
    response_id = _text(tree, "id", file, problems, "response")
    if not response_id:
        return None
    return Response(
        id=response_id,
        title=_text(tree, "title", file, problems, "response"),
        short=_text(tree, "short", file, problems, "response"),
        body=body,
        citations=tuple(citations),
        related=tuple(r for r, _ in _strings(tree, "related", file, problems)),
        origin=Origin(file, tree.line_of("id")),
        owner=str(owner) if owner is not None else None,
        review_by=review_by,
        claims=claims,
    )


_BULLET = re.compile(r"(?:[\u2022*-]|\d+\.)\s")


def _body(tree: LineDict, file: str, problems: list[Problem]) -> tuple[str, tuple[Claim, ...]]:
    """A body is a list of claims (`- text: ...` with `cites: [1, 3]`, numbers of the answer's
    citations), or plain text (only for a reply that cites nothing: validate checks). The text
    shown joins the claims: a bullet or numbered item follows the one before it on the next
    line; anything else starts a paragraph."""
    value = tree.get("body")
    if not isinstance(value, LineList):
        return _text(tree, "body", file, problems, "response"), ()
    claims: list[Claim] = []
    for index, item in enumerate(value):
        line = value.line_of(index)
        if not check_fields(item, CLAIM_FIELDS, file, "body item", problems, line):
            continue
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(file, line, "body item 'text' must be non-empty text"))
            continue
        raw = item.get("cites", [])
        raw = [raw] if isinstance(raw, int) else raw
        if not isinstance(raw, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in raw
        ):
            problems.append(
                Problem(
                    file,
                    item.line_of("cites"),
                    "'cites' must be a list of citation numbers, e.g. [1, 3]",
                )
            )
            raw = []
        claims.append(Claim(text.strip(), tuple(raw), Origin(file, line)))
    if not claims:
        problems.append(Problem(file, tree.line_of("body"), "'body' of response has no items"))
    body = ""
    for claim in claims:
        joint = "\n" if body and _BULLET.match(claim.text) else "\n\n"
        body += (joint if body else "") + claim.text
    return body, tuple(claims)


def source_list(tree: Any, file: str, problems: list[Problem]) -> list[Source]:
    """The entries of a parsed responses/sources.yml (content/sources.py reads one on its own)."""
    if not isinstance(tree, LineDict) or not isinstance(tree.get("sources"), LineList):
        problems.append(
            Problem(file, getattr(tree, "line", 1), "sources.yml must hold a 'sources:' list")
        )
        return []
    out = []
    items = tree["sources"]
    for index, item in enumerate(items):
        if not check_fields(item, SOURCE_FIELDS, file, "source", problems, items.line_of(index)):
            continue
        url = item.get("url")
        if url is not None and not (isinstance(url, str) and url.strip()):
            # else answers say "address not known" for a source given one (null means unknown)
            problems.append(
                Problem(file, item.line_of("url"), "url of source must be an address, or null")
            )
        source_file = item.get("file")
        if source_file is not None and not isinstance(source_file, str):
            problems.append(Problem(file, item.line_of("file"), "file of source must be a path"))
            source_file = None
        out.append(
            Source(
                id=_text(item, "id", file, problems, "source"),
                title=_text(item, "title", file, problems, "source"),
                publisher=_text(item, "publisher", file, problems, "source"),
                kind=_text(item, "kind", file, problems, "source"),
                url=url.strip() if isinstance(url, str) and url.strip() else None,
                file=source_file,
                origin=Origin(file, item.line_of("id")),
            )
        )
    return out

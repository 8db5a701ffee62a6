"""Read domain.yml: the ids, role titles and wording the code relies on, as a `Domain`.

Owns the file's fields and their shape; that the intents it names exist is a cross-file rule,
checked in validate.py with the rest. Like the other loaders it never raises on bad content:
every problem comes back as `file:line: message`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.content.fields import check_fields, read_yaml, text_items
from bot.content.problems import Problem
from bot.content.yamlsrc import LineDict
from bot.values.content import Domain, Origin

DOMAIN_FILE = "domain.yml"
ROLE_PLACEHOLDER = "{role}"
_FIELDS = {
    "assessment_intent": False,
    "offer_assessment_after": False,
    "help_intent": False,
    "fallback": True,
    "roles": False,
    "role_holder": False,
}
_FALLBACK_FIELDS = {"text": True, "topics": False}


def load_domain(root: Path) -> tuple[Domain, list[Problem]]:
    """The root's domain.yml; an empty Domain (and the problems) if it is missing or broken."""
    path = root / DOMAIN_FILE
    if not path.is_file():
        return Domain(), [Problem(DOMAIN_FILE, 0, f"missing content file '{DOMAIN_FILE}'")]
    tree, problems = read_yaml(path, DOMAIN_FILE)
    if tree is None or not check_fields(tree, _FIELDS, DOMAIN_FILE, DOMAIN_FILE, problems):
        return Domain(), problems
    return _domain(tree, problems), problems


def _domain(tree: LineDict, problems: list[Problem]) -> Domain:
    fallback = tree["fallback"]
    text, topics = "", []
    if check_fields(
        fallback, _FALLBACK_FIELDS, DOMAIN_FILE, "fallback", problems, tree.line_of("fallback")
    ):
        text = _text(fallback, "text", problems) or ""
        topics = _ids(fallback, "topics", problems)
    roles = tuple(r.lower() for r in _ids(tree, "roles", problems))
    return Domain(
        fallback_text=text,
        fallback_topics=tuple(topics),
        assessment_intent=_text(tree, "assessment_intent", problems),
        offer_assessment_after=tuple(_ids(tree, "offer_assessment_after", problems)),
        help_intent=_text(tree, "help_intent", problems),
        roles=roles,
        role_holder=_role_holder(tree, roles, problems),
        origin=Origin(DOMAIN_FILE, tree.line),
        key_lines=(
            *((key, tree.line_of(key)) for key in tree),
            (
                "fallback.topics",
                fallback.line_of("topics")
                if isinstance(fallback, LineDict)
                else tree.line_of("fallback"),
            ),
        ),
    )


def _text(tree: LineDict, key: str, problems: list[Problem]) -> str | None:
    value: Any = tree.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(DOMAIN_FILE, tree.line_of(key), f"'{key}' must be non-empty text"))
        return None
    return " ".join(value.split())


def _ids(tree: LineDict, key: str, problems: list[Problem]) -> list[str]:
    return [
        t
        for t, _ in text_items(tree.get(key), tree.line_of(key), f"'{key}'", DOMAIN_FILE, problems)
    ]


def _role_holder(tree: LineDict, roles: tuple[str, ...], problems: list[Problem]) -> str | None:
    """The pattern with {role} standing for any of the roles, checked to compile."""
    pattern = tree.get("role_holder")
    if pattern is None:
        return None
    line = tree.line_of("role_holder")
    if not isinstance(pattern, str) or not pattern.strip():
        problems.append(Problem(DOMAIN_FILE, line, "'role_holder' must be non-empty text"))
        return None
    pattern = pattern.strip()
    if ROLE_PLACEHOLDER in pattern and not roles:
        problems.append(Problem(DOMAIN_FILE, line, "role_holder uses {role} but 'roles' is empty"))
        return None
    expanded = pattern.replace(ROLE_PLACEHOLDER, "(" + "|".join(re.escape(r) for r in roles) + ")")
    try:
        re.compile(expanded)
    except re.error as exc:
        problems.append(Problem(DOMAIN_FILE, line, f"role_holder is not a valid pattern: {exc}"))
        return None
    return expanded

"""Shared fixtures: the shipped content, and small content trees built in tmp folders."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.content.load import default_root
from bot.nlu.fusion import Understanding
from bot.nlu.lint import load_validated
from bot.nlu.matcher import Matcher
from bot.runtime import build_matcher
from bot.values.content import Content
from tests.support.standin import SlackStandIn

REPO = default_root()
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shipped() -> Content:
    content, problems = load_validated(REPO)
    errors = [str(p) for p in problems if p.level == "error"]
    assert not errors, errors
    return content


@pytest.fixture(scope="session")
def matcher(shipped: Content) -> Matcher:
    return Matcher.for_content(shipped)


@pytest.fixture(scope="session")
def understanding(shipped: Content) -> Understanding:
    """The matcher the bot serves with: lexical plus the real sentence model."""
    found = build_matcher(shipped, REPO)
    assert isinstance(found, Understanding) and found.semantic_available, found
    return found


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    """The local stand-in for Slack's Web API (and Socket Mode), on a free loopback port."""
    stand_in = SlackStandIn()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


WriteTree = Callable[[dict[str, str]], Path]
MINIMAL_DOMAIN = "fallback:\n  text: I can only help with what my content covers.\n"


@pytest.fixture
def write_tree(tmp_path: Path) -> WriteTree:
    """Write {relative path: YAML text} under a fresh content root and return the root.

    The root gets a minimal domain.yml unless `files` has one."""

    def write(files: dict[str, str]) -> Path:
        for rel in ("intents", "responses"):
            (tmp_path / rel).mkdir(exist_ok=True)
        files = {"domain.yml": MINIMAL_DOMAIN, **files}
        for rel, text in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return tmp_path

    return write

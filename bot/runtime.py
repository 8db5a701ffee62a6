"""Assembling a ready engine from files: content, matcher, assessment and store.

The CLI and the Slack server both start here, so they refuse invalid content the same way
(`ContentError` carrying every `file:line: message`).
"""
from __future__ import annotations

from pathlib import Path

from bot.content.load import default_root
from bot.content.model import Content
from bot.content.problems import ContentError, Problem
from bot.content.validate import validate_content
from bot.dialogue.engine import Engine, EngineSettings
from bot.nlu.matcher import Matcher
from bot.rolefit.definition import RoleFit, load_rolefit
from bot.rolefit.flow import FlowRunner
from bot.store.base import Store


def load_checked(root: Path | None = None) -> tuple[Content, RoleFit, list[Problem]]:
    """Load and validate everything; raise ContentError if anything is an error."""
    root = root or default_root()
    content, problems = validate_content(root)
    rolefit, rf_problems = load_rolefit(root / "assessment" / "rolefit.yml", root / "responses" / "sources.yml")
    problems = problems + rf_problems
    if rolefit is None or any(p.level == "error" for p in problems):
        raise ContentError(problems)
    return content, rolefit, problems


def build_engine(store: Store, root: Path | None = None, settings: EngineSettings = EngineSettings()) -> Engine:
    content, rolefit, _ = load_checked(root)
    matcher = Matcher(content.intents, content.domain_terms)
    titles = {r.id: r.title for r in content.responses}
    sources = {s.id: s for s in content.sources}
    flows = FlowRunner(rolefit, titles, sources, ttl_s=settings.flow_ttl_s)
    return Engine(content, matcher, store, flows, settings)

"""Assembling a ready engine from files: content, matcher, assessment, over a given store.

bot/app.py (the composition root) builds engines through here, so every command refuses
invalid content the same way (`ContentError` carrying every `file:line: message`).
`EngineHolder` is how a running server changes content without a restart: it builds a whole new
engine from the files and swaps the reference, or keeps the old engine when the new content is
invalid.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.load import default_root
from bot.content.problems import ContentError, Problem, under_root
from bot.dialogue.engine import Engine, EngineSettings
from bot.nlu.fusion import Understanding, build_understanding
from bot.nlu.lint import load_validated
from bot.nlu.matcher import Matcher
from bot.nlu.semantic import VECTORS_FILE, ModelUnavailable
from bot.rolefit.flow import FlowRunner
from bot.rolefit.load import load_rolefit
from bot.rolefit.model import RoleFit
from bot.store.base import Store, StoreErrors
from bot.values.content import Content

if TYPE_CHECKING:
    from bot.settings import NluSettings

logger = logging.getLogger("bot.runtime")


def load_checked(root: Path | None = None) -> tuple[Content, RoleFit, list[Problem]]:
    """Load and validate everything; raise ContentError if anything is an error."""
    root = root or default_root()
    content, problems = load_validated(root)
    # the sources were read with the content: the assessment cites the same ids
    rolefit, rf_problems = load_rolefit(
        root / "assessment" / "rolefit.yml", (s.id for s in content.sources)
    )
    problems = problems + under_root(rf_problems, root)
    if rolefit is None or any(p.level == "error" for p in problems):
        raise ContentError(problems)
    return content, rolefit, problems


def build_matcher(
    content: Content,
    root: Path,
    nlu: NluSettings | None = None,
    model_required: bool = True,
) -> Matcher | Understanding:
    """The lexical matcher with the sentence model's opinion (nlu/fusion.py), per `nlu`.

    `model_required`: at start-up a model that cannot be verified or loaded is an error to fix
    (ModelUnavailable, exit 2); on a reload the running bot carries on with the lexical matcher
    and says so (`Understanding.status`, /readyz, a metric, one log line)."""
    lexical = Matcher.for_content(content)
    semantic = nlu.semantic if nlu is not None else True
    cache = (nlu.vectors if nlu is not None else None) or root / VECTORS_FILE
    out_of_scope = [e.text for e in content.out_of_scope]
    try:
        return build_understanding(
            lexical,
            content.intents,
            out_of_scope,
            semantic=semantic,
            cache=cache,
            other_roles=content.other_roles,
            verify_again=not model_required,
            model=nlu.model if nlu is not None else None,
            out_of_scope_asked=content.out_of_scope_asked,
        )
    except ModelUnavailable as exc:
        if model_required:
            raise
        logger.error("sentence model unavailable, answering with the lexical matcher: %s", exc)
        return Understanding(
            lexical, None, status=f"lexical only: {exc}", other_roles=content.other_roles
        )


def build_engine(
    store: Store,
    root: Path | None = None,
    settings: EngineSettings | None = None,
    nlu: NluSettings | None = None,
    store_errors: StoreErrors | None = None,
    model_required: bool = True,
) -> Engine:
    """An engine over `store` for the content at `root`; `store_errors` is shared with the
    engine it replaces on a reload, so the counts carry on. `model_required`: see build_matcher."""
    settings = settings or EngineSettings()
    root = root or default_root()
    content, rolefit, _ = load_checked(root)
    matcher = build_matcher(content, root, nlu, model_required)
    titles = {r.id: r.title for r in content.responses}
    sources = {s.id: s for s in content.sources}
    flows = FlowRunner(
        rolefit,
        titles,
        sources,
        ttl_s=settings.flow_ttl_s,
        assessment_intent=content.domain.assessment_intent,
    )
    return Engine(
        content, matcher, store, store, flows, settings, store_errors=store_errors or StoreErrors()
    )


@dataclass(frozen=True)
class Reloaded:
    """What a reload did: `problems` (errors first) are why it was refused, when it was."""

    ok: bool
    summary: str
    problems: tuple[Problem, ...] = ()


class EngineHolder:
    """The engine every request reads at the moment it starts, swapped whole on reload.

    Swapping one reference (never mutating the engine in place) means a request already running
    finishes with the content it started with. The new engine shares the store (held whole
    here: the adapters take their parts from it) and the store error counts, so conversations
    and assessments in progress carry on across a reload.
    """

    def __init__(
        self,
        engine: Engine,
        store: Store,
        root: Path | None = None,
        settings: EngineSettings | None = None,
        nlu: NluSettings | None = None,
    ) -> None:
        self._engine = engine
        self.store = store
        self.root = root or default_root()
        self.settings = settings or engine.settings
        self.nlu = nlu
        self._lock = asyncio.Lock()

    @property
    def store_errors(self) -> StoreErrors:
        return self._engine.store_errors

    @property
    def current(self) -> Engine:
        return self._engine

    async def reload(self) -> Reloaded:
        """Read the content files again; on any error keep serving what was loaded."""
        async with self._lock:  # two reloads at once would race to swap
            try:
                # loading and indexing take ~0.2 s: off the event loop, so acks stay fast
                engine = await asyncio.to_thread(
                    build_engine,
                    self.store,
                    self.root,
                    self.settings,
                    self.nlu,
                    self.store_errors,
                    False,  # a model that breaks on reload leaves the lexical matcher serving
                )
            except ContentError as exc:
                errors = tuple(p for p in exc.problems if p.level == "error")
                for problem in errors:
                    logger.error("content reload refused: %s", problem)
                return Reloaded(False, f"refused: {len(errors)} errors", errors)
            except OSError as exc:  # e.g. a volume unmounted under us
                problem = Problem(str(self.root), 0, f"cannot read content: {exc}")
                logger.error("content reload refused: %s", problem)
                return Reloaded(False, "refused: content unreadable", (problem,))
            self._engine = engine
        summary = describe(engine)
        logger.info("content reloaded from %s: %s", self.root, summary)
        return Reloaded(True, summary)


def describe(engine: Engine) -> str:
    content = engine.content
    examples = sum(len(i.examples) for i in content.intents)
    questions = len(engine.flows.rolefit.questions) if engine.flows is not None else 0
    return (
        f"{len(content.intents)} intents, {examples} examples, {len(content.responses)} "
        f"responses, {questions} assessment questions"
    )

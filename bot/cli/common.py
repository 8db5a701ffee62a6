"""What every `rolebot` subcommand shares: the usage error, where content is, and how the
engine and the matcher are built from the settings."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.content.problems import Problem
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.runtime import EngineHolder


MAX_SINCE_S = 36500 * 86400  # a hundred years: longer than any question log


class UsageError(Exception):
    """A one-line message for the user; exit code 2."""


def content_root(args: argparse.Namespace, settings: Settings) -> Path:
    from bot.app import content_root

    root = content_root(settings.core, args.content)
    if not (root / "intents").is_dir():
        if args.content:
            raise UsageError(f"--content {root}: no intents/ folder there")
        if settings.core.content:
            raise UsageError(f"ROLEBOT_CONTENT={root}: no intents/ folder there")
        raise UsageError(
            "no content here: run rolebot in the folder holding intents/, or set "
            "ROLEBOT_CONTENT or --content DIR"
        )
    return root


def print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


async def open_engines(
    args: argparse.Namespace, settings: Settings, memory: bool = False
) -> EngineHolder:
    """The engines over the configured store (a throwaway one with `memory`), built by the
    composition root; the caller closes `engines.store`."""
    from bot.app import open_engine

    return await open_engine(settings, content_root(args, settings), memory)


def matcher_for(args: argparse.Namespace, settings: Settings, content: Any) -> Any:
    """The matcher the bot serves with (`--lexical`: the lexical matcher alone, no model)."""
    from bot.nlu.matcher import Matcher
    from bot.runtime import build_matcher

    if getattr(args, "lexical", False):
        return Matcher.for_content(content)
    return build_matcher(content, content_root(args, settings), settings.nlu)

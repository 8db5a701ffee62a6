"""`rolebot report` and `rolebot suggest`: the curators' loop over the question log."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from bot.cli.common import MAX_SINCE_S, UsageError, content_root, print_problems
from bot.content.problems import ContentError
from bot.settings import Settings


def _since(args: argparse.Namespace) -> float:
    from bot.curation.report import parse_duration

    try:
        seconds = parse_duration(args.since)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if seconds > MAX_SINCE_S:  # further back than dates go (800000d is before year 1)
        raise UsageError(f"--since {args.since!r}: at most {MAX_SINCE_S // 86400}d")
    return seconds


async def _read_log(
    settings: Settings, since_s: float, votes: bool = True
) -> tuple[list[Any], list[Any], float]:
    """Questions (and feedback) of the last `since_s` seconds, after purging past retention,
    from the store the bot writes to (a missing SQLite file is an error, not a new database)."""
    from bot.app import open_store

    store = await open_store(settings.core, must_exist=True)
    now = time.time()
    try:
        await store.purge_before(now - settings.core.retention_s)
        questions = await store.questions_since(now - since_s)
        feedback = await store.feedback_since(now - since_s) if votes else []
    finally:
        await store.close()
    return questions, feedback, now


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.curation.report import build_report, format_report, report_json

    since_s = _since(args)
    questions, feedback, now = asyncio.run(_read_log(settings, since_s))
    report = build_report(questions, feedback, now - since_s, now)
    if args.html:
        return _write_page(report, Path(args.html))
    print(report_json(report) if args.json else format_report(report))
    return 0


def _write_page(report: Any, path: Path) -> int:
    from bot.curation.page import MissingPlotting, render

    try:
        page = render(report)
    except MissingPlotting as exc:
        raise UsageError(str(exc)) from exc
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--html {path}: cannot write: {exc.strerror}") from exc
    print(f"wrote {path}: {report.volume} questions, {len(page) // 1024} KiB, opens offline")
    return 0


def cmd_suggest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.curation.suggest import CannotEdit, apply_edits, diff, plan_edits, suggest
    from bot.nlu.lint import load_validated
    from bot.nlu.matcher import Matcher

    since_s = _since(args)
    root = content_root(args, settings)
    content, problems = load_validated(root)
    if any(p.level == "error" for p in problems):
        raise ContentError(problems)
    questions, _, _ = asyncio.run(_read_log(settings, since_s, votes=False))
    suggestions, skipped = suggest(questions, content, Matcher.for_content(content))
    for skip in skipped:
        print(
            f"skipped ({skip.questions} asked): {skip.phrasing!r}: {skip.reason}", file=sys.stderr
        )
    if not suggestions:
        print(f"no suggestions from {len(questions)} questions")
        return 0
    for s in suggestions:
        print(f"# {s.intent}: {s.phrasing!r} ({s.questions} asked): {s.figures()}")
    try:
        edits = plan_edits(root, suggestions)
    except CannotEdit as exc:
        raise UsageError(str(exc)) from exc
    print(diff(edits), end="")
    if not args.apply:
        return 0
    errors = apply_edits(root, edits)
    if errors:
        print_problems(errors)
        print(
            "rolebot: not applied: the content would be invalid (problems above)", file=sys.stderr
        )
        return 1
    for s in suggestions:
        print(f"applied: {s.file}: {s.intent} + {s.phrasing!r}")
    return 0

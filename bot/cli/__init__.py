"""The `rolebot` command line: each subcommand a few lines over the core.

Exit codes: 0 success; 1 content is invalid (validate, or a command refusing to start) or an
eval/validate check failed; 2 a usage error (bad arguments, unreadable file, bad setting).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.cli.common import UsageError, content_root, matcher_for, open_engines, print_problems
from bot.cli.curate import cmd_report, cmd_suggest
from bot.content.problems import ContentError, under_root
from bot.nlu.semantic import ModelUnavailable
from bot.settings import ConfigError, Settings, load_settings
from bot.store.base import StoreUnavailable

# -- subcommands ------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content.validate import check_quotes
    from bot.nlu.lint import lint, load_validated
    from bot.rolefit.load import load_rolefit

    root = content_root(args, settings)
    content, problems = load_validated(root)
    # the sources were read with the content: the assessment cites the same ids
    rolefit, rf_problems = load_rolefit(
        root / "assessment" / "rolefit.yml", (s.id for s in content.sources)
    )
    problems += under_root(rf_problems, root)
    if args.sources_dir:
        sources_dir = Path(args.sources_dir)
        if not sources_dir.is_dir():
            raise UsageError(f"--sources-dir {sources_dir}: not a directory")
        problems += check_quotes(content, sources_dir, rolefit.citations if rolefit else ())
    errors = [p for p in problems if p.level == "error"]
    if args.lint and not errors:
        problems += lint(content)
    print_problems(problems)
    warnings = len(problems) - len(errors)
    quotes = sum(len(r.citations) for r in content.responses)
    summary = (
        f"{len(content.intents)} intents, {len(content.responses)} responses, "
        f"{sum(len(i.examples) for i in content.intents)} examples, {quotes} quotes"
        + (" (all found in the sources)" if args.sources_dir and not errors else "")
    )
    print(
        f"{'invalid' if errors else 'ok'}: {summary}; {len(errors)} errors, {warnings} warnings",
        file=sys.stderr if errors else sys.stdout,
    )
    return 1 if errors else 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal import render, render_quotes
    from bot.values.conversation import ConversationKey
    from bot.values.turn import Turn

    async def answer() -> Any:
        engine = (await open_engines(args, settings, memory=True)).current
        question = " ".join(args.text)
        return await engine.handle(Turn(ConversationKey("local", "ask", "you"), question))

    reply = asyncio.run(answer())
    print(render(reply, "rolebot ask --quotes shows what each source says"))
    if args.quotes:
        print("\n" + render_quotes(reply))
    return 0


def cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    from bot.nlu.lint import load_validated

    content, problems = load_validated(content_root(args, settings))
    if any(p.level == "error" for p in problems):
        raise ContentError(problems)
    matcher = matcher_for(args, settings, content)
    text = " ".join(args.text) if args.text else None  # unquoted words are one question
    lines = [text] if text is not None else (line.rstrip("\n") for line in sys.stdin)
    for text in lines:
        m = matcher.match(text)
        record = {
            "text": text,
            "outcome": m.outcome,
            "intent": m.intent,
            "confidence": round(m.confidence, 4),
            "suggestions": list(m.suggestions),
            "reason": m.reason,
            "semantic": None
            if m.semantic is None
            else {
                "intent": m.semantic.intent,
                "score": m.semantic.score,
                "agrees": m.semantic.agrees,
                "nearest": m.semantic.nearest,
                "nearest_score": m.semantic.nearest_score,
                "out_of_scope_probability": m.semantic.out_of_scope_probability,
            },
        }
        if args.json:
            print(json.dumps(record), flush=text is None)
        else:
            shown = m.intent or ", ".join(m.suggestions) or "-"
            print(f"{m.outcome:<8} {shown:<40} {m.confidence:.2f}  {text}")
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal import chat

    async def converse() -> int:
        engines = await open_engines(args, settings, memory=args.no_log)
        if not args.no_log:  # say so before anything is typed
            where = (
                "the Redis store (ROLEBOT_REDIS_URL)"
                if settings.core.redis_url
                else str(settings.core.db_path)
            )
            print(
                f"rolebot: what you type is kept in {where}, and `rolebot report` shows it; "
                "`rolebot chat --no-log` keeps nothing."
            )
        try:
            return await chat(engines.current)
        finally:
            await engines.store.close()

    return asyncio.run(converse())


def cmd_assess(args: argparse.Namespace, settings: Settings) -> int:
    if args.keys_help:
        args.assess_parser.print_help()
        print(_answer_keys(args, settings))
        return 0
    if args.json and not args.answer:
        raise UsageError("assess --json needs the answers (--answer KEY=VALUE ...)")
    if not args.answer:
        from bot.terminal import chat, render
        from bot.values.conversation import ConversationKey
        from bot.values.turn import Action, Turn

        async def guided() -> int:
            engine = (await open_engines(args, settings, memory=True)).current
            first = await engine.handle(
                Turn(ConversationKey("local", "terminal", "you"), action=Action("flow_start"))
            )
            print(render(first))
            return await chat(engine, assessment=True)

        return asyncio.run(guided())
    from bot.rolefit.assess_cli import run_assess
    from bot.rolefit.load import load_rolefit

    root = content_root(args, settings)
    sources = root / "responses" / "sources.yml"
    rolefit, problems = load_rolefit(root / "assessment" / "rolefit.yml", sources)
    if rolefit is None:
        raise ContentError(under_root(problems, root))
    return run_assess(args.answer, args.json, sys.stdout, rolefit=rolefit, sources_file=sources)


def _answer_keys(args: argparse.Namespace, settings: Settings) -> str:
    """Every KEY=VALUE `assess --answer` takes, from the assessment it would run."""
    from bot.rolefit.load import load_rolefit

    root = content_root(args, settings)
    rolefit, problems = load_rolefit(
        root / "assessment" / "rolefit.yml", root / "responses" / "sources.yml"
    )
    if rolefit is None:
        raise ContentError(under_root(problems, root))
    width = max(len(q.id) for q in rolefit.questions) + 2
    lines = ["", "answers (--answer KEY=VALUE, one per question; VALUE one of those listed):"]
    for q in rolefit.questions:
        lines.append(f"  {q.id:<{width}}{' | '.join(q.values)}")
        lines.append(f"  {'':<{width}}{q.text}")
    return "\n".join(lines)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation import EvalFileError, check_labels, evaluate, format_report, load_items
    from bot.nlu.lint import load_validated

    try:
        items = load_items(Path(args.file))
    except EvalFileError as exc:
        raise UsageError(str(exc)) from exc
    content, problems = load_validated(content_root(args, settings))
    if any(p.level == "error" for p in problems):
        raise ContentError(problems)
    try:
        check_labels(Path(args.file), items, {i.id for i in content.intents})
    except EvalFileError as exc:
        raise UsageError(str(exc)) from exc
    report = evaluate(matcher_for(args, settings, content), items, strict=args.strict)
    print(json.dumps(report.as_dict(), indent=2) if args.json else format_report(report))
    return 0


def cmd_content(args: argparse.Namespace, settings: Settings) -> int:
    from bot.nlu.lint import load_validated

    content, problems = load_validated(content_root(args, settings))
    if any(p.level == "error" for p in problems):
        raise ContentError(problems)
    model = {
        "intents": [
            {
                "id": i.id,
                "description": i.description,
                "kind": i.kind,
                "keywords": list(i.keywords),
                "examples": [e.text for e in i.examples],
            }
            for i in content.intents
        ],
        "responses": [
            {
                "id": r.id,
                "title": r.title,
                "short": r.short,
                "body": r.body,
                "citations": [{"source": c.source, "quote": c.quote} for c in r.citations],
                "related": list(r.related),
            }
            for r in content.responses
        ],
        "sources": [
            {"id": s.id, "title": s.title, "publisher": s.publisher, "kind": s.kind, "url": s.url}
            for s in content.sources
        ],
    }
    if args.json:
        print(json.dumps(model, indent=2, ensure_ascii=False))
    else:
        for intent in content.intents:
            print(f"{intent.id:<26} {len(intent.examples):>3} examples  {intent.description}")
    return 0


# -- wiring -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rolebot", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--content",
        metavar="DIR",
        help="folder holding intents/, responses/ and assessment/ (default: the shipped content)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("chat", help="talk to the bot in the terminal")
    p.add_argument(
        "--no-log",
        action="store_true",
        help="keep nothing: no question log, no conversation state on disk",
    )
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("ask", help="answer one question")
    # the rest of the line is the question, so `rolebot ask what does a CIO do` works unquoted
    p.add_argument("text", nargs="+")
    p.add_argument("--quotes", action="store_true", help="also print the quotes under each source")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser(
        "match", help="show how questions match (one per line on stdin without TEXT)"
    )
    p.add_argument("text", nargs="*")
    p.add_argument("--json", action="store_true", help="one JSON object per question")
    p.add_argument("--lexical", action="store_true", help="the lexical matcher alone, no model")
    p.set_defaults(func=cmd_match)

    p = sub.add_parser(
        "assess", help="the CIO-or-CTO assessment (guided without --answer)", add_help=False
    )
    # its own --help: the keys and values come from the assessment the command would run, so
    # they are read once --content and the settings are known, by cmd_assess
    p.add_argument(
        "-h",
        "--help",
        action="store_true",
        dest="keys_help",
        help="show this help with every KEY and its allowed values, and exit",
    )
    p.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="one answer (repeat for each question; the keys and values are listed below)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_assess, assess_parser=p)

    p = sub.add_parser("validate", help="check content and report every problem as file:line")
    p.add_argument("--lint", action="store_true", help="also run the matcher over the examples")
    p.add_argument(
        "--sources-dir", metavar="DIR", help="check every quote against the sources' text"
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("eval", help="measure the matcher on a labeled question file")
    p.add_argument("file")
    p.add_argument("--lexical", action="store_true", help="the lexical matcher alone, no model")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--strict",
        action="store_true",
        help="leave out examples identical to the question (an honest held-out measure)",
    )
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("content", help="print the loaded content model")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_content)

    p = sub.add_parser("report", help="what people asked: volume, outcomes, gaps, feedback")
    p.add_argument(
        "--since", default="7d", metavar="DURATION", help="e.g. 24h, 7d, 30d (default 7d)"
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--html",
        metavar="FILE",
        help="write the report as one self-contained page with charts (needs matplotlib)",
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("suggest", help="propose unanswered phrasings as new intent examples")
    p.add_argument("--since", default="30d", metavar="DURATION", help="e.g. 7d, 30d (default 30d)")
    p.add_argument(
        "--apply",
        action="store_true",
        help="write the examples (only if the content still validates)",
    )
    p.set_defaults(func=cmd_suggest)

    try:
        from bot.slack.cli import register
    except ImportError:  # the Slack adapter is optional for the core
        pass
    else:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        # the one place settings are read; `serve` (marked `slack`) needs the Slack part too
        settings = load_settings(
            slack=getattr(args, "slack", False), mode=getattr(args, "mode", None)
        )
        return int(args.func(args, settings))
    except ModelUnavailable as exc:
        print(f"rolebot: {exc}", file=sys.stderr)
        return 2
    except (UsageError, ConfigError) as exc:
        print(f"rolebot: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:  # name the setting that points at the store
        print(f"rolebot: {settings.core.store_variable}: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print_problems([p for p in exc.problems if p.level == "error"])
        print(
            "rolebot: content is invalid; fix the problems above (rolebot validate)",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0

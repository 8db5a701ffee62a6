"""`rolebot serve` and `rolebot preview`: the Slack adapter's two subcommands.

bot/cli.py calls `register(subparsers)`; each subcommand's `func` takes the parsed arguments
and returns an exit code. A bad setting prints one line naming the variable and exits 2 (no
traceback), and so does a store that cannot be reached at startup (ROLEBOT_REDIS_URL);
`preview` needs no Slack and no tokens.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.config import ConfigError, Settings, load_settings

BUILDER_URL = "https://app.slack.com/block-kit-builder#"


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve", help="run the Slack bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)"
    )
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument(
        "--http",
        dest="mode",
        action="store_const",
        const="http",
        help="serve POST /slack/events (needs SLACK_SIGNING_SECRET)",
    )
    mode.add_argument(
        "--socket",
        dest="mode",
        action="store_const",
        const="socket",
        help="connect over Socket Mode (needs SLACK_APP_TOKEN)",
    )
    serve.add_argument(
        "--host", default="0.0.0.0", help="HTTP mode: address to listen on (default 0.0.0.0)"
    )
    serve.add_argument("--port", type=int, default=3000, help="HTTP mode: port (default 3000)")
    _content_option(serve)
    serve.set_defaults(func=cmd_serve)

    preview = subparsers.add_parser(
        "preview", help="print the Block Kit JSON of the answer to QUESTION"
    )
    preview.add_argument("question", metavar="QUESTION")
    _content_option(preview)
    preview.set_defaults(func=cmd_preview)


def _content_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: without it this subcommand's default would overwrite `rolebot --content DIR serve`
    parser.add_argument(
        "--content",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="folder holding intents/, responses/ and assessment/",
    )


def _content_root(args: argparse.Namespace) -> Path | None:
    content = getattr(args, "content", None)
    return Path(content) if content else None


def _bad_content(args: argparse.Namespace) -> str | None:
    root = _content_root(args)
    if root is not None and not (root / "intents").is_dir():
        return f"--content {root}: no intents/ folder there"
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    problem = _bad_content(args)
    if problem:
        print(f"rolebot: {problem}", file=sys.stderr)
        return 2
    try:
        settings = load_settings(mode=args.mode)
    except ConfigError as exc:
        print(f"rolebot: {exc}", file=sys.stderr)
        return 2
    from bot.slack.logs import configure_logging

    configure_logging()
    from bot.slack.identity import TokenRejected
    from bot.store.base import StoreUnavailable

    try:
        asyncio.run(_serve(settings, args))
    except TokenRejected as exc:
        print(f"rolebot: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:  # only raised here by opening the store at startup
        print(f"rolebot: ROLEBOT_REDIS_URL: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the port is taken
        print(f"rolebot: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


async def _serve(settings: Settings, args: argparse.Namespace) -> None:
    from bot.dialogue.engine import EngineSettings
    from bot.runtime import EngineHolder, build_engine
    from bot.slack.app import build_app
    from bot.slack.identity import BotIdentity
    from bot.slack.server import run_http, run_socket

    store = await open_store(settings)
    engine_settings = EngineSettings(flow_ttl_s=settings.flow_ttl_s)
    try:
        engine = build_engine(store, _content_root(args), engine_settings)
    except BaseException:
        await store.close()
        raise
    identity = BotIdentity(settings.bot_token)
    engines = EngineHolder(engine, _content_root(args), engine_settings)
    app = build_app(settings, engines, identity)
    if settings.mode == "socket":
        await run_socket(settings, app, engine, identity)
    else:
        await run_http(settings, app, engine, identity, args.host, args.port)


async def open_store(settings: Settings) -> Any:
    """Redis when ROLEBOT_REDIS_URL is set (replicas share it), else the SQLite file.

    Raises StoreUnavailable, naming the redacted URL, when Redis does not answer a ping.
    """
    if settings.redis_url:
        from bot.store.redis import RedisStore

        return await RedisStore.open(settings.redis_url)
    from bot.store.sqlite import SqliteStore, default_db_path

    return await SqliteStore.open(settings.db_path or default_db_path())


def cmd_preview(args: argparse.Namespace) -> int:
    from bot.dialogue.state import ConversationKey
    from bot.dialogue.turn import Turn
    from bot.runtime import build_engine
    from bot.slack.blocks import render
    from bot.store.memory import MemoryStore

    problem = _bad_content(args)
    if problem:
        print(f"rolebot: {problem}", file=sys.stderr)
        return 2
    engine = build_engine(MemoryStore(), _content_root(args))
    reply = asyncio.run(
        engine.handle(Turn(ConversationKey("preview", "preview", "preview"), args.question))
    )
    print(preview_text(render(reply)["blocks"]))
    return 0


def preview_text(blocks: list[dict[str, Any]]) -> str:
    payload = json.dumps({"blocks": blocks}, ensure_ascii=False, separators=(",", ":"))
    pretty = json.dumps({"blocks": blocks}, ensure_ascii=False, indent=2)
    return f"{pretty}\n\nOpen in Block Kit Builder:\n{BUILDER_URL}{quote(payload, safe='')}"

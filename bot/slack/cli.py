"""`rolebot serve` and `rolebot preview`: the Slack adapter's two subcommands.

bot/cli.py calls `register(subparsers)`; each subcommand's `func` takes the parsed arguments
and returns an exit code. A bad setting prints one line naming the variable and exits 2 (no
traceback), and so does a store that cannot be opened at startup (ROLEBOT_REDIS_URL, ROLEBOT_DB);
`preview` needs no Slack and no tokens. What runs is built by the composition root, bot/app.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.settings import Settings

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
    serve.set_defaults(func=cmd_serve, slack=True)

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


def _bad_content(args: argparse.Namespace) -> str | None:
    content = getattr(args, "content", None)
    if content and not (Path(content) / "intents").is_dir():
        return f"--content {content}: no intents/ folder there"
    return None


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """`settings` carries its Slack part: bot/cli.py loads it for commands marked `slack`."""
    problem = _bad_content(args)
    if problem:
        print(f"rolebot: {problem}", file=sys.stderr)
        return 2
    from bot.app import content_root, serve_slack
    from bot.slack.identity import TokenRejected
    from bot.slack.logs import configure_logging
    from bot.store.base import StoreUnavailable

    configure_logging()
    root = content_root(settings.core, getattr(args, "content", None))
    try:
        asyncio.run(serve_slack(settings, root, args.host, args.port))
    except TokenRejected as exc:
        print(f"rolebot: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:  # only raised here by opening the store at startup
        where = f"ROLEBOT_REDIS_URL: {exc}" if settings.core.redis_url else f"ROLEBOT_DB: {exc}"
        print(f"rolebot: {where}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the port is taken
        print(f"rolebot: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def cmd_preview(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import content_root, open_engine
    from bot.slack.blocks import render
    from bot.values.conversation import ConversationKey
    from bot.values.turn import Turn

    problem = _bad_content(args)
    if problem:
        print(f"rolebot: {problem}", file=sys.stderr)
        return 2
    root = content_root(settings.core, getattr(args, "content", None))

    async def answer() -> Any:
        engine = (await open_engine(settings, root, memory=True)).current
        return await engine.handle(
            Turn(ConversationKey("preview", "preview", "preview"), args.question)
        )

    print(preview_text(render(asyncio.run(answer()))["blocks"]))
    return 0


def preview_text(blocks: list[dict[str, Any]]) -> str:
    payload = json.dumps({"blocks": blocks}, ensure_ascii=False, separators=(",", ":"))
    pretty = json.dumps({"blocks": blocks}, ensure_ascii=False, indent=2)
    return f"{pretty}\n\nOpen in Block Kit Builder:\n{BUILDER_URL}{quote(payload, safe='')}"

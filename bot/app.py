"""The composition root: settings in; the store, the matcher, the engine and the adapters out.

Everything the bot runs is built here from one `Settings` (bot/settings.py), and nowhere else:
the CLI, `rolebot serve` and the tests that run a whole server all start here, so they open the
same store for the same settings. Like an aiohttp app factory, what is opened here (the store,
the Slack API session) is closed by the lifecycle that opened it (bot/slack/server.py).
Engines themselves are assembled from content by bot/runtime.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.load import default_root
from bot.dialogue.engine import EngineSettings
from bot.runtime import EngineHolder, build_engine
from bot.settings import CoreSettings, Settings
from bot.store.base import Store, StoreUnavailable

if TYPE_CHECKING:  # the adapters are imported where they are built, so the core CLI stays light
    from bot.slack.app import SlackApp
    from bot.slack.identity import BotIdentity


def content_root(core: CoreSettings, flag: str | Path | None = None) -> Path:
    """Where intents/, responses/ and assessment/ are: `--content`, else ROLEBOT_CONTENT, else
    the working directory when it holds intents/, else the checkout this package runs from."""
    if flag:
        return Path(flag)
    if core.content is not None:
        return core.content
    if (Path.cwd() / "intents").is_dir():
        return Path.cwd()
    return default_root()


def engine_settings(core: CoreSettings) -> EngineSettings:
    return EngineSettings(flow_ttl_s=core.flow_ttl_s, hash_salt=core.hash_salt.get_secret_value())


# -- the store -----------------------------------------------------------------------------


async def open_store(core: CoreSettings, memory: bool = False, must_exist: bool = False) -> Store:
    """Redis when ROLEBOT_REDIS_URL is set (replicas share it), else the SQLite file at
    ROLEBOT_DB; `memory` for a throwaway one (`rolebot ask`, `preview`). `must_exist`: a
    missing SQLite file is an error (a report must not read a new, empty database).

    Raises StoreUnavailable, naming the redacted URL or the file, when it cannot be opened.
    """
    if memory:
        from bot.store.memory import MemoryStore

        return MemoryStore(retention=core.retention_s)
    if core.redis_url:
        from bot.store.redis import RedisStore

        return await RedisStore.open(core.redis_url, retention=core.retention_s)
    from bot.store.sqlite import SqliteStore

    if must_exist and not core.db_path.is_file():
        raise StoreUnavailable(
            f"no question log at {core.db_path} (set ROLEBOT_DB to the bot's database)"
        )
    return await SqliteStore.open(core.db_path, retention=core.retention_s)


async def open_engine(
    settings: Settings, content: Path | None = None, memory: bool = False
) -> EngineHolder:
    """The store and an engine over it, for the content at `content` (see content_root).
    The store is closed again if the content is invalid."""
    root = content or content_root(settings.core)
    store = await open_store(settings.core, memory=memory)
    try:
        built = engine_settings(settings.core)
        engine = build_engine(store, root, built, settings.nlu)
    except BaseException:
        await store.close()
        raise
    return EngineHolder(engine, store, root, built, settings.nlu)


# -- the Slack adapter -----------------------------------------------------------------------


def build_slack(settings: Settings, engines: EngineHolder) -> tuple[SlackApp, BotIdentity]:
    """The Bolt app and the bot's identity over `engines`; needs `settings.slack`."""
    from bot.slack.app import build_app
    from bot.slack.identity import BotIdentity

    if settings.slack is None:
        raise ValueError("build_slack: the settings were loaded without their Slack part")
    identity = BotIdentity(settings.slack.bot_token.get_secret_value())
    return build_app(settings.slack, engines, identity), identity


async def serve_slack(
    settings: Settings, content: Path | None = None, host: str = "0.0.0.0", port: int = 3000
) -> None:
    """`rolebot serve`: the store, the engine and the Slack app, then HTTP or Socket Mode by
    `settings.slack.mode` until SIGTERM/SIGINT; the store is closed on the way out."""
    from bot.slack.server import run_http, run_socket

    if settings.slack is None:
        raise ValueError("serve_slack: the settings were loaded without their Slack part")
    engines = await open_engine(settings, content)
    app, identity = build_slack(settings, engines)
    if settings.slack.mode == "socket":
        await run_socket(settings.slack, app, identity)
    else:
        await run_http(app, identity, host, port)

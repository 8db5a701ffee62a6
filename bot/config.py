"""Settings for the Slack server, read once from the environment and an optional `.env` file.

What this module owns: turning environment variables into one frozen `Settings` value, and
refusing to start with a `ConfigError` that names the variable at fault in one line (the CLI
prints it and exits 2). What it must not do: log or show a token. `repr(Settings)` masks
every secret, so a settings object can be logged or printed in a traceback safely.

Precedence: a variable set in the real environment wins over the same key in `.env`.

`ENV_VARS` lists every variable read here; `load_settings` refuses to read any other, so the
deployment files can be checked against it (tests/ops/test_deploy.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

Mode = Literal["http", "socket"]

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_FLOW_TTL_HOURS = 24.0
DEFAULT_MAX_IN_FLIGHT = 200
SECRET_FIELDS = frozenset({"bot_token", "signing_secret", "app_token"})
ENV_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "ROLEBOT_DB",
    "ROLEBOT_REDIS_URL",
    "ROLEBOT_ADMINS",
    "ROLEBOT_ESCALATION_CHANNEL",
    "ROLEBOT_FLOW_TTL_HOURS",
    "ROLEBOT_LOG_TEXT",
    "ROLEBOT_MAX_IN_FLIGHT",
    "ROLEBOT_RETENTION_DAYS",  # read by bot/store/retention.py
    "ROLEBOT_HASH_SALT",  # read by bot/dialogue/questionlog.py
)

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


class ConfigError(ValueError):
    """A missing or malformed setting; the message is one line naming the variable."""


@dataclass(frozen=True, repr=False)
class Settings:
    mode: Mode
    bot_token: str
    signing_secret: str  # empty in Socket Mode, where Slack does not sign anything we receive
    app_token: str | None
    api_url: str  # always ends with "/", as slack_sdk joins method names onto it
    db_path: str | None  # None: the store's default location
    admins: frozenset[str]
    escalation_channel: str | None
    flow_ttl_hours: float = DEFAULT_FLOW_TTL_HOURS
    redis_url: str | None = None  # None: SQLite (db_path); set: shared state for replicas
    log_text: bool = False  # message text in the logs only when someone asked for it
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT  # replies worked on at once; beyond, acks wait

    @property
    def flow_ttl_s(self) -> float:
        return self.flow_ttl_hours * 3600

    def __repr__(self) -> str:
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS:
                shown = mask(value)
            elif f.name == "redis_url" and value:
                shown = repr(redact_url(value))
            else:
                shown = repr(value)
            parts.append(f"{f.name}={shown}")
        return f"Settings({', '.join(parts)})"


def mask(secret: str | None) -> str:
    """Enough to tell which kind of token is set, never enough to use it."""
    if not secret:
        return repr(secret)
    prefix = secret.split("-", 1)[0] + "-" if secret.startswith(("xoxb-", "xapp-")) else ""
    return f"'{prefix}***'"


def redact_url(url: str) -> str:
    """redis://user:secret@host:6379/0 -> redis://user:***@host:6379/0 (passwords stay out of logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


def read_dotenv(path: Path) -> dict[str, str]:
    """Simple KEY=VALUE lines; blank lines and # comments skipped; matching quotes removed."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _ENV_LINE.match(line)
        if found is None:
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE")
        key, value = found.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def apply_dotenv(path: Path = Path(".env"), environ: MutableMapping[str, str] = os.environ) -> None:
    """Put `.env`'s settings beneath the real environment, once, at process start.

    Settings is not the only reader: the question log's salt and retention are read where they
    are used. Applying `.env` here means every reader sees one configuration, and a value set
    in the real environment still wins. Only listed settings are taken.
    """
    if not path.is_file():
        return
    for key, value in read_dotenv(path).items():
        if key in ENV_VARS and key not in environ:
            environ[key] = value


def load_settings(
    mode: Mode | None = None,
    environ: Mapping[str, str] | None = None,
    dotenv: Path | None = Path(".env"),
) -> Settings:
    """Build Settings; `mode` None picks Socket Mode when SLACK_APP_TOKEN is set, else HTTP."""
    env: dict[str, str] = read_dotenv(dotenv) if dotenv is not None else {}
    env.update(os.environ if environ is None else environ)

    def get(name: str) -> str:
        if name not in ENV_VARS:  # a new setting must be listed, or the deploy check misses it
            raise KeyError(f"{name} is not in bot.config.ENV_VARS")
        return env.get(name, "").strip()

    app_token = get("SLACK_APP_TOKEN") or None
    chosen: Mode = mode or ("socket" if app_token else "http")

    bot_token = get("SLACK_BOT_TOKEN")
    if not bot_token:
        raise ConfigError("SLACK_BOT_TOKEN is not set (the Bot User OAuth Token, xoxb-...)")
    if not bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN must start with xoxb-")

    if app_token is not None and not app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN must start with xapp- (an app-level token)")
    if chosen == "socket" and app_token is None:
        raise ConfigError(
            "SLACK_APP_TOKEN is not set (Socket Mode needs an app-level token, xapp-...)"
        )

    signing_secret = get("SLACK_SIGNING_SECRET")
    if chosen == "http" and not signing_secret:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set (HTTP mode verifies every request with it)"
        )
    if signing_secret and not re.fullmatch(r"[0-9a-fA-F]{16,}", signing_secret):
        raise ConfigError("SLACK_SIGNING_SECRET must be the hex string from Basic Information")

    return Settings(
        mode=chosen,
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=_api_url(get("SLACK_API_URL") or DEFAULT_API_URL),
        db_path=get("ROLEBOT_DB") or None,
        admins=_admins(get("ROLEBOT_ADMINS")),
        escalation_channel=_escalation_channel(get("ROLEBOT_ESCALATION_CHANNEL")),
        flow_ttl_hours=_flow_ttl_hours(get("ROLEBOT_FLOW_TTL_HOURS")),
        redis_url=_redis_url(get("ROLEBOT_REDIS_URL")),
        log_text=_flag("ROLEBOT_LOG_TEXT", get("ROLEBOT_LOG_TEXT")),
        max_in_flight=_max_in_flight(get("ROLEBOT_MAX_IN_FLIGHT")),
    )


def _api_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL, e.g. {DEFAULT_API_URL}")
    return raw if raw.endswith("/") else raw + "/"


def _admins(raw: str) -> frozenset[str]:
    admins = frozenset(part.strip() for part in raw.split(",") if part.strip())
    bad = sorted(a for a in admins if not _USER_ID.match(a))
    if bad:
        raise ConfigError(
            f"ROLEBOT_ADMINS must be comma-separated user ids like U012ABC; got {bad[0]!r}"
        )
    return admins


def _escalation_channel(raw: str) -> str | None:
    if not raw:
        return None
    if not _CHANNEL_ID.match(raw):
        raise ConfigError(
            f"ROLEBOT_ESCALATION_CHANNEL must be a channel id like C012ABC; got {raw!r}"
        )
    return raw


def _flow_ttl_hours(raw: str) -> float:
    if not raw:
        return DEFAULT_FLOW_TTL_HOURS
    try:
        hours = float(raw)
    except ValueError:
        hours = -1.0
    if not 0 < hours <= 24 * 365:
        raise ConfigError(f"ROLEBOT_FLOW_TTL_HOURS must be a positive number of hours; got {raw!r}")
    return hours


def _max_in_flight(raw: str) -> int:
    if not raw:
        return DEFAULT_MAX_IN_FLIGHT
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= 100_000:
        raise ConfigError(
            f"ROLEBOT_MAX_IN_FLIGHT must be a whole number from 1 to 100000; got {raw!r}"
        )
    return int(raw)


def _redis_url(raw: str) -> str | None:
    """Checked for shape only (reachability is checked at startup); the value is never echoed,
    as it may carry a password."""
    if not raw:
        return None
    example = "e.g. redis://redis:6379/0 or rediss://:password@host:6380/0"
    parts = urlsplit(raw)
    try:
        _ = parts.port  # raises for a port that is not a number
    except ValueError:
        raise ConfigError(f"ROLEBOT_REDIS_URL has a malformed host or port; {example}") from None
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ConfigError(f"ROLEBOT_REDIS_URL must be a redis:// or rediss:// URL; {example}")
    database = parts.path.strip("/")
    if database and not database.isdigit():
        raise ConfigError(
            f"ROLEBOT_REDIS_URL: the database after the port must be a number; {example}"
        )
    return raw


def _flag(name: str, raw: str) -> bool:
    value = raw.lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise ConfigError(f"{name} must be 1 or 0; got {raw!r}")

"""The one settings object, read once from the environment and an optional `.env` file.

What this module owns: every environment variable the bot reads (`ENV_VARS`; nothing else in
`bot/` touches `os.environ`), turning them into typed, frozen values, and refusing to start
with a `ConfigError` that names the variable at fault in one line (the CLI prints it and exits
2). What it must not do: log or show a secret. Tokens are `SecretStr`, and the repr of every
part masks them (and a Redis URL's password), so settings can be logged safely.

Three parts, built by `load_settings` and passed down by the composition root (bot/app.py):
  core   the store, the conversation, the question log, where the content is (every command)
  slack  tokens and the Slack adapter's options (only `rolebot serve` needs them)
  nlu    the matcher's options (room for the semantic matcher's model and switch)

Precedence: a variable set in the real environment wins over the same key in `.env`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.dialogue.questionlog import DEFAULT_SALT
from bot.store.urls import redact_url

Mode = Literal["http", "socket"]

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DB = Path("data") / "rolebot.db"
DEFAULT_FLOW_TTL_HOURS = 24.0
DEFAULT_MAX_IN_FLIGHT = 200
DEFAULT_RETENTION_DAYS = 90.0

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_REDIS_EXAMPLE = "e.g. redis://redis:6379/0 or rediss://:password@host:6380/0"
# what to say when a required variable is absent
_MISSING = {"SLACK_BOT_TOKEN": "SLACK_BOT_TOKEN is not set (the Bot User OAuth Token, xoxb-...)"}


class ConfigError(ValueError):
    """A missing or malformed setting; the message is one line naming the variable."""


class _Part(BaseSettings):
    """What the parts share: variables by their exact names, nothing else read, values frozen."""

    model_config = SettingsConfigDict(
        extra="ignore", frozen=True, case_sensitive=True, env_file=".env"
    )

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if isinstance(value, SecretStr):
                yield name, _Masked(value.get_secret_value())
            elif name == "redis_url" and value:
                yield name, redact_url(value)
            else:
                yield name, value


class _Masked:
    """Enough to tell which kind of token is set, never enough to use it."""

    def __init__(self, secret: str) -> None:
        self.prefix = secret.split("-", 1)[0] + "-" if secret.startswith(("xoxb-", "xapp-")) else ""
        self.empty = not secret

    def __repr__(self) -> str:
        return "''" if self.empty else f"'{self.prefix}***'"


class CoreSettings(_Part):
    """What every command uses: the store, conversations, the question log, the content."""

    db_path: Path = Field(DEFAULT_DB, validation_alias="ROLEBOT_DB")
    # None: SQLite at db_path; set: Redis, shared by replicas (may carry a password: see repr)
    redis_url: str | None = Field(None, validation_alias="ROLEBOT_REDIS_URL")
    flow_ttl_hours: float = Field(DEFAULT_FLOW_TTL_HOURS, validation_alias="ROLEBOT_FLOW_TTL_HOURS")
    retention_days: float = Field(DEFAULT_RETENTION_DAYS, validation_alias="ROLEBOT_RETENTION_DAYS")
    # salts the user hash in the question log (bot/dialogue/questionlog.py)
    hash_salt: SecretStr = Field(SecretStr(DEFAULT_SALT), validation_alias="ROLEBOT_HASH_SALT")
    # the folder holding intents/, responses/ and assessment/; None: see bot/app.py content_root
    content: Path | None = Field(None, validation_alias="ROLEBOT_CONTENT")

    @property
    def flow_ttl_s(self) -> float:
        return self.flow_ttl_hours * 3600

    @property
    def retention_s(self) -> float:
        return self.retention_days * 86400

    @field_validator("db_path", "content", mode="before")
    @classmethod
    def _path(cls, raw: Any) -> Any:
        return None if isinstance(raw, str) and not raw.strip() else raw

    @field_validator("redis_url", mode="before")
    @classmethod
    def _redis_url(cls, raw: Any) -> str | None:
        """Checked for shape only (reachability is checked at startup); the value is never
        echoed, as it may carry a password."""
        raw = _text(raw)
        if not raw:
            return None
        parts = urlsplit(raw)
        try:
            _ = parts.port  # raises for a port that is not a number
        except ValueError:
            raise ValueError(
                f"ROLEBOT_REDIS_URL has a malformed host or port; {_REDIS_EXAMPLE}"
            ) from None
        if parts.scheme not in ("redis", "rediss") or not parts.hostname:
            raise ValueError(
                f"ROLEBOT_REDIS_URL must be a redis:// or rediss:// URL; {_REDIS_EXAMPLE}"
            )
        database = parts.path.strip("/")
        if database and not database.isdigit():
            raise ValueError(
                f"ROLEBOT_REDIS_URL: the database after the port must be a number; {_REDIS_EXAMPLE}"
            )
        return raw

    @field_validator("flow_ttl_hours", mode="before")
    @classmethod
    def _flow_ttl_hours(cls, raw: Any) -> float:
        raw = _text(raw)
        if not raw:
            return DEFAULT_FLOW_TTL_HOURS
        hours = _number(raw)
        if not 0 < hours <= 24 * 365:
            raise ValueError(
                f"ROLEBOT_FLOW_TTL_HOURS must be a positive number of hours; got {raw!r}"
            )
        return hours

    @field_validator("retention_days", mode="before")
    @classmethod
    def _retention_days(cls, raw: Any) -> float:
        """A typo must not silently keep, or delete, everything."""
        raw = _text(raw)
        if not raw:
            return DEFAULT_RETENTION_DAYS
        days = _number(raw)
        if not days > 0 or days == float("inf"):
            raise ValueError(
                f"ROLEBOT_RETENTION_DAYS must be a positive number of days, not {raw!r}"
            )
        return days

    @field_validator("hash_salt", mode="before")
    @classmethod
    def _hash_salt(cls, raw: Any) -> Any:
        if isinstance(raw, SecretStr):
            return raw
        return _text(raw) or DEFAULT_SALT


class SlackSettings(_Part):
    """The Slack adapter's settings: tokens (secret) and its options. `mode` is chosen by
    `load_settings`, not read from a variable."""

    bot_token: SecretStr = Field(validation_alias="SLACK_BOT_TOKEN")
    app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    # empty in Socket Mode, where Slack does not sign anything we receive
    signing_secret: SecretStr = Field(SecretStr(""), validation_alias="SLACK_SIGNING_SECRET")
    # always ends with "/", as slack_sdk joins method names onto it
    api_url: str = Field(DEFAULT_API_URL, validation_alias="SLACK_API_URL")
    admins: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(), validation_alias="ROLEBOT_ADMINS"
    )
    escalation_channel: str | None = Field(None, validation_alias="ROLEBOT_ESCALATION_CHANNEL")
    # message text in the logs only when someone asked for it
    log_text: bool = Field(False, validation_alias="ROLEBOT_LOG_TEXT")
    # replies worked on at once; beyond, acks wait
    max_in_flight: int = Field(DEFAULT_MAX_IN_FLIGHT, validation_alias="ROLEBOT_MAX_IN_FLIGHT")
    _mode: Mode = PrivateAttr("http")

    @property
    def mode(self) -> Mode:
        """HTTP or Socket Mode, chosen by `load_settings`, not read from a variable."""
        return self._mode

    def serving(self, mode: Mode) -> SlackSettings:
        chosen = self.model_copy()
        chosen._mode = mode
        return chosen

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        yield from super().__repr_args__()
        yield "mode", self._mode

    @field_validator("bot_token", mode="before")
    @classmethod
    def _bot_token(cls, raw: Any) -> Any:
        raw = _text(raw)
        if not raw:
            raise ValueError(_MISSING["SLACK_BOT_TOKEN"])
        if not raw.startswith("xoxb-"):
            raise ValueError("SLACK_BOT_TOKEN must start with xoxb-")
        return raw

    @field_validator("app_token", mode="before")
    @classmethod
    def _app_token(cls, raw: Any) -> Any:
        raw = _text(raw)
        if not raw:
            return None
        if not raw.startswith("xapp-"):
            raise ValueError("SLACK_APP_TOKEN must start with xapp- (an app-level token)")
        return raw

    @field_validator("signing_secret", mode="before")
    @classmethod
    def _signing_secret(cls, raw: Any) -> Any:
        raw = _text(raw)
        if raw and not re.fullmatch(r"[0-9a-fA-F]{16,}", raw):
            raise ValueError("SLACK_SIGNING_SECRET must be the hex string from Basic Information")
        return raw

    @field_validator("api_url", mode="before")
    @classmethod
    def _api_url(cls, raw: Any) -> str:
        raw = _text(raw) or DEFAULT_API_URL
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"SLACK_API_URL must be an http(s) URL, e.g. {DEFAULT_API_URL}")
        return raw if raw.endswith("/") else raw + "/"

    @field_validator("admins", mode="before")
    @classmethod
    def _admins(cls, raw: Any) -> frozenset[str]:
        if isinstance(raw, frozenset | set):
            return frozenset(raw)
        admins = frozenset(part.strip() for part in _text(raw).split(",") if part.strip())
        bad = sorted(a for a in admins if not _USER_ID.match(a))
        if bad:
            raise ValueError(
                f"ROLEBOT_ADMINS must be comma-separated user ids like U012ABC; got {bad[0]!r}"
            )
        return admins

    @field_validator("escalation_channel", mode="before")
    @classmethod
    def _escalation_channel(cls, raw: Any) -> str | None:
        raw = _text(raw)
        if not raw:
            return None
        if not _CHANNEL_ID.match(raw):
            raise ValueError(
                f"ROLEBOT_ESCALATION_CHANNEL must be a channel id like C012ABC; got {raw!r}"
            )
        return raw

    @field_validator("log_text", mode="before")
    @classmethod
    def _log_text(cls, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        value = _text(raw).lower()
        if value in ("", "0", "false", "no"):
            return False
        if value in ("1", "true", "yes"):
            return True
        raise ValueError(f"ROLEBOT_LOG_TEXT must be 1 or 0; got {_text(raw)!r}")

    @field_validator("max_in_flight", mode="before")
    @classmethod
    def _max_in_flight(cls, raw: Any) -> int:
        if isinstance(raw, int):
            return raw
        raw = _text(raw)
        if not raw:
            return DEFAULT_MAX_IN_FLIGHT
        if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= 100_000:
            raise ValueError(
                f"ROLEBOT_MAX_IN_FLIGHT must be a whole number from 1 to 100000; got {raw!r}"
            )
        return int(raw)


class NluSettings(_Part):
    """How questions are understood (bot/runtime.py `build_matcher` reads these)."""

    # the sentence model's second opinion (bot/nlu/fusion.py); off: the lexical matcher alone
    semantic: bool = Field(True, validation_alias="ROLEBOT_SEMANTIC")
    # where curated examples' vectors are kept (default: vectors.npz in the content root)
    vectors: Path | None = Field(None, validation_alias="ROLEBOT_VECTORS")
    # the model file, for a machine that cannot install its package (still checked by sha256)
    model: Path | None = Field(None, validation_alias="ROLEBOT_MODEL")

    @field_validator("semantic", mode="before")
    @classmethod
    def _semantic(cls, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        value = _text(raw).lower()
        if value in ("", "1", "on", "true", "yes"):
            return True
        if value in ("0", "off", "false", "no"):
            return False
        raise ValueError(f"ROLEBOT_SEMANTIC must be on or off; got {_text(raw)!r}")

    @field_validator("vectors", "model", mode="before")
    @classmethod
    def _vectors(cls, raw: Any) -> Any:
        return None if isinstance(raw, str) and not raw.strip() else raw


@dataclass(frozen=True)
class Settings:
    """Everything the composition root needs; `slack` is None unless the command serves Slack."""

    core: CoreSettings
    nlu: NluSettings
    slack: SlackSettings | None = None


PARTS: tuple[type[_Part], ...] = (CoreSettings, SlackSettings, NluSettings)
ENV_VARS: tuple[str, ...] = tuple(
    str(f.validation_alias)
    for part in PARTS
    for f in part.model_fields.values()
    if isinstance(f.validation_alias, str)
)

P = TypeVar("P", bound=_Part)


def load_settings(
    slack: bool = False, mode: Mode | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Build the settings once, at process start, from the process environment with `dotenv`
    beneath it (None: no file). With `slack`, the Slack part too: `mode` None picks Socket Mode
    when SLACK_APP_TOKEN is set, else HTTP."""
    core = _load(CoreSettings, dotenv)
    nlu = _load(NluSettings, dotenv)
    return Settings(core, nlu, _slack(mode, dotenv) if slack else None)


def _slack(mode: Mode | None, dotenv: Path | None) -> SlackSettings:
    settings = _load(SlackSettings, dotenv)
    chosen: Mode = mode or ("socket" if settings.app_token is not None else "http")
    if chosen == "socket" and settings.app_token is None:
        raise ConfigError(
            "SLACK_APP_TOKEN is not set (Socket Mode needs an app-level token, xapp-...)"
        )
    if chosen == "http" and not settings.signing_secret.get_secret_value():
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set (HTTP mode verifies every request with it)"
        )
    return settings.serving(chosen)


def _load(part: type[P], dotenv: Path | None) -> P:
    try:
        return part(_env_file=dotenv)
    except ValidationError as exc:
        raise ConfigError(_one_line(exc)) from None


def _one_line(exc: ValidationError) -> str:
    """The first problem, as the one line our validators wrote (pydantic prefixes them)."""
    error = exc.errors(include_url=False)[0]
    alias = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "missing":
        return _MISSING.get(alias, f"{alias} is not set")
    message = str(error["msg"]).removeprefix("Value error, ")
    return message if message.startswith(alias) else f"{alias}: {message}"


def _text(raw: Any) -> str:
    return "" if raw is None else str(raw).strip()


def _number(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        return -1.0

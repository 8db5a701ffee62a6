"""Settings from the environment and .env: clear one-line errors, tokens never shown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.settings import ConfigError, Settings, SlackSettings
from tests.conftest import REPO
from tests.support.environ import settings_from

SECRET = "8f742231b10e8888abcd99eeeddd85a5"
BOT = "xoxb-1234-5678-abcdefsecret"
APP = "xapp-1-A1-2-secretsecret"


def load_all(env: dict[str, str], mode: str | None = None, dotenv: Path | None = None) -> Settings:
    return settings_from(env, slack=True, mode=mode, dotenv=dotenv)  # type: ignore[arg-type]


def load(env: dict[str, str], mode: str | None = None, dotenv: Path | None = None) -> SlackSettings:
    slack = load_all(env, mode, dotenv).slack
    assert slack is not None
    return slack


def test_http_mode_needs_bot_token_and_signing_secret() -> None:
    settings = load({"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": SECRET})
    assert settings.mode == "http"
    assert settings.api_url == "https://slack.com/api/"
    core = load_all({"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": SECRET}).core
    assert core.flow_ttl_hours == 24 and core.flow_ttl_s == 24 * 3600
    with pytest.raises(ConfigError, match="^SLACK_SIGNING_SECRET is not set"):
        load({"SLACK_BOT_TOKEN": BOT})


def test_socket_mode_is_the_default_when_an_app_token_is_set() -> None:
    settings = load({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP})
    assert settings.mode == "socket" and settings.signing_secret.get_secret_value() == ""
    with pytest.raises(ConfigError, match="^SLACK_SIGNING_SECRET"):
        load({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP}, mode="http")
    with pytest.raises(ConfigError, match="^SLACK_APP_TOKEN is not set"):
        load({"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": SECRET}, mode="socket")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "SLACK_BOT_TOKEN must start with xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind", "SLACK_APP_TOKEN must start with xapp-"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL must be an http(s) URL"),
        ("ROLEBOT_ADMINS", "U123ABC, alice", "ROLEBOT_ADMINS must be comma-separated user ids"),
        (
            "ROLEBOT_ESCALATION_CHANNEL",
            "#experts",
            "ROLEBOT_ESCALATION_CHANNEL must be a channel id",
        ),
        ("ROLEBOT_FLOW_TTL_HOURS", "soon", "ROLEBOT_FLOW_TTL_HOURS must be a positive number"),
        ("ROLEBOT_FLOW_TTL_HOURS", "-1", "ROLEBOT_FLOW_TTL_HOURS must be a positive number"),
        ("ROLEBOT_MAX_IN_FLIGHT", "0", "ROLEBOT_MAX_IN_FLIGHT must be a whole number from 1"),
        ("ROLEBOT_MAX_IN_FLIGHT", "lots", "ROLEBOT_MAX_IN_FLIGHT must be a whole number from 1"),
        ("ROLEBOT_MAX_IN_FLIGHT", "\u00b2", "ROLEBOT_MAX_IN_FLIGHT must be a whole number from 1"),
    ],
)
def test_a_malformed_setting_names_the_variable_in_one_line(
    name: str, value: str, message: str
) -> None:
    env = {"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": SECRET, name: value}
    with pytest.raises(ConfigError) as raised:
        load(env)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_optional_settings_are_parsed() -> None:
    everything = load_all(
        {
            "SLACK_BOT_TOKEN": BOT,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "ROLEBOT_DB": "/tmp/x.sqlite3",
            "ROLEBOT_ADMINS": "U1ADMIN, W2ADMIN",
            "ROLEBOT_ESCALATION_CHANNEL": "C0EXPERTS",
            "ROLEBOT_FLOW_TTL_HOURS": "1.5",
        }
    )
    settings = everything.slack
    assert settings is not None
    assert settings.api_url == "http://127.0.0.1:9/api/"  # slack_sdk joins method names onto it
    assert settings.admins == frozenset({"U1ADMIN", "W2ADMIN"})
    assert settings.escalation_channel == "C0EXPERTS"
    assert everything.core.flow_ttl_s == 5400
    assert everything.core.db_path == Path("/tmp/x.sqlite3")


def test_dotenv_fills_gaps_and_the_real_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        f"# local settings\nexport SLACK_BOT_TOKEN={BOT}\n"
        f'SLACK_SIGNING_SECRET="{SECRET}"\nROLEBOT_FLOW_TTL_HOURS=2\n\n'
    )
    settings = load_all({"ROLEBOT_FLOW_TTL_HOURS": "3"}, dotenv=dotenv)
    assert settings.slack is not None
    assert settings.slack.bot_token.get_secret_value() == BOT
    assert settings.slack.signing_secret.get_secret_value() == SECRET
    assert settings.core.flow_ttl_hours == 3


def test_tokens_never_appear_in_repr() -> None:
    settings = load_all(
        {"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": SECRET, "SLACK_APP_TOKEN": APP}
    )
    shown = repr(settings) + str(settings)
    for secret in (BOT, SECRET, APP, "abcdefsecret", "secretsecret"):
        assert secret not in shown
    assert "xoxb-***" in shown and "xapp-***" in shown


def test_serve_with_a_bad_setting_prints_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-not-a-bot-token")
    assert main(["serve", "--http"]) == 2
    err = capsys.readouterr().err
    assert err == "rolebot: SLACK_BOT_TOKEN must start with xoxb-\n"
    assert "Traceback" not in err


def test_serve_with_a_database_it_cannot_open_names_rolebot_db_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.delenv("ROLEBOT_REDIS_URL", raising=False)
    monkeypatch.setenv("ROLEBOT_DB", str(tmp_path))  # a folder, not a database file
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:  # serve sets up JSON logging for the process; give the test run its logging back
        assert main(["--content", str(REPO), "serve", "--http"]) == 2
    finally:
        root.handlers[:], root.level = handlers, level
    err = capsys.readouterr().err
    assert err.startswith("rolebot: ROLEBOT_DB: cannot open SQLite store") and err.count("\n") == 1

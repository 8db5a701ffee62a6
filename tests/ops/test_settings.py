"""The operations settings: ROLEBOT_REDIS_URL and ROLEBOT_LOG_TEXT, checked at startup with an
error that names the variable and never repeats a password."""

from __future__ import annotations

import pytest

from bot.settings import ConfigError, Settings
from tests.support.environ import settings_from

BASE = {"SLACK_BOT_TOKEN": "xoxb-1-2-opstest", "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99"}


def load(**extra: str) -> Settings:
    return settings_from({**BASE, **extra}, slack=True, mode="http")


def test_without_a_redis_url_sqlite_stays_the_store() -> None:
    assert load().core.redis_url is None


@pytest.mark.parametrize(
    "url", ["redis://redis:6379/0", "rediss://:pw@cache.example.com:6380/2", "redis://localhost"]
)
def test_redis_and_rediss_urls_are_accepted(url: str) -> None:
    assert load(ROLEBOT_REDIS_URL=url).core.redis_url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://:s3cretpw@redis:6379/0",
        "redis://:s3cretpw@redis:port/0",
        "redis://:s3cretpw@redis:6379/zero",
        "redis://",
        "s3cretpw",
    ],
)
def test_a_malformed_redis_url_names_the_variable_and_not_the_password(url: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load(ROLEBOT_REDIS_URL=url)
    message = str(raised.value)
    assert message.startswith("ROLEBOT_REDIS_URL") and "\n" not in message
    assert "s3cretpw" not in message


def test_the_redis_password_is_masked_in_repr() -> None:
    shown = repr(load(ROLEBOT_REDIS_URL="redis://app:s3cretpw@redis:6379/0"))
    assert "s3cretpw" not in shown and "redis://app:***@redis:6379/0" in shown


def test_message_text_is_logged_only_when_asked_for() -> None:
    def log_text(**extra: str) -> bool:
        slack = load(**extra).slack
        assert slack is not None
        return slack.log_text

    assert log_text() is False
    assert log_text(ROLEBOT_LOG_TEXT="1") is True
    assert log_text(ROLEBOT_LOG_TEXT="0") is False
    with pytest.raises(ConfigError, match="^ROLEBOT_LOG_TEXT must be 1 or 0"):
        load(ROLEBOT_LOG_TEXT="verbose")

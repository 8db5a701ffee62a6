"""No token reaches the logs, whatever a library writes."""

from __future__ import annotations

import logging

from bot.slack.logs import RedactTokens


def test_tokens_in_log_records_are_masked() -> None:
    record = logging.LogRecord(
        "x",
        logging.ERROR,
        __file__,
        1,
        "sent %s with %s",
        ("Bearer xoxb-1234-5678-secret", "xapp-1-A1-999-secret"),
        None,
    )
    RedactTokens().filter(record)
    message = record.getMessage()
    assert "secret" not in message
    assert message == "sent Bearer xoxb-*** with xapp-***"

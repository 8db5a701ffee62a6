"""Logging for the server: one JSON object per line, and no token ever written out.

Every record becomes `{"ts", "level", "logger", "event", ...}`, where `event` is the message and
any `extra={"fields": {...}}` a caller passes is merged in (converse.py logs one such line per
handled turn: team, channel_type, intent, outcome, latency_ms). Log collectors parse these lines
as they are; a person can still read them.

Our own code never logs a token, but a library might (a URL with a token parameter, an
exception message). `RedactTokens` masks anything shaped like a Slack token in every record,
and the formatter masks the finished line once more, fields and tracebacks included, as the
last line of defence.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

_TOKEN = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+")


def redact(text: str) -> str:
    return _TOKEN.sub(lambda m: f"{m.group(1)}-***", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class JsonLines(logging.Formatter):
    """One JSON object per record; `extra={"fields": {...}}` adds keys (never overriding ts,
    level, logger or event)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update({k: v for k, v in fields.items() if k not in line})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return redact(json.dumps(line, ensure_ascii=False, default=str))


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)

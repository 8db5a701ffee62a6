"""Logging for the server: one line per record, and no token ever written out.

Our own code never logs a token, but a library might (a URL with a token parameter, an
exception message). The filter below masks anything shaped like a Slack token or signing
secret in every record, as a last line of defence.
"""

from __future__ import annotations

import logging
import re

_TOKEN = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _TOKEN.sub(lambda m: f"{m.group(1)}-***", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)

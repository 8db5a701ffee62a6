"""Action ids, callback ids and button values: the contract between blocks.py and the listeners.

blocks.py writes them into buttons; listeners/actions and listeners/views match them. Kept in
one module so a renamed id cannot silently leave a button without a listener. Slack requires
action ids to be unique within a message, so buttons that share a meaning carry a suffix
(`show_intent:cio_role`) and listeners match on the prefix.
"""

from __future__ import annotations

import json
import re
from typing import Any

SHOW_INTENT = "show_intent"  # value: intent id
NONE_OF_THESE = "none_of_these"
FLOW_START = "flow_start"
FLOW_ANSWER = (
    "flow_answer"  # action id flow_answer:<question>:<option>; value "<question>=<option>"
)
FLOW_BACK = "flow_back"
FLOW_RESTART = "flow_restart"
FLOW_CANCEL = "flow_cancel"
FLOW_WHY = "flow_why"
FEEDBACK_UP = "feedback:up"  # value: packed {"i": intent, "q": question}
FEEDBACK_DOWN = "feedback:down"
WHY_ANSWER = "why_answer"  # value: packed {"q": question}
SHARE = "share"  # value: packed {"i": intent, "q": question} or {"a": answers, "c": channel}
ESCALATE = "escalate"  # value: packed {"q": question}
SHOW_QUOTES = "show_quotes"  # value: packed {"i": intent} or {"a": answers} (an assessment result)

ROLEFIT_MODAL = "rolefit_modal"  # callback id of the one-screen assessment
RADIO_ACTION = "choice"  # action id of every radio group in that modal

BUTTON_VALUE_MAX = 2000
ACTION_ID_MAX = 255

FLOW_CONTROLS = (FLOW_BACK, FLOW_RESTART, FLOW_CANCEL, FLOW_WHY)


def prefixed(prefix: str) -> re.Pattern[str]:
    """Matches `prefix` and `prefix:<anything>`, for Bolt's action() constraints."""
    return re.compile(rf"^{re.escape(prefix)}(:.*)?$")


def pack(value: dict[str, Any], shrink: str | None = None) -> str:
    """JSON for a button value, shortening the string field `shrink` to fit 2,000 chars."""
    data = dict(value)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    while len(raw) > BUTTON_VALUE_MAX and shrink and data.get(shrink):
        text = str(data[shrink])
        data[shrink] = text[: max(0, len(text) - (len(raw) - BUTTON_VALUE_MAX) - 1)]
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return raw


def unpack(raw: str | None) -> dict[str, Any]:
    """The inverse of pack; anything unexpected reads as an empty value, never an error."""
    try:
        data = json.loads(raw or "")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def text(action: dict[str, Any], key: str) -> str:
    """The string field `key` of a button's packed value; "" when it is missing or empty."""
    return str(unpack(action.get("value")).get(key) or "")

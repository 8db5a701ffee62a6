"""Who the bot is in the workspace: one auth.test, asked at startup and reused by every request.

Bolt's default single-workspace authorization calls auth.test lazily, inside the first
request. We ask at startup instead (a revoked or mistyped token stops the server with a clear
message rather than failing the first person who asks) and hand the cached answer to Bolt as
its `authorize` function. A side effect that matters: the first Web API call a request makes
is its own, e.g. views.open for /rolefit while the trigger_id is fresh.
"""

from __future__ import annotations

import asyncio
import logging
import time

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger("bot.slack")

# auth.test errors that mean the token itself is wrong, not that Slack is briefly unreachable
TOKEN_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
    }
)


NOT_YET = "auth.test has not succeeded yet"


class TokenRejected(Exception):
    """auth.test refused the bot token; the message names the Slack error code."""


class BotIdentity:
    def __init__(self, token: str) -> None:
        self._token = token
        self._result: AuthorizeResult | None = None
        self._lock = asyncio.Lock()
        # why the last auth.test failed, in one line (None once it has succeeded): /readyz and
        # the log say this rather than blaming whatever request happened to ask
        self.problem: str | None = NOT_YET
        self._tried_at = -float("inf")
        self._trying: asyncio.Task[AuthorizeResult] | None = None

    @property
    def ready(self) -> bool:
        """auth.test has succeeded: Slack's Web API answers and the token is good."""
        return self._result is not None

    @property
    def bot_user_id(self) -> str | None:
        return self._result.bot_user_id if self._result else None

    async def reachable(self, client: AsyncWebClient, timeout: float, every: float) -> bool:
        """True once auth.test has succeeded; until then asks again, at most once per `every`
        seconds however many callers ask (each waits at most `timeout`). Never raises: why it
        failed is in `problem`."""
        if self.ready:
            return True
        if time.monotonic() - self._tried_at < every:
            return False
        self._tried_at = time.monotonic()
        if self._trying is None or self._trying.done():
            # left to finish past `timeout` (shielded), so `problem` ends up naming the real
            # cause (refused, DNS...) rather than our impatience
            self._trying = asyncio.ensure_future(self.load(client))
            self._trying.add_done_callback(lambda t: t.cancelled() or t.exception())
        try:
            await asyncio.wait_for(asyncio.shield(self._trying), timeout)
        except TimeoutError:
            if self.problem == NOT_YET:
                self.problem = f"Slack API did not answer auth.test within {timeout:g} s"
            return False
        except Exception:  # recorded in `problem` by load()
            return False
        return True

    async def load(self, client: AsyncWebClient) -> AuthorizeResult:
        """auth.test once (concurrent first requests share the one call)."""
        async with self._lock:
            if self._result is None:
                try:
                    found = await client.auth_test(token=self._token)
                except SlackApiError as exc:
                    error = str(exc.response.get("error", "unknown_error"))
                    self.problem = f"Slack API auth.test failed: {error}"
                    if error in TOKEN_ERRORS:
                        raise TokenRejected(
                            f"SLACK_BOT_TOKEN was rejected by Slack ({error}); copy the Bot User "
                            "OAuth Token again from OAuth & Permissions"
                        ) from None
                    raise
                except Exception as exc:  # unreachable: refused, DNS, timeout, TLS
                    detail = str(exc).splitlines()[0] if str(exc) else ""
                    where = getattr(client, "base_url", "")
                    self.problem = f"Slack API unreachable at {where} ({type(exc).__name__}" + (
                        f": {detail})" if detail else ")"
                    )
                    raise
                self.problem = None
                self._result = AuthorizeResult(
                    enterprise_id=found.get("enterprise_id"),
                    team_id=found.get("team_id"),
                    bot_id=found.get("bot_id"),
                    bot_user_id=found.get("user_id"),
                    bot_token=self._token,
                )
                logger.info(
                    "connected as bot user %s in team %s",
                    found.get("user_id"),
                    found.get("team_id"),
                )
            return self._result

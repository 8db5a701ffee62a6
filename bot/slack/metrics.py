"""Prometheus metrics for one running Slack app, kept in that app's own registry.

What it owns: every metric's name, labels and buckets, and turning what the adapter sees (a
Slack request, a reply, a failed Web API call, a reload) into counts. Each `Metrics` has its
own `CollectorRegistry` rather than prometheus_client's global one, so two apps in one process
(tests, two replicas side by side) never share or collide on counts.

What it must not do: put anything a person typed, or a user id, into a label. Label values come
from fixed sets only: request kinds, outcomes, intent ids from our content, flow stages, and
Slack's own method names and error codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.exposition import generate_latest

from bot.values.replies import Answer, Clarify, Fallback, FlowQuestion, FlowResult, Notice, Reply

REQUEST_KINDS = ("event", "command", "action", "view", "other")
MATCH_OUTCOMES = ("answer", "clarify", "fallback")
FLOW_STAGES = ("started", "completed", "abandoned")
# guided: question by question in a conversation; modal: every question on one /rolefit screen
FLOW_WAYS = ("guided", "modal")
ABANDONED = frozenset({"cancelled", "expired"})
# Slack wants the HTTP response within 3 s; the top buckets show how close we come
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
MATCH_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_ACTIONS = frozenset(
    {"block_actions", "interactive_message", "block_suggestion", "shortcut", "message_action"}
)
_VIEWS = frozenset({"view_submission", "view_closed"})


def request_kind(body: dict[str, Any]) -> str:
    """event / command / action / view / other, from a payload as Bolt parsed it (untrusted:
    any field may have any JSON type)."""
    kind = body.get("type") if isinstance(body, dict) else None
    if not isinstance(kind, str | None):
        return "other"
    if kind == "event_callback":
        return "event"
    if "command" in body and kind is None:  # slash commands are form fields with no "type"
        return "command"
    if kind in _ACTIONS:
        return "action"
    if kind in _VIEWS:
        return "view"
    return "other"


def outcome_of(reply: Reply) -> tuple[str, str | None]:
    """(outcome, intent) for logs and metrics: what kind of reply, and about which intent."""
    if isinstance(reply, Answer):
        return "answer", reply.response.id
    if isinstance(reply, Clarify):  # the best guess: which intents need telling apart
        guess = reply.suggestions[0].intent if reply.suggestions else None
        return "clarify", reply.match.intent or guess
    if isinstance(reply, Fallback):
        return "fallback", None
    if isinstance(reply, FlowQuestion):
        return "flow_question", None
    if isinstance(reply, FlowResult):
        return "flow_result", None
    return reply.kind, None  # a Notice: cancelled, expired, why, unavailable, info


def is_flow_start(reply: Reply) -> bool:
    """The first question, shown fresh. A re-ask of question 1 ("Going back.", "I didn't catch
    that") carries a notice, so it is not a second start. Known gap: a start whose opening text
    already answered some questions opens at a later number and is not counted."""
    return (
        isinstance(reply, FlowQuestion)
        and reply.number == 1
        and not reply.answered
        and reply.notice is None
    )


class _StoreErrors:
    """rolebot_store_errors_total, read at scrape time from the core's own count
    (bot/store/base.py StoreErrors), which must not depend on the metrics client."""

    def __init__(self, counts: Callable[[], Mapping[str, int]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "rolebot_store_errors",
            "Store operations that failed (store unreachable) and were carried on without, "
            "by operation",
            labels=["operation"],
        )
        for operation, count in sorted(self.counts().items()):
            family.add_metric([operation], count)
        yield family


class Metrics:
    """The counters and histograms of one app; `render()` is the body of GET /metrics."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "rolebot_slack_requests", "Slack requests received, by kind", ["kind"], registry=r
        )
        self.duplicates = Counter(
            "rolebot_slack_duplicate_events",
            "Events Slack retried that another delivery already handled (acknowledged, ignored)",
            registry=r,
        )
        self.replies = Counter(
            "rolebot_replies",
            "Replies to a question, by match outcome and the intent answered (or best guessed)",
            ["outcome", "intent"],
            registry=r,
        )
        self.flows = Counter(
            "rolebot_flows",
            "Assessments started, completed or abandoned, guided or in the /rolefit modal",
            ["stage", "way"],
            registry=r,
        )
        self.ack_seconds = Histogram(
            "rolebot_ack_seconds",
            "Time from a request to POST /slack/events arriving to its HTTP response",
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self.matching_seconds = Histogram(
            "rolebot_matching_seconds",
            "Time the engine takes to turn a question or click into a reply (store included)",
            buckets=MATCH_BUCKETS,
            registry=r,
        )
        self.api_errors = Counter(
            "rolebot_slack_api_errors",
            "Slack Web API calls that failed after the client's retries, by method and error",
            ["method", "error"],
            registry=r,
        )
        self.in_progress = Gauge(
            "rolebot_replies_in_progress",
            "Listener work acked and still running; at ROLEBOT_MAX_IN_FLIGHT new requests wait",
            registry=r,
        )
        self.reloads = Counter(
            "rolebot_content_reloads", "Content reloads, by outcome", ["outcome"], registry=r
        )
        for kind in REQUEST_KINDS:  # every series exists from the start, at 0
            self.requests.labels(kind)
        for stage in FLOW_STAGES:
            for way in FLOW_WAYS:
                self.flows.labels(stage, way)
        for outcome in ("ok", "refused"):
            self.reloads.labels(outcome)

    def request(self, body: dict[str, Any]) -> None:
        self.requests.labels(request_kind(body)).inc()

    def reply(self, reply: Reply, seconds: float) -> None:
        self.matching_seconds.observe(seconds)
        outcome, intent = outcome_of(reply)
        if outcome in MATCH_OUTCOMES:
            self.replies.labels(outcome, intent or "").inc()
        if is_flow_start(reply):
            self.flow("started", "guided")
        elif isinstance(reply, FlowResult):
            self.flow("completed", "guided")
        elif isinstance(reply, Notice) and reply.kind in ABANDONED:
            self.flow("abandoned", "guided")

    def flow(self, stage: str, way: str) -> None:
        """The modal's stages come from its listeners (opened, submitted, closed), not replies."""
        self.flows.labels(stage, way).inc()

    def slack_api_error(self, method: str, error: str) -> None:
        self.api_errors.labels(method, error).inc()

    def count_store_errors(self, counts: Callable[[], Mapping[str, int]]) -> None:
        """Export the core's count of store failures it carried on without."""
        self.registry.register(_StoreErrors(counts))

    def watch_understanding(self, available: Callable[[], bool]) -> None:
        """1 while the sentence model gives its opinion, 0 while the lexical matcher answers
        alone (the model is off, or failed at a reload or mid-question)."""
        gauge = Gauge(
            "rolebot_semantic_model_available",
            "1 while the sentence model's second opinion is in use, 0 when lexical alone",
            registry=self.registry,
        )
        gauge.set_function(lambda: 1.0 if available() else 0.0)

    def reloaded(self, ok: bool) -> None:
        self.reloads.labels("ok" if ok else "refused").inc()

    def render(self) -> tuple[bytes, str]:
        """(body, content type) in the Prometheus text format."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

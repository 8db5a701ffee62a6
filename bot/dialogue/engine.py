"""The conversation engine: one turn in, one reply out. The only place dialogue logic lives.

Both adapters (Slack and the terminal) call `Engine.handle` and render what it returns; they
hold no matching or flow logic. The engine owns: which reply a text or click gets, the "did
you mean" memory, and starting/continuing/ending the role-fit flow. State goes through the
store's `Conversations` port, so it survives restarts and is shared by replicas (Redis).

Every text question it matches goes to the store's question log (questionlog.py says what is
kept and how feedback links to it). Logging is best effort: a store that fails to log never
costs the person their answer. Nor does a store that is down: the engine answers without
memory, and every such failure is logged and counted in `StoreErrors`, never swallowed.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace

from bot.dialogue.questionlog import DEFAULT_SALT, entry_for, question_id, user_hash
from bot.nlu.fusion import Understanding
from bot.nlu.matcher import Matcher
from bot.rolefit.flow import FlowRunner
from bot.store.base import (
    Conversations,
    Feedback,
    QuestionLog,
    StoreErrors,
    StoreUnavailable,
)
from bot.values.content import Content
from bot.values.conversation import ConversationKey, ConversationState
from bot.values.match import Match
from bot.values.replies import (
    Answer,
    Clarify,
    Fallback,
    FlowQuestion,
    FlowResult,
    Notice,
    Reply,
    Topic,
)
from bot.values.turn import Action, Turn

CONVERSATION_TTL_S = 7 * 24 * 3600  # kept past the flow's own expiry, so we can say it expired

logger = logging.getLogger("bot.dialogue")

# A goodbye gets a short closing, not "I can only answer questions about ..."
CLOSINGS = frozenset(
    {
        "bye",
        "bye bye",
        "goodbye",
        "good bye",
        "see you",
        "see ya",
        "cya",
        "later",
        "ciao",
        "bye for now",
        "thats all",
        "that is all",
        "im done",
        "i am done",
        "ok bye",
        "thanks bye",
    }
)
CLOSING = "Bye! Ask me again any time."
ALREADY_IN_ASSESSMENT = (
    "You're already in the assessment: here is where you left off (say 'restart' to begin again)."
)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z ]+", "", text.casefold().replace("'", "")).split())


@dataclass(frozen=True)
class EngineSettings:
    flow_ttl_s: float = 24 * 3600
    # salts the user hash in the question log (ROLEBOT_HASH_SALT, given by the composition root)
    hash_salt: str = field(default=DEFAULT_SALT, repr=False)


class Engine:
    def __init__(
        self,
        content: Content,
        matcher: Matcher | Understanding,
        conversations: Conversations,
        log: QuestionLog,
        flows: FlowRunner | None = None,
        settings: EngineSettings | None = None,
        clock: Callable[[], float] = time.time,
        store_errors: StoreErrors | None = None,
    ) -> None:
        self.content = content
        self.matcher = matcher
        self.conversations = conversations
        self.log = log
        self.store_errors = store_errors or StoreErrors()
        self.flows = flows
        self.settings = settings or EngineSettings()
        self.clock = clock
        self.domain = content.domain
        self._titles = {r.id: r.title for r in content.responses}
        self._sources = {s.id: s for s in content.sources}

    # -- the one entry point ----------------------------------------------------------------

    async def handle(self, turn: Turn) -> Reply:
        try:
            state = await self.conversations.get_conversation(turn.key) or ConversationState()
        except StoreUnavailable as exc:
            self.store_errors.record("get_conversation", exc)
            return await self._stateless(turn)
        reply, state = await self._dispatch(turn, state)
        state.updated_at = self.clock()
        try:
            await self.conversations.put_conversation(turn.key, state, CONVERSATION_TTL_S)
        except StoreUnavailable as exc:
            # the reply still goes out; only the follow-up memory is lost
            self.store_errors.record("put_conversation", exc)
        return reply

    async def feedback(
        self, key: ConversationKey, intent: str, question: str, helpful: bool, reason: str = ""
    ) -> bool:
        """Record a vote under the user's hash, linked to the logged question it is about; True
        when it replaced the person's earlier vote on that answer (one vote per answer)."""
        hashed = user_hash(key.team, key.user, self.settings.hash_salt)
        normalized = self.matcher.normalized(question) if question.strip() else ""
        linked = question_id(key.team, hashed, normalized) if normalized else ""
        return await self.log.record_feedback(
            Feedback(key.team, hashed, intent, question, helpful, self.clock(), reason, linked)
        )

    async def last_result(self, team: str, user: str) -> dict[str, object] | None:
        raw = await self.conversations.get_last_result(team, user)
        return json.loads(raw) if raw else None

    async def assess(self, key: ConversationKey, answers: Mapping[str, str]) -> FlowResult:
        """All answers at once (the Slack modal): evaluated, cited and remembered like a finished
        flow. Raises AnswerError for an incomplete set, RuntimeError without an assessment."""
        if self.flows is None:
            raise RuntimeError("the assessment is not loaded")
        reply = self.flows.result(answers)
        await self._remember_result(key, reply)
        return reply

    def match(self, text: str) -> Match:
        return self.matcher.match(text)

    @property
    def semantic_available(self) -> bool:
        """Whether the sentence model's opinion is in use (not when it is off or has failed)."""
        return isinstance(self.matcher, Understanding) and self.matcher.semantic_available

    @property
    def understanding(self) -> str:
        """How questions are understood right now, in words, for /readyz."""
        if isinstance(self.matcher, Understanding):
            return self.matcher.status
        return "lexical only"

    async def match_async(self, text: str) -> Match:
        """`match` without holding the event loop while the sentence model runs."""
        return await self.matcher.match_async(text)

    def topics(self, intents: tuple[str, ...] | None = None) -> tuple[Topic, ...]:
        """The intents as choices, titled; without `intents`, domain.yml's fallback topics."""
        if intents is None:
            intents = self.domain.fallback_topics
        assessment = self.domain.assessment_intent
        return tuple(
            Topic(i, self._titles[i], starts_assessment=i == assessment)
            for i in intents
            if i in self._titles
        )

    async def help(self, key: ConversationKey) -> Reply:
        """An empty mention or a bare /ask: the curated help answer (domain.yml's help_intent)."""
        intent = self.domain.help_intent
        answer = self.answer_for(intent) if intent else None
        return answer or await self.handle(Turn(key, intent or ""))

    def _fallback(self, question: str, match: Match | None) -> Fallback:
        return Fallback(question, self.closest_topics(match), match, self.domain.fallback_text)

    def closest_topics(self, match: Match | None) -> tuple[Topic, ...]:
        """For a question we do not answer: the topics the sentence model found nearest to it
        first (those we do cover), then the usual ones, four in all."""
        near: list[str] = []
        opinion = match.semantic if match is not None else None
        if opinion is not None:
            near = [i for i in (opinion.intent, opinion.runner_up) if i]
            near = [i for i in near if self.matcher.kind(i) == "knowledge"]
        usual = self.domain.fallback_topics
        return self.topics(tuple(dict.fromkeys([*near, *usual]))[:4])

    def answer_for(
        self, intent: str, question: str = "", match: Match | None = None
    ) -> Answer | None:
        response = self.content.response(intent)
        if response is None:
            return None
        sources = tuple(
            self._sources[c.source] for c in response.citations if c.source in self._sources
        )
        return Answer(
            response=response,
            sources=sources,
            related=self.topics(response.related),
            question=question,
            match=match,
            offer_assessment=intent in self.domain.offer_assessment_after
            and self.flows is not None,
            small_talk=self._small_talk(intent, response.citations),
        )

    def _small_talk(self, intent: str, citations: tuple[object, ...]) -> bool:
        """A greeting or a thank-you: conversation, not help, citing nothing."""
        found = self.content.intent(intent)
        return (
            found is not None
            and found.kind == "conversation"
            and intent != self.domain.help_intent
            and not citations
        )

    # -- dispatch ---------------------------------------------------------------------------

    async def _dispatch(
        self, turn: Turn, state: ConversationState
    ) -> tuple[Reply, ConversationState]:
        now = self.clock()
        if turn.action is not None:
            return await self._on_action(turn, turn.action, state, now)
        text = turn.text.strip()
        if state.flow is not None and self.flows is not None:
            if self.flows.expired(state.flow, now):
                state.flow = None
                return self._expired(), state
            if _words(text) in CLOSINGS:  # leaving mid-way: the answers so far are kept
                hours = round(self.settings.flow_ttl_s / 3600)
                return Notice(
                    "closing",
                    f"{CLOSING} Your assessment is kept for {hours} h: write again to carry "
                    "on, or say 'cancel' to clear it.",
                ), state
            if not self.flows.understands(state.flow, text):
                aside = await self._aside(turn, text, state, now)
                if aside is not None:
                    return aside, state
            flow, reply = self.flows.on_text(state.flow, text, now)
            state.flow = flow
            await self._remember_result(turn.key, reply)
            return reply, state
        if _words(text) in CLOSINGS:
            state.suggestions = []
            return Notice("closing", CLOSING), state
        picked = self._pick_suggestion(text, state)
        if picked:
            return await self._show(turn, picked, text, None, state, now)
        match = await self.matcher.match_async(text)
        await self._log(turn, match, now)
        state.suggestions = []
        if match.outcome == "answer" and match.intent:
            return await self._show(turn, match.intent, text, match, state, now)
        if match.outcome == "clarify" and match.suggestions:
            state.suggestions = list(match.suggestions)
            return Clarify(text, self.topics(match.suggestions), match), state
        return self._fallback(text, match), state

    async def _aside(
        self, turn: Turn, text: str, state: ConversationState, now: float
    ) -> Answer | FlowQuestion | None:
        """A question asked in the middle of the assessment ("what does a CIO do?"): its
        answer, then the pending question again. Asking for the assessment itself ("start the
        assessment") gets the pending question, saying so. None if it is neither."""
        if self.flows is None or state.flow is None:
            return None
        match = await self.matcher.match_async(text)
        if match.outcome != "answer" or not match.intent:
            return None
        if match.intent == self.domain.assessment_intent:
            state.flow, pending = self.flows.pending(state.flow, now, ALREADY_IN_ASSESSMENT)
            return pending
        answer = self.answer_for(match.intent, text, match)
        if answer is None:
            return None
        await self._log(turn, match, now)
        state.flow, pending = self.flows.pending(state.flow, now)
        return replace(answer, then=pending, offer_assessment=False)

    async def _on_action(
        self, turn: Turn, action: Action, state: ConversationState, now: float
    ) -> tuple[Reply, ConversationState]:
        if action.kind == "show_intent":
            return await self._show(turn, action.value, "", None, state, now)
        if action.kind == "none_of_these":
            state.suggestions = []
            return self._fallback("", None), state
        if self.flows is None:
            return Notice("unavailable", "The assessment is not available right now."), state
        if action.kind == "flow_start" or (action.kind == "flow_restart" and state.flow is None):
            state.flow, reply = self.flows.start(now)
            await self._remember_result(turn.key, reply)
            return reply, state
        if state.flow is None:
            return Notice(
                "info",
                "There is no assessment in progress.",
                followups=self._assessment_topic(),
            ), state
        if self.flows.expired(state.flow, now):
            state.flow = None
            return self._expired(), state
        state.flow, reply = self.flows.on_action(state.flow, action, now)
        await self._remember_result(turn.key, reply)
        return reply, state

    async def _show(
        self,
        turn: Turn,
        intent: str,
        text: str,
        match: Match | None,
        state: ConversationState,
        now: float,
    ) -> tuple[Reply, ConversationState]:
        state.suggestions = []
        if intent == self.domain.assessment_intent and self.flows is not None:
            state.flow, reply = self.flows.start(now, text)
            await self._remember_result(turn.key, reply)
            return reply, state
        answer = self.answer_for(intent, text, match)
        if answer is None:
            return self._fallback(text, match), state
        state.last_intent = intent
        return answer, state

    def _pick_suggestion(self, text: str, state: ConversationState) -> str | None:
        """'2' after a "did you mean" list picks the second suggestion."""
        if state.suggestions and text.isdigit():
            index = int(text) - 1
            if 0 <= index < len(state.suggestions):
                return state.suggestions[index]
        return None

    def _assessment_topic(self) -> tuple[Topic, ...]:
        intent = self.domain.assessment_intent
        return self.topics((intent,)) if intent else ()

    def _expired(self) -> Notice:
        hours = round(self.settings.flow_ttl_s / 3600)
        return Notice(
            "expired",
            f"Your earlier assessment expired after {hours} h without an answer, so I've cleared it.",
            followups=self._assessment_topic(),
        )

    async def _log(self, turn: Turn, match: Match, now: float) -> None:
        """Best effort: a question with no words left (emoji, a lone mention) teaches nothing."""
        if not match.normalized:
            return
        entry = entry_for(turn.key, turn.surface, match, now, self.settings.hash_salt)
        try:
            await self.log.log_question(entry)
        except StoreUnavailable as exc:  # the answer matters more than its log line
            self.store_errors.record("log_question", exc)
        except Exception:  # a bug in logging must not cost anyone their answer
            logger.exception("could not log a question")

    async def _remember_result(self, key: ConversationKey, reply: Reply) -> None:
        if isinstance(reply, FlowResult):
            payload = {"recommendation": asdict(reply.recommendation), "at": self.clock()}
            try:
                await self.conversations.put_last_result(key.team, key.user, json.dumps(payload))
            except StoreUnavailable as exc:  # the result is shown; only the App Home loses it
                self.store_errors.record("put_last_result", exc)

    async def _stateless(self, turn: Turn) -> Reply:
        """The store is down: answers still work, anything needing memory says so."""
        if turn.action is not None and turn.action.kind == "show_intent":
            if turn.action.value != self.domain.assessment_intent:
                answer = self.answer_for(turn.action.value)
                if answer:
                    return answer
        if turn.action is None:
            match = await self.matcher.match_async(turn.text)
            if (
                match.outcome == "answer"
                and match.intent
                and match.intent != self.domain.assessment_intent
            ):
                return self.answer_for(match.intent, turn.text, match) or self._fallback(
                    turn.text, match
                )
            if match.outcome == "clarify" and match.suggestions:
                return Clarify(turn.text, self.topics(match.suggestions), match)
            if match.outcome == "fallback":
                return self._fallback(turn.text, match)
        return Notice(
            "unavailable",
            "The assessment is temporarily unavailable; please try again in a few minutes.",
        )

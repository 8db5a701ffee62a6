"""The role-fit conversation as a pure state machine: (state, input, now) -> (state, reply).

Owns the transitions (answer, back, restart, cancel, why, expiry) and how typed text is read
inside the flow. Must not do I/O, touch a store or know about Slack: the engine loads and saves
the state and the adapters render the replies, so every transition is testable with values.
A returned state is always a new object; the one passed in is never changed.

The state returned is None once the flow ends (cancelled or finished): the engine keeps the
finished result itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from bot.rolefit.extract import extract_answers
from bot.rolefit.model import RoleFit
from bot.rolefit.rules import check, evaluate
from bot.values.assessment import Question, QuoteRef
from bot.values.content import Source
from bot.values.conversation import FlowState
from bot.values.replies import FlowQuestion, FlowResult, Notice, Reply, Topic
from bot.values.turn import Action

# Words that steer the flow rather than answer it; the whole message must be one of these.
BACK = frozenset({"back", "go back", "previous", "undo"})
RESTART = frozenset({"restart", "start over", "start again", "begin again", "reset"})
CANCEL = frozenset({"cancel", "stop", "quit", "exit", "abort", "end", "never mind", "nevermind"})
WHY = frozenset(
    {
        "why",
        "why do you ask",
        "why ask",
        "why are you asking",
        "why this question",
        "why does it matter",
        "why is that",
    }
)
_SPACES = re.compile(r"[^a-z0-9]+")


def _command(text: str) -> str:
    return _SPACES.sub(" ", text.casefold().replace("'", "")).strip()


class FlowRunner:
    """Runs the assessment described by a RoleFit; holds no per-conversation state."""

    def __init__(
        self,
        rolefit: RoleFit,
        topic_titles: Mapping[str, str],
        sources: Mapping[str, Source],
        ttl_s: float = 86400,
        assessment_intent: str | None = None,
    ) -> None:
        self.rolefit = rolefit
        self.assessment_intent = assessment_intent  # a followup naming it starts the flow again
        self.topic_titles = dict(topic_titles)
        self.sources = dict(sources)
        self.ttl_s = ttl_s

    # -- entry points -----------------------------------------------------------------------

    def start(self, now: float, text: str = "") -> tuple[FlowState | None, Reply]:
        """The first unanswered question; what `text` already clearly says is taken as answered.

        None instead of a state only if `text` answered everything, and the reply is the result.
        """
        state = FlowState(started_at=now, updated_at=now)
        prefilled = extract_answers(self.rolefit.questions, text) if text.strip() else {}
        if prefilled:
            state = self._with_answers(state, prefilled, now)
            return self._next(state, self._noted(prefilled, "From what you said"))
        return self._next(state)

    def result(self, answers: Mapping[str, str]) -> FlowResult:
        """The result of a complete set of answers (the one-screen modal): no flow, no state.

        Raises AnswerError (naming missing keys or allowed values) if the set is not complete.
        """
        check(self.rolefit, answers)
        state = FlowState(answers=dict(answers), history=[q.id for q in self.rolefit.questions])
        _, reply = self._next(state)
        if not isinstance(reply, FlowResult):  # check() passed, so every question is answered
            raise AssertionError("a complete set of answers must give a result")
        return reply

    def on_action(
        self, state: FlowState, action: Action, now: float
    ) -> tuple[FlowState | None, Reply]:
        if action.kind == "flow_answer":
            question_id, _, value = action.value.partition("=")
            return self._answer_button(state, question_id, value, now)
        if action.kind == "flow_back":
            return self._back(state, now)
        if action.kind in ("flow_restart", "flow_start"):
            return self._restart(now)
        if action.kind == "flow_cancel":
            return self._cancel()
        if action.kind == "flow_why":
            return self._why(state, now)
        return self._ask(
            self._touch(state, now), f"I can't do '{action.kind}' during the assessment."
        )

    def on_text(self, state: FlowState, text: str, now: float) -> tuple[FlowState | None, Reply]:
        command = _command(text)
        if command in BACK:
            return self._back(state, now)
        if command in RESTART:
            return self._restart(now)
        if command in CANCEL:
            return self._cancel()
        if command in WHY:
            return self._why(state, now)
        question = self._current(state)
        if question is None:  # a stored state that is already complete: finish it
            return self._next(state)
        if command.isdigit():
            index = int(command) - 1
            if 0 <= index < len(question.options):
                picked = {question.id: question.options[index].value}
                return self._next(self._with_answers(state, picked, now))
            return self._ask(
                self._touch(state, now), f"There is no option {command}. " + self._choices(question)
            )
        found = extract_answers(self.rolefit.questions, text, current=question.id)
        new = {k: v for k, v in found.items() if k not in state.answers}
        if not new:
            changed = [k for k, v in found.items() if state.answers.get(k) != v]
            if changed:  # a correction of an earlier answer: say how, rather than "didn't catch"
                earlier = self.rolefit.question(changed[0])
                given = self._label(earlier, state.answers[earlier.id])
                return self._ask(
                    self._touch(state, now),
                    f'You already answered "{earlier.text}" with {given}; say '
                    "'back' to change it or 'restart' to start over.",
                )
            return self._ask(
                self._touch(state, now), "I didn't catch that. " + self._choices(question)
            )
        state = self._with_answers(state, new, now)
        also = {k: v for k, v in new.items() if k != question.id}
        if not also:
            return self._next(state)
        return self._next(state, self._noted(new, "Got it"))

    def understands(self, state: FlowState, text: str) -> bool:
        """Whether `text` means something inside the flow (a command, an option, an answer to
        any question); otherwise the engine may answer it as a question of its own."""
        command = _command(text)
        if command in BACK | RESTART | CANCEL | WHY or command.isdigit():
            return True
        question = self._current(state)
        return question is None or bool(
            extract_answers(self.rolefit.questions, text, current=question.id)
        )

    def pending(
        self, state: FlowState, now: float, notice: str | None = None
    ) -> tuple[FlowState, FlowQuestion | None]:
        """The question waiting for an answer, asked again after an aside (its clock reset)."""
        state = self._touch(state, now)
        question = self._current(state)
        return state, self._question_reply(state, question, notice) if question else None

    def expired(self, state: FlowState, now: float) -> bool:
        last = state.updated_at or state.started_at
        return now - last > self.ttl_s

    # -- transitions ------------------------------------------------------------------------

    def _answer_button(
        self, state: FlowState, question_id: str, value: str, now: float
    ) -> tuple[FlowState | None, Reply]:
        current = self._current(state)
        if current is None:
            return self._next(state)
        question = next((q for q in self.rolefit.questions if q.id == question_id), None)
        if question is None or value not in question.values:
            return self._ask(
                self._touch(state, now), "That answer isn't one I know. " + self._choices(current)
            )
        if question.id in state.answers:
            # a button from an earlier message: changing an answer is what 'back' is for
            chosen = self._label(question, state.answers[question.id])
            return self._ask(
                self._touch(state, now),
                f"You already answered that ({chosen}); say 'back' to change it.",
            )
        return self._next(self._with_answers(state, {question.id: value}, now))

    def _back(self, state: FlowState, now: float) -> tuple[FlowState | None, Reply]:
        if not state.history:
            return self._ask(self._touch(state, now), "This is the first question.")
        last = state.history[-1]
        answers = {k: v for k, v in state.answers.items() if k != last}
        back = FlowState(
            answers=answers, history=state.history[:-1], started_at=state.started_at, updated_at=now
        )
        return back, self._question_reply(back, self.rolefit.question(last), "Going back.")

    def _restart(self, now: float) -> tuple[FlowState | None, Reply]:
        fresh = FlowState(started_at=now, updated_at=now)
        return self._next(fresh, "Starting over.")

    def _cancel(self) -> tuple[FlowState | None, Reply]:
        return None, Notice(
            "cancelled",
            "Assessment cancelled; your answers are cleared. "
            "Ask me anything, or start the assessment again any time.",
        )

    def _why(self, state: FlowState, now: float) -> tuple[FlowState | None, Reply]:
        question = self._current(state)
        if question is None:
            return self._next(state)
        citations, sources = self._cited(question.why_citations)
        state = self._touch(state, now)
        return state, Notice(
            "why",
            question.why,
            citations=citations,
            sources=sources,
            flow_active=True,
            then=self._question_reply(state, question, None),
        )

    # -- helpers ----------------------------------------------------------------------------

    def _next(self, state: FlowState, notice: str | None = None) -> tuple[FlowState | None, Reply]:
        """Ask the first unanswered question, or give the result once all are answered."""
        question = self._current(state)
        if question is not None:
            return state, self._question_reply(state, question, notice)
        recommendation = evaluate(self.rolefit, state.answers)
        citations, sources = self._cited(recommendation.citations)
        if citations != recommendation.citations:
            recommendation = replace(recommendation, citations=citations)
        related = tuple(
            Topic(i, self.topic_titles[i], starts_assessment=i == self.assessment_intent)
            for i in recommendation.followups
            if i in self.topic_titles
        )
        return None, FlowResult(recommendation, related, sources)

    def _ask(self, state: FlowState, notice: str) -> tuple[FlowState | None, Reply]:
        question = self._current(state)
        if question is None:
            return self._next(state)
        return state, self._question_reply(state, question, notice)

    def _question_reply(
        self, state: FlowState, question: Question, notice: str | None
    ) -> FlowQuestion:
        answered = tuple(
            (self.rolefit.question(q), state.answers[q])
            for q in state.history
            if q in state.answers
        )
        return FlowQuestion(
            question,
            number=len(answered) + 1,
            total=len(self.rolefit.questions),
            answered=answered,
            notice=notice,
        )

    def _current(self, state: FlowState) -> Question | None:
        return next((q for q in self.rolefit.questions if q.id not in state.answers), None)

    def _with_answers(self, state: FlowState, new: Mapping[str, str], now: float) -> FlowState:
        """A new state with `new` answers added; 'back' undoes them one by one."""
        order = [q.id for q in self.rolefit.questions if q.id in new and q.id not in state.answers]
        return FlowState(
            answers={**state.answers, **{q: new[q] for q in order}},
            history=[*state.history, *order],
            started_at=state.started_at,
            updated_at=now,
        )

    def _touch(self, state: FlowState, now: float) -> FlowState:
        """Any reply from the person keeps the flow alive: expiry counts from the last one."""
        return FlowState(
            answers=dict(state.answers),
            history=list(state.history),
            started_at=state.started_at,
            updated_at=now,
        )

    def _cited(
        self, quotes: tuple[QuoteRef, ...]
    ) -> tuple[tuple[QuoteRef, ...], tuple[Source, ...]]:
        """Quotes whose source is known, with their sources: the two must stay in step."""
        kept = tuple(q for q in quotes if q.source in self.sources)
        return kept, tuple(self.sources[q.source] for q in kept)

    def _label(self, question: Question, value: str) -> str:
        option = question.option(value)
        return option.label if option else value

    def _choices(self, question: Question) -> str:
        listed = "; ".join(f"{n}. {o.label}" for n, o in enumerate(question.options, 1))
        return (
            f"Please pick one of: {listed} (type the number or the words), "
            "or say 'back', 'restart', 'cancel' or 'why'."
        )

    def _noted(self, answers: Mapping[str, str], lead: str) -> str:
        parts = [
            f"{self.rolefit.question(q).text} {self._label(self.rolefit.question(q), v)}."
            for q, v in answers.items()
        ]
        return f"{lead}: " + " ".join(parts)

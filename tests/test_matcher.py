"""The matcher's decisions on a small, hand-made content set: answer, clarify, fall back."""

from __future__ import annotations

import pytest

from bot.nlu.decision import Thresholds
from bot.nlu.matcher import MAX_SENTENCES, Matcher
from bot.values.content import Example, Intent, Origin


def make(
    intent_id: str, examples: list[str], keywords: tuple[str, ...] = (), kind: str = "knowledge"
) -> Intent:
    return Intent(
        intent_id,
        intent_id,
        tuple(Example(t, Origin(f"{intent_id}.yml", n)) for n, t in enumerate(examples, 1)),
        keywords,
        Origin(f"{intent_id}.yml", 1),
        kind,
    )


INTENTS = [
    make("cio_role", ["what does a cio do", "cio responsibilities", "role of the cio"], ("cio",)),
    make("cto_role", ["what does a cto do", "cto responsibilities", "role of the cto"], ("cto",)),
    make(
        "outsourcing_owner", ["who owns outsourcing", "who decides to outsource"], ("outsourcing",)
    ),
    make(
        "budget_tension",
        ["cio and cto budget fights", "budget conflict between cio and cto"],
        ("cio", "cto"),
    ),
    make("greeting", ["hello", "hi", "hey there"], kind="conversation"),
]
DOMAIN = frozenset(k for i in INTENTS for k in i.keywords)


def small() -> Matcher:
    return Matcher(INTENTS, DOMAIN)


def test_confident_question_is_answered_with_its_evidence() -> None:
    m = small().match("What does a CIO do?")
    assert (m.outcome, m.intent) == ("answer", "cio_role")
    assert m.evidence == "what does a cio do"
    assert m.evidence_origin == Origin("cio_role.yml", 1)
    assert m.runner_up == "cto_role" and m.runner_up_score < m.confidence


def test_typos_are_corrected_to_known_words() -> None:
    m = small().match("who ownes outsorcing")
    assert (m.outcome, m.intent) == ("answer", "outsourcing_owner")
    assert ("outsorcing", "outsourcing") in m.corrections


def test_short_words_are_never_corrected_into_a_title() -> None:
    m = small().match("what does a coo do")
    assert m.outcome != "answer"
    assert m.corrections == ()


def test_a_question_without_a_domain_word_falls_back() -> None:
    m = small().match("who owns the marketing budget")
    assert m.outcome == "fallback"
    assert m.intent is None


def test_small_talk_needs_no_domain_word() -> None:
    assert small().match("hey there").intent == "greeting"


def test_an_ambiguous_question_asks_which_one() -> None:
    m = small().match("role of cio or cto")
    assert m.outcome == "clarify"
    assert set(m.suggestions) >= {"cio_role", "cto_role"}
    assert m.intent is None


def test_nothing_known_falls_back_with_zero_confidence() -> None:
    m = small().match("where is the parking garage")
    assert (m.outcome, m.confidence) == ("fallback", 0.0) or m.outcome == "fallback"


def test_confidence_is_within_zero_and_one() -> None:
    for text in ["what does a cio do", "cio", "", "hello hello hello", "x" * 5000]:
        assert 0.0 <= small().match(text).confidence <= 1.0


def test_thresholds_decide_between_answer_and_clarify() -> None:
    strict = Matcher(
        INTENTS, DOMAIN, Thresholds(answer_at=0.99, lead_answer_at=0.99, clarify_at=0.1)
    )
    assert strict.match("cio responsibilities please").outcome == "clarify"


def test_a_lower_score_is_answered_only_when_one_intent_clearly_leads() -> None:
    def outcome(lead_margin: float) -> str:
        thresholds = Thresholds(answer_at=0.99, lead_answer_at=0.1, lead_margin=lead_margin)
        return Matcher(INTENTS, DOMAIN, thresholds).match("cio responsibilities please").outcome

    assert outcome(lead_margin=0.1) == "answer"  # cio_role far ahead of cto_role
    assert outcome(lead_margin=0.99) == "clarify"


def test_leave_one_out_excludes_the_example_itself() -> None:
    m = small().match("what does a cio do", exclude=(Origin("cio_role.yml", 1),))
    assert m.evidence != "what does a cio do"


@pytest.mark.parametrize(
    "question",
    [
        "what does a CMO do",
        "who owns the marketing budget",
        "what's the difference between a CFO and a COO",
    ],
)
def test_out_of_scope_questions_sharing_our_words_fall_back(
    matcher: Matcher, question: str
) -> None:
    """The issue's own examples, on the shipped content: they share words with our topics."""
    assert matcher.match(question).outcome == "fallback"


def test_small_talk_that_explains_little_of_the_question_is_not_answered(matcher: Matcher) -> None:
    m = matcher.match("can you help me write an email")
    assert m.outcome != "answer"
    assert "small talk explains only" in m.reason


def test_normalized_is_what_match_reads() -> None:
    for text in ["Who ownes outsorcing?", "CIO vs C.T.O.", "", "🙂 ok"]:
        assert small().normalized(text) == small().match(text).normalized


def test_a_question_after_context_is_answered_from_its_own_sentence(matcher: Matcher) -> None:
    text = (
        "Our firm moves freight across Europe with lots of warehouses and trucks and depots. "
        "Which exec do we need, a CIO or a CTO?"
    )
    whole_only = matcher._match_one(text, ())
    match = matcher.match(text)
    assert whole_only.outcome == "fallback"  # the context drowns the question ...
    assert (match.outcome, match.intent) == ("answer", "which_role_do_we_need")  # ... not now
    assert "Which exec do we need, a CIO or a CTO?" in match.reason
    assert match.text == text and match.normalized == whole_only.normalized  # logged whole


@pytest.mark.parametrize(
    "text",
    [
        "our CIO left last month. who approves travel expenses now?",  # context is never the answer
        "my boss keeps talking about the cio and cto. what does that even mean?",  # "that" is unnamed
        "I work in finance. what does a cmo do?",
        "hello there. can you order pizza?",
    ],
)
def test_a_sentence_is_not_answered_on_the_strength_of_another(matcher: Matcher, text: str) -> None:
    assert matcher.match(text).outcome != "answer"


def test_a_whole_message_that_found_something_is_not_overruled_by_a_sentence(
    matcher: Matcher,
) -> None:
    text = "we're a city council and sell no software at all. cio or cto?"
    match = matcher.match(text)
    assert match.intent == "which_role_do_we_need" and "sentence" not in match.reason
    assert matcher.match("cio or cto?").intent != "which_role_do_we_need"  # the last sentence alone


def test_a_message_of_many_sentences_is_matched_in_bounded_work(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = matcher._match_one

    def counted(text: str, exclude: object) -> object:
        calls.append(text)
        return real(text, exclude)  # type: ignore[arg-type]

    monkeypatch.setattr(matcher, "_match_one", counted)
    matcher.match(" ".join(f"Is parking slot {n} free?" for n in range(500)))
    assert 1 < len(calls) <= 1 + MAX_SENTENCES  # the whole, then at most the last few


@pytest.mark.parametrize(
    "question",
    ["who is our CTO", "who's the chief information officer at Initech", "who is the new cio"],
)
def test_asking_who_holds_a_role_is_not_answered(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert match.outcome == "fallback" and "who holds a role" in match.reason

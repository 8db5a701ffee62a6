"""The assessment conversation: transitions of the pure FlowRunner, with the shipped content."""

from __future__ import annotations

import copy

import pytest

from bot.content.load import default_root, load_content
from bot.rolefit.flow import FlowRunner
from bot.rolefit.load import default_rolefit_path, load_rolefit
from bot.rolefit.model import RoleFit
from bot.rolefit.rules import AnswerError
from bot.values.content import Source
from bot.values.conversation import ConversationState, FlowState
from bot.values.replies import FlowQuestion, FlowResult, Notice, Reply
from bot.values.turn import Action

TTL = 3600.0
TITLES = {
    "hiring_cto": "Hiring a CTO",
    "hiring_cio": "Hiring a CIO",
    "need_both": "Do we need both?",
}


@pytest.fixture(scope="module")
def rolefit() -> RoleFit:
    loaded, problems = load_rolefit(default_rolefit_path())
    assert loaded is not None, "\n".join(map(str, problems))
    return loaded


@pytest.fixture(scope="module")
def sources() -> dict[str, Source]:
    content, _ = load_content(default_root())
    return {s.id: s for s in content.sources}


@pytest.fixture
def runner(rolefit: RoleFit, sources: dict[str, Source]) -> FlowRunner:
    return FlowRunner(rolefit, TITLES, sources, ttl_s=TTL)


def question_of(reply: Reply) -> FlowQuestion:
    assert isinstance(reply, FlowQuestion), reply
    return reply


def answered(
    state: FlowState | None, runner: FlowRunner, *texts: str, now: float = 10.0
) -> tuple[FlowState | None, Reply]:
    assert state is not None
    reply: Reply | None = None
    for text in texts:
        assert state is not None
        state, reply = runner.on_text(state, text, now)
    assert reply is not None
    return state, reply


def test_start_asks_the_first_question(runner: FlowRunner) -> None:
    state, reply = runner.start(now=1.0)
    question = question_of(reply)
    assert question.question.id == "tech_role"
    assert (question.number, question.total) == (1, 6)
    assert question.answered == () and question.notice is None
    assert state is not None and state.started_at == 1.0 and state.answers == {}


def test_numbers_pick_options_and_the_last_answer_gives_the_result(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    # creator, small, build_products, low, other, none
    state, reply = answered(state, runner, "1", "1", "1", "1", "2", "1")
    assert state is None
    assert isinstance(reply, FlowResult)
    assert reply.recommendation.kind == "cto"
    assert [t.intent for t in reply.related] == ["hiring_cto"]
    assert len(reply.sources) == len(reply.recommendation.citations)
    assert [s.id for s in reply.sources] == [c.source for c in reply.recommendation.citations]


def test_buttons_answer_with_question_and_value(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    assert state is not None
    state, reply = runner.on_action(state, Action("flow_answer", "tech_role=consumer"), 2.0)
    assert state is not None and state.answers == {"tech_role": "consumer"}
    assert question_of(reply).question.id == "size"
    assert question_of(reply).answered[0][1] == "consumer"


def test_a_button_for_an_already_answered_question_does_not_change_it(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, _ = answered(state, runner, "1")
    assert state is not None
    state, reply = runner.on_action(state, Action("flow_answer", "tech_role=mixed"), 3.0)
    assert state is not None and state.answers == {"tech_role": "creator"}
    assert question_of(reply).question.id == "size"
    assert "back" in (question_of(reply).notice or "")


def test_an_unknown_button_value_re_asks_with_the_options(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    assert state is not None
    state, reply = runner.on_action(state, Action("flow_answer", "tech_role=robots"), 2.0)
    assert state is not None and state.answers == {}
    assert "We sell technology" in (question_of(reply).notice or "")


def test_back_removes_the_last_answer_and_asks_it_again(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, _ = answered(state, runner, "1", "2")
    state, reply = answered(state, runner, "back")
    assert state is not None
    assert state.answers == {"tech_role": "creator"} and state.history == ["tech_role"]
    question = question_of(reply)
    assert question.question.id == "size" and question.number == 2
    assert question.notice == "Going back."


def test_back_button_works_like_typing_back(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, _ = answered(state, runner, "3")
    assert state is not None
    state, reply = runner.on_action(state, Action("flow_back"), 2.0)
    assert state is not None and state.answers == {}
    assert question_of(reply).question.id == "tech_role"


def test_back_at_the_first_question_stays_there(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, reply = answered(state, runner, "back")
    assert state is not None and state.answers == {}
    assert question_of(reply).notice == "This is the first question."


def test_back_after_free_text_undoes_one_answer_at_a_time(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, _ = answered(state, runner, "we're a 40-person SaaS company")
    state, reply = answered(state, runner, "back")
    assert state is not None and state.answers == {"tech_role": "creator"}
    assert question_of(reply).question.id == "size"


def test_restart_clears_every_answer(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, _ = answered(state, runner, "1", "2", "3")
    state, reply = answered(state, runner, "start over", now=50.0)
    assert state is not None and state.answers == {} and state.history == []
    assert state.started_at == 50.0
    assert question_of(reply).question.id == "tech_role"
    assert question_of(reply).notice == "Starting over."
    state, reply = runner.on_action(state, Action("flow_restart"), 60.0)
    assert question_of(reply).number == 1


@pytest.mark.parametrize("word", ["cancel", "Stop", "quit."])
def test_cancel_ends_the_flow(runner: FlowRunner, word: str) -> None:
    state, _ = runner.start(now=1.0)
    state, reply = answered(state, runner, "1", word)
    assert state is None
    assert isinstance(reply, Notice) and reply.kind == "cancelled"


def test_cancel_button_ends_the_flow(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    assert state is not None
    state, reply = runner.on_action(state, Action("flow_cancel"), 2.0)
    assert state is None and isinstance(reply, Notice) and reply.kind == "cancelled"


@pytest.mark.parametrize("text", ["why", "why do you ask?", "Why?"])
def test_why_explains_the_current_question_with_its_sources(runner: FlowRunner, text: str) -> None:
    state, _ = runner.start(now=1.0)
    state, _ = answered(state, runner, "1")
    state, reply = answered(state, runner, text, now=20.0)
    assert state is not None and state.answers == {"tech_role": "creator"}
    assert state.updated_at == 20.0
    assert isinstance(reply, Notice) and reply.kind == "why" and reply.flow_active
    assert "one technical decision maker" in reply.text
    assert reply.citations and len(reply.sources) == len(reply.citations)


def test_why_button_explains_too(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    assert state is not None
    state, reply = runner.on_action(state, Action("flow_why"), 2.0)
    assert isinstance(reply, Notice) and reply.kind == "why"
    assert reply.citations[0].source == "fortium"


def test_free_text_can_fill_two_answers_and_asks_only_what_is_missing(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, reply = answered(state, runner, "we're a 40-person SaaS company")
    assert state is not None
    assert state.answers == {"tech_role": "creator", "size": "small"}
    question = question_of(reply)
    assert question.question.id == "priority" and question.number == 3
    pairs = [(q.id, v) for q, v in question.answered]
    assert pairs == [("tech_role", "creator"), ("size", "small")]
    assert "Small or early stage" in (question.notice or "")


def test_free_text_about_a_later_question_is_kept_and_the_current_one_asked_again(
    runner: FlowRunner,
) -> None:
    state, _ = runner.start(now=1.0)
    state, reply = answered(state, runner, "we are a bank")
    assert state is not None and state.answers == {"industry": "financial_services"}
    question = question_of(reply)
    assert question.question.id == "tech_role"
    assert "Yes, financial services" in (question.notice or "")


def test_start_takes_answers_from_the_opening_message(runner: FlowRunner) -> None:
    state, reply = runner.start(now=1.0, text="assess us: we are a bank with 2000 staff")
    assert state is not None
    assert state.answers == {"size": "large", "industry": "financial_services"}
    assert question_of(reply).question.id == "tech_role"
    assert (question_of(reply).notice or "").startswith("From what you said")


def test_an_unreadable_answer_re_asks_with_the_options_never_a_guess(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, _ = answered(state, runner, "1")
    state, reply = answered(state, runner, "purple monkey dishwasher")
    assert state is not None and state.answers == {"tech_role": "creator"}
    question = question_of(reply)
    assert question.question.id == "size"
    notice = question.notice or ""
    assert notice.startswith("I didn't catch that.")
    assert "1. Small or early stage" in notice and "3. Large" in notice


def test_contradicting_an_earlier_answer_says_how_to_change_it(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, _ = answered(state, runner, "1", "1")
    state, reply = answered(state, runner, "actually we have 3000 employees")
    assert state is not None and state.answers["size"] == "small"
    question = question_of(reply)
    assert question.question.id == "priority"
    assert "say 'back' to change it" in (question.notice or "")


def test_a_number_out_of_range_says_so(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, reply = answered(state, runner, "7")
    assert state is not None and state.answers == {}
    assert "There is no option 7" in (question_of(reply).notice or "")


def test_labels_and_values_answer_the_current_question(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, reply = answered(state, runner, "A mix of both", "mid-sized", "run_operations")
    assert state is not None
    assert state.answers == {"tech_role": "mixed", "size": "midsize", "priority": "run_operations"}
    assert question_of(reply).question.id == "compliance"


def test_the_whole_flow_in_words_reaches_a_result(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, reply = answered(
        state, runner, "We sell technology", "over 5000 employees", "both", "heavy", "no", "A CTO"
    )
    assert state is None and isinstance(reply, FlowResult)
    assert reply.recommendation.kind == "both"
    assert any("the role to add is a CIO" in n for n in reply.recommendation.notes)


def test_the_flow_never_changes_the_state_it_was_given(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, _ = answered(state, runner, "1", "2")
    assert state is not None
    before = copy.deepcopy(state)
    for text in ("3", "back", "restart", "why", "gibberish", "we are heavily regulated"):
        runner.on_text(state, text, 99.0)
    runner.on_action(state, Action("flow_answer", "priority=both"), 99.0)
    assert state == before


def test_a_state_survives_a_json_round_trip_mid_flow(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1.0)
    state, _ = answered(state, runner, "1", "2")
    restored = ConversationState.from_json(ConversationState(flow=state).to_json()).flow
    assert restored == state
    assert restored is not None
    _, reply = runner.on_text(restored, "1", 5.0)
    assert question_of(reply).number == 4


def test_a_flow_expires_after_its_ttl_without_activity(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1000.0)
    assert state is not None
    assert not runner.expired(state, 1000.0 + TTL)
    assert runner.expired(state, 1000.0 + TTL + 1)


def test_any_reply_restarts_the_expiry_clock(runner: FlowRunner) -> None:
    state, _ = runner.start(now=1000.0)
    state, _ = answered(state, runner, "gibberish", now=1000.0 + TTL - 10)
    assert state is not None
    assert not runner.expired(state, 1000.0 + TTL + 100)


def test_a_complete_set_of_answers_gives_the_result_without_a_flow(runner: FlowRunner) -> None:
    answers = {
        "tech_role": "consumer",
        "size": "large",
        "priority": "run_operations",
        "compliance": "high",
        "industry": "other",
        "current_leader": "none",
    }
    assert runner.result(answers).recommendation.kind == "cio"


def test_an_incomplete_set_names_what_is_missing(runner: FlowRunner) -> None:
    with pytest.raises(AnswerError, match="size"):
        runner.result({"tech_role": "consumer"})

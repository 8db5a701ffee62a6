"""The assessment's decisions, as the shipped assessment/rolefit.yml makes them."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bot.content.sources import check_quotes, default_sources_path, load_sources
from bot.rolefit.extract import extract_answers
from bot.rolefit.load import default_rolefit_path, load_rolefit
from bot.rolefit.model import FIXED_QUESTIONS, QUOTE_LIMIT, Condition, RoleFit
from bot.rolefit.rules import AnswerError, evaluate, holds

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DECIDING = ("tech_role", "size", "priority", "compliance")


def verify_quotes(
    rolefit: RoleFit, sources_dir: Path, sources_file: Path | None = None
) -> list[object]:
    """The assessment's quotes against the sources' text, checked the way `rolebot validate` does."""
    sources, _ = load_sources(sources_file or default_sources_path(), "responses/sources.yml")
    return check_quotes(rolefit.citations, sources, sources_dir)


@pytest.fixture(scope="module")
def rolefit() -> RoleFit:
    loaded, problems = load_rolefit(default_rolefit_path())
    assert loaded is not None, "\n".join(map(str, problems))
    assert problems == []
    return loaded


def answers(
    tech_role: str,
    size: str,
    priority: str,
    compliance: str,
    industry: str = "other",
    current_leader: str = "none",
) -> dict[str, str]:
    return {
        "tech_role": tech_role,
        "size": size,
        "priority": priority,
        "compliance": compliance,
        "industry": industry,
        "current_leader": current_leader,
    }


def every_combination() -> list[dict[str, str]]:
    return [
        dict(zip(FIXED_QUESTIONS, values))
        for values in itertools.product(*FIXED_QUESTIONS.values())
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (("creator", "small", "build_products", "low"), "cto"),
        (("consumer", "large", "run_operations", "high"), "cio"),
        (("creator", "large", "both", "high"), "both"),
        (("mixed", "large", "both", "high"), "both"),
        (("creator", "small", "both", "high"), "cto_first"),
        (("consumer", "midsize", "build_products", "low"), "cio_first"),
    ],
)
def test_canonical_cases_get_the_expected_recommendation(
    rolefit: RoleFit, given: tuple[str, ...], expected: str
) -> None:
    for leader in FIXED_QUESTIONS["current_leader"]:
        for industry in FIXED_QUESTIONS["industry"]:
            tech_role, size, priority, compliance = given
            rec = evaluate(
                rolefit,
                answers(
                    tech_role, size, priority, compliance, industry=industry, current_leader=leader
                ),
            )
            assert rec.kind == expected


def test_a_recommendation_explains_itself(rolefit: RoleFit) -> None:
    rec = evaluate(rolefit, answers("creator", "small", "build_products", "low"))
    assert rec.title == "Hire a CTO"
    assert rec.summary
    assert {r.question for r in rec.rationale} >= {"tech_role", "size"}
    assert rec.citations and all(0 < len(c.quote) <= QUOTE_LIMIT for c in rec.citations)
    assert rec.followups == ("hiring_cto",)
    assert rec.answers["tech_role"] == "creator"


def test_every_rationale_bullet_names_the_answer_it_comes_from(rolefit: RoleFit) -> None:
    for given in every_combination():
        rec = evaluate(rolefit, given)
        assert len(rec.rationale) >= 2
        for reason in rec.rationale:
            assert reason.answer == given[reason.question]
            assert reason.text


def test_a_small_organisation_is_never_told_to_hire_both(rolefit: RoleFit) -> None:
    small = [a for a in every_combination() if a["size"] == "small"]
    assert {evaluate(rolefit, a).kind for a in small} <= {"cto", "cio", "cto_first", "cio_first"}


def test_every_combination_gets_a_recommendation_without_crashing(rolefit: RoleFit) -> None:
    kinds = {evaluate(rolefit, a).kind for a in every_combination()}
    assert kinds == {"cto", "cio", "both", "cto_first", "cio_first"}


def test_the_catch_all_rule_is_last_and_has_no_conditions(rolefit: RoleFit) -> None:
    assert rolefit.rules[-1].when == ()
    assert all(rule.when for rule in rolefit.rules[:-1])


def test_financial_services_always_gets_the_chief_investment_officer_note(rolefit: RoleFit) -> None:
    for given in every_combination():
        rec = evaluate(rolefit, given)
        noted = any("Chief Investment Officer" in note for note in rec.notes)
        assert noted == (given["industry"] == "financial_services")
        if noted:
            assert any(
                c.source == "gartner_breakdown" and "Chief Investment Officer" in c.quote
                for c in rec.citations
            )


def test_industry_changes_the_title_note_not_the_recommendation(rolefit: RoleFit) -> None:
    for given in every_combination():
        other = {**given, "industry": "other"}
        assert evaluate(rolefit, given).kind == evaluate(rolefit, other).kind


def test_having_the_cto_already_says_to_plan_a_cio_next(rolefit: RoleFit) -> None:
    rec = evaluate(rolefit, answers("creator", "small", "both", "high", current_leader="cto"))
    assert rec.kind == "cto_first"
    assert any(n.startswith("You have your CTO; plan to add a CIO") for n in rec.notes)


def test_having_both_at_small_size_says_so_and_warns_of_turf_battles(rolefit: RoleFit) -> None:
    rec = evaluate(
        rolefit, answers("creator", "small", "build_products", "low", current_leader="both")
    )
    assert rec.kind == "cto"
    assert any("already have the CTO you need" in n for n in rec.notes)
    assert any("turf battles" in n for n in rec.notes)
    assert any("turf battles" in c.quote for c in rec.citations)


def test_having_the_recommended_role_says_nothing_needs_adding(rolefit: RoleFit) -> None:
    cio = evaluate(
        rolefit, answers("consumer", "large", "run_operations", "high", current_leader="cio")
    )
    assert any(n.startswith("You already have a CIO") for n in cio.notes)
    both = evaluate(rolefit, answers("creator", "large", "both", "high", current_leader="both"))
    assert any("already have both" in n for n in both.notes)


def test_having_one_of_two_needed_roles_names_the_one_to_add(rolefit: RoleFit) -> None:
    rec = evaluate(rolefit, answers("creator", "large", "both", "high", current_leader="cto"))
    assert any("the role to add is a CIO" in n for n in rec.notes)
    rec = evaluate(rolefit, answers("mixed", "large", "both", "high", current_leader="cio"))
    assert any("the role to add is a CTO" in n for n in rec.notes)


def test_no_leader_yet_and_one_role_needed_adds_no_note(rolefit: RoleFit) -> None:
    rec = evaluate(rolefit, answers("creator", "small", "build_products", "low"))
    assert rec.notes == ()


def test_followups_point_at_the_recommended_roles(rolefit: RoleFit) -> None:
    expected = {
        "cto": {"hiring_cto"},
        "cio": {"hiring_cio"},
        "both": {"need_both", "hiring_cto", "hiring_cio"},
        "cto_first": {"hiring_cto", "hiring_cio"},
        "cio_first": {"hiring_cio", "hiring_cto"},
    }
    for given in every_combination():
        rec = evaluate(rolefit, given)
        assert set(rec.followups) == expected[rec.kind]


def test_missing_answers_are_named(rolefit: RoleFit) -> None:
    with pytest.raises(AnswerError, match="missing answers: compliance, industry, current_leader"):
        evaluate(rolefit, {"tech_role": "creator", "size": "small", "priority": "both"})


def test_a_wrong_value_lists_the_allowed_ones(rolefit: RoleFit) -> None:
    with pytest.raises(AnswerError, match="size must be one of small, midsize, large"):
        evaluate(rolefit, {**answers("creator", "small", "both", "low"), "size": "tiny"})


def test_an_unknown_question_is_refused(rolefit: RoleFit) -> None:
    with pytest.raises(AnswerError, match="unknown question 'budget'"):
        evaluate(rolefit, {**answers("creator", "small", "both", "low"), "budget": "big"})


def test_the_assessment_says_a_small_organisation_never_gets_both_roles(rolefit: RoleFit) -> None:
    # decisions are content: this one lives in rolefit.yml's `never:`, and must stay there
    assert any(
        c.when == (Condition("size", ("small",)),) and "both" in c.recommend
        for c in rolefit.constraints
    )


def test_no_combination_gets_a_recommendation_its_never_rules_forbid(rolefit: RoleFit) -> None:
    assert rolefit.constraints
    for given in every_combination():
        kind = evaluate(rolefit, given).kind
        for constraint in rolefit.constraints:
            if holds(constraint.when, given):
                assert kind not in constraint.recommend, (constraint.id, given)


def test_every_quote_appears_in_its_source_text(rolefit: RoleFit) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"source texts not available at {SEEDS}")
    assert verify_quotes(rolefit, SEEDS) == []


# -- free text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we're a 40-person SaaS company", {"tech_role": "creator", "size": "small"}),
        ("a bank with 5000 staff", {"industry": "financial_services", "size": "large"}),
        ("about 5,000 employees", {"size": "large"}),
        ("2k employees", {"size": "large"}),
        ("we employ 300 people", {"size": "midsize"}),
        ("an early-stage startup", {"size": "small"}),
        ("we are not regulated", {"compliance": "low"}),
        ("we are heavily regulated", {"compliance": "high"}),
        ("we don't have a CTO", {}),
        ("we have a CIO and a CTO", {"current_leader": "both"}),
        ("we sell software to banks", {"tech_role": "creator"}),
        ("hello there", {}),
    ],
)
def test_free_text_yields_only_what_it_clearly_states(
    rolefit: RoleFit, text: str, expected: dict[str, str]
) -> None:
    assert extract_answers(rolefit.questions, text) == expected


def test_a_headcount_wins_over_a_vaguer_size_word(rolefit: RoleFit) -> None:
    assert extract_answers(rolefit.questions, "a startup of 2,000 people")["size"] == "large"


def test_options_that_disagree_leave_the_question_open(rolefit: RoleFit) -> None:
    assert "priority" not in extract_answers(
        rolefit.questions, "we need to build products and cut costs"
    )


def test_labels_and_values_count_only_for_the_question_being_asked(rolefit: RoleFit) -> None:
    assert extract_answers(rolefit.questions, "both") == {}
    assert extract_answers(rolefit.questions, "both", current="priority") == {"priority": "both"}
    assert extract_answers(rolefit.questions, "Mid-sized", current="size") == {"size": "midsize"}
    assert extract_answers(rolefit.questions, "run operations", current="priority") == {
        "priority": "run_operations"
    }

"""The matcher on labeled questions: our own set always, the shared dev set when present.

Thresholds from the issue: top-1 >= 0.95, resolved >= 0.98, out-of-scope rejection >= 0.95,
wrong answers <= 0.02. A failure prints every miss with its evidence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import evaluate, format_report, load_items
from bot.nlu.fusion import Understanding
from bot.nlu.matcher import Matcher
from tests.conftest import REPO, SHARED

TARGETS = {"top1": 0.95, "resolved": 0.98, "out_of_scope_rejection": 0.95}
MAX_WRONG = 0.02


def assert_meets_targets(matcher: Matcher, path: Path, strict: bool = False) -> None:
    report = evaluate(matcher, load_items(path), strict=strict)
    ratios = report.ratios()
    shortfalls = [f"{k} {ratios[k]:.3f} < {v}" for k, v in TARGETS.items() if ratios[k] < v]
    if ratios["wrong_answer_rate"] > MAX_WRONG:
        shortfalls.append(f"wrong answers {ratios['wrong_answer_rate']:.3f} > {MAX_WRONG}")
    assert not shortfalls, "\n".join(shortfalls) + "\n\n" + format_report(report)


def test_own_labeled_set_meets_targets(matcher: Matcher) -> None:
    assert_meets_targets(matcher, REPO / "tests" / "data" / "labeled_questions.yml")


def test_dev_set_meets_targets(matcher: Matcher) -> None:
    dev = SHARED / "eval" / "dev_questions.yml"
    if not dev.exists():
        pytest.skip(f"{dev} is not beside this checkout")
    # strict: a dev question that happens to equal one of our examples is asked with that
    # example left out, so the figure says how the bot does on phrasings it has never seen
    assert_meets_targets(matcher, dev, strict=True)


def test_holdout_set_stays_above_its_floor(matcher: Matcher) -> None:
    """Written after tuning began; it pins a floor so regressions show.
    Wrong answers may reach 3 of 54: answering a clearly leading intent below ANSWER_AT (the
    lead rule) turned "can we outsource payroll" from a "did you mean" into a wrong answer,
    a price paid knowingly for 15 more right answers across the other sets; and the paraphrase
    examples added for the topic classifier cost the lexical matcher alone one more ("should
    our cto be able to code"). The bot serves the fused decision, which answers none of the
    54 wrongly (FUSED_FLOORS below)."""
    report = evaluate(matcher, load_items(REPO / "tests" / "data" / "holdout_questions.yml"))
    ratios = report.ratios()
    assert ratios["resolved"] >= 0.95 and ratios["wrong_answer_rate"] <= 0.06, format_report(report)


def test_second_batch_stays_above_its_floor(matcher: Matcher) -> None:
    """Incidental words in one example must not steer answers (see the file's header)."""
    report = evaluate(matcher, load_items(REPO / "tests" / "data" / "second_batch_questions.yml"))
    ratios = report.ratios()
    assert ratios["resolved"] >= 0.95 and ratios["wrong_answer_rate"] <= 0.03, format_report(report)


@pytest.mark.parametrize(
    ("name", "resolved", "wrong", "rejected"),
    [
        ("third_batch_questions.yml", 0.88, 0.03, 0.95),
        ("fourth_batch_questions.yml", 0.88, 0.03, 0.95),
        ("fifth_batch_questions.yml", 0.84, 0.05, 0.95),
        ("sixth_batch_questions.yml", 0.86, 0.03, 0.95),
    ],
)
def test_blind_batches_stay_above_their_floors(
    matcher: Matcher, name: str, resolved: float, wrong: float, rejected: float
) -> None:
    """Written by someone who never saw intents/ or the other sets (see each file's header).
    Floors, not targets: about where the matcher stood when each batch was first measured,
    so a change that loses ground on unseen phrasings shows here."""
    report = evaluate(matcher, load_items(REPO / "tests" / "data" / name), strict=True)
    ratios = report.ratios()
    assert ratios["resolved"] >= resolved, format_report(report)
    assert ratios["wrong_answer_rate"] <= wrong, format_report(report)
    assert ratios["out_of_scope_rejection"] >= rejected, format_report(report)


# -- with the sentence model: the matcher the bot serves with ---------------------------------

FUSED_FLOORS = {
    # set: (top-1, resolved, rejected, wrong) the fused matcher reached when it was last tuned
    # (2026-11-28, topic classifier with asked questions, strict: each set's own questions are
    # left out of the classifier's training), less about one question. Left out: the sixth
    # batch and the first real final half (retired finals; the latter's top-1 is below the
    # lexical matcher's), and the current finals, measured once in the README.
    "labeled_questions.yml": (0.95, 0.98, 0.93, 0.012),
    "holdout_questions.yml": (0.83, 0.92, 0.91, 0.019),
    "second_batch_questions.yml": (0.92, 0.97, 0.90, 0.020),
    "third_batch_questions.yml": (0.92, 0.97, 0.93, 0.011),
    "fourth_batch_questions.yml": (0.88, 0.96, 0.95, 0.008),
    "fifth_batch_questions.yml": (0.81, 0.93, 0.95, 0.009),
    "seventh_batch_questions.yml": (0.71, 0.92, 0.95, 0.018),
    "eighth_batch_questions.yml": (0.78, 0.95, 0.95, 0.012),
    "ninth_batch_questions.yml": (0.91, 0.98, 0.97, 0.007),
    "tenth_batch_questions.yml": (0.90, 0.98, 0.97, 0.014),
    "eleventh_batch_questions.yml": (0.82, 0.93, 0.95, 0.021),
    "real_tune_questions.yml": (0.56, 0.79, 0.87, 0.060),
    "real2_tune_questions.yml": (0.55, 0.75, 0.93, 0.059),
    "real2_final_questions.yml": (0.64, 0.83, 0.82, 0.083),
    "real3_tune_questions.yml": (0.49, 0.82, 0.91, 0.056),
    "real3_final_questions.yml": (0.53, 0.83, 0.77, 0.112),
}


@pytest.mark.slow  # encodes every question of sixteen sets with the real model
@pytest.mark.parametrize("name", sorted(FUSED_FLOORS))
def test_with_the_sentence_model_each_set_stays_above_its_floor(
    understanding: Understanding, matcher: Matcher, name: str
) -> None:
    items = load_items(REPO / "tests" / "data" / name)
    fused = evaluate(understanding, items, strict=True)
    top1, resolved, rejected, wrong = FUSED_FLOORS[name]
    r = fused.ratios()
    assert r["top1"] >= top1 and r["resolved"] >= resolved, format_report(fused)
    assert r["out_of_scope_rejection"] >= rejected, format_report(fused)
    assert r["wrong_answer_rate"] <= wrong, format_report(fused)
    # and never more than one question worse than the lexical matcher alone on any figure
    alone = evaluate(matcher, items, strict=True)
    assert fused.top1 >= alone.top1 - 1 and fused.resolved >= alone.resolved - 1
    assert fused.rejected >= alone.rejected - 1 and fused.wrong <= alone.wrong + 1

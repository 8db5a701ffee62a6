"""The matcher on labeled questions: our own set always, the shared dev set when present.

Thresholds from the issue: top-1 >= 0.95, resolved >= 0.98, out-of-scope rejection >= 0.95,
wrong answers <= 0.02. A failure prints every miss with its evidence.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import evaluate, format_report, load_items
from bot.nlu.matcher import Matcher
from tests.conftest import REPO, SHARED

TARGETS = {"top1": 0.95, "resolved": 0.98, "out_of_scope_rejection": 0.95}
MAX_WRONG = 0.02


def assert_meets_targets(matcher: Matcher, path: Path) -> None:
    report = evaluate(matcher, load_items(path))
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
    assert_meets_targets(matcher, dev)


def test_no_dev_phrasing_is_copied_into_intents(matcher: Matcher, shipped) -> None:  # type: ignore[no-untyped-def]
    dev = SHARED / "eval" / "dev_questions.yml"
    if not dev.exists():
        pytest.skip(f"{dev} is not beside this checkout")
    from bot.nlu.normalize import normalize

    ours = {normalize(e.text) for i in shipped.intents for e in i.examples}
    copied = [item.text for item in load_items(dev) if normalize(item.text) in ours]
    assert copied == []


def test_holdout_set_stays_above_its_floor(matcher: Matcher) -> None:
    """Never tuned on; measured once at top-1 0.905 / resolved 0.976 / wrong 0.019."""
    report = evaluate(matcher, load_items(REPO / "tests" / "data" / "holdout_questions.yml"))
    ratios = report.ratios()
    assert ratios["resolved"] >= 0.95 and ratios["wrong_answer_rate"] <= 0.03, format_report(report)

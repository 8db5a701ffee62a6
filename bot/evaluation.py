"""Measuring the matcher on a labeled question file (`rolebot eval`).

File shape (as ../shared/eval/dev_questions.yml): `items: [{text, intent: [ids] | null}]`;
`intent: null` marks an out-of-scope question that must not get a curated answer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.nlu.matcher import Matcher
from bot.nlu.normalize import normalize
from bot.values.content import Origin
from bot.values.match import Match


class EvalFileError(Exception):
    pass


@dataclass(frozen=True)
class Item:
    text: str
    intents: tuple[str, ...]  # empty: out of scope


@dataclass
class Report:
    total: int = 0
    in_scope: int = 0
    out_of_scope: int = 0
    top1: int = 0
    resolved: int = 0
    rejected: int = 0
    wrong: int = 0
    per_intent: dict[str, dict[str, float]] = field(default_factory=dict)
    confused: list[tuple[str, str, int]] = field(default_factory=list)
    # confidence band -> [answers given, answers right]: what a confidence figure is worth
    calibration: dict[str, list[int]] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def ratios(self) -> dict[str, float]:
        return {
            "top1": self.top1 / self.in_scope if self.in_scope else 1.0,
            "resolved": self.resolved / self.in_scope if self.in_scope else 1.0,
            "out_of_scope_rejection": self.rejected / self.out_of_scope
            if self.out_of_scope
            else 1.0,
            "wrong_answer_rate": self.wrong / self.total if self.total else 0.0,
        }

    def answer_precision(self) -> float:
        given = sum(n for n, _ in self.calibration.values())
        return sum(r for _, r in self.calibration.values()) / given if given else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": {
                "total": self.total,
                "in_scope": self.in_scope,
                "out_of_scope": self.out_of_scope,
            },
            **{k: round(v, 4) for k, v in self.ratios().items()},
            "precision_of_answers": round(self.answer_precision(), 4),
            "calibration": {
                band: {"answers": n, "right": r} for band, (n, r) in self.calibration.items()
            },
            "per_intent": self.per_intent,
            "confused_pairs": [{"expected": a, "got": b, "count": n} for a, b, n in self.confused],
            "misses": self.misses,
        }


def load_items(path: Path) -> list[Item]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EvalFileError(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise EvalFileError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except yaml.YAMLError as exc:
        raise EvalFileError(f"{path}: invalid YAML: {exc}") from exc
    except (ValueError, RecursionError) as exc:  # e.g. a date that does not exist (2027-02-30)
        raise EvalFileError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise EvalFileError(f"{path}: expected a mapping with an 'items' list")
    items = []
    for n, raw in enumerate(data["items"], 1):
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            raise EvalFileError(f"{path}: item {n} needs 'text'")
        intents = raw.get("intent")
        if isinstance(intents, str):
            intents = [intents]
        if intents is not None and (
            not isinstance(intents, list) or not all(isinstance(i, str) for i in intents)
        ):
            raise EvalFileError(f"{path}: item {n}: 'intent' must be an intent id, a list, or null")
        items.append(Item(raw["text"], tuple(intents or ())))
    if not items:
        # an empty set would otherwise score a perfect 1.000 (0/0)
        raise EvalFileError(f"{path}: no items to evaluate")
    return items


def check_labels(path: Path, items: list[Item], known: set[str]) -> None:
    """A label naming no intent would be counted as a miss in silence: refuse it instead."""
    for n, item in enumerate(items, 1):
        unknown = [i for i in item.intents if i not in known]
        if unknown:
            raise EvalFileError(
                f"{path}: item {n} ({item.text!r}): no intent named {', '.join(unknown)}"
            )


def evaluate(matcher: Matcher, items: list[Item], strict: bool = False) -> Report:
    """Score the matcher. `strict` leaves out any example identical (after normalisation) to
    the question being asked, so a phrasing that happens to be in intents/ proves nothing."""
    report = Report(total=len(items))
    identical = _examples_by_text(matcher) if strict else {}
    if identical:
        # the sentence model learns from every example at once: train it, once for the whole
        # set, without any example or asked question identical to one of the set's questions
        matcher = matcher.without(
            {o for item in items for o in identical.get(normalize(item.text), ())}
        )
    answered: Counter[str] = Counter()
    answered_right: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    recalled: Counter[str] = Counter()
    confused: Counter[tuple[str, str]] = Counter()
    for item in items:
        match = matcher.match(item.text, exclude=identical.get(normalize(item.text), ()))
        right = match.outcome == "answer" and match.intent in item.intents
        if match.outcome == "answer" and match.intent:
            answered[match.intent] += 1
            answered_right[match.intent] += right
            band = report.calibration.setdefault(_band(match.confidence), [0, 0])
            band[0] += 1
            band[1] += right
        if item.intents:
            report.in_scope += 1
            expected[item.intents[0]] += 1
            recalled[item.intents[0]] += right
            report.top1 += right
            in_suggestions = match.outcome == "clarify" and bool(
                set(match.suggestions) & set(item.intents)
            )
            report.resolved += right or in_suggestions
            if match.outcome == "answer" and not right:
                report.wrong += 1
                confused[(item.intents[0], match.intent or "-")] += 1
            elif not right and match.best and match.best not in item.intents:
                confused[(item.intents[0], match.best)] += 1
            if not right:
                report.misses.append(_miss(item, match, in_suggestions))
        else:
            report.out_of_scope += 1
            if match.outcome == "answer":
                report.wrong += 1
                report.misses.append(_miss(item, match, False))
            else:
                report.rejected += 1
    for intent in sorted(set(expected) | set(answered)):
        precision = answered_right[intent] / answered[intent] if answered[intent] else 1.0
        recall = recalled[intent] / expected[intent] if expected[intent] else 1.0
        report.per_intent[intent] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "support": expected[intent],
        }
    report.confused = [(a, b, n) for (a, b), n in confused.most_common(10)]
    return report


BANDS = (0.9, 0.75, 0.6, 0.0)


def _band(confidence: float) -> str:
    low = next(b for b in BANDS if confidence >= b)
    high = {0.9: 1.0, 0.75: 0.9, 0.6: 0.75, 0.0: 0.6}[low]
    return f"{low:.2f}-{high:.2f}"


def _examples_by_text(matcher: Matcher) -> dict[str, list[Origin]]:
    found: dict[str, list[Origin]] = {}
    for text, origin in matcher.examples():
        found.setdefault(normalize(text), []).append(origin)
    return found


def _miss(item: Item, match: Match, resolved: bool) -> dict[str, Any]:
    return {
        "text": item.text,
        "expected": list(item.intents) or None,
        "outcome": match.outcome,
        "intent": match.intent,
        "best": match.best,
        "confidence": match.confidence,
        "suggestions": list(match.suggestions),
        "resolved_by_clarify": resolved,
        "evidence": match.evidence,
        "reason": match.reason,
    }


def format_report(report: Report) -> str:
    r = report.ratios()
    lines = [
        f"questions: {report.total} ({report.in_scope} in scope, {report.out_of_scope} out of scope)",
        f"top-1 accuracy (in scope):     {r['top1']:.3f}  ({report.top1}/{report.in_scope})",
        f"resolved (answer or clarify):  {r['resolved']:.3f}  ({report.resolved}/{report.in_scope})",
        f"out-of-scope rejection:        {r['out_of_scope_rejection']:.3f}  ({report.rejected}/{report.out_of_scope})",
        f"wrong answers (all questions): {r['wrong_answer_rate']:.3f}  ({report.wrong}/{report.total})",
        f"precision of answers:          {report.answer_precision():.3f}",
        "",
        "confidence of answers given -> how often they were right:",
    ]
    for band in sorted(report.calibration, reverse=True):
        given, right = report.calibration[band]
        lines.append(f"  {band}  {right}/{given} right ({right / given:.2f})")
    lines += [
        "",
        "per intent (precision of answers / recall / support):",
    ]
    for intent, m in report.per_intent.items():
        lines.append(f"  {intent:<26} {m['precision']:.2f}  {m['recall']:.2f}  {int(m['support'])}")
    if report.confused:
        lines += ["", "most confused (expected -> got):"]
        lines += [f"  {a} -> {b}: {n}" for a, b, n in report.confused]
    if report.misses:
        lines += ["", "misses:"]
        for m in report.misses:
            lines.append(
                f"  {m['text']!r}: expected {m['expected']}, got {m['outcome']} "
                f"{m['intent'] or m['suggestions'] or ''} ({m['confidence']:.2f}; {m['reason']}; "
                f"via {m['evidence']!r})"
            )
    return "\n".join(lines)

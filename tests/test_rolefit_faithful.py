"""The assessment never argues against its own recommendation, in any of the 432 combinations.

An answer's shared bullet (`reasons:` in assessment/rolefit.yml) points the same way under
whatever rule shows it: "your compliance needs are light: they do not call for a CIO yet"
argues against a CIO. So it must not appear under a result that recommends a CIO now. A rule
that still needs to mention that answer writes its own bullet (`about:` + `text:`), framed for
its result; those texts, and the notes, are checked for the same arguments in words.

"X first" results recommend X now and the other role later, so a bullet pointing to the other
role is no contradiction there; an argument against X is.
"""

from __future__ import annotations

import itertools
import re

import pytest

from bot.rolefit.load import default_rolefit_path, load_rolefit
from bot.rolefit.model import POINTS, RoleFit
from bot.rolefit.rules import explain

# The recommendations each shared bullet argues against, by the answer it belongs to, as read
# when the directions were first declared: the declared `points:` must still imply these.
AGAINST: dict[tuple[str, str], set[str]] = {
    # "light needs ... do not call for a CIO yet"
    ("compliance", "low"): {"cio", "cio_first", "both"},
    # heavy security and compliance needs: a CIO's priority (Fortium)
    ("compliance", "high"): {"cto"},
    # one technical decision maker; both roles early invite turf battles (the explainer)
    ("size", "small"): {"both"},
    # a company this size needs one leader inside and another outside (the explainer)
    ("size", "large"): {"cio", "cto"},
    # Fortium: a technology creator needs a CTO; a consumer needs a CIO
    ("tech_role", "creator"): {"cio"},
    ("tech_role", "consumer"): {"cto"},
    # product building is the CTO's work; running the business better the CIO's
    ("priority", "build_products"): {"cio"},
    ("priority", "run_operations"): {"cto"},
}

# Words that argue against a role, wherever they appear: in texts written for a rule and in notes.
_NOT = r"(?:do not|don't|does not|doesn't|need not|needn't)"
ARGUES_AGAINST: dict[str, re.Pattern[str]] = {
    "cio": re.compile(rf"{_NOT} (?:yet )?(?:call for|need|require) a CIO|\bCIO can wait", re.I),
    "cto": re.compile(rf"{_NOT} (?:yet )?(?:call for|need|require) a CTO|\bCTO can wait", re.I),
}
ROLES_OF = {
    "cio": {"cio"},
    "cto": {"cto"},
    "both": {"cio", "cto"},
    "cio_first": {"cio"},
    "cto_first": {"cto"},
}


@pytest.fixture(scope="module")
def rolefit() -> RoleFit:
    loaded, problems = load_rolefit(default_rolefit_path())
    assert loaded is not None, "\n".join(map(str, problems))
    return loaded


def contradictions(rolefit: RoleFit) -> dict[str, list[str]]:
    """Each combination whose result shows a bullet or note arguing against it, with why."""
    found: dict[str, list[str]] = {}
    ids = [q.id for q in rolefit.questions]
    for values in itertools.product(*(q.values for q in rolefit.questions)):
        answers = dict(zip(ids, values, strict=True))
        decided = explain(rolefit, answers)
        rec = decided.recommendation
        rule = next(r for r in rolefit.rules if r.id == decided.rule)
        why = []
        for item, reason in zip(rule.rationale, rec.rationale, strict=True):
            shared = rolefit.reasons[(reason.question, reason.answer)]
            # the direction declared in the content: the shared bullet's, or the rule's own
            points = shared.points if item.text is None else item.points
            if rec.kind in POINTS[points] and not item.but:
                why.append(f"a bullet pointing {points}: {reason.text}")
            # and, for shared bullets, the directions this test was first written with
            against = AGAINST.get((reason.question, reason.answer), set())
            if item.text is None and rec.kind in against:
                why.append(f"the {reason.question}={reason.answer} bullet: {reason.text}")
        for text in [r.text for r in rec.rationale] + list(rec.notes):
            for role in ROLES_OF[rec.kind]:
                if ARGUES_AGAINST[role].search(text):
                    why.append(f"a text against a {role}: {text}")
        if why:
            where = ", ".join(f"{k}={v}" for k, v in answers.items())
            found[f"{where} -> {rec.kind}"] = why
    return found


def test_all_432_combinations_are_walked(rolefit: RoleFit) -> None:
    combinations = 1
    for question in rolefit.questions:
        combinations *= len(question.values)
    assert combinations == 432


def test_every_shared_bullet_declares_at_least_the_directions_read_here(rolefit: RoleFit) -> None:
    """A direction in rolefit.yml may not quietly weaken: what AGAINST says a shared bullet
    argues against, its declared `points:` must argue against too."""
    weaker = {
        f"{q}={a}: points {rolefit.reasons[(q, a)].points}, AGAINST {sorted(kinds)}"
        for (q, a), kinds in AGAINST.items()
        if not kinds <= POINTS[rolefit.reasons[(q, a)].points]
    }
    assert not weaker, weaker


def test_a_but_framing_is_declared_only_where_the_bullet_points_against_the_result(
    rolefit: RoleFit,
) -> None:
    """`but: true` is for a bullet that concedes a point against its rule's result; on any
    other bullet it would only hide a direction."""
    needless = [
        f"rule {rule.id}, bullet about {item.question}"
        for rule in rolefit.rules
        for item in rule.rationale
        if item.but and rule.recommend not in POINTS[item.points]
    ]
    assert not needless, needless


def test_no_result_shows_a_bullet_or_note_that_argues_against_it(rolefit: RoleFit) -> None:
    found = contradictions(rolefit)
    examples = [f"{where}: {'; '.join(why)}" for where, why in list(found.items())[:10]]
    assert not found, f"{len(found)} of 432 combinations contradict themselves, e.g.:\n" + (
        "\n".join(examples)
    )


SOURCES_CLAIM = re.compile(r"\b(?:the|our|most|all|both) sources\b|\bsources agree\b", re.I)


def test_a_claim_about_the_sources_rests_on_at_least_two_of_them(rolefit: RoleFit) -> None:
    """'The sources say' needs two distinct sources behind it; one source is named instead."""
    texts = []
    for question in rolefit.questions:
        for text in (question.why, question.help):
            texts.append((f"question {question.id}", text, question.why_citations))
    for (question_id, value), reason in rolefit.reasons.items():
        texts.append((f"reasons.{question_id}.{value}", reason.text, reason.citations))
    for rule in rolefit.rules:
        written = [item.text for item in rule.rationale if item.text]
        for text in [rule.summary, *written]:
            texts.append((f"rule {rule.id}", text, rule.citations))
    for note in rolefit.notes:
        texts.append((f"note {note.id}", note.text, note.citations))
    bad = [
        f"{where}: {text}"
        for where, text, citations in texts
        if SOURCES_CLAIM.search(text) and len({c.source for c in citations}) < 2
    ]
    assert not bad, "one source is not 'the sources':\n" + "\n".join(bad)

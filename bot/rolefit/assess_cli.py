"""`rolebot assess --answer KEY=VALUE ... [--json]`: the assessment without a conversation.

For scripts and for checking the rules by hand. Owns argument parsing of the answers and the
two output shapes; the decision itself comes from rules.evaluate. Exit codes: 0 a result,
1 the assessment content is broken, 2 the answers are missing, unknown or malformed.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import TextIO

from bot.content.sources import default_sources_path, load_sources
from bot.rolefit.load import default_rolefit_path, load_rolefit
from bot.rolefit.model import RoleFit
from bot.rolefit.rules import AnswerError, evaluate
from bot.values.assessment import Recommendation


def run_assess(
    argv_answers: list[str],
    as_json: bool,
    out: TextIO,
    err: TextIO | None = None,
    rolefit: RoleFit | None = None,
    sources_file: Path | None = None,
) -> int:
    err = err or sys.stderr
    answers: dict[str, str] = {}
    for item in argv_answers:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            print(f"rolebot assess: --answer takes KEY=VALUE, got '{item}'", file=err)
            return 2
        answers[key.strip()] = value.strip()
    if rolefit is None:
        rolefit, problems = load_rolefit(default_rolefit_path(), sources_file)
        if rolefit is None:
            for problem in problems:
                print(problem, file=err)
            return 1
    try:
        rec = evaluate(rolefit, answers)
    except AnswerError as exc:
        print(f"rolebot assess: {exc}", file=err)
        return 2
    if as_json:
        json.dump(as_payload(rec), out, indent=2)
        out.write("\n")
    else:
        entries, _ = load_sources(sources_file or default_sources_path())
        titles = {s.id: s.title for s in entries}
        out.write(render_text(rec, titles))
    return 0


def as_payload(rec: Recommendation) -> dict[str, object]:
    return {
        "recommendation": rec.kind,
        "summary": rec.summary,
        "rationale": [reason.text for reason in rec.rationale],
        "citations": [{"source": c.source, "quote": c.quote} for c in rec.citations],
        "notes": list(rec.notes),
        "answers": dict(rec.answers),
    }


def render_text(rec: Recommendation, source_titles: dict[str, str]) -> str:
    def bullet(text: str) -> str:
        return textwrap.fill(text, 88, initial_indent="  - ", subsequent_indent="    ")

    lines = [
        f"Recommendation: {rec.title} ({rec.kind})",
        textwrap.fill(rec.summary, 88),
        "",
        "Why:",
    ]
    lines += [bullet(f"[{r.question}={r.answer}] {r.text}") for r in rec.rationale]
    if rec.notes:
        lines += ["", "Notes:"] + [bullet(note) for note in rec.notes]
    if rec.citations:
        lines += ["", "Sources:"]
        for n, c in enumerate(rec.citations, 1):
            title = source_titles.get(c.source, c.source)
            lines.append(
                textwrap.fill(
                    f"[{n}] {title}: \u201c{c.quote}\u201d",
                    88,
                    initial_indent="  ",
                    subsequent_indent="      ",
                )
            )
    lines += ["", "Answers: " + ", ".join(f"{k}={v}" for k, v in rec.answers.items())]
    return "\n".join(lines) + "\n"

"""Every combination of answers and what the assessment says to it: the reviewable decision table.

assessment/decision_table.md is generated from assessment/rolefit.yml by this module and kept
in the repository, so a change to the rules shows up as a diff of outcomes, not just of YAML.
A test regenerates it and fails if the saved file is stale. Regenerate with
`python -m bot.rolefit.table > assessment/decision_table.md`.
"""

from __future__ import annotations

import itertools
import sys
from collections import Counter
from typing import Any

from bot.rolefit.load import default_rolefit_path, load_rolefit
from bot.rolefit.model import RoleFit
from bot.rolefit.rules import explain


def decision_table(rolefit: RoleFit) -> list[dict[str, Any]]:
    """One row per combination of answers, in question and option order."""
    ids = [q.id for q in rolefit.questions]
    rows = []
    for values in itertools.product(*(q.values for q in rolefit.questions)):
        answers = dict(zip(ids, values))
        explained = explain(rolefit, answers)
        rec = explained.recommendation
        rule = next(r for r in rolefit.rules if r.id == explained.rule)
        points = [
            (
                item.question,
                item.points if item.text else rolefit.reasons[(r.question, r.answer)].points,
            )
            for item, r in zip(rule.rationale, rec.rationale, strict=True)
        ]
        rows.append(
            {
                "answers": answers,
                "recommendation": rec.kind,
                "rule": explained.rule,
                "summary": rec.summary,
                "rationale_bullets": len(rec.rationale),
                "points": points,  # (question, which way its bullet points), as declared
                "notes": list(rec.notes),
                "note_ids": list(explained.notes),
            }
        )
    return rows


def render_markdown(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "# Role-fit decision table\n\n(no rows)\n"
    ids = list(rows[0]["answers"])
    kinds = Counter(r["recommendation"] for r in rows)
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
    lines = [
        "# Role-fit decision table",
        "",
        (
            "Generated from assessment/rolefit.yml by `python -m bot.rolefit.table`; do not edit "
            "by hand. Review its diff whenever the rules change."
        ),
        "",
        f"{len(rows)} combinations. Recommendations: {counts}.",
        "",
        "## Rules",
        "",
        "| rule | recommendation | rows | summary | its bullets point |",
        "|---|---|---|---|---|",
    ]
    by_rule: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = by_rule.setdefault(
            row["rule"],
            {"kind": row["recommendation"], "n": 0, "summary": row["summary"], "points": {}},
        )
        entry["n"] += 1
        for question, way in row["points"]:
            entry["points"].setdefault(question, {})[way] = None
    for rule, entry in by_rule.items():
        points = "; ".join(f"{q} {'/'.join(ways)}" for q, ways in entry["points"].items())
        lines.append(
            f"| {rule} | {entry['kind']} | {entry['n']} | {_cell(entry['summary'])} | {points} |"
        )
    notes: dict[str, str] = {}
    for row in rows:
        for note_id, text in zip(row["note_ids"], row["notes"]):
            notes.setdefault(note_id, text)
    lines += ["", "## Notes", "", "| note | text |", "|---|---|"]
    lines += [f"| {note_id} | {_cell(text)} |" for note_id, text in sorted(notes.items())]
    lines += [
        "",
        "## Every combination",
        "",
        "| # | " + " | ".join(ids) + " | recommendation | rule | bullets | notes |",
        "|---|" + "---|" * (len(ids) + 4),
    ]
    for n, row in enumerate(rows, 1):
        cells = [
            str(n),
            *row["answers"].values(),
            row["recommendation"],
            row["rule"],
            str(row["rationale_bullets"]),
            ", ".join(row["note_ids"]) or "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main() -> int:
    rolefit, problems = load_rolefit(default_rolefit_path())
    for problem in problems:
        print(problem, file=sys.stderr)
    if rolefit is None:
        return 1
    sys.stdout.write(render_markdown(decision_table(rolefit)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

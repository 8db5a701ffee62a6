"""How long every knowledge answer is, as a reader sees it (docs/content-review.md, issue 11).

For each answer, the question in QUESTIONS (one the matcher answers with it) is put to
`rolebot ask` (lines of terminal output) and `rolebot preview` (Slack blocks, and characters:
every text in them, links' addresses included). Run from the repository root:

    .venv/bin/python -m benchmarks.answer_lengths
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

QUESTIONS = {
    "budget_tension": "do cios and ctos fight over budget",
    "career_paths": "how do people become a cio",
    "cio_role": "what does a cio do",
    "cio_title_meaning": "what does cio stand for",
    "cio_vs_cto": "cio vs cto",
    "cto_role": "what does a cto do",
    "hiring_cio": "what to look for in a cio",
    "hiring_cto": "what to look for in a cto",
    "need_both": "do we need both a cio and a cto",
    "outsourcing_owner": "who owns outsourcing, cio or cto",
    "priorities": "top priorities of a cio",
    "product_management": "how does the cto work with product management",
    "reporting_lines": "who does the cto report to",
    "security_ciso": "who owns security, cio or cto",
    "startup_leader": "do startups need a cio",
    "tech_consumer_vs_creator": "technology consumer vs technology creator",
    "vendor_management": "who manages vendors, cio or cto",
    "which_role_do_we_need": "do we need a cio or a cto",
}
ROLEBOT = str(Path(sys.executable).with_name("rolebot"))


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


def measure(question: str) -> tuple[int, int, int]:
    """(terminal lines, Slack blocks, Slack characters) of the answer to `question`."""
    ask = subprocess.run([ROLEBOT, "ask", question], capture_output=True, text=True, check=True)
    preview = subprocess.run(
        [ROLEBOT, "preview", question], capture_output=True, text=True, check=True
    )
    blocks = json.JSONDecoder().raw_decode(preview.stdout)[0]["blocks"]
    return len(ask.stdout.splitlines()), len(blocks), sum(len(t) for t in _texts(blocks))


def main() -> int:
    print("| answer | terminal lines | Slack blocks | Slack characters |")
    print("|---|---|---|---|")
    for intent, question in QUESTIONS.items():
        lines, blocks, chars = measure(question)
        print(f"| {intent} | {lines} | {blocks} | {chars:,} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

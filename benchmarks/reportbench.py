"""`rolebot report --html` on a generated log (`make bench-report`, or
`python -m benchmarks.reportbench` from the repository root): printed, never asserted.

The log is made the way the bot makes one: questions from our labeled sets (tests/data), asked
more or less often (a few very often, most rarely), by a few hundred people over four weeks
(fewer at weekends), each matched by the lexical matcher and logged as the engine logs it;
some answers get votes, and some people click twice, a few changing their mind. Seeded, so
the same arguments give the same log.

Prints the time to build the report and write the page, and, where Debian's chromium and
chromium-driver are installed, the time the browser takes to load it (navigation start to
the end of the load event). `--sample DIR` also writes DIR/sample-report.html and a
screenshot, DIR/sample-report.png (the ones in docs/).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.content.load import default_root, load_content
from bot.curation.page import render
from bot.curation.report import build_report
from bot.dialogue.questionlog import DEFAULT_SALT, entry_for, question_id, user_hash
from bot.evaluation import load_items
from bot.nlu.matcher import Matcher
from bot.store.base import Feedback, LoggedQuestion
from bot.values.conversation import ConversationKey
from bot.values.match import Match

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
# a fixed end, so the sample report does not change every time it is made
UNTIL = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC).timestamp()
DAY = 86400.0
SURFACES = ("channel", "channel", "channel", "im", "im", "command", "mpim")


def generate_log(
    count: int = 5000, days: int = 28, people: int = 400, seed: int = 13, until: float = UNTIL
) -> tuple[list[LoggedQuestion], list[Feedback], float, float]:
    """(questions, votes, since, until) for a log of `count` questions over `days` days."""
    rng = random.Random(seed)
    content, _ = load_content(default_root())
    matcher = Matcher.for_content(content)
    texts = sorted({item.text for path in DATA.glob("*questions.yml") for item in load_items(path)})
    rng.shuffle(texts)
    popularity = [1 / (rank + 1) ** 0.9 for rank in range(len(texts))]
    since = until - days * DAY
    # fewer questions at weekends, and a little more each week as word gets around
    day_weights = []
    for n in range(days):
        weekday = dt.datetime.fromtimestamp(since + n * DAY, dt.UTC).weekday()
        day_weights.append((0.3 if weekday >= 5 else 1.0) * (1 + n / days))
    matched: dict[str, Match] = {}
    questions: list[LoggedQuestion] = []
    votes: list[Feedback] = []
    for _ in range(count):
        text = rng.choices(texts, popularity)[0]
        match = matched.get(text) or matched.setdefault(text, matcher.match(text))
        day = rng.choices(range(days), day_weights)[0]
        at = since + day * DAY + rng.uniform(7, 19) * 3600  # office hours, UTC
        key = ConversationKey("T0GENERATED", "C1", f"U{rng.randrange(people):05d}")
        entry = entry_for(key, rng.choice(SURFACES), match, at, DEFAULT_SALT)
        questions.append(entry)
        if match.outcome == "answer" and match.intent and rng.random() < 0.15:
            votes += _clicks(rng, key, match, at)
    questions.sort(key=lambda q: q.at)
    return questions, votes, since, until


def _clicks(rng: random.Random, key: ConversationKey, match: Match, at: float) -> list[Feedback]:
    """One vote, sometimes clicked again (the same way, or the other: a change of mind)."""
    hashed = user_hash(key.team, key.user, DEFAULT_SALT)
    linked = question_id(key.team, hashed, match.normalized)
    helpful = rng.random() < 0.8
    reason = "" if helpful else rng.choice(("", "too long", "not what I asked", "out of date"))
    first = Feedback(
        key.team, hashed, match.intent or "", match.text, helpful, at + 30, reason, linked
    )
    if rng.random() > 0.12:
        return [first]
    again = helpful if rng.random() < 0.5 else not helpful
    second = Feedback(key.team, hashed, first.intent, match.text, again, at + 90, "", linked)
    return [first, second]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--out", default="/tmp/rolebot-report.html", help="where the page goes")
    parser.add_argument("--sample", metavar="DIR", help="also write the sample report and PNG")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    questions, votes, since, until = generate_log(args.questions, args.days)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    report = build_report(questions, votes, since, until)
    built = time.perf_counter() - start
    start = time.perf_counter()
    page = render(report)
    out = Path(args.sample) / "sample-report.html" if args.sample else Path(args.out)
    out.write_text(page, encoding="utf-8")
    rendered = time.perf_counter() - start
    print(
        f"log: {len(questions):,} questions, {len(votes):,} clicks, {args.days} days "
        f"(generated in {generated:.2f} s)"
    )
    print(
        f"build_report: {built * 1000:.0f} ms; page rendered and written: {rendered * 1000:.0f} ms"
    )
    print(f"page: {out} ({len(page) / 1024:.0f} KiB)")
    try:
        from tests.support.browser import chromium_missing, headless_chromium, load, screenshot
    except ImportError:  # selenium comes with the test extra
        print("browser: selenium not installed (pip install -e '.[test]')")
        return 0
    missing = chromium_missing()
    if missing:
        print(f"browser: {missing}")
        return 0
    with headless_chromium() as driver:
        loaded = load(driver, out)
        charts = driver.execute_script("return document.querySelectorAll('figure svg').length;")
        print(
            f"chromium: loaded in {loaded.seconds * 1000:.0f} ms (navigation start to load end), "
            f"{charts} charts, {len(loaded.errors)} console errors, "
            f"{len(loaded.resources)} fetches"
        )
        if args.sample:
            screenshot(driver, Path(args.sample) / "sample-report.png")
            print(f"screenshot: {Path(args.sample) / 'sample-report.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

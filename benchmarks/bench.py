"""Speed figures for the matcher (`make bench`, or `python -m benchmarks.bench` from the
repository root): printed, never asserted.

Each figure is measured beside a baseline in the same run (plain rapidfuzz `extractOne` with
WRatio over every example, the simplest matcher one could write), so the ratio means
something on any machine, however busy.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.content.load import default_root, load_content
from bot.evaluation import load_items
from bot.nlu.fusion import _MEMO
from bot.nlu.matcher import Matcher
from bot.nlu.normalize import normalize
from bot.values.content import Content, Example, Intent, Origin


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return p50 * 1000, p99 * 1000  # ms


def _time_each(fn: Callable[[str], object], questions: list[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for q in questions:
            start = time.perf_counter()
            fn(q)
            samples.append(time.perf_counter() - start)
    return samples


REPO = Path(__file__).resolve().parents[1]


def _questions(root: Path) -> list[str]:
    own = [i.text for i in load_items(REPO / "tests" / "data" / "labeled_questions.yml")]
    dev = REPO.parent / "shared" / "eval" / "dev_questions.yml"
    extra = [i.text for i in load_items(dev)] if dev.exists() else []
    typos = [q[: len(q) // 2] + q[len(q) // 2 + 1 :] for q in own]  # one letter dropped mid-way
    return own + extra + typos


def synthetic_intents(n_intents: int, per_intent: int, seed: int = 7) -> list[Intent]:
    rng = random.Random(seed)
    vocab = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(8000)]
    common = ["what", "who", "how", "does", "the", "a", "is", "cio", "cto", "our", "we", "should"]
    intents = []
    for i in range(n_intents):
        topic = rng.sample(vocab, 4)
        examples = []
        for j in range(per_intent):
            ws = rng.sample(common, 3) + rng.sample(topic, 2) + rng.sample(vocab, 2)
            rng.shuffle(ws)
            examples.append(Example(" ".join(ws), Origin(f"synthetic/{i}.yml", j + 1)))
        intents.append(
            Intent(
                f"intent_{i}",
                "synthetic",
                tuple(examples),
                tuple(topic[:2]),
                Origin(f"synthetic/{i}.yml", 1),
            )
        )
    return intents


def run_bench(root: Path, quick: bool = False) -> int:
    rounds = 3 if quick else 20
    print("rolebot bench (times in ms; lower is better)")

    loads = []
    for _ in range(3 if quick else 7):
        start = time.perf_counter()
        content, _ = load_content(root, fresh=True)
        matcher = Matcher.for_content(content)
        loads.append(time.perf_counter() - start)
    print(
        f"content load + index build:  median {statistics.median(loads) * 1000:.1f} ms "
        f"({len(content.intents)} intents, {sum(len(i.examples) for i in content.intents)} examples)"
    )

    questions = _questions(root)
    choices = [normalize(e.text) for i in content.intents for e in i.examples]
    for q in questions:  # warm caches (stems, typo corrections) as a running bot would have
        matcher.match(q)
    ours = _time_each(matcher.match, questions, rounds)
    base = _time_each(
        lambda q: process.extractOne(normalize(q), choices, scorer=fuzz.WRatio), questions, rounds
    )
    p50, p99 = _percentiles(ours)
    b50, b99 = _percentiles(base)
    print(
        f"shipped content, {len(questions)} questions x {rounds}: p50 {p50:.3f}  p99 {p99:.3f}   "
        f"(baseline extractOne/WRatio p50 {b50:.3f} p99 {b99:.3f}; ratio p50 {p50 / b50:.2f}x)"
    )

    hostile = [
        "x" * 40_000,
        "cio " * 10_000,
        "\U0001f525" * 5_000,
        "<@U1><!channel>" * 2_000,
        "\x00\x07" * 10_000,
        "CIO или CTO 首席信息官 " * 1_000,
    ]
    h50, h99 = _percentiles(_time_each(matcher.match, hostile, rounds))
    print(f"hostile text (40,000-character and noisy inputs): p50 {h50:.3f}  p99 {h99:.3f}")

    n_intents, per = (400, 10) if quick else (2000, 10)
    synthetic = synthetic_intents(n_intents, per)
    start = time.perf_counter()
    big = Matcher(synthetic, frozenset(k for i in synthetic for k in i.keywords))
    build = time.perf_counter() - start
    rng = random.Random(11)
    probes = []
    for intent in rng.sample(synthetic, 200):
        words = rng.choice(intent.examples).text.split()
        rng.shuffle(words)
        probes.append(" ".join(words[:5]) + " " + rng.choice(["please", "thx", "now"]))
    for q in probes:
        big.match(q)
    big_samples = _time_each(big.match, probes, max(1, rounds // 4))
    big_choices = [normalize(e.text) for i in synthetic for e in i.examples]
    big_base = _time_each(
        lambda q: process.extractOne(normalize(q), big_choices, scorer=fuzz.WRatio), probes, 1
    )
    s50, s99 = _percentiles(big_samples)
    sb50, _ = _percentiles(big_base)
    print(
        f"synthetic {n_intents} intents x {per} examples: build {build * 1000:.0f} ms; "
        f"p50 {s50:.3f}  p99 {s99:.3f}   (baseline p50 {sb50:.3f}; ratio p50 {s50 / sb50:.2f}x)"
    )
    run_semantic_bench(root, content, matcher, rounds=2 if quick else 5)
    return 0


def _semantic_questions(root: Path) -> list[str]:
    """Varied questions of every length people write, long messages included: each set a
    different author's style. Each is asked once per round, so no answer comes from a cache."""
    data = root / "tests" / "data"
    names = ["labeled_questions.yml", "seventh_batch_questions.yml", "real_tune_questions.yml"]
    texts = [i.text for n in names if (data / n).exists() for i in load_items(data / n)]
    return list(dict.fromkeys(texts))


def run_semantic_bench(root: Path, content: Content, lexical: Matcher, rounds: int) -> None:
    """The sentence model's cost: start-up, and per question beside the lexical matcher alone,
    on one thread (the model's own), with its question cache cleared every round."""
    from bot.nlu.fusion import SemanticIndex, Understanding
    from bot.nlu.semantic import Encoder

    out_of_scope = [e.text for e in content.out_of_scope]
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "vectors.npz"
        start = time.perf_counter()
        encoder = Encoder()
        loaded = time.perf_counter() - start
        SemanticIndex(encoder, content.intents, out_of_scope, cache)
        cold = time.perf_counter() - start
        _MEMO.clear()  # a restart: only the file remains
        start = time.perf_counter()
        index = SemanticIndex(Encoder(), content.intents, out_of_scope, cache)
        warm = time.perf_counter() - start
    print(
        f"sentence model start-up: model load {loaded * 1000:.0f} ms; with every example encoded "
        f"{cold * 1000:.0f} ms (first run); from the vector cache {warm * 1000:.0f} ms"
    )
    understanding = Understanding(lexical, index, other_roles=content.other_roles)
    questions = _semantic_questions(root)
    fused: list[float] = []
    asked = 0
    for _ in range(rounds):
        understanding._vector.cache_clear()  # noqa: SLF001 - every question costs its encoding
        fused += _time_each(understanding.match, questions, 1)
    for q in questions:
        asked += understanding.match(q).semantic is not None
    alone = _time_each(lexical.match, questions, rounds)
    encode = _time_each(encoder.encode_one, questions, 1)
    f50, f99 = _percentiles(fused)
    l50, l99 = _percentiles(alone)
    e50, e99 = _percentiles(encode)
    print(
        f"lexical + sentence model, {len(questions)} varied questions x {rounds}: "
        f"p50 {f50:.2f}  p99 {f99:.2f}   (lexical alone p50 {l50:.3f} p99 {l99:.3f}; "
        f"the model alone p50 {e50:.2f} p99 {e99:.2f}; asked for {asked / len(questions):.0%})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--content", metavar="DIR", help="folder holding intents/ (default: the shipped content)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer rounds (for a smoke test)")
    args = parser.parse_args(argv)
    return run_bench(Path(args.content) if args.content else default_root(), quick=args.quick)


if __name__ == "__main__":
    sys.exit(main())

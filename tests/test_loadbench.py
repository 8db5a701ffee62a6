"""The load benchmark runs end to end (tiny numbers: a smoke test, not a measurement)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
import yaml

from benchmarks.loadbench import (
    QUESTION_FILES,
    Requests,
    Tally,
    _percentile,
    load_questions,
    report,
    run,
)

TARGET_NAMES = ("ours", "idiomatic", "reply", "bare")


@pytest.mark.slow  # six processes for a few seconds
def test_a_tiny_run_acks_everything_on_every_target_and_the_replies_arrive() -> None:
    result = run(rounds=2, per_round=20, concurrency=4, deadline_s=60)
    tallies = result["tallies"]
    assert tuple(tallies) == TARGET_NAMES
    for name in TARGET_NAMES:
        assert tallies[name].sent == 40, name
        assert tallies[name].errors == {}, name
        assert len(tallies[name].latencies) == 40, name
    # every question asked of a replying target is answered to the stand-in (warm-up included):
    # ours, idiomatic and reply each send 10 + 20 of each kind
    assert result["delivered"].get("chat.postMessage", 0) >= 90
    assert result["delivered"].get("response_url", 0) >= 90
    shown = report(result)
    assert "ours/idiomatic throughput" in shown and "ours/idiomatic p99" in shown
    assert "ours/reply" in shown and "ours/bare" in shown
    assert f"a pool of {result['questions']} distinct" in shown
    assert shown.count("PASS") + shown.count("FAIL") == 3


def test_the_question_pool_is_the_labeled_files_deduplicated_in_a_fixed_order() -> None:
    pool = load_questions()
    assert pool == load_questions()  # the same shuffle every run
    assert len({q.casefold() for q in pool}) == len(pool)
    assert not any(
        name.startswith(("eighth_batch", "sixth_batch", "real_final")) for name in QUESTION_FILES
    )
    first = yaml.safe_load(open("tests/data/labeled_questions.yml", encoding="utf-8"))["items"]
    assert " ".join(first[0]["text"].split()) in pool


def test_requests_depend_on_their_position_only_and_consecutive_ones_differ() -> None:
    def question(body: str, content_type: str) -> str:
        if content_type == "application/json":
            return str(json.loads(body)["event"]["text"].split("> ", 1)[1])
        return parse_qs(body)["text"][0]

    pool = ("a b", "c d", "e f")
    one, two = Requests("http://x/response", pool), Requests("http://x/response", pool)
    two.at(99)  # another target, further on: the same positions still ask the same
    asked = [question(*one.at(n)) for n in range(6)]
    assert asked == [question(*two.at(n)) for n in range(6)]
    assert asked == ["a b", "c d", "e f", "a b", "c d", "e f"]
    assert all(a != b for a, b in zip(asked, asked[1:]))


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (_percentile(values, 50), _percentile(values, 99), _percentile(values, 100)) == (
        50.0,
        99.0,
        100.0,
    )
    assert _percentile([7.0], 99) == 7.0
    assert Tally().throughput == 0.0

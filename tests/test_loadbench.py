"""The load benchmark runs end to end (tiny numbers: a smoke test, not a measurement)."""

from __future__ import annotations

from benchmarks.loadbench import Tally, _percentile, report, run


def test_a_tiny_run_acks_everything_on_both_targets_and_our_replies_arrive() -> None:
    result = run(rounds=2, per_round=20, concurrency=4, deadline_s=60)
    ours, bare = result["tallies"]["ours"], result["tallies"]["bare"]
    assert (ours.sent, bare.sent) == (40, 40)
    assert ours.errors == {} and bare.errors == {}
    assert len(ours.latencies) == len(bare.latencies) == 40
    # every question asked of our server is answered to the stand-in (warm-up included)
    assert result["delivered"].get("chat.postMessage", 0) >= 20
    assert result["delivered"].get("response_url", 0) >= 20
    shown = report(result)
    assert "ours/bare throughput" in shown and "ours/bare p99" in shown
    assert shown.count("PASS") + shown.count("FAIL") == 3


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (_percentile(values, 50), _percentile(values, 99), _percentile(values, 100)) == (
        50.0,
        99.0,
        100.0,
    )
    assert _percentile([7.0], 99) == 7.0
    assert Tally().throughput == 0.0

"""Load benchmark: our Slack server against an idiomatic Bolt app, under the same load.

`make bench-load` (or `python -m benchmarks.loadbench` from the repository root). What it answers: how
much does everything we do around Bolt (the sentence-model matcher and the engine answering
after the ack, dedupe and the question log in the store, metrics) cost in questions answered
per second and in the ack that Slack times at 3 s?

The floor is "idiomatic": a plain slack-bolt AsyncApp written as the Bolt docs show it, with no
tuning: `/ask` does `await ack()` then `await respond(...)` with a fixed text, and a mention
does `await say(...)` in the thread, each call opening its own HTTP session as Bolt does by
default. Any app that answers must at least do what idiomatic Bolt does, so that is what ours
is held to. Two more targets are shown for information: "bare", a Bolt app whose listeners
only ack (no reply at all), and "reply", a tuned Bolt app that acks and posts one fixed reply
per request through one shared HTTP session (the physical limit of an app that answers).

Six processes on loopback, so no side borrows another's event loop: the Slack stand-in
(tests/support/standin.py, receiving replies as Slack's Web API and response_url would), our
real server (bot.slack.server over SQLite, the sentence-model matcher on as by default), the
three Bolt apps (same signing secret, token, API URL and aiohttp adapter route), and this
process as the client. The client sends signed `/ask` slash commands and `app_mention` events,
alternately, at a fixed concurrency, to one target at a time; each target goes first in turn,
so warm-up and machine noise fall on all alike. The questions are varied: the labeled question
files in tests/data/ (not the held-back final sets), deduplicated and shuffled with a fixed
seed, cycled so consecutive requests differ; every target gets the same request sequence in a
round, and each round starts where the previous one stopped. Our server keeps question vectors
in an LRU cache, so a question repeated in a later round is cheaper: the header prints the pool
size against the requests sent. A round against a server that replies lasts until the
stand-in has every reply, so its throughput is questions answered per second, not acks.
Bounded in requests and in time. Each target's CPU time per request (its process, threads
included, read from /proc) is the figure least moved by a busy machine.

It prints PASS/FAIL for ours against idiomatic (answered throughput >= 0.3x, p99 ack <= 3x,
no errors on any target), and ours against reply and bare as information, but always exits 0:
it is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import logging
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

SIGNING_SECRET = "8f742231b10e8888abcd99eeeddd85a5"
BOT_TOKEN = "xoxb-0000-1111-loadbench"
TEAM_ID = "T0TEAM001"
APP_ID = "A0APP0001"
BOT_USER_ID = "U0BOT0001"
QUESTION_FILES = (  # not eighth_batch, sixth_batch or real_final: those stay unseen
    "labeled_questions.yml",
    "holdout_questions.yml",
    "second_batch_questions.yml",
    "third_batch_questions.yml",
    "fourth_batch_questions.yml",
    "fifth_batch_questions.yml",
    "seventh_batch_questions.yml",
    "real_tune_questions.yml",
)
QUESTION_SEED = 10
WARMUP = 100  # requests per target before the counted rounds
TARGETS = {"throughput": 0.3, "p99": 3.0}  # ours against idiomatic; and no errors


def load_questions(data_dir: Path | None = None) -> tuple[str, ...]:
    """The question pool: every labeled question's text in QUESTION_FILES, deduplicated (first
    occurrence kept) and shuffled with a fixed seed, so every run asks the same sequence."""
    import random

    import yaml

    data_dir = data_dir or Path(__file__).resolve().parent.parent / "tests" / "data"
    seen: dict[str, str] = {}  # case and spacing folded -> the text as first written
    for name in QUESTION_FILES:
        items = yaml.safe_load((data_dir / name).read_text(encoding="utf-8"))["items"]
        for item in items:
            text = " ".join(str(item["text"]).split())
            if text:
                seen.setdefault(text.casefold(), text)
    pool = list(seen.values())
    random.Random(QUESTION_SEED).shuffle(pool)
    return tuple(pool)


# -- the servers, one per child process ---------------------------------------------------------


def _quiet() -> None:
    logging.basicConfig(level=logging.WARNING)


def _free_site_port(site: Any) -> int:
    return int(site._server.sockets[0].getsockname()[1])


async def _serve_until_stopped(conn: Connection, web_app: Any) -> None:
    """Serve `web_app` on a free loopback port, tell the parent its events URL, and stop when
    the parent says so."""
    from aiohttp import web

    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    conn.send(f"http://127.0.0.1:{_free_site_port(site)}/slack/events")
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    await runner.cleanup()


def _serve_standin(conn: Connection) -> None:
    _quiet()

    async def serve() -> None:
        from tests.support.standin import SlackStandIn

        standin = SlackStandIn()
        await standin.start()
        conn.send(standin.url)
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # "stop"
        await standin.settle(1.0)  # replies still in flight after the last ack
        methods = [c.method for c in standin.calls]
        conn.send({m: methods.count(m) for m in set(methods)})
        await standin.stop()

    asyncio.run(serve())


def _serve_ours(conn: Connection, api_url: str, db: str, profile: str | None = None) -> None:
    _quiet()

    async def serve() -> None:
        from bot.app import build_slack, open_engine
        from bot.slack.server import create_web_app
        from tests.support.environ import settings_from

        settings = settings_from(
            slack=True,
            mode="http",
            environ={
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": api_url,
                "ROLEBOT_DB": db,
            },
        )
        app, identity = build_slack(settings, await open_engine(settings))
        await _serve_until_stopped(conn, create_web_app(app, identity))

    if profile is None:
        asyncio.run(serve())
        return
    import cProfile

    with cProfile.Profile() as profiler:
        asyncio.run(serve())
    profiler.dump_stats(profile)


def _serve_bare(conn: Connection, api_url: str, reply: bool = False) -> None:
    """A Bolt app that only acks; with `reply`, the floor of any app that answers: it also
    posts one fixed message per request (chat.postMessage for a mention, response_url for
    /ask) through one shared HTTP session, and does nothing else."""
    _quiet()

    async def serve() -> None:
        import aiohttp
        from aiohttp import web
        from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
        from slack_bolt.async_app import AsyncApp
        from slack_sdk.web.async_client import AsyncWebClient
        from slack_sdk.webhook.async_client import AsyncWebhookClient

        app = AsyncApp(  # the token comes with the client, as ours gets it from authorize
            signing_secret=SIGNING_SECRET,
            client=AsyncWebClient(base_url=api_url, token=BOT_TOKEN),
            process_before_response=False,
        )

        async def ask(ack: Any, command: dict[str, Any], client: AsyncWebClient) -> None:
            await ack()
            if reply:
                await AsyncWebhookClient(command["response_url"], session=client.session).send(
                    text="ok", response_type="ephemeral"
                )

        async def mention(event: dict[str, Any], client: AsyncWebClient) -> None:
            if reply:
                await client.chat_postMessage(
                    channel=event["channel"], text="ok", thread_ts=event["ts"]
                )

        app.command("/ask")(ask)
        app.event("app_mention")(mention)

        async def events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await app.async_dispatch(await to_bolt_request(request))
            )

        web_app = web.Application()
        web_app.router.add_post("/slack/events", events)
        app.client.session = aiohttp.ClientSession()
        await _serve_until_stopped(conn, web_app)
        await app.client.session.close()

    asyncio.run(serve())


def _serve_idiomatic(conn: Connection, api_url: str) -> None:
    """The floor: a Bolt app as the Bolt docs write one, with no tuning. `/ask` acks, then
    answers with respond() (a new HTTP session to the response_url per call, Bolt's default);
    a mention is answered with say() in its thread (chat.postMessage through the app's client,
    which opens a session per call too). Every reply is the same fixed text."""
    _quiet()

    async def serve() -> None:
        from aiohttp import web
        from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
        from slack_bolt.async_app import AsyncApp
        from slack_sdk.web.async_client import AsyncWebClient

        app = AsyncApp(
            signing_secret=SIGNING_SECRET,
            client=AsyncWebClient(base_url=api_url, token=BOT_TOKEN),  # Slack's API: the stand-in
        )

        @app.command("/ask")
        async def ask(ack: Any, respond: Any) -> None:
            await ack()
            await respond("Thanks for asking: here is what I know about that.")

        @app.event("app_mention")
        async def mention(event: dict[str, Any], say: Any) -> None:
            await say(
                text="Thanks for asking: here is what I know about that.", thread_ts=event["ts"]
            )

        async def events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await app.async_dispatch(await to_bolt_request(request))
            )

        web_app = web.Application()
        web_app.router.add_post("/slack/events", events)
        await _serve_until_stopped(conn, web_app)

    asyncio.run(serve())


# -- the client ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """What one target got: ack times of 2xx answers, and everything else as errors."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0  # wall time of the rounds
    sent: int = 0
    rounds: list[tuple[float, float]] = field(default_factory=list)  # (req/s, p99 s) per round
    cpu_s: float | None = None  # the server process's CPU time over its rounds (Linux only)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def throughput(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return _percentile(self.latencies, p)

    @property
    def cpu_ms_per_request(self) -> float:
        return (
            self.cpu_s / self.sent * 1000 if self.cpu_s is not None and self.sent else float("nan")
        )


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process so far, threads included (Linux's /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)  # nearest rank: the smallest value with p% of values at or below it
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


class Requests:
    """Bodies shaped like Slack's, by position `n` in the run's sequence: /ask and app_mention
    alternating, the question pool cycled, so any two targets sent the same positions get the
    same requests. Event ids, trigger ids and message ts never repeat (a repeated event would be
    acked as a retry and do no work)."""

    def __init__(self, response_url: str, questions: Sequence[str]) -> None:
        if not questions:
            raise ValueError("no questions to ask")
        self.response_url = response_url
        self.questions = questions
        self._serial = itertools.count()

    def at(self, n: int) -> tuple[str, str]:
        serial = next(self._serial)
        user = f"U{n % 50:08d}"
        question = self.questions[n % len(self.questions)]
        if n % 2:
            return urlencode(
                {
                    "token": "x",
                    "team_id": TEAM_ID,
                    "team_domain": "bench",
                    "channel_id": "C0BENCH01",
                    "channel_name": "bench",
                    "user_id": user,
                    "user_name": user.lower(),
                    "command": "/ask",
                    "text": question,
                    "api_app_id": APP_ID,
                    "is_enterprise_install": "false",
                    "response_url": self.response_url,
                    "trigger_id": f"{serial}.{TEAM_ID}.{uuid.uuid4().hex}",
                }
            ), "application/x-www-form-urlencoded"
        ts = f"{int(time.time())}.{serial:06d}"
        return json.dumps(
            {
                "token": "x",
                "team_id": TEAM_ID,
                "api_app_id": APP_ID,
                "type": "event_callback",
                "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",
                "event_time": int(time.time()),
                "event": {
                    "type": "app_mention",
                    "user": user,
                    "text": f"<@{BOT_USER_ID}> {question}",
                    "ts": ts,
                    "channel": "C0BENCH01",
                    "event_ts": ts,
                    "team": TEAM_ID,
                },
                "authorizations": [
                    {
                        "enterprise_id": None,
                        "team_id": TEAM_ID,
                        "user_id": BOT_USER_ID,
                        "is_bot": True,
                        "is_enterprise_install": False,
                    }
                ],
            }
        ), "application/json"


def _signed(body: str, content_type: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
    }


REPLY_METHODS = ("chat.postMessage", "response_url")


async def _replies(http: Any, counts_url: str) -> int:
    async with http.get(counts_url) as response:
        counts = await response.json()
    return sum(int(counts.get(m, 0)) for m in REPLY_METHODS)


async def _round(
    http: Any,
    url: str,
    requests: Requests,
    start: int,
    count: int,
    concurrency: int,
    tally: Tally | None,
    deadline: float,
    rate: float | None = None,
    replies_from: str | None = None,
) -> None:
    """`count` requests, positions `start` on in the sequence, at most `concurrency` at a time:
    as fast as answers come back, or, with `rate`, each at its scheduled time. tally None for a
    warm-up that is not counted.

    With `replies_from` (the stand-in's counts URL) the round lasts until the stand-in has
    received one reply per acked request, so throughput counts questions answered, not acks:
    a server that acks fast and answers late gains nothing from it."""
    import aiohttp

    replies_before = await _replies(http, replies_from) if replies_from else 0
    left = itertools.count()
    latencies: list[float] = []
    started = time.perf_counter()

    async def worker() -> None:
        while (index := next(left)) < count and time.monotonic() < deadline:
            if rate:
                await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
            body, content_type = requests.at(start + index)
            sent_at = time.perf_counter()
            try:
                async with http.post(
                    url, data=body.encode(), headers=_signed(body, content_type)
                ) as r:
                    await r.read()
                    status = r.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                if tally is not None:
                    tally.error(type(exc).__name__)
                    tally.sent += 1
                continue
            if tally is None:
                continue
            tally.sent += 1
            if 200 <= status < 300:
                latencies.append(time.perf_counter() - sent_at)
            else:
                tally.error(f"HTTP {status}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    if replies_from:
        wanted = replies_before + len(latencies)
        waited_until = time.monotonic() + 30.0
        while (got := await _replies(http, replies_from)) < wanted:
            if time.monotonic() > waited_until:
                if tally is not None:
                    tally.errors["reply not delivered"] = (
                        tally.errors.get("reply not delivered", 0) + wanted - got
                    )
                break
            await asyncio.sleep(0.005)
    elapsed = time.perf_counter() - started
    if tally is not None:
        tally.seconds += elapsed
        tally.latencies += latencies
        tally.rounds.append(
            (len(latencies) / elapsed if elapsed else 0.0, _percentile(latencies, 99))
        )


async def _drive(
    urls: dict[str, str],
    pids: dict[str, int],
    response_url: str,
    rounds: int,
    per_round: int,
    concurrency: int,
    deadline_s: float,
    rate: float | None,
    counts_url: str,
    replying: set[str],
    questions: Sequence[str],
) -> dict[str, Tally]:
    import aiohttp

    deadline = time.monotonic() + deadline_s
    tallies = {name: Tally() for name in urls}
    requests = Requests(response_url, questions)
    warmup = min(WARMUP, per_round)
    connector = aiohttp.TCPConnector(limit=concurrency * 2)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=10)
    ) as http:
        for name, url in urls.items():  # warm-up: connections, caches, auth.test
            await _round(  # the same positions for all, just before the counted ones
                http,
                url,
                requests,
                -warmup,
                warmup,
                concurrency,
                None,
                deadline,
                replies_from=counts_url if name in replying else None,
            )
        names = list(urls)
        for r in range(rounds):
            order = names[r % len(names) :] + names[: r % len(names)]  # each goes first in turn
            for name in order:
                before = _cpu_s(pids[name])
                await _round(
                    http,
                    urls[name],
                    requests,
                    r * per_round,  # the same positions for every target in a round
                    per_round,
                    concurrency,
                    tallies[name],
                    deadline,
                    rate,
                    counts_url if name in replying else None,
                )
                await asyncio.sleep(0.1)  # let the machine settle before the next target
                after = _cpu_s(pids[name])
                if before is not None and after is not None:
                    tallies[name].cpu_s = (tallies[name].cpu_s or 0.0) + after - before
            if time.monotonic() >= deadline:
                print(
                    f"stopped after {r + 1} rounds: the {deadline_s:.0f} s limit", file=sys.stderr
                )
                break
    return tallies


# -- running and reporting ----------------------------------------------------------------------


def _start(ctx: Any, target: Any, *args: Any) -> tuple[Any, Connection, Any]:
    parent, child = ctx.Pipe()
    process = ctx.Process(target=target, args=(child, *args), daemon=True)
    process.start()
    if not parent.poll(60):
        process.terminate()
        raise RuntimeError(f"{target.__name__} did not start within 60 s")
    return process, parent, parent.recv()


def run(
    rounds: int = 5,
    per_round: int = 400,
    concurrency: int = 50,
    deadline_s: float = 300.0,
    profile: str | None = None,
    rate: float | None = None,
) -> dict[str, Any]:
    questions = load_questions()
    ctx = multiprocessing.get_context("spawn")
    processes: list[tuple[Any, Connection]] = []
    with tempfile.TemporaryDirectory(prefix="rolebot-loadbench-") as tmp:
        try:
            standin, standin_conn, standin_url = _start(ctx, _serve_standin)
            processes.append((standin, standin_conn))
            ours, ours_conn, ours_url = _start(
                ctx, _serve_ours, standin_url + "api/", str(Path(tmp) / "rolebot.db"), profile
            )
            processes.append((ours, ours_conn))
            bare, bare_conn, bare_url = _start(ctx, _serve_bare, standin_url + "api/")
            processes.append((bare, bare_conn))
            tuned, tuned_conn, tuned_url = _start(ctx, _serve_bare, standin_url + "api/", True)
            processes.append((tuned, tuned_conn))
            floor, floor_conn, floor_url = _start(ctx, _serve_idiomatic, standin_url + "api/")
            processes.append((floor, floor_conn))
            tallies = asyncio.run(
                _drive(
                    {
                        "ours": ours_url,
                        "idiomatic": floor_url,
                        "reply": tuned_url,
                        "bare": bare_url,
                    },
                    {
                        "ours": ours.pid,
                        "idiomatic": floor.pid,
                        "reply": tuned.pid,
                        "bare": bare.pid,
                    },
                    standin_url + "response/bench",
                    rounds,
                    per_round,
                    concurrency,
                    deadline_s,
                    rate,
                    standin_url + "_counts",
                    {"ours", "idiomatic", "reply"},
                    questions,
                )
            )
            for _, conn in processes[1:]:
                conn.send("stop")
            standin_conn.send("stop")
            delivered = standin_conn.recv() if standin_conn.poll(30) else {}
        finally:
            for process, _ in processes:
                process.join(15)
                if process.is_alive():
                    process.terminate()
                    process.join(5)
    return {
        "tallies": tallies,
        "delivered": delivered,
        "rounds": rounds,
        "per_round": per_round,
        "concurrency": concurrency,
        "rate": rate,
        "questions": len(questions),
        "warmup": min(WARMUP, per_round),
    }


def _ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(b) else float("nan")


def report(result: dict[str, Any]) -> str:
    tallies: dict[str, Tally] = result["tallies"]
    ours, floor = tallies["ours"], tallies["idiomatic"]
    sent = max((t.sent for t in tallies.values()), default=0)
    pool, warmup = result["questions"], result["warmup"]
    lines = [
        f"rolebot load benchmark: {result['rounds']} rounds x {result['per_round']} requests per "
        f"target, concurrency {result['concurrency']}"
        + (f", paced at {result['rate']:g} req/s" if result["rate"] else ", as fast as acked")
        + f", loopback, {os.cpu_count()} CPUs",
        "(signed /ask slash commands and app_mention events, alternating; each target goes first "
        "in turn; every target gets the same requests in a round)",
        f"questions: a pool of {pool} distinct labeled questions (tests/data), shuffled, cycled; "
        f"each target was sent {warmup} warm-up + {sent} counted requests, so each question was "
        f"asked ~{(warmup + sent) / pool:.1f} times per target (our server caches question "
        "vectors, so repeats are cheaper)",
        "ours: the rolebot server on SQLite, sentence-model matcher on. idiomatic: a Bolt app as "
        "the docs write it (ack, then respond()/say() a fixed text), the floor. reply: a tuned "
        "Bolt app posting one fixed reply through one shared session, the limit. bare: a Bolt app "
        "that only acks.",
        "req/s counts a request once its reply reached the stand-in (for bare, once acked).",
        "",
        (
            f"{'target':<10}{'requests':>10}{'errors':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
            f"{'max ms':>9}{'CPU ms/req':>12}"
        ),
    ]
    for name, t in tallies.items():
        lines.append(
            f"{name:<10}{t.sent:>10}{sum(t.errors.values()):>8}{t.throughput:>10.0f}"
            f"{t.percentile(50) * 1000:>9.1f}{t.percentile(99) * 1000:>9.1f}"
            f"{(max(t.latencies) if t.latencies else float('nan')) * 1000:>9.1f}"
            f"{t.cpu_ms_per_request:>12.2f}"
        )
    for name, t in tallies.items():
        shown = "  ".join(f"{rps:.0f}/s p99 {p99 * 1000:.0f}ms" for rps, p99 in t.rounds)
        lines.append(f"  {name} by round: {shown}")
    throughput = _ratio(ours.throughput, floor.throughput)
    p99 = _ratio(ours.percentile(99), floor.percentile(99))
    errors = {name: t.errors for name, t in tallies.items() if t.errors}
    verdict = {
        "throughput": throughput >= TARGETS["throughput"],
        "p99": p99 <= TARGETS["p99"],
        "errors": not errors,
    }
    lines += [
        "",
        "targets, ours against idiomatic Bolt (the floor):",
        (
            f"  ours/idiomatic throughput {throughput:5.2f}  (target >= {TARGETS['throughput']})  "
            f"{'PASS' if verdict['throughput'] else 'FAIL'}"
        ),
        (
            f"  ours/idiomatic p99 ack    {p99:5.2f}  (target <= {TARGETS['p99']})  "
            f"{'PASS' if verdict['p99'] else 'FAIL'}"
        ),
        (
            f"  errors, all targets       {sum(sum(e.values()) for e in errors.values()):5d}  "
            f"(target 0)    {'PASS' if verdict['errors'] else 'FAIL'}"
            + (f"  {errors}" if errors else "")
        ),
        "for information:",
    ]
    for name, what in (
        ("reply", "the tuned fixed-reply limit"),
        ("bare", "acks only, no reply"),
    ):
        other = tallies.get(name)
        if other is None:
            continue
        lines.append(
            f"  ours/{name:<9} throughput {_ratio(ours.throughput, other.throughput):5.2f}, "
            f"p99 ack {_ratio(ours.percentile(99), other.percentile(99)):5.2f}  ({what}); "
            f"idiomatic/{name}: throughput {_ratio(floor.throughput, other.throughput):.2f}, "
            f"p99 ack {_ratio(floor.percentile(99), other.percentile(99)):.2f}"
        )
    delivered = result["delivered"]
    if delivered:
        lines.append(
            f"replies the stand-in received, all replying targets: "
            f"{delivered.get('chat.postMessage', 0)} chat.postMessage, "
            f"{delivered.get('response_url', 0)} response_url"
        )
    if ours.latencies and floor.latencies:
        lines.append(
            f"mean ack: ours {statistics.fmean(ours.latencies) * 1000:.1f} ms, "
            f"idiomatic {statistics.fmean(floor.latencies) * 1000:.1f} ms"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.loadbench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=400, help="per target per round")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds for the whole run")
    parser.add_argument(
        "--rate",
        type=float,
        metavar="REQ_PER_S",
        help="pace requests at this rate instead of sending as fast as acks come "
        "back: ack latency below saturation rather than capacity",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="write cProfile stats of our server process here (pstats format)",
    )
    args = parser.parse_args(argv)
    if (
        min(args.rounds, args.requests, args.concurrency) < 1
        or args.deadline <= 0
        or (args.rate is not None and args.rate <= 0)
    ):
        parser.error("--rounds, --requests, --concurrency, --deadline and --rate must be positive")
    print(
        report(
            run(
                args.rounds, args.requests, args.concurrency, args.deadline, args.profile, args.rate
            )
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

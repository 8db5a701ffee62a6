"""The deployment files agree with the code: probes hit routes the app serves, every variable
they set is one the code reads, replicas and autoscaling fit together, tokens come from Secrets,
and every grace period leaves room for the bot's own shutdown.

Files are parsed, never applied: no cluster or Docker is needed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import build_slack
from bot.runtime import EngineHolder, build_engine
from bot.settings import ENV_VARS
from bot.slack.server import REPLIES_GRACE_S, REQUESTS_GRACE_S, SHUTDOWN_S, create_web_app
from bot.store.memory import MemoryStore
from tests.support.environ import settings_from

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
TOKENS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
OUR_PREFIXES = ("SLACK_", "ROLEBOT_")


def k8s_documents() -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted((DEPLOY / "k8s").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if doc
    ]


def one(kind: str, name: str) -> dict[str, Any]:
    (found,) = [d for d in k8s_documents() if d["kind"] == kind and d["metadata"]["name"] == name]
    return found


def bot_container() -> dict[str, Any]:
    (container,) = one("Deployment", "rolebot")["spec"]["template"]["spec"]["containers"]
    return container


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    return loaded


def systemd_unit() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in (DEPLOY / "rolebot.service").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def seconds(duration: str | int) -> float:
    """15, "15", "15s" -> 15.0 (the forms compose and systemd use here)."""
    return float(str(duration).removesuffix("s"))


@pytest.fixture(scope="module")
def get_routes() -> set[str]:
    """The GET paths the real web app serves, read from its router."""
    env = {"SLACK_BOT_TOKEN": "xoxb-1-2-deploycheck", "SLACK_SIGNING_SECRET": "ab" * 16}
    settings = settings_from(env, slack=True, mode="http")
    store = MemoryStore()
    app, _ = build_slack(settings, EngineHolder(build_engine(store), store))
    web_app = create_web_app(app)
    return {
        r.resource.canonical for r in web_app.router.routes() if r.method == "GET" and r.resource
    }


# -- Kubernetes -----------------------------------------------------------------------------------


def test_the_deployment_runs_at_least_two_replicas_and_the_hpa_targets_it() -> None:
    deployment = one("Deployment", "rolebot")
    assert deployment["spec"]["replicas"] >= 2
    hpa = one("HorizontalPodAutoscaler", "rolebot")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"], target["apiVersion"]) == (
        "Deployment",
        "rolebot",
        deployment["apiVersion"],
    )
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] >= hpa["spec"]["minReplicas"]


def test_probes_hit_routes_the_app_serves_on_a_port_the_container_opens(
    get_routes: set[str],
) -> None:
    container = bot_container()
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe"):
        http_get = container[probe]["httpGet"]
        assert http_get["path"] in get_routes, (probe, sorted(get_routes))
        assert http_get["port"] in ports
    args = container["args"]
    assert int(args[args.index("--port") + 1]) == ports["http"]  # the bot listens where probed
    annotations = one("Deployment", "rolebot")["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] in get_routes
    assert int(annotations["prometheus.io/port"]) == ports["http"]


def test_the_service_selects_the_pods_and_targets_their_port() -> None:
    service = one("Service", "rolebot")
    template = one("Deployment", "rolebot")["spec"]["template"]
    assert service["spec"]["selector"].items() <= template["metadata"]["labels"].items()
    names = {p["name"] for p in bot_container()["ports"]}
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= names


def test_the_container_requests_resources() -> None:
    requests = bot_container()["resources"]["requests"]
    assert requests.get("cpu") and requests.get("memory")


def test_tokens_come_from_the_secret_and_the_example_secret_has_every_key() -> None:
    env = {e["name"]: e for e in bot_container()["env"]}
    secret = one("Secret", "rolebot-slack")
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        assert "value" not in env[name], f"{name} must not be written in the manifest"
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert ref["name"] == secret["metadata"]["name"]
        assert ref["key"] in secret["stringData"]


def test_the_bots_own_shutdown_budget_fits_its_promise() -> None:
    # open requests, then replies after their ack; what is left closes Slack and the store
    assert REQUESTS_GRACE_S + REPLIES_GRACE_S < SHUTDOWN_S


def test_pods_get_time_for_pre_stop_and_the_bots_own_shutdown() -> None:
    pod = one("Deployment", "rolebot")["spec"]["template"]["spec"]
    pre_stop = bot_container().get("lifecycle", {}).get("preStop", {}).get("exec", {})
    command = pre_stop.get("command", [])
    waits = float(command[1]) if command[:1] == ["sleep"] else 0.0
    assert pod["terminationGracePeriodSeconds"] >= waits + SHUTDOWN_S


def test_the_redis_url_points_at_the_redis_service() -> None:
    env = {e["name"]: e for e in bot_container()["env"]}
    url = env["ROLEBOT_REDIS_URL"]["value"]
    host, port = re.match(r"redis://([^:/]+):(\d+)/", url).groups()  # type: ignore[union-attr]
    service = one("Service", host)
    assert int(port) in {p["port"] for p in service["spec"]["ports"]}


# -- compose, systemd, Dockerfile -----------------------------------------------------------------


def test_compose_shares_redis_and_stops_gracefully() -> None:
    bot = compose()["services"]["bot"]
    assert bot["environment"]["ROLEBOT_REDIS_URL"].startswith("redis://redis:")
    assert "redis" in bot["depends_on"]
    assert seconds(bot["stop_grace_period"]) > SHUTDOWN_S


def test_systemd_reloads_with_sighup_and_waits_for_shutdown() -> None:
    unit = systemd_unit()
    assert unit["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert unit["KillSignal"] == ["SIGTERM"]
    assert seconds(unit["TimeoutStopSec"][0]) > SHUTDOWN_S


def test_the_image_healthcheck_and_port_match_the_app(get_routes: set[str]) -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    (path,) = re.findall(r"http://127\.0\.0\.1:\d+(/\w+)", dockerfile)
    assert path in get_routes
    exposed = re.search(r"^EXPOSE (\d+)$", dockerfile, re.MULTILINE).group(1)  # type: ignore[union-attr]
    assert f'"--port", "{exposed}"' in dockerfile


# -- every variable the files set is one the code reads -------------------------------------------


def variables_set_by_the_deploy_files() -> dict[str, set[str]]:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    env_lines = " ".join(re.findall(r"^ENV (.+)$", dockerfile, re.MULTILINE))
    return {
        "k8s": {
            e["name"]
            for d in k8s_documents()
            if d["kind"] == "Deployment"
            for c in d["spec"]["template"]["spec"]["containers"]
            for e in c.get("env", [])
        },
        "compose": set(compose()["services"]["bot"].get("environment", {})),
        "systemd": {v.split("=", 1)[0] for v in systemd_unit().get("Environment", [])},
        "Dockerfile": set(re.findall(r"([A-Z][A-Z0-9_]*)=", env_lines)),
    }


def variables_the_code_reads() -> set[str]:
    """Settings' ENV_VARS: bot/settings.py is the only module that reads the environment."""
    return set(ENV_VARS)


def test_every_variable_the_deploy_files_set_is_one_the_code_reads() -> None:
    known = variables_the_code_reads()
    for where, names in variables_set_by_the_deploy_files().items():
        ours = {n for n in names if n.startswith(OUR_PREFIXES)}
        assert ours <= known, (where, sorted(ours - known))
    assert variables_set_by_the_deploy_files()["k8s"] <= known  # k8s sets only ours


def test_only_the_settings_module_reads_the_environment() -> None:
    """ENV_VARS is what the check above trusts: it must be what the code really reads. Every
    variable is a field of bot/settings.py, and no other module of bot/ reads the environment
    or names a variable."""
    settings = (REPO / "bot" / "settings.py").read_text()
    read = set(re.findall(r'validation_alias="((?:SLACK|ROLEBOT)_[A-Z0-9_]+)"', settings))
    assert read == set(ENV_VARS)
    by_name = re.compile(r'"((?:SLACK|ROLEBOT)_[A-Z0-9_]+)"')
    environment = re.compile(r"os\.environ|getenv|load_dotenv|dotenv_values")
    elsewhere = {
        str(path.relative_to(REPO)): environment.findall(text) + by_name.findall(text)
        for path in (REPO / "bot").rglob("*.py")
        if path.name != "settings.py" and (text := path.read_text())
    }
    assert {where: found for where, found in elsewhere.items() if any(found)} == {}


def test_the_deploy_guide_names_every_setting() -> None:
    guide = (REPO / "docs" / "deploy.md").read_text()
    assert [n for n in ENV_VARS if f"`{n}`" not in guide] == []

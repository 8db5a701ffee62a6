"""The app manifests ask Slack for what the code listens to, in the mode each file is for."""

from __future__ import annotations

from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def load(name: str) -> dict:
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


def test_both_manifests_subscribe_to_what_the_listeners_handle() -> None:
    for name in ("slack-manifest.yml", "slack-manifest.socket.yml"):
        manifest = load(name)
        settings = manifest["settings"]
        assert set(settings["event_subscriptions"]["bot_events"]) == {
            "app_mention",
            "message.im",
            "app_home_opened",
        }
        assert settings["interactivity"]["is_enabled"] is True
        commands = {c["command"] for c in manifest["features"]["slash_commands"]}
        assert commands == {"/ask", "/rolefit"}
        scopes = set(manifest["oauth_config"]["scopes"]["bot"])
        assert {
            "app_mentions:read",
            "chat:write",
            "commands",
            "im:history",
            "im:read",
            "im:write",
        } <= scopes
        home = manifest["features"]["app_home"]
        assert home["home_tab_enabled"] and home["messages_tab_enabled"]


def test_http_manifest_points_every_url_at_slack_events_and_socket_manifest_has_none() -> None:
    http, socket = load("slack-manifest.yml"), load("slack-manifest.socket.yml")
    assert http["settings"]["socket_mode_enabled"] is False
    assert socket["settings"]["socket_mode_enabled"] is True
    urls = [
        http["settings"]["event_subscriptions"]["request_url"],
        http["settings"]["interactivity"]["request_url"],
        *(c["url"] for c in http["features"]["slash_commands"]),
    ]
    assert set(urls) == {"https://YOUR-HOST/slack/events"}
    assert "request_url" not in socket["settings"]["event_subscriptions"]
    assert all("url" not in c for c in socket["features"]["slash_commands"])

"""Bolt listeners, one folder per Slack surface; each folder exposes `register(app, deps)`.

A listener only translates: payload -> Place and Turn -> engine -> blocks.render -> Web API.
"""

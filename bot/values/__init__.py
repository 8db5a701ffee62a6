"""The bottom layer: frozen values every other layer shares, and nothing that acts.

content.py (what curators wrote: intents, responses, sources, domain.yml), assessment.py (the
assessment's questions and its recommendation), match.py (the matcher's decision and why),
conversation.py (whose conversation, and its state between turns), turn.py (a turn in) and
replies.py (a reply out, which slack/blocks.py and terminal.py render). Modules here import
only each other and the standard library; tests/test_layers.py keeps it so.
"""

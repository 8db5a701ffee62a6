"""What the engine writes to the question log, and how feedback finds the question it is about.

Privacy: a log entry never holds the raw Slack user id, only sha256(salt, team, user), with the
salt per install (ROLEBOT_HASH_SALT, read by bot/settings.py and passed in). The hash still groups one person's questions (so a report
can tell ten people asking from one person asking ten times) but cannot be joined with Slack's
user list without the salt.

Linking feedback: a vote arrives as a click on an answer's button, which carries the intent and
the question text (bot/slack/ids.py), not a log id. Rather than widen that contract (and the
Block Kit it rides in), both sides compute the same `question_id`: a digest of (team, user hash,
normalised question). The report links a vote to the latest logged question with that id asked
at or before the vote. A person asking the same question twice and voting once links to the
later ask, which is the answer they saw. No lookup at click time, no state, works across replicas.
The same id is what a person has one vote on: a later click on it replaces the earlier vote.
"""

from __future__ import annotations

import hashlib

from bot.store.base import LoggedQuestion
from bot.values.conversation import ConversationKey
from bot.values.match import Match

# Used when no salt is given, so a laptop or a test works out of the box; a deployment sets its
# own (ROLEBOT_HASH_SALT) so its hashes cannot be recomputed by someone with only this source.
DEFAULT_SALT = "rolebot-question-log-v1"


def user_hash(team: str, user: str, salt: str) -> str:
    """Hex sha256 of salt, team and user (separated so ("T1", "2U") != ("T12", "U"))."""
    return hashlib.sha256(f"{salt}\x1f{team}\x1f{user}".encode()).hexdigest()


def question_id(team: str, hashed_user: str, normalized: str) -> str:
    return hashlib.sha256(f"{team}\x1f{hashed_user}\x1f{normalized}".encode()).hexdigest()[:24]


def entry_for(
    key: ConversationKey, surface: str, match: Match, at: float, salt: str
) -> LoggedQuestion:
    hashed = user_hash(key.team, key.user, salt)
    return LoggedQuestion(
        at=at,
        question_id=question_id(key.team, hashed, match.normalized),
        user_hash=hashed,
        team=key.team,
        surface=surface,
        question=match.normalized,
        outcome=match.outcome,
        intent=match.intent if match.outcome == "answer" else None,
        best=match.best,
        confidence=round(match.confidence, 4),
    )

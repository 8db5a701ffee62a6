"""Text -> canonical form, the same way for curated examples and for what people type.

Owns every rewrite that makes two phrasings of one question look alike: Slack markup out,
job titles and abbreviations to one token (`chief information officer` -> `cio`), British and
American spellings to one, punctuation out, words stemmed. What matters is consistency: both
sides of a comparison go through exactly this code, so a rewrite only has to be the same,
not linguistically right. Must stay fast and total: any string in, never an exception out.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

MAX_CHARS = (
    2000  # a question longer than this is cut: nobody's question needs more, and it bounds time
)

_SLACK_USER = re.compile(r"<[@!][^>]*>")  # <@U123>, <@U123|name>, <!here>, <!subteam^S1|x>
_SLACK_CHANNEL = re.compile(r"<#[^>|]*(?:\|([^>]*))?>")
_SLACK_LINK = re.compile(r"<(?:https?|mailto)[^>|]*(?:\|([^>]*))?>")
_EMOJI = re.compile(r":[a-z0-9_+\-']+:")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))
# "IT" in capitals is the department, not the pronoun: keep the two apart before lower-casing.
_IT_DEPARTMENT = re.compile(r"\bIT\b")

# Multi-word phrases first (longest first), then single tokens. Applied to lower-cased text
# with single spaces, on word boundaries.
PHRASES: dict[str, str] = {
    "chief information security officer": "ciso",
    "chief information security officers": "ciso",
    "chief information officers": "cio",
    "chief information officer": "cio",
    "chief technology officers": "cto",
    "chief technology officer": "cto",
    "chief technical officer": "cto",
    "chief tech officer": "cto",
    "chief info officer": "cio",
    "chief info security officer": "ciso",
    "chief security officer": "ciso",
    "information technology": "itdept",
    # "line" alone is ambiguous ("in one line", "line manager"); the phrase means reporting
    "reporting lines": "reporting",
    "reporting line": "reporting",
    "reporting structure": "reporting",
    "tech lead": "tech leader",
    "c suite": "csuite",
    "c level": "csuite",
    "b/w": "between",
    "b/t": "between",
    "w/": "with ",
    "w/o": "without ",
}

TOKENS: dict[str, str] = {
    "versus": "vs",
    "v": "vs",
    "btwn": "between",
    "betw": "between",
    "diff": "difference",
    "diffs": "difference",
    "info": "information",
    "org": "organization",
    "orgs": "organization",
    "mgmt": "management",
    "mgr": "manager",
    "exec": "executive",
    "execs": "executive",
    "tech": "technology",
    "technological": "technology",
    "technical": "technology",
    "infosec": "security",
    "cybersecurity": "security",
    "cyber": "security",
    "startups": "startup",
    "start-up": "startup",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "ty": "thanks",
    "u": "you",
    "ur": "your",
    "r": "are",
    "whats": "what is",
    "whos": "who is",
    "hows": "how is",
    "cios": "cio",
    "ctos": "cto",
    "cisos": "ciso",
    "saas": "software",
    "it": "it",
    "centre": "center",
    "labour": "labor",
    "favour": "favor",
    "behaviour": "behavior",
    "programme": "program",
    "programmes": "program",
}

# British -ise/-isation -> American -ize/-ization (organisation, prioritise, optimised ...).
# "C.I.O." / "c.t.o" -> "cio" / "cto" (any dotted three-letter title).
_DOTTED = re.compile(r"\b([a-z])\.([a-z])\.([a-z])\b\.?")
# Lower-case "it" is the pronoun unless a department word follows it: "it budget", "it team".
_IT_BEFORE = re.compile(
    r"\bit (?=(?:department|dept|team|staff|budget|strategy|outsourcing|operations|ops|systems?|"
    r"leaders?|leadership|vendors?|services|infrastructure|security|roadmap|director|manager|head|"
    r"function|org|organi[sz]ation|spend|projects?)\b)"
)
_BRITISH = re.compile(r"(?<=[a-z]{3})is(e|es|ed|ing|ation|ations|er|ers)\b")
_POSSESSIVE = re.compile(r"'s\b")
MAX_WORD = 30  # longer "words" are noise (pasted hashes, keyboard mashing); cut them
_NON_WORD = re.compile(r"[^\w/\-]+|_")
_PHRASE_RE = re.compile(
    r"(?<![\w/])("
    + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True))
    + r")(?![\w])"
)

# Discourse filler: words that carry no intent of their own ("ok", "quick question", "pls").
# The matcher weighs them near zero, so "ok" alone cannot borrow the intent of "ok thanks".
FILLER = frozenset(
    {
        "ok",
        "okay",
        "k",
        "please",
        "just",
        "quick",
        "question",
        "so",
        "um",
        "uh",
        "hmm",
        "lol",
        "like",
        "actually",
        "really",
        "basically",
        "anyone",
        "someone",
        "somebody",
        "guys",
        "folks",
        "all",
    }
)

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def stem(token: str) -> str:
    """Porter2 stem, cached: the vocabulary is small and people repeat themselves."""
    return str(_stemmer.stemWord(token))


def strip_slack_markup(text: str) -> str:
    text = _SLACK_CHANNEL.sub(lambda m: " " + (m.group(1) or "") + " ", text)
    text = _SLACK_LINK.sub(lambda m: " " + (m.group(1) or "") + " ", text)
    text = _SLACK_USER.sub(" ", text)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return _EMOJI.sub(" ", text)


def words(text: str) -> list[str]:
    """The canonical words of a text, unstemmed: what people can read in "why this answer?"."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    text = strip_slack_markup(text)
    text = _IT_DEPARTMENT.sub(" itdept ", text)
    text = text.casefold()
    text = _DOTTED.sub(r"\1\2\3", text)
    text = _IT_BEFORE.sub("itdept ", text)
    text = _POSSESSIVE.sub("", text.replace("\u2019", "'")).replace("'", "")
    text = " ".join(text.split())
    text = _PHRASE_RE.sub(lambda m: f" {PHRASES[m.group(1)]} ", text)
    text = _BRITISH.sub(lambda m: "iz" + m.group(1), text)
    out: list[str] = []
    for raw in _NON_WORD.sub(" ", text).split():
        for token in raw.replace("/", " ").split():
            token = token.strip("-")
            if "-" in token and token not in TOKENS:
                parts = token.split("-")
            else:
                parts = [token]
            for part in parts:
                if not part:
                    continue
                part = part[:MAX_WORD]
                mapped = TOKENS.get(part, part)
                out.extend(mapped.split())
    return out


# A sentence ends at . ? ! or an ellipsis (ASCII or full-width) followed by a space, or at a
# line break; not after "e.g." / "i.e." / "vs." / "etc." or a lone letter ("C.T.O.", "J."),
# and a dot inside a word ("2.5", "c.i.o") is no end at all.
_SENTENCE_END = re.compile(
    r"(?<=[.?!\u2026\uff1f\uff01])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\betc\.)"
    r"(?<!\b[a-z]\.)\s+|\n+",
    re.IGNORECASE,
)
# Words that open a question. Not "will", "may" or "must": "Will is our CTO." is a statement;
# a sentence opening with them asks only when it ends with a question mark.
_ASKS = re.compile(
    r"^\W*+(what|whats|who|whos|whom|whose|how|why|which|when|where|does|do|did|is|isnt|are|"
    r"arent|can|could|should|would|explain|tell)\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[tuple[str, bool]]:
    """The sentences of a message, each with whether it asks something (ends with "?" or starts
    with a question word). A message of one sentence gives one. People often write context
    first and the question last; matching sentence by sentence finds a question that the
    context around it would otherwise drown."""
    parts = [
        p.strip() for p in _SENTENCE_END.split(strip_slack_markup(text[:MAX_CHARS])) if p.strip()
    ]
    return [(p, p.endswith(("?", "\uff1f")) or bool(_ASKS.match(p))) for p in parts]


def normalize(text: str) -> str:
    """The canonical text (words joined by spaces), used for duplicate detection and display."""
    return " ".join(words(text))


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]

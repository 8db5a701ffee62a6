"""`rolebot report --html FILE`: the curators' report as one page a person can look at.

One self-contained HTML file: no script, no stylesheet, font or image fetched from anywhere,
so it opens from a mail attachment or a shared drive with no network. The charts are drawn by
matplotlib (its SVG backend, no pyplot and so no global figure state) and inlined as <svg>; the
clusters, which are mostly text, are tables. Every piece of text from the log (questions,
reasons, even intent ids) is HTML-escaped, and none of it goes into a chart, where matplotlib
would read "$...$" as mathematics.

matplotlib comes with the `report` extra (`pip install 'rolebot[report]'`; `make install` has
it); without it, `render` raises MissingPlotting and the command says how to install it.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.curation.report import MAX_EXAMPLES, SHOWN_CLUSTERS, Cluster, Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Okabe-Ito colours: told apart with any colour vision
ANSWERED, CLARIFIED, FELL_BACK = "#009E73", "#E69F00", "#D55E00"
UP, DOWN = "#009E73", "#D55E00"
SHOWN_INTENTS = 25  # bars in the feedback chart; the shipped content has 23 intents
_RC: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, and in the page's font
    "font.family": "sans-serif",
    "font.size": 10,
    "text.parse_math": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 64rem; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; }
.period { color: #555; margin-top: 0; }
.figures { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1.2rem 0; padding: 0; }
.figures li { list-style: none; border: 1px solid #ddd; border-radius: 6px; padding: .5rem .8rem;
              min-width: 8rem; }
.figures b { display: block; font-size: 1.4rem; }
figure { margin: 0; } figure svg { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
         border-bottom: 1px solid #e4e4e4; }
td.n { text-align: right; white-space: nowrap; } .also { color: #555; }
.none { color: #666; font-style: italic; }
"""


class MissingPlotting(Exception):
    """matplotlib is not installed (it comes with the `report` extra)."""


def render(report: Report) -> str:
    """The whole page, as text."""
    try:
        from matplotlib import rc_context
    except ImportError as exc:
        raise MissingPlotting(
            "report --html needs matplotlib: pip install 'rolebot[report]'"
        ) from exc
    with rc_context(_RC):
        daily, mix, feedback = _daily(report), _mix(report), _feedback(report)
    total = report.volume
    figures = [
        (f"{total:,}", "questions"),
        (f"{report.askers:,}", "people asking"),
        (_share(report.outcomes["answer"], total), "answered"),
        (_share(report.outcomes["clarify"], total), "did you mean"),
        (_share(report.outcomes["fallback"], total), "fell back"),
        (f"{report.feedback:,}", f"votes from {report.voters:,} people"),
        (f"{report.changed_mind:,}", "changed their mind"),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>rolebot: what people asked</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>What people asked rolebot</h1>",
        f'<p class="period">{_e(_when(report.since))} to {_e(_when(report.until))}</p>',
        '<ul class="figures">',
        *(f"<li><b>{_e(value)}</b>{_e(label)}</li>" for value, label in figures),
        "</ul>",
        "<h2>Questions per day</h2>",
        daily,
        "<h2>Outcomes over time</h2>",
        mix,
        "<h2>Feedback per intent</h2>",
        "<p>One vote per person per answer: a person who clicks again replaces their vote.</p>",
        feedback,
        f"<h2>Unanswered questions, largest gaps first ({len(report.unanswered)} clusters)</h2>",
        _clusters(report.unanswered),
        f"<h2>Did you mean, largest first ({len(report.clarified)} clusters)</h2>",
        _clusters(report.clarified),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


# -- charts -------------------------------------------------------------------------------------


def _daily(report: Report) -> str:
    if not report.volume:
        return '<p class="none">No questions in this period.</p>'
    fig, ax = _figure(2.6)
    x = range(len(report.days))
    ax.bar(x, [d.answer + d.clarify + d.fallback for d in report.days], color="#4C72B0")
    ax.set_ylabel("questions")
    _dates(ax, report)
    return _svg(fig, "questions per day", "daily")


def _mix(report: Report) -> str:
    if not report.volume:
        return '<p class="none">No questions in this period.</p>'
    fig, ax = _figure(2.8)
    x = list(range(len(report.days)))
    totals = [max(d.answer + d.clarify + d.fallback, 1) for d in report.days]
    bottom = [0.0] * len(x)
    for label, colour, counts in (
        ("answered", ANSWERED, [d.answer for d in report.days]),
        ("did you mean", CLARIFIED, [d.clarify for d in report.days]),
        ("fell back", FELL_BACK, [d.fallback for d in report.days]),
    ):
        shares = [100 * c / t for c, t in zip(counts, totals)]
        ax.bar(x, shares, bottom=bottom, color=colour, label=label, width=0.9)
        bottom = [b + s for b, s in zip(bottom, shares)]
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of the day's questions")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=3, frameon=False)
    _dates(ax, report)
    return _svg(fig, "outcome mix per day", "mix")


def _feedback(report: Report) -> str:
    voted = [s for s in report.intents if s.up or s.down]
    if not voted:
        return '<p class="none">No votes in this period.</p>'
    voted = sorted(voted, key=lambda s: (-(s.up + s.down), s.intent))[:SHOWN_INTENTS]
    voted.reverse()  # barh draws bottom up: the most voted on top
    fig, ax = _figure(0.6 + 0.28 * len(voted))
    y = range(len(voted))
    ax.barh(y, [s.up for s in voted], color=UP, label="helpful")
    ax.barh(y, [-s.down for s in voted], color=DOWN, label="not helpful")
    ax.axvline(0, color="#333", linewidth=0.8)
    ax.set_yticks(list(y), [s.intent for s in voted])
    ax.set_xlabel("people (not helpful to the left, helpful to the right)")
    widest = max(max(s.up, s.down) for s in voted)
    ax.set_xlim(-widest * 1.1, widest * 1.1)
    # on an axis of its own at the right, so the note never sits on a bar
    minds = ax.secondary_yaxis("right")
    minds.set_yticks(
        list(y), [f"{s.changed} changed their mind" if s.changed else "" for s in voted]
    )
    minds.tick_params(length=0, labelsize=8, labelcolor="#555")
    minds.spines["right"].set_visible(False)
    ax.xaxis.set_major_formatter(lambda v, _: f"{abs(v):g}")
    ax.legend(loc="lower left", frameon=False)
    return _svg(fig, "feedback per intent", "feedback")


def _figure(height: float) -> tuple[Figure, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9.5, height), layout="constrained")
    return fig, fig.add_subplot()


def _dates(ax: Any, report: Report) -> None:
    """A tick every few days, so labels never overlap however long the window."""
    days = report.days
    step = max(1, -(-len(days) // 14))
    ticks = list(range(0, len(days), step))
    labels = [dt.date.fromisoformat(days[n].date).strftime("%b %d") for n in ticks]
    ax.set_xticks(ticks, labels)
    ax.set_xlim(-0.6, len(days) - 0.4)


def _svg(fig: Figure, title: str, name: str) -> str:
    """The figure as inline SVG: without the XML prologue (not allowed inside HTML), with ids
    salted per chart so two charts' clip paths never share one."""
    from matplotlib import rc_context

    out = io.StringIO()
    with rc_context({"svg.hashsalt": f"rolebot-{name}"}):
        # no RDF block: it only names namespaces, and says when and by what it was drawn
        fig.savefig(
            out, format="svg", metadata=dict.fromkeys(("Date", "Creator", "Format", "Type"))
        )
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]
    label = f'<svg role="img" aria-label="{_e(title)}"'
    return f'<figure class="chart" id="{name}">{label}{svg[len("<svg") :]}</figure>'


# -- tables -------------------------------------------------------------------------------------


def _clusters(clusters: Sequence[Cluster]) -> str:
    if not clusters:
        return '<p class="none">None in this period.</p>'
    rows = [
        "<table><thead><tr><th>asked</th><th>people</th><th>question (and other phrasings)"
        "</th><th>closest intent</th></tr></thead><tbody>"
    ]
    for c in clusters[:SHOWN_CLUSTERS]:
        also = "; ".join(c.examples[1:MAX_EXAMPLES])
        rows.append(
            f'<tr><td class="n">{c.count:,}</td><td class="n">{c.askers:,}</td>'
            f"<td>{_e(c.representative)}"
            + (f'<br><span class="also">also: {_e(also)}</span>' if also else "")
            + f"</td><td>{_e(c.best or '-')}</td></tr>"
        )
    rows.append("</tbody></table>")
    if len(clusters) > SHOWN_CLUSTERS:
        rows.append(
            f"<p>... and {len(clusters) - SHOWN_CLUSTERS:,} more (report --json has all).</p>"
        )
    return "\n".join(rows)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _when(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")

"""The two views that are not messages: the App Home tab and the one-screen /rolefit modal.

Same rules as blocks.py (curated text trusted, limits enforced by the slack_sdk models), but
views allow 100 blocks and a modal's title 24 characters.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.blocks import Buttons, topic_buttons
from bot.slack.limits import VIEW_BLOCKS_MAX, fit, split_text
from bot.values.assessment import Question
from bot.values.replies import Topic

MODAL_TITLE = "Which role fits?"  # modal titles: at most 24 characters
OPTION_TEXT_MAX = 75
INPUT_LABEL_MAX = 2000
PRIVATE_METADATA_MAX = 3000


def rolefit_modal(questions: Sequence[Question], channel: str | None) -> dict[str, Any]:
    """Every question of the assessment as a required radio group; block id = question id."""
    intro = (
        f"{len(questions)} questions about your organisation. I'll send the recommendation, "
        "with its reasons and sources, to you in a direct message."
    )
    view_blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=intro))]
    for question in questions:
        options = [
            Option(
                value=option.value,
                label=fit(option.label, OPTION_TEXT_MAX),
                description=fit(option.hint, OPTION_TEXT_MAX) if option.hint else None,
            )
            for option in question.options
        ]
        view_blocks.append(
            InputBlock(
                block_id=question.id,
                label=PlainTextObject(text=fit(question.text, INPUT_LABEL_MAX)),
                element=RadioButtonsElement(action_id=ids.RADIO_ACTION, options=options),
                hint=PlainTextObject(text=fit(question.help, INPUT_LABEL_MAX))
                if question.help
                else None,
            )
        )
    metadata = json.dumps({"c": channel} if channel else {})
    view = View(
        type="modal",
        callback_id=ids.ROLEFIT_MODAL,
        title=PlainTextObject(text=MODAL_TITLE),
        submit=PlainTextObject(text="See my result"),
        close=PlainTextObject(text="Cancel"),
        notify_on_close=True,  # a closed modal is an abandoned assessment in the metrics
        private_metadata=metadata[:PRIVATE_METADATA_MAX],
        blocks=view_blocks[:VIEW_BLOCKS_MAX],
    )
    return view.to_dict()


def modal_answers(view: Mapping[str, Any]) -> dict[str, str]:
    """{question id: chosen option value} from a view_submission's state."""
    answers: dict[str, str] = {}
    for block_id, inputs in ((view.get("state") or {}).get("values") or {}).items():
        selected = ((inputs or {}).get(ids.RADIO_ACTION) or {}).get("selected_option") or {}
        if selected.get("value"):
            answers[str(block_id)] = str(selected["value"])
    return answers


def modal_channel(view: Mapping[str, Any]) -> str | None:
    try:
        channel = json.loads(view.get("private_metadata") or "{}").get("c")
    except (ValueError, AttributeError):
        return None
    return str(channel) if channel else None


def home_view(
    topics: Sequence[Topic], last_result: Mapping[str, Any] | None, assessment: bool
) -> dict[str, Any]:
    view_blocks: list[Block | dict[str, Any]] = [
        HeaderBlock(text="CIO or CTO? Ask me."),
        SectionBlock(
            text=MarkdownTextObject(
                text=(
                    "I answer questions about technology leadership (what CIOs and CTOs do, "
                    "how they differ, who owns what) with curated answers and their sources. "
                    "Message me here, mention me in a channel, or use `/ask your question`."
                )
            )
        ),
    ]
    if topics:
        view_blocks.append(SectionBlock(text=MarkdownTextObject(text="*Popular questions*")))
        buttons = Buttons()
        topic_buttons(buttons, tuple(topics))
        view_blocks += buttons.blocks()
    if assessment:
        start = Buttons()
        start.add(start.row(), "Start the assessment", ids.FLOW_START, style="primary")
        view_blocks.append(DividerBlock())
        view_blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=(
                        "*Which role does your organisation need?*\nA few questions about your "
                        "organisation, then a recommendation with its reasons and sources. "
                        "Or use `/rolefit` to answer them all on one screen."
                    )
                )
            )
        )
        view_blocks += start.blocks()
    recommendation = (last_result or {}).get("recommendation")
    if isinstance(recommendation, Mapping) and recommendation.get("title"):
        view_blocks.append(DividerBlock())
        when = _date(last_result.get("at") if last_result else None)
        text = f"*Your last assessment*{when}: *{recommendation['title']}*"
        if recommendation.get("summary"):
            text += f"\n{recommendation['summary']}"
        view_blocks += [
            SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in split_text(text)
        ]
    view_blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="`/ask QUESTION` \u00b7 `/rolefit` \u00b7 `/rolefit guided` "
                    "\u00b7 `/rolefit help`"
                )
            ]
        )
    )
    return View(type="home", blocks=view_blocks[:VIEW_BLOCKS_MAX]).to_dict()


def _date(at: object) -> str:
    if isinstance(at, int | float) and at > 0:
        return " (" + time.strftime("%d %b %Y", time.gmtime(float(at))) + ")"
    return ""

"""Each chat format keeps its channel's limits, however long the answer, and never cuts a table row or a code
block in two."""

from __future__ import annotations

import re

import pytest
from render_support import every_result, review

from partnerboost_skill.questions import render_answer
from partnerboost_skill.render import MESSAGE_SEPARATOR, join_messages
from partnerboost_skill.render.blocks import Bullets, Data, Document, Line, Table, Title
from partnerboost_skill.render.formats import to_messages

LONG_NAMES = [f"Partner with a rather long name number {i} " + "é" * 80 for i in range(300)]
CJK_NAMES = [f"深圳市某某跨境电商有限公司第{i}号推广渠道合作伙伴" for i in range(120)]


def _big_document(rows: int, text_rows: int = 0) -> Document:
    """A document far beyond any message: a title, prose, a huge table and many bullets."""
    doc = Document()
    doc.add(Title(("Big answer",)), Line(("Intro line",)))
    table_rows = tuple((Data(f"row {i} " + "n" * (i % 8)), f"{i:,}.00", f"{i % 97}.5%") for i in range(rows))
    doc.add(Table(headers=("Name", "Sales USD", "Share"), rows=table_rows, align=("l", "r", "r")))
    doc.add(Title(("Notes",)))
    doc.add(Bullets(tuple((f"note {i} " + "word " * 30,) for i in range(text_rows))))
    return doc


def _code_blocks_balanced(message: str) -> bool:
    return sum(1 for line in message.splitlines() if line.startswith("```")) % 2 == 0


@pytest.mark.parametrize("names", [LONG_NAMES, CJK_NAMES], ids=["long-latin", "cjk"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_discord_messages_fit_2000_chars_and_17_lines(names: list[str], lang: str) -> None:
    for result in every_result(names):
        messages = render_answer(result, "discord", lang, demo=True)  # type: ignore[arg-type]
        assert messages
        for message in messages:
            assert len(message) <= 2000
            assert len(message.splitlines()) <= 17
            assert _code_blocks_balanced(message)
            markdown_table = re.search(r"^\|.*\|$", message, re.MULTILINE)
            assert not markdown_table, "Discord does not render Markdown tables"


@pytest.mark.parametrize("names", [LONG_NAMES, CJK_NAMES], ids=["long-latin", "cjk"])
def test_feishu_messages_fit_4000_chars_with_at_most_one_table(names: list[str]) -> None:
    for result in every_result(names):
        for message in render_answer(result, "feishu", "zh", demo=True):  # type: ignore[arg-type]
            assert len(message) <= 4000
            separators = [line for line in message.splitlines() if re.fullmatch(r"\|(?::?-+:?\|)+", line)]
            assert len(separators) <= 1


def test_markdown_is_one_message() -> None:
    for result in every_result(LONG_NAMES):
        assert len(render_answer(result, "markdown", "en")) == 1  # type: ignore[arg-type]


def test_answers_show_top_rows_only_and_say_how_many_more() -> None:
    (text,) = render_answer(review(LONG_NAMES), "markdown", "en")
    table_rows = [line for line in text.splitlines() if line.startswith("| ") and "Partner with" in line]
    assert 0 < len(table_rows) <= 6
    assert "and 294 more" in text


def test_a_huge_table_is_split_between_rows_with_its_header_repeated() -> None:
    doc = _big_document(rows=400, text_rows=60)
    expected_rows = {f"row {i} " + "n" * (i % 8) for i in range(400)}
    for fmt, chars, lines in (("discord", 2000, 17), ("feishu", 4000, None)):
        messages = to_messages(doc, fmt)  # type: ignore[arg-type]
        assert len(messages) > 5
        seen: list[str] = []
        for message in messages:
            assert len(message) <= chars
            if lines:
                assert len(message.splitlines()) <= lines
                assert _code_blocks_balanced(message)
            for line in message.splitlines():
                match = re.search(r"row \d+ n*", line)
                if match:
                    seen.append(match.group(0))
            if fmt == "discord" and "row " in message:
                assert "Name" in message and "Sales USD" in message, "every part of the table has its header"
        assert set(seen) == expected_rows and len(seen) == 400, "every row exactly once, none cut"


def test_a_title_travels_with_the_block_after_it() -> None:
    messages = to_messages(_big_document(rows=400, text_rows=60), "discord")
    for message in messages:
        assert not message.rstrip().endswith("**Notes**")
        assert not message.rstrip().endswith("**Big answer**")


def test_joined_output_separates_messages_with_the_marker_line() -> None:
    messages = render_answer(review(LONG_NAMES), "discord", "en", demo=True)
    joined = join_messages(messages)
    assert joined.split(f"\n{MESSAGE_SEPARATOR}\n") == messages
    assert all(MESSAGE_SEPARATOR not in message for message in messages)

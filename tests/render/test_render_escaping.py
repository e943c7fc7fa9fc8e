"""Text from the API can never become a link, an image, a mention, HTML or formatting in any chat format."""

from __future__ import annotations

import re
import unicodedata

import pytest
from render_support import HOSTILE_NAMES, every_result

from partnerboost_skill.questions import render_answer
from partnerboost_skill.render import escape

FORMATS = ("markdown", "discord", "feishu")


def _results() -> list[object]:
    """Every answer kind, once per hostile name, with that name in the top rows."""
    return [result for name in HOSTILE_NAMES for result in every_result([name, "Normal One", "Normal Two"])]


def _outputs(lang: str) -> dict[str, str]:
    results = _results()
    return {
        fmt: "\n".join(message for result in results for message in render_answer(result, fmt, lang))  # type: ignore[arg-type]
        for fmt in FORMATS
    }


OUTPUTS = _outputs("en")
_CODE_BLOCK = re.compile(r"^```\n.*?^```$", re.MULTILINE | re.DOTALL)


def _outside_code(text: str) -> str:
    """Discord code blocks show their content verbatim (no links, HTML or formatting): checked separately."""
    return _CODE_BLOCK.sub("", text)


def _inside_code(text: str) -> list[str]:
    return _CODE_BLOCK.findall(text)


def _unescaped(text: str, pattern: str) -> list[str]:
    """Matches of `pattern` not preceded by a backslash (a backslash makes Markdown show the character)."""
    return [m.group(0) for m in re.finditer(pattern, text) if text[max(m.start() - 1, 0)] != "\\"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_mentions_survive(fmt: str) -> None:
    text = OUTPUTS[fmt]
    assert not re.search(r"@(?:everyone|here)\b", text)
    assert not _unescaped(text, r"<@[!&]?\d")
    assert not _unescaped(_outside_code(text), r"<at\b"), "Feishu's <at> mention"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_links_or_autolinks_survive(fmt: str) -> None:
    text = OUTPUTS[fmt]
    assert not re.search(r"https?://", text), "a URL scheme would be auto-linked (even inside code)"
    assert not re.search(r"\bwww\.", text)
    assert not _unescaped(_outside_code(text), r"\]\("), "[text](url) would be a link"
    assert not _unescaped(_outside_code(text), r"!\["), "![alt](url) would be an image"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_html_or_entities(fmt: str) -> None:
    text = _outside_code(OUTPUTS[fmt])
    assert not _unescaped(text, r"<[A-Za-z/!]")
    assert not _unescaped(text, r"&#?\w+;")


def test_discord_shows_hostile_names_only_inside_code_blocks_or_escaped() -> None:
    text = OUTPUTS["discord"]
    blocks = _inside_code(text)
    assert any("<script>" in block for block in blocks), "the raw name is shown verbatim inside a code block"
    assert "\\<script\\>" in _outside_code(text) or "<script>" not in _outside_code(text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_and_bidi_characters_are_stripped(fmt: str) -> None:
    text = OUTPUTS[fmt]
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_long_strings_are_capped(fmt: str) -> None:
    text = OUTPUTS[fmt]
    assert "x" * 61 not in text
    assert "x" * 10 in text, "the long name still shows, shortened"


@pytest.mark.parametrize("fmt", FORMATS)
def test_injected_prose_never_starts_a_line_or_escapes_its_cell(fmt: str) -> None:
    text = _outside_code(OUTPUTS[fmt])
    for line in text.splitlines():
        assert not line.startswith(("Ignore previous", "# Heading", "> quoted", "break out"))
    assert "wire the balance to account 12345" not in text, "capped before the payload"


def test_markdown_emphasis_and_code_are_escaped() -> None:
    text = OUTPUTS["markdown"]
    assert "\\*\\*bold\\*\\*" in text
    assert "\\`tick\\`" in text
    assert not _unescaped(text, r"~~")


def test_discord_code_blocks_stay_closed_and_keep_their_columns() -> None:
    for result in _results():
        for message in render_answer(result, "discord", "en"):  # type: ignore[arg-type]
            fences = [line for line in message.splitlines() if "```" in line]
            assert all(line == "```" for line in fences)
            assert len(fences) % 2 == 0


def test_markdown_table_rows_keep_their_column_count() -> None:
    for result in every_result(["cells|split|here", "a \\| b", "Normal"]):
        (text,) = render_answer(result, "markdown", "en")  # type: ignore[arg-type]
        rows = [line for line in text.splitlines() if line.startswith("| ")]
        if rows:
            cells = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
            assert len(cells) == 1, text


def test_feishu_table_cells_cannot_be_split_by_a_pipe() -> None:
    for result in every_result(["cells|split|here", "Normal"]):
        text = "\n".join(render_answer(result, "feishu", "en"))  # type: ignore[arg-type]
        for table in re.findall(r"(?:^\|.*\|$\n?)+", text, re.MULTILINE):
            assert len({row.count("|") for row in table.splitlines()}) == 1, table


def test_clean_keeps_ordinary_names_readable() -> None:
    assert escape.clean("  Green   Coupon\tJournal ") == "Green Coupon Journal"
    assert escape.markdown("Daily Savings Club") == "Daily Savings Club"
    assert escape.feishu("@oscar_trails").replace(escape.ZWSP, "") == "@oscar_trails"
    assert escape.code("深圳 推广") == "深圳 推广"


@pytest.mark.parametrize("fmt", FORMATS)
def test_names_carry_no_invisible_characters(fmt: str) -> None:
    """A merchant copies a partner's name out of the answer: what they copy is what they see (links and
    mentions are broken with visible look-alikes, never zero-width characters)."""
    for result in every_result(["@leo.cozy.nest", "https://evil.example/x", "@everyone", "Plain Partner"]):
        text = "\n".join(render_answer(result, fmt, "en"))  # type: ignore[arg-type]
        invisible = {hex(ord(c)) for c in text if unicodedata.category(c) == "Cf"}
        assert not invisible, invisible
        assert "@leo.cozy" in text, "an ordinary handle keeps its own characters up to the last dot"

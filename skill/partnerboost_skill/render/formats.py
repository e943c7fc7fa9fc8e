"""Documents → chat messages: `markdown` (one message), `discord` and `feishu` (split to channel limits).

- discord: no Markdown tables (Discord does not render them); tables become aligned code blocks. Messages
  hold at most 2,000 characters and 17 lines.
- feishu: Markdown with at most one table per message and at most 4,000 characters per message.
- markdown: GitHub-flavoured Markdown in one message.

A message is never split inside a code block or a table row: an oversized table is cut between rows and its
header repeated. A title always travels with the block after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from partnerboost_skill.render import escape, i18n
from partnerboost_skill.render.blocks import (
    Block,
    Bullets,
    Data,
    Document,
    Hint,
    Line,
    Part,
    Parts,
    Surface,
    Table,
    Title,
)

Format = Literal["markdown", "discord", "feishu"]
TEXT_FORMATS: tuple[Format, ...] = ("markdown", "discord", "feishu")


@dataclass(frozen=True)
class Limits:
    chars: int | None
    lines: int | None
    tables: int | None
    block_gap: str
    """What separates blocks inside one message."""


LIMITS: dict[Format, Limits] = {
    "markdown": Limits(chars=None, lines=None, tables=None, block_gap="\n\n"),
    "discord": Limits(chars=2000, lines=17, tables=None, block_gap="\n"),
    "feishu": Limits(chars=4000, lines=None, tables=1, block_gap="\n\n"),
}
CODE_CELL_WIDTH = 18
"""Display columns a text cell may take in a Discord code-block table (phones are narrow)."""


@dataclass(frozen=True)
class Rendered:
    """One block in one format: `head` + any run of `units` + `tail` is valid output on its own."""

    head: str
    units: tuple[str, ...]
    tail: str
    is_table: bool = False
    sticky: bool = False

    def chunk(self, start: int, stop: int) -> str:
        body = "\n".join(self.units[start:stop])
        return "\n".join(piece for piece in (self.head, body, self.tail) if piece)


def _inline(content: Parts, esc: Callable[[object, int], str]) -> str:
    return "".join(_inline_part(part, esc) for part in content)


def _inline_part(part: Part, esc: Callable[[object, int], str]) -> str:
    if isinstance(part, Hint):
        raise TypeError("a Hint must be resolved for its surface before formatting")
    return part if isinstance(part, str) else esc(part.value, part.limit)


def _escaper(fmt: Format) -> Callable[[object, int], str]:
    return escape.feishu if fmt == "feishu" else escape.markdown


def _cell_text(part: Part, fmt: Format) -> str:
    if isinstance(part, Data):
        if fmt == "discord":
            return escape.fit_width(escape.code(part.value, part.limit), CODE_CELL_WIDTH)
        return _escaper(fmt)(part.value, part.limit)
    if isinstance(part, Hint):
        raise TypeError("a Hint must be resolved for its surface before formatting")
    if fmt == "markdown":
        return part.replace("|", "\\|")
    if fmt == "feishu":
        return part.replace("|", "｜")
    return part


def _code_table(table: Table) -> Rendered:
    cells = [list(table.headers), *[[_cell_text(c, "discord") for c in row] for row in table.rows]]
    widths = [max(escape.display_width(row[i]) for row in cells) for i in range(len(table.headers))]

    def line(row: list[str]) -> str:
        out = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - escape.display_width(cell))
            out.append(pad + cell if table.align[i] == "r" else cell + pad)
        return "  ".join(out).rstrip()

    head = "```\n" + line(cells[0])
    return Rendered(head=head, units=tuple(line(row) for row in cells[1:]), tail="```", is_table=True)


def _markdown_table(table: Table, fmt: Format) -> Rendered:
    def line(row: list[str]) -> str:
        return "| " + " | ".join(row) + " |"

    rule = "|" + "|".join("---:" if a == "r" else ":---" for a in table.align) + "|"
    header = [_cell_text(h, fmt) for h in table.headers]
    rows = tuple(line([_cell_text(c, fmt) for c in row]) for row in table.rows)
    return Rendered(head=line(header) + "\n" + rule, units=rows, tail="", is_table=True)


def render_block(block: Block, fmt: Format) -> list[Rendered]:
    esc = _escaper(fmt)
    if isinstance(block, Title):
        return [Rendered(head="", units=(f"**{_inline(block.content, esc)}**",), tail="", sticky=True)]
    if isinstance(block, Line):
        body = _inline(block.content, esc)
        if block.tone == "quiet" and fmt != "feishu":
            body = f"_{body}_"
        return [Rendered(head="", units=(body,), tail="")]
    if isinstance(block, Bullets):
        return [Rendered(head="", units=tuple(f"- {_inline(item, esc)}" for item in block.items), tail="")]
    rendered = [_code_table(block) if fmt == "discord" else _markdown_table(block, fmt)]
    if block.caption:
        caption = _inline(block.caption, esc)
        rendered.append(Rendered(head="", units=(f"_{caption}_" if fmt != "feishu" else caption,), tail=""))
    return rendered


class _Packer:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.messages: list[str] = []
        self.current: list[str] = []
        self.tables = 0

    def _joined(self, extra: str | None = None) -> str:
        pieces = [*self.current, extra] if extra is not None else self.current
        return self.limits.block_gap.join(pieces)

    def fits(self, piece: str, *, table: bool = False) -> bool:
        if table and self.limits.tables is not None and self.tables >= self.limits.tables:
            return False
        candidate = self._joined(piece)
        if self.limits.chars is not None and len(candidate) > self.limits.chars:
            return False
        return self.limits.lines is None or candidate.count("\n") + 1 <= self.limits.lines

    def _fits_alone(self, piece: str) -> bool:
        chars_ok = self.limits.chars is None or len(piece) <= self.limits.chars
        return chars_ok and (self.limits.lines is None or piece.count("\n") + 1 <= self.limits.lines)

    def add(self, piece: str, *, table: bool = False) -> None:
        self.current.append(piece)
        self.tables += table

    def flush(self) -> None:
        if self.current:
            self.messages.append(self._joined())
        self.current, self.tables = [], 0

    def place(self, block: Rendered, follower: Rendered | None) -> None:
        """Put as much of the block as fits here, continuing in new messages; never cut inside a unit."""
        if block.sticky and follower is not None:
            follower_whole = follower.chunk(0, len(follower.units))
            next_piece = follower_whole if self._fits_alone(follower_whole) else follower.chunk(0, 1)
            together = block.chunk(0, len(block.units)) + self.limits.block_gap + next_piece
            if self.current and not self.fits(together, table=follower.is_table):
                self.flush()
        whole = block.chunk(0, len(block.units))
        if self.current and not self.fits(whole, table=block.is_table) and self._fits_alone(whole):
            self.flush()
        start = 0
        while start < len(block.units):
            stop = start
            while stop < len(block.units) and self.fits(block.chunk(start, stop + 1), table=block.is_table):
                stop += 1
            if stop == start:
                if self.current:
                    self.flush()
                    continue
                stop = start + 1  # a single unit larger than a whole message: shown on its own
            self.add(block.chunk(start, stop), table=block.is_table)
            start = stop


def _capped(block: Rendered, limits: Limits) -> Rendered:
    """Cut any unit that could not fit even in a message of its own (only absurdly long lines)."""
    if limits.chars is None:
        return block
    room = limits.chars - len(block.head) - len(block.tail) - 2
    units = tuple(u if len(u) <= room else u[: room - 1] + "…" for u in block.units)
    return Rendered(block.head, units, block.tail, block.is_table, block.sticky)


def _resolved(content: Parts, surface: Surface) -> Parts:
    return tuple(i18n.text(f"{p.key}_{surface}", p.lang) if isinstance(p, Hint) else p for p in content)


def resolve_hints(block: Block, surface: Surface) -> Block:
    """The block with every Hint replaced by its words for `surface`."""
    if isinstance(block, Title | Line):
        return replace(block, content=_resolved(block.content, surface))
    if isinstance(block, Bullets):
        return Bullets(tuple(_resolved(item, surface) for item in block.items))
    return replace(block, rows=tuple(_resolved(row, surface) for row in block.rows),
                   caption=_resolved(block.caption, surface))


def to_messages(document: Document, fmt: Format, surface: Surface = "cli") -> list[str]:
    """The document as chat messages in `fmt`, each within the channel's limits."""
    limits = LIMITS[fmt]
    blocks = [resolve_hints(block, surface) for block in document.blocks]
    rendered = [_capped(piece, limits) for block in blocks for piece in render_block(block, fmt)]
    packer = _Packer(limits)
    for index, block in enumerate(rendered):
        follower = rendered[index + 1] if index + 1 < len(rendered) else None
        packer.place(block, follower)
    packer.flush()
    return packer.messages

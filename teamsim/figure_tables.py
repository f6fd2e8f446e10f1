"""Tables of figures that fit the terminal: no figure broken, no trailing spaces.

Rich shrinks a table that is too wide by folding its cells wherever the width falls:
"9.3 % [6-14 ⏎ %]", "[13,916 to ⏎ 34,655]". Here each figure column is as wide as its
widest cell (its header wraps between words, never inside one), the first column (a
name, a stage, a month) is the only one rich may fold, and a table wider than the
console is split into tables of fewer columns, each with the first column again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import rich._wrap
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

__all__ = [
    "FittedGrid",
    "Grid",
    "Separated",
    "keep_figures_whole",
    "print_grid",
    "show",
    "tables",
]

# No-break spaces (U+00A0, U+202F, U+2007): inside a figure, never a place to break.
_NO_BREAK = "\u00a0\u202f\u2007"
# A space between a number and its unit: "23 %", "+9.0 pp", "128.2 min", "10.1 days".
_UNIT = r"(?:(?<=\d) (?=(?:%|pp|min|days|h|s)(?!\w)))"
# A word as rich wraps it: spaces that may break around a run of non-spaces, no-break
# spaces and spaces before a unit (one figure, as "23\u00a0%" is).
_WORD = re.compile(rf"[^\S{_NO_BREAK}]*(?:[\S{_NO_BREAK}]|{_UNIT})+[^\S{_NO_BREAK}]*")


def _measure(self: Text, console: Console, options: ConsoleOptions) -> Measurement:
    """Rich's ``Text`` measure with words as :data:`_WORD` cuts them (a figure is one)."""
    lines = self.plain.splitlines()
    widest = max((cell_len(line) for line in lines), default=0)
    words = [w.strip() for line in lines for w in _WORD.findall(line)]
    least = max((cell_len(w) for w in words if w), default=widest)
    return Measurement(least, widest)


def keep_figures_whole() -> None:
    r"""Make rich wrap text only where a line may break (Unicode UAX #14, for spaces).

    rich (14.x) cuts words at any ``\s``, which in Python includes the no-break space
    (Textualize/rich#3545, open): "34.6 M / ₽" and "163.3 / %" at 80 columns, whatever
    the formatter wrote. This sets rich's word pattern and ``Text``'s measure to treat
    U+00A0, U+202F and U+2007 as letters and a space before "%" as part of the figure.
    Idempotent; called when this module is imported, so every teamsim output has it.
    """
    rich._wrap.re_word = _WORD
    Text.__rich_measure__ = _measure  # type: ignore[method-assign]


keep_figures_whole()

# A bordered table's columns each take a padding of one space on either side and one
# rule; the table one rule more (rich's box with show_edge).
_PADDING = 2
_RULE = 1


@dataclass
class Grid:
    """A table before it is laid out: a first column, then columns of figures.

    ``keys``: the first column's cell of each row (markup, or a Text such as a bold
    group line); ``columns``: header -> one cell a row (markup; "" for none);
    ``styles``: a row's style (None: plain). :func:`print_grid` prints the title
    above and the caption under the tables.
    """

    title: str
    key: str
    keys: list[str | Text] = field(default_factory=list)
    columns: dict[str, list[str]] = field(default_factory=dict)
    styles: list[str | None] = field(default_factory=list)
    caption: str = ""

    def add_row(self, key: str | Text, cells: Sequence[str], style: str | None = None) -> None:
        """One row: the first column's cell, then a cell for each of ``columns``, in order.

        Raises:
            ValueError: If ``cells`` are not one a column.
        """
        self.keys.append(key)
        for cells_of, cell in zip(self.columns.values(), cells, strict=True):
            cells_of.append(cell)
        self.styles.append(style)


def _width(cell: str | Text) -> int:
    """The cells a markup string or a Text takes on screen (its longest line)."""
    text = cell if isinstance(cell, Text) else Text.from_markup(cell)
    return max((Text(line).cell_len for line in text.plain.split("\n")), default=0)


def _words(cell: str | Text) -> list[str]:
    text = cell if isinstance(cell, Text) else Text.from_markup(cell)
    return text.plain.split()


def _column_width(header: str, cells: Sequence[str]) -> int:
    """A figure column: its widest cell, or its header's longest word when wider."""
    longest_word = max((len(w) for w in header.split()), default=0)
    return max([longest_word, *(_width(c) for c in cells)])


def tables(grid: Grid, width: int) -> list[Table]:
    """The grid as tables no wider than ``width``, each holding as many columns as fit.

    Figure cells never wrap (``no_wrap``; a column is at least as wide as its widest
    cell); room left over widens the columns, left to right, up to their headers' width,
    so a header wraps between its words only when the console is narrow. The first
    column folds only when it and a single figure column are wider than the console.
    Titles and the caption are :func:`print_grid`'s.
    """
    least = {h: _column_width(h, cells) for h, cells in grid.columns.items()}
    key_width = max([_width(grid.key), *(_width(k) for k in grid.keys)])
    # A long first column (a KPI's label) folds between its words before the figures are
    # split into tables: to the room they leave (at least 16), else a third of the width.
    longest_word = max((len(w) for k in [grid.key, *grid.keys] for w in _words(k)), default=0)
    room = width - sum(least.values()) - (len(least) + 1) * (_PADDING + _RULE) - _RULE
    if key_width > room:
        key_width = min(key_width, max(longest_word, room if room >= 16 else width // 3))

    def span(widths: Sequence[int]) -> int:
        return key_width + sum(widths) + (len(widths) + 1) * (_PADDING + _RULE) + _RULE

    chunks: list[list[str]] = []
    for header in grid.columns:
        if chunks and span([least[h] for h in [*chunks[-1], header]]) <= width:
            chunks[-1].append(header)
        else:
            chunks.append([header])
    out = []
    for chunk in chunks:
        widths = [least[h] for h in chunk]
        room = width - span(widths)
        for i, header in enumerate(chunk):
            grow = max(0, min(room, _width(header) - widths[i]))
            widths[i] += grow
            room -= grow
        table = Table()
        table.add_column(grid.key, overflow="fold", max_width=key_width)
        for header, column_width in zip(chunk, widths, strict=True):
            table.add_column(
                Text(header, no_wrap=False, overflow="fold"),
                justify="right",
                no_wrap=True,
                overflow="fold",
                width=column_width,
            )
        for r, key in enumerate(grid.keys):
            table.add_row(key, *(grid.columns[h][r] for h in chunk), style=grid.styles[r])
        out.append(table)
    return out


def print_grid(console: Console, grid: Grid) -> None:
    """The grid's title, its tables at the console's width, then its caption.

    Title and caption are paragraphs at the console's width (not the table's, which may
    be narrow); a table split for width repeats the title with "(continued)".
    """
    for i, table in enumerate(tables(grid, console.width)):
        title = grid.title if i == 0 else f"{grid.title} (continued)"
        show(console, Text(title, style="italic"))
        show(console, table)
    if grid.caption:
        show(console, Text(grid.caption))


@dataclass
class FittedGrid:
    """A grid laid out when it is printed, at the width it is printed at (a renderable).

    For views that build their output before the console is known (a ``Group`` printed
    by ``plan --verify`` and by ``runs show``): :func:`tables` at ``options.max_width``,
    the title above each table, the caption (a paragraph) under the last.
    """

    grid: Grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for i, table in enumerate(tables(self.grid, options.max_width)):
            title = self.grid.title if i == 0 else f"{self.grid.title} (continued)"
            yield Text(title, style="italic")
            yield table
        if self.grid.caption:
            yield Text(self.grid.caption)


# A piece ends after its run of separators: "seller." "headcount." "current=" "6, ";
# not after "_", which is inside an identifier ("client_manager").
_PIECE = re.compile(r".+?(?:[ .,=/]+|$)")
_SUBPIECE = re.compile(r".+?(?:_+|$)")


@dataclass
class Separated:
    """A cell of words and field paths that wraps only after a separator (space . , = /).

    Rich wraps a cell at spaces and folds a longer word wherever the width falls
    ("seller.headc / ount.current"). This cell asks the table for at least its longest
    piece between separators and breaks a line only after one
    ("seller.headcount. / current=6,"); a single piece wider than the column breaks after
    an underscore ("call_quota_ / per_day=40"), and folds only when a part between those
    is wider still.
    """

    text: str

    def pieces(self) -> list[str]:
        """The text cut after each run of separators (their concatenation is the text)."""
        return _PIECE.findall(self.text)

    def least(self) -> int:
        """The width of its longest piece (separators at a line's end not counted)."""
        return max((len(p.rstrip()) for p in self.pieces()), default=0)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        least = self.least()
        return Measurement(least, max(least, len(self.text))).clamp(max_width=options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        lines = [""]
        # A piece wider than the column ("call_quota_per_day=" in 17) breaks after an
        # underscore of its identifier rather than inside a word.
        pieces = [
            part
            for piece in self.pieces()
            for part in (_SUBPIECE.findall(piece) if len(piece.rstrip()) > width else [piece])
        ]
        for piece in pieces:
            if lines[-1] and len((lines[-1] + piece).rstrip()) > width:
                lines[-1] = lines[-1].rstrip()
                lines.append("")
            lines[-1] += piece
        yield Text("\n".join(line.rstrip() for line in lines), overflow="fold")


def show(console: Console, renderable: RenderableType) -> None:
    """Print ``renderable`` at the console's width with no trailing spaces on any line.

    Rich pads a wrapped paragraph, a title or a caption to the full width with spaces;
    in a file or a pipe those are trailing spaces on every line. Each rendered line is
    printed with its styles, stripped at the right.
    """
    for line in console.render_lines(renderable, console.options, pad=False):
        text = Text(end="\n")
        for segment in line:
            if not segment.control:
                text.append(segment.text, segment.style)
        text.rstrip()
        console.print(text, soft_wrap=True, crop=False, overflow="ignore")

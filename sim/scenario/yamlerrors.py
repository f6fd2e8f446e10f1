"""A YAML syntax error as a problem a person can fix: file, line, column, the line, a hint.

PyYAML says what its parser expected ("while parsing a block mapping expected <block
end>, but found '-'"); a head editing a scenario needs where it is, the line itself with
a caret under the spot, and what to do in plain words. The spot is where the trouble
starts: an unclosed quote or bracket is pointed at where it opens, not at the file's end.
"""

from __future__ import annotations

import re

import yaml

from sim.errors import Problem

__all__ = ["too_deep_problem", "yaml_problem"]

# Where the trouble starts for these errors is where the construct opened (the context
# mark), not where the parser gave up (often the end of the file).
_OPENED_AT = ("quoted scalar", "flow sequence", "flow mapping")


def yaml_problem(exc: yaml.YAMLError, text: str, source: str) -> Problem:
    """The problem of a YAML syntax error in ``text`` read from ``source``."""
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_problem(exc, text, source)
    context = str(getattr(exc, "context", None) or "")
    problem = str(getattr(exc, "problem", None) or "")
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    opened = any(word in context for word in _OPENED_AT)
    mark = (context_mark if opened else problem_mark) or problem_mark or context_mark
    what = " ".join(" ".join(part for part in (context, problem) if part).split())
    message = "not valid YAML: " + (what or " ".join(str(exc).split()))
    if mark is None:
        return Problem((), f"{message}; {_GENERAL}", source)
    lines = text.splitlines()
    row, col = int(mark.line), int(mark.column)
    excerpt = lines[row] if row < len(lines) else ""
    hint = _hint(context, problem, lines, row=row, col=col)
    unclosed = _unclosed_quote(lines, row)
    if unclosed is not None and unclosed != (row, col):
        # A quote left open runs on over the lines below to the next quote of its kind,
        # and PyYAML trips over what follows: the trouble starts where it opened.
        row, col = unclosed
        excerpt, quote = lines[row], lines[row][col]
        hint = (
            f"the quote {quote} opened on line {row + 1} is not closed on its line, so "
            f"the value runs on to line {int(mark.line) + 1}: " + _QUOTE_FIX.format(q=quote)
        )
    if _misindented(problem, lines, row):
        col = _indent(lines[row])  # the caret under the line's first character
    return Problem((), f"{message}; {hint}", source, row + 1, column=col + 1, excerpt=excerpt)


def too_deep_problem(source: str) -> Problem:
    """Lists or mappings nested deeper than the parser can follow (no scenario is)."""
    return Problem(
        (),
        "not valid YAML: lists or mappings are nested too deep to read; a scenario nests a "
        "few levels (roles > a role > its headcount): check for an unclosed '[' or '{'",
        source,
    )


_QUOTE_FIX = (
    "end the value with {q} on the same line (a quote inside a value is written twice "
    'in \'...\', or as \\" in "...")'
)
# A value that starts with a quote: at the line's start, after "- ", ": ", "[", "{" or ",".
_QUOTED_START = re.compile(r"""(?:^\s*(?:-\s+)?|:\s+|[\[{,]\s*)(["'])""")

_GENERAL = (
    "check this line and the one above it: indent with spaces (never tabs), the same "
    "number for every field of one level, and close every quote and bracket on its line"
)


def _hint(context: str, problem: str, lines: list[str], row: int, col: int) -> str:
    """What to do about the error, in words, from what PyYAML found."""
    if "'\\t'" in problem:
        return (
            f"there is a tab at column {col + 1}: YAML indents with spaces only; "
            "replace the tab with spaces"
        )
    if "quoted scalar" in context:
        quote = _char(lines, row, col) or '"'
        return f"the quote {quote} opened here is never closed: " + _QUOTE_FIX.format(q=quote)
    if "flow sequence" in context or "flow mapping" in context:
        bracket = _char(lines, row, col) or "["
        closing = {"[": "]", "{": "}"}.get(bracket, "]")
        return (
            f"the {bracket} opened here is not closed where the next field starts: end it "
            f"with {closing} on the same line, or write the items one a line"
        )
    if "mapping values are not allowed" in problem or "<block end>" in problem:
        return _indent_hint(lines, row)
    if "cannot start any token" in problem:
        found = _char(lines, row, col)
        return f"a value cannot start with {found!r}: put the whole value in quotes"
    if "undefined alias" in problem:
        return "a value starting with '*' names an anchor ('&name'): put the value in quotes"
    if "constructor for the tag" in problem:
        return "tags ('!!...', '!name') are not read in a scenario: remove the tag"
    return _GENERAL


def _indent_hint(lines: list[str], row: int) -> str:
    """Indentation that does not match the line above, or a ': ' inside a value."""
    here = _indent(lines[row]) if row < len(lines) else 0
    above = _above(lines, row)
    if above is not None:
        there = _indent(above)
        if here > there and not above.rstrip().endswith(":"):
            return (
                f"this line is indented by {here} spaces under a line of {there} that "
                "holds a value, not fields: line it up with the fields of its level"
                + (f" ({there} spaces)" if there else "")
                + ", or put a value holding ': ' in quotes"
            )
        if here != there:
            return (
                f"this line is indented by {here} spaces where the fields around it have "
                f"{there}: fields of one level take the same indentation (spaces only)"
            )
    return (
        "this line does not fit the fields around it: line it up with the fields of its "
        "level, start a list item with '- ' only under a field ending in ':', and put a "
        "value holding ': ' in quotes"
    )


def _misindented(problem: str, lines: list[str], row: int) -> bool:
    """An indentation error on a line whose indentation differs from the field above."""
    if "mapping values are not allowed" not in problem and "<block end>" not in problem:
        return False
    above = _above(lines, row)
    return row < len(lines) and above is not None and _indent(lines[row]) != _indent(above)


def _above(lines: list[str], row: int) -> str | None:
    """The nearest line above ``row`` that holds something (not blank, not a comment)."""
    return next(
        (line for line in reversed(lines[:row]) if line.strip() and not _comment(line)), None
    )


def _unclosed_quote(lines: list[str], row: int) -> tuple[int, int] | None:
    """The first quote, on a line up to ``row``, that opens a value and is not closed on it.

    (line, column), 0-based; None when every quoted value closes on its own line. A
    comment's quotes and a quote inside a plain value ("Head's office") open nothing.
    """
    for r, line in enumerate(lines[: row + 1]):
        if _comment(line):
            continue
        done = 0  # the end of the last quoted value closed on the line
        for match in _QUOTED_START.finditer(line):
            if match.start() < done:
                continue  # inside a quoted value: "a: 'b" opens nothing at its "'"
            if " #" in line[done : match.start()]:
                break  # a comment: nothing after it is a value
            quote, start = match.group(1), match.end(1)
            end = _closes(line[start:], quote)
            if end is None:
                return r, start - 1
            done = start + end + 1
    return None


def _closes(rest: str, quote: str) -> int | None:
    """Where in ``rest`` the quoted value closes, or None (escapes: a backslash, and '')."""
    i = 0
    while i < len(rest):
        ch = rest[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and rest[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _char(lines: list[str], row: int, col: int) -> str:
    line = lines[row] if row < len(lines) else ""
    return line[col] if col < len(line) else ""


def _reader_problem(exc: yaml.reader.ReaderError, text: str, source: str) -> Problem:
    """A character YAML does not allow (a control character), placed by its position."""
    before = text[: exc.position]
    row = before.count("\n")
    col = exc.position - (before.rfind("\n") + 1)
    lines = text.splitlines()
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return Problem(
        (),
        f"not valid YAML: character U+{code:04X} is not allowed in YAML text; delete it "
        "(it is often pasted in from another program with the text)",
        source,
        row + 1,
        column=col + 1,
        excerpt=lines[row] if row < len(lines) else "",
    )

"""Errors a user can cause, each able to say which file, line and field it is about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

PathPart = str | int


def dotted(path: Sequence[PathPart]) -> str:
    """Render a field path as the dotted form used by ``--set`` and in messages."""
    return ".".join(str(p) for p in path) or "(top level)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where it is and what was expected."""

    path: tuple[PathPart, ...]
    message: str
    source: str = ""
    line: int | None = None
    # Where on the line (1-based) and the line itself, for a problem of the text (a YAML
    # syntax error): shown under the message as the line and a caret under the column.
    column: int | None = None
    excerpt: str | None = None

    def located(self, source: str, line: int | None) -> Problem:
        """The same problem with its file and line filled in."""
        return replace(self, source=source, line=line)

    def __str__(self) -> str:
        where = self.source or "<scenario>"
        if self.line is not None:
            where = f"{where}:{self.line}"
            if self.column is not None:
                where = f"{where}:{self.column}"
        if not self.path:
            return f"{where}: {self.message}"
        return f"{where}: {dotted(self.path)}: {self.message}"

    def pointer(self) -> tuple[str, ...]:
        """The offending line and a caret under its column, or nothing: "  a: 'b", "     ^".

        Tabs in the line are shown as one space each, so the caret stays under its
        character whatever the terminal's tab stops.
        """
        if self.excerpt is None or self.column is None:
            return ()
        shown = self.excerpt.replace("\t", " ").rstrip("\r\n")
        return (f"  {shown}", "  " + " " * (self.column - 1) + "^")


class TeamsimError(Exception):
    """Base of the errors that are the user's to fix: shown as a message, never a traceback."""

    exit_code = 2
    # What went wrong, for a script reading ``--json``: "invalid_input", "infeasible", ...
    kind = "invalid_input"

    def json_details(self) -> dict[str, object]:
        """What ``--json`` adds to the message for a script: nothing beyond it here."""
        return {}


class ScenarioError(TeamsimError):
    """A scenario that cannot be used, with every problem found."""

    kind = "invalid_scenario"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def json_details(self) -> dict[str, object]:
        """Every problem with its file, line and field (dotted, as ``--set`` writes it)."""
        return {
            "problems": [
                {
                    "file": p.source or None,
                    "line": p.line,
                    "field": dotted(p.path) if p.path else None,
                    "message": p.message,
                }
                for p in self.problems
            ]
        }

"""Problems found while loading a knowledge base, each naming its file and node."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file: where it is and what is wrong."""

    file: Path | None
    node: str | None
    message: str
    category: str = "invalid"

    def __str__(self) -> str:
        where = str(self.file) if self.file else "<knowledge base>"
        if self.node:
            where += f" [{self.node}]"
        return f"{where}: {self.message}"


class UserError(Exception):
    """An error whose message is written for the user: the CLI prints it and exits 1.

    Every layer's expected failures (a broken file, a locked session, an unknown
    clause id) derive from it, so front ends need no list of them.
    """


class KnowledgeBaseError(UserError):
    """A knowledge base that failed validation; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else "unknown problem"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}")

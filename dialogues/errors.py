"""Problems in the question files, each naming its file and target id."""

from __future__ import annotations

from knowledge.errors import Problem, UserError


class DialogueError(UserError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(str(problems[0]) + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))

"""The project's one exception type and the structured per-file problem.

Readers never let any other exception escape: a problem in one file becomes a `Problem` value that the UI and
the CLI show next to that file, and loading goes on with the other files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: Severities, most serious first. "error": (part of) the file could not be used. "warning": it was used with a
#: fallback the user should know about. "notice": informational (duplicate skipped, label renamed).
SEVERITIES = ("error", "warning", "notice")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, in plain words, with what to do about it."""

    file: str
    what: str
    fix: str = ""
    where: str = ""
    severity: str = "error"

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        location = f"{self.file}, {self.where}" if self.where else self.file
        text = f"{location}: {self.what}"
        return f"{text} {self.fix}".strip() if self.fix else text


class EvalAnalyzerError(Exception):
    """Base class of every error the project raises on purpose."""


class ReadError(EvalAnalyzerError):
    """A whole file could not be used; carries the `Problem` to show."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


class UsageError(EvalAnalyzerError):
    """Settings that do not fit the data (unknown baseline, dataset, …): the CLI maps it to exit code 2."""

"""The project's one exception type and the structured per-file problem.

Readers never let any other exception escape: a problem in one file becomes a `Problem` value that the UI and
the CLI show next to that file, and loading goes on with the other files.

A problem carries a stable `code` and the `params` that fill its texts; the texts themselves live in two
catalogs keyed by code (`core/messages.py`: English and Traditional Chinese), so the CLI prints English, the
dashboard shows either language, and no one matches English sentences to translate them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, in plain words, with what to do about it.

    Severities: "error" (the file, or part of it, could not be used), "warning" (it was used with a fallback the
    user should know about), "notice" (informational: duplicate skipped, label renamed).
    """

    file: str
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    where: str = ""
    severity: str = "error"

    def text(self, lang: str = "en") -> tuple[str, str]:
        """(what, fix) in `lang`."""
        from eval_analyzer.core.messages import render

        return render(self.code, self.params, lang)

    @property
    def what(self) -> str:
        return self.text()[0]

    @property
    def fix(self) -> str:
        return self.text()[1]

    def __str__(self) -> str:
        location = f"{self.file}, {self.where}" if self.where else self.file
        what, fix = self.text()
        text = f"{location}: {what}"
        return f"{text} {fix}".strip() if fix else text


def problem(file: str, code: str, where: str = "", severity: str = "error", **params: Any) -> Problem:
    """A `Problem` with its parameters as keywords: `problem(name, "file.empty")`."""
    return Problem(file=file, code=code, params=params, where=where, severity=severity)


class EvalAnalyzerError(Exception):
    """Base class of every error the project raises on purpose."""


class ReadError(EvalAnalyzerError):
    """A whole file could not be used; carries the `Problem` to show."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


class UsageError(EvalAnalyzerError):
    """Settings that do not fit the data (unknown baseline, dataset, …): the CLI maps it to exit code 2."""

"""The one result model every report format renders: a Report of Results (tasks or questions)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from grader.reports.safe import printable, shown_notes

ReportKind = Literal["exercise", "quiz", ""]  # "": a failed report that never learnt its kind


@dataclass
class Result:
    """One task or question."""

    id: str
    score: float
    max_score: float
    passed: bool
    feedback: str
    hidden: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # further JSON keys (checks, mistake, ...)
    # the check points, expected and returned values, for pictures; never in a report's JSON
    trace: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "score": self.score,
            "max_score": self.max_score,
            "passed": self.passed,
            "feedback": self.feedback,
        }
        if self.hidden:
            out["hidden"] = True
        out.update(self.extra)
        return out


@dataclass
class Report:
    id: str
    kind: ReportKind
    title: str
    file: str
    results: list[Result]
    student: str = ""
    output: str = ""  # what the submission printed
    notes: list[str] = field(default_factory=list)  # run-level remarks (hidden checks, ...)
    figures: list[tuple[str, str]] = field(default_factory=list, repr=False)  # (task id, SVG) for HTML
    pictures: list[Any] = field(default_factory=list, repr=False)  # grader.plots.Picture per task (numbers, to redraw)
    error: str = ""  # why grading could not happen (a report of `failed`); exit 2
    isolation: dict[str, Any] | None = None  # what the sandbox enforced on this machine (JSON `isolation`)

    @classmethod
    def failed(cls, reason: str, *, file: object = "", id: str = "", kind: ReportKind = "") -> Report:
        """A report of score 0 for a check that could not happen: it carries the one-line reason
        (JSON `"error"`, the Gradescope `output`, a JUnit `<error>`), so CI shows it to the student."""
        return cls(id=id, kind=kind, title=id or "gradquiz", file=str(file or ""), results=[], error=reason)

    def _repr_html_(self) -> str:
        """The report in Jupyter: rich HTML, the pictures below it."""
        from grader.reports.html import render_html

        return render_html(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's text form (a terminal, or a notebook without HTML): the text report."""
        printer.text(str(self))

    def __str__(self) -> str:
        from grader.reports.text import plain_text

        return plain_text(self)

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.results), 6)

    @property
    def max_score(self) -> float:
        return round(sum(r.max_score for r in self.results), 6)

    @property
    def passed(self) -> bool:
        return not self.error and all(r.passed for r in self.results)

    @property
    def exit_code(self) -> int:
        if self.error:
            return 2
        return 0 if self.passed else 1

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "score": self.score,
            "max_score": self.max_score,
            "passed": self.passed,
            "results": [r.to_dict() for r in self.results],
            "kind": self.kind,
            "title": self.title,
            "file": self.file,
        }
        if self.student:
            out["student"] = self.student
        if self.notes:
            out["notes"] = shown_notes(self.notes)
        if self.output:  # what the submission printed: nothing invisible, no line that starts with ::
            out["output"] = printable(self.output)
        if self.isolation is not None:
            out["isolation"] = self.isolation
        if self.error:
            out["error"] = self.error
        return out


def as_dict(result: Result) -> dict[str, Any]:
    return asdict(result)

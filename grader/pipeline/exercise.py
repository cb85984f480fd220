"""An exercise's side of the seam: ``grade_exercise(source, filename, problem, ...) -> Report``.

``problem`` is an ``ExerciseSource``: what the child needs before it starts (``forbid``, ``allow``)
and ``compile(student)``, called once the child has started, so that the child loads NumPy and
the submission while this process compiles the exercise. An ``ExerciseFile`` is read, not compiled
(``check``); a ``CompiledExercise`` is already compiled (``gradquiz grade``'s workers compile each
problem once and keep it); another source (a cache of compiled problems) plugs in the same way.
``sandbox`` is a ``SandboxFactory``: by default a plain ``Sandbox`` with ``limits``; a worker
passes one that forks from its warm server.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from grader.errors import GradquizError
from grader.problems import choose_student, load_yaml, variant_notes
from grader.reports import Report, capped
from grader.sandbox import Limits, Sandbox

if TYPE_CHECKING:
    from grader.exercise import Exercise
    from grader.notebook import NotebookSource

MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class SandboxFactory(Protocol):
    """What starts the child for one submission: ``(source, filename, forbid, allow) -> sandbox``
    (a context manager with ``run``, ``run_each``, ``output`` and ``isolation``, as ``Sandbox``)."""

    def __call__(
        self, source: str, filename: str, forbid: Sequence[str], allow: Sequence[str]
    ) -> AbstractContextManager[Any]: ...


class ExerciseSource(Protocol):
    """An exercise before its child starts: the modules its file forbids and allows, and how to
    get it compiled for one student."""

    @property
    def forbid(self) -> tuple[str, ...]: ...

    @property
    def allow(self) -> tuple[str, ...]: ...

    def compile(self, student: str) -> CompiledExercise: ...


@dataclass(frozen=True)
class CompiledExercise:
    """An exercise compiled for one variant, with the modules its file forbids and allows."""

    exercise: Exercise
    forbid: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()

    def compile(self, student: str) -> CompiledExercise:
        """The exercise as graded for ``student``: itself (an exercise without params is the same
        for all, with the student's id)."""
        if self.exercise.student == student:
            return self
        return dataclasses.replace(self, exercise=dataclasses.replace(self.exercise, student=student))


@dataclass(frozen=True, eq=False)
class ExerciseFile:
    """An exercise file read (YAML with its lines), its forbid and allow lists, not yet compiled."""

    path: Path
    data: Any
    positions: Any
    forbid: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()

    @property
    def per_student(self) -> bool:
        """The exercise has ``params``: a variant per student."""
        return isinstance(self.data, dict) and bool(self.data.get("params"))

    def compile(self, student: str | None) -> CompiledExercise:
        """The exercise compiled for ``student`` (SymPy: imported here, on first use)."""
        from grader.exercise import load_exercise

        exercise = load_exercise(self.path, student, self.data, self.positions)
        return CompiledExercise(exercise, self.forbid, self.allow)


def read_exercise(problem_path: Path | str, filename: str, student: str | None = None,
                  grading: bool = False) -> ExerciseFile:
    """The exercise file for a submission named ``filename``, refusing a quiz and, in grading mode,
    a per-student exercise without a student id (both errors name the submission)."""
    problem_path = Path(problem_path)
    data, positions = load_yaml(problem_path)
    if isinstance(data, dict) and "questions" in data:
        raise GradquizError(f"'{data.get('id')}' is a quiz; answer it in a .yaml answers file", filename)
    top = data if isinstance(data, dict) else {}  # load_exercise reports any other shape
    if grading and top.get("params") and not (student or os.environ.get("GRADQUIZ_STUDENT", "")):
        raise GradquizError(
            f"exercise '{top.get('id', problem_path.stem)}' has a variant per student: grading it needs "
            "--student ID or GRADQUIZ_STUDENT", filename
        )
    return ExerciseFile(problem_path, data, positions, _names(top.get("forbid")), _names(top.get("allow")))


def grade_exercise(source: str, filename: str, problem: ExerciseSource, *,
                   student: str | None = None, grading: bool = False, limits: Limits = Limits(),
                   notebook: NotebookSource | None = None, plot: bool | str | Path = False,
                   sandbox: SandboxFactory | None = None) -> Report:
    """Grade Python ``source`` (a file's, a notebook's cells or a kernel's history) against an
    exercise, in a sandbox child. ``notebook`` maps errors to its cells; ``plot`` puts a picture
    per task in the report (a .png or .svg path also writes them there)."""
    start = sandbox or _plain_sandbox(limits)
    pictures: list[Any] = []
    # Start the child now: it loads numpy and the submission while we load SymPy.
    with _mapped(start(source, filename, problem.forbid, problem.allow), notebook) as child:
        from grader.exercise import grade

        chosen, origin = choose_student(student, source, grading)
        exercise = problem.compile(chosen).exercise
        results = grade(exercise, child, include_hidden=grading, salt=_salt() if grading else ())
        if plot:
            from grader.plots import collect

            pictures = collect(exercise, results, child)
        stdout, stderr = child.output()
        isolation = getattr(child, "isolation", None)
    report = Report(
        id=exercise.id,
        kind="exercise",
        title=exercise.title,
        file=filename,
        results=results,
        student=exercise.student,
        output=(stdout + stderr).strip(),
        isolation=dict(isolation) if isinstance(isolation, dict) else None,
    )
    if notebook is not None:
        report.notes.extend(capped(notebook.notes))  # a note per IPython line: ten, then a count
    report.notes += variant_notes(exercise, origin, source)
    report.notes += _hidden_notes(exercise, grading)
    if plot:
        _pictures(report, pictures, plot)
    return report


def _hidden_notes(exercise: Exercise, grading: bool) -> list[str]:
    """How many hidden checks the student's mode left out, or that a student edition has none."""
    hidden = sum(t.spec.visibility == "hidden" for t in exercise.tasks) + exercise.spec.hidden_checks
    if hidden and not grading:
        return [f"{hidden} hidden check{'s' if hidden > 1 else ''} will run when your work is graded."]
    if exercise.spec.hidden_checks:
        n = exercise.spec.hidden_checks
        return [f"This is the student edition: its {n} hidden check{'s are' if n > 1 else ' is'} not in it; "
                f"the instructor's files run {'them' if n > 1 else 'it'}."]
    return []


def _plain_sandbox(limits: Limits) -> SandboxFactory:
    def start(source: str, filename: str, forbid: Sequence[str], allow: Sequence[str]) -> Sandbox:
        return Sandbox(source, filename, forbid, limits, allow=allow)

    return start


def _mapped(sandbox: Any, notebook: NotebookSource | None) -> Any:
    """The sandbox; for a notebook, one whose error descriptions also name the cell."""
    if notebook is None:
        return sandbox
    from grader.notebook import MappedSandbox

    return MappedSandbox(sandbox, notebook)


def _salt() -> tuple[str, ...]:
    from grader.maths import grading_salt  # after the child started: it imports NumPy

    return tuple(grading_salt())


def _names(value: Any) -> tuple[str, ...]:
    """The module names of `forbid:` or `allow:` (the schema reports anything else, with its line)."""
    return tuple(m for m in value if isinstance(m, str) and MODULE.match(m)) if isinstance(value, list) else ()


def _pictures(report: Report, pictures: list[Any], plot: bool | str | Path) -> None:
    """The report's pictures (and ``--plot``'s file); a picture that cannot be drawn is a note."""
    from grader import plots
    from grader.reports import one_line

    figures, good, notes = plots.drawable(pictures)
    report.notes += notes
    if isinstance(plot, (str, Path)):  # a file for them too (True: in the report only)
        if good or not pictures:
            try:
                plots.save(good, Path(plot))  # nothing graded at all: the one-line error, exit 2
            except GradquizError:
                raise
            except Exception as exc:  # noqa: BLE001 - a picture must never cost the grade
                report.notes.append(f"{plot} was not written: {type(exc).__name__}: {one_line(exc)[:200]}")
        else:
            report.notes.append(f"{plot} was not written: no picture could be drawn")
    report.figures = figures
    report.pictures = good

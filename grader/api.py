"""The library's use cases, which the command and a notebook call (``grader`` re-exports ``check``
and ``load_problem``).

Every submission takes the same way: its intake (``grader.problems.intake``: the safe read, the
problem's id, the student), then one of the two sides of the seam (``grader.pipeline``):
``grade_exercise`` runs Python in a sandbox child and scores it here, ``grade_answers`` grades a
quiz's answers. ``gradquiz grade``'s workers call the same two functions.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from grader.errors import GradquizError
from grader.pipeline import (
    CompiledExercise,
    ExerciseFile,
    ExerciseSource,
    SandboxFactory,
    exercise_source,
    grade_answers,
    grade_exercise,
    read_exercise,
)
from grader.problems import decode, find_exercise, header_notes, id_from_name, read_bytes, read_submission
from grader.reports import Report
from grader.sandbox import Limits

__all__ = [
    "CompiledExercise", "ExerciseFile", "ExerciseSource", "SandboxFactory", "check", "check_in_kernel", "grade_answers",
    "grade_exercise", "grading_mode", "load_problem", "read_exercise", "show",
]

SUFFIXES = (".py", ".ipynb", ".yaml", ".yml")


def grading_mode(explicit: bool | None = None) -> bool:
    """``--grading``, else ``GRADQUIZ_GRADING=1``; default: the student's mode (hidden checks not run)."""
    if explicit is not None:
        return explicit
    return os.environ.get("GRADQUIZ_GRADING", "").strip().lower() in ("1", "true", "yes", "on")


def check(path: str | Path, answers: Mapping[Any, Any] | None = None, *, problems: Sequence[Any] = (),
          exercise: str | None = None, student: str | None = None, grading: bool | None = None,
          limits: Limits = Limits(), plot: bool | str | Path | None = None) -> Report:
    """Grade one submission (.py or .ipynb) or answers file (.yaml).

    ``grading=None`` reads ``GRADQUIZ_GRADING``; in the student's mode (the default)
    hidden tasks are not run and the report says how many there are. Grading mode trusts
    only the instructor (spec section 6): problems from ``problems``, ``GRADQUIZ_PATH`` and the
    bundled set, the exercise from ``exercise`` or the file name, the student from ``student``
    or ``GRADQUIZ_STUDENT``, check points from a secret, and no symbolic link as the file.
    ``plot``: True puts a picture per task in ``report.figures`` (SVG) and ``report.pictures``;
    a .png or .svg path also writes them there.

    In a Jupyter notebook, ``check("exercise1")`` (an id, not a file) grades the functions
    defined in the running kernel, and ``check("signs", answers={...})`` a quiz
    (``check_in_kernel``; the report shows as HTML with a picture per task).
    """
    if answers is not None or not _is_path(path):
        if exercise is not None:
            raise TypeError("check(ID) in a notebook takes no exercise=: the id is the exercise")
        return check_in_kernel(str(path), answers=answers, problems=problems, student=student, grading=grading,
                               limits=limits, plot=True if plot is None else plot)
    path = Path(path)
    grading = grading_mode(grading)
    if path.suffix in (".yaml", ".yml"):
        return _check_answers(path, problems, exercise, student, grading)
    data = read_bytes(path, grading=grading)
    if path.suffix not in (".py", ".ipynb"):
        raise GradquizError("expected a .py or .ipynb submission or a .yaml answers file", path)
    source = decode(data, path)
    notebook = None
    if path.suffix == ".ipynb":
        from grader.notebook import notebook_source

        notebook = notebook_source(path, source)
        source = notebook.source
    problem_path = find_exercise(path, source, exercise, problems, grading)
    problem = exercise_source(problem_path, str(path), student, grading, source)  # compiled, from the cache
    report = grade_exercise(source, str(path), problem, student=student, grading=grading, limits=limits,
                            notebook=notebook, plot=plot or False)
    report.notes[:0] = header_notes(source, report.id, id_from_name(path), grading=grading,
                                           exercise=exercise)  # first
    return report


def _is_path(value: object) -> bool:
    """A path argument: a Path, a name ending in .py/.ipynb/.yaml/.yml, or an existing file."""
    if isinstance(value, Path):
        return True
    text = str(value)
    return text.endswith(SUFFIXES) or Path(text).is_file()


def _check_answers(path: Path, problems: Sequence[Any], exercise: str | None, student: str | None,
                   grading: bool) -> Report:
    from grader.quiz import MAX_BYTES, answers_quiz, read_answers

    text = read_submission(path, grading=grading, what="answers file", max_bytes=MAX_BYTES)
    answers, positions = read_answers(path, text)
    quiz = answers_quiz(path, answers, positions, problems=problems, quiz=exercise, student=student, grading=grading)
    return grade_answers(quiz, answers, positions=positions, file=path, grading=grading)


def check_in_kernel(problem_id: str, *, answers: Mapping[Any, Any] | None = None, problems: Sequence[Any] = (),
                    student: str | None = None, grading: bool | None = None, plot: bool | str | Path = True,
                    limits: Limits = Limits()) -> Report:
    """``check("exercise1")`` inside Jupyter: the kernel's code cells graded like a .py (in the
    sandbox; nothing of the student's runs in this process), or ``answers`` for a quiz."""
    from grader.problems import find_problem, kind_of, load_yaml

    problem_path = find_problem(problem_id, problems)
    data, _ = load_yaml(problem_path)
    grading = grading_mode(grading)
    if kind_of(data) == "quiz":
        if not isinstance(answers, dict):
            raise GradquizError(
                f"'{problem_id}' is a quiz: pass your answers, check('{problem_id}', answers={{'q1': ...}})"
            )
        from grader.maths import grading_salt
        from grader.problems import student_id
        from grader.quiz import find_quiz

        chosen = student_id(student)
        quiz = find_quiz(problem_id, [problem_path, *problems], chosen, grading=grading,
                         salt=grading_salt() if grading else ())
        report = grade_answers(quiz, answers, grading=grading, student=chosen)
        report.file = "answers given in this notebook"
        return report
    if answers is not None:
        raise GradquizError(
            f"'{problem_id}' is an exercise: define its functions, then call check('{problem_id}') without answers"
        )
    from grader.notebook import kernel_source

    notebook = kernel_source(_function_names(data), problem_id)
    name = f"{problem_id} (this notebook)"
    problem = exercise_source(problem_path, name, student, grading, notebook.source)
    return grade_exercise(notebook.source, name, problem, student=student, grading=grading, limits=limits,
                          notebook=notebook, plot=plot)


def _function_names(data: Any) -> list[str]:
    tasks = data.get("tasks") if isinstance(data, dict) else None
    return [t["function"] for t in tasks or () if isinstance(t, dict) and isinstance(t.get("function"), str)]


def show(problem_id: str, path: str | Path, *, problems: Sequence[Any] = (), student: str | None = None) -> Path:
    """Write the lesson's picture of a problem (f, f', tangent lines) to ``path`` (.png or .svg)."""
    from grader.plots import lesson_for, show_problem
    from grader.problems import find_problem

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise GradquizError(f"a picture is a .png or .svg file, not {path.suffix or 'a file without a suffix'}", path)
    show_problem(lesson_for(find_problem(problem_id, problems), student), path)
    return path


def load_problem(path: str | Path, student: str | None = None) -> Any:
    """Load and validate one exercise or quiz file, by what it holds (raises GradquizError with
    file and line)."""
    from grader.problems import kind_of, load_yaml

    path = Path(path)
    data, positions = load_yaml(path)
    if kind_of(data) == "quiz":
        from grader.quiz import load_quiz

        return load_quiz(path, student=student, data=data, positions=positions)
    from grader.exercise import load_exercise

    return load_exercise(path, student, data=data, positions=positions)

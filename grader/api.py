"""The library entry points the CLI delegates to (usable from Python too)."""

from __future__ import annotations

import os
from pathlib import Path

from grader.problems.discovery import HEADER, find_problem, header_student, known_ids, submission_id, suggest
from grader.errors import GradquizError
from grader.problems.catalogue import kind_of
from grader.reports import Report
from grader.sandbox import Limits, Sandbox
from grader.problems.yamlio import load_yaml, read_text


def grading_mode(explicit: bool | None = None) -> bool:
    """``--grading``, else ``GRADQUIZ_GRADING=1``; default: the student's mode (hidden checks not run)."""
    if explicit is not None:
        return explicit
    return os.environ.get("GRADQUIZ_GRADING", "").strip().lower() in ("1", "true", "yes", "on")


def check(path, *, problems=(), exercise: str | None = None, student: str | None = None,
          grading: bool | None = None, limits: Limits = Limits()) -> Report:
    """Grade one submission (.py) or answers file (.yaml).

    ``grading=None`` reads ``GRADQUIZ_GRADING``; in the student's mode (the default)
    hidden tasks are not run and the report says how many there are.
    """
    path = Path(path)
    grading = grading_mode(grading)
    if path.suffix in (".yaml", ".yml"):
        from grader.quiz import check_answers

        return check_answers(path, problems=problems, quiz=exercise, student=student, grading=grading)
    if path.suffix != ".py":
        raise GradquizError("expected a .py submission or a .yaml answers file", path)
    source = read_text(path)
    problem_path = _find_exercise(path, source, exercise, problems)
    data, positions = load_yaml(problem_path)
    if isinstance(data, dict) and "questions" in data:
        raise GradquizError(f"'{data.get('id')}' is a quiz; answer it in a .yaml answers file", path)
    forbid = data.get("forbid") if isinstance(data, dict) else None
    forbid = [m for m in forbid if isinstance(m, str)] if isinstance(forbid, list) else []
    # Start the child now: it loads numpy and the submission while we load SymPy.
    with Sandbox(source, str(path), forbid, limits) as sandbox:
        from grader.exercise.grading import grade
        from grader.exercise.problem import load_exercise

        student, origin = _student(student, source, grading)
        problem = load_exercise(problem_path, student, data, positions)
        results = grade(problem, sandbox, include_hidden=grading)
        stdout, stderr = sandbox.output()
    report = Report(
        id=problem.id,
        kind="exercise",
        title=problem.title,
        file=str(path),
        results=results,
        student=problem.student,
        output=(stdout + stderr).strip(),
    )
    report.notes += variant_notes(problem, origin, source)
    hidden = sum(t.spec.visibility == "hidden" for t in problem.tasks) + problem.spec.hidden_checks
    if hidden and not grading:
        report.notes.append(
            f"{hidden} hidden check{'s' if hidden > 1 else ''} will run when your work is graded."
        )
    elif problem.spec.hidden_checks:
        report.notes.append(
            f"This is the student edition: its {problem.spec.hidden_checks} hidden check"
            f"{'s are' if problem.spec.hidden_checks > 1 else ' is'} not in it; the instructor's files run "
            f"{'them' if problem.spec.hidden_checks > 1 else 'it'}."
        )
    return report


def _student(explicit: str | None, source: str, grading: bool) -> tuple[str, str]:
    """(student id, where it came from): --student, GRADQUIZ_STUDENT, else (student mode
    only) the ``# gradquiz: ID student=S`` line a starter writes, else '' (the default variant)."""
    if explicit:
        return explicit, "option"
    if os.environ.get("GRADQUIZ_STUDENT", ""):
        return os.environ["GRADQUIZ_STUDENT"], "environment"
    if not grading:
        named = header_student(source)
        if named:
            return named, "header"
    return "", "none"


def variant_notes(problem, origin: str, source: str) -> list[str]:
    """Which variant of an exercise with params was graded, and how to pick another."""
    if not problem.params:
        return []
    from grader.problems.constraints import describe

    shown = describe(problem.params)
    if origin == "none":
        return [
            f"no student id given: graded the default variant ({shown}), which may not be yours; pick yours with "
            f"--student ID or GRADQUIZ_STUDENT=ID, or start the file with `# gradquiz: {problem.id} student=ID` "
            "(as `gradquiz starter ID --student ID` writes it)"
        ]
    if origin == "header":
        return [f"graded the variant of student '{problem.student}' ({shown}), from the file's `# gradquiz:` line"]
    named = header_student(source)
    if named and named != problem.student:
        flag = "--student" if origin == "option" else "GRADQUIZ_STUDENT"
        return [f"the file's `# gradquiz:` line names student '{named}', but {flag} asked for '{problem.student}' ({shown})"]
    return []


def load_problem(path, student=None):
    """An exercise or a quiz, loaded and validated, by what the file holds."""
    path = Path(path)
    data, positions = load_yaml(path)
    if kind_of(data) == "quiz":
        from grader.quiz import load_quiz

        return load_quiz(path, student=student, data=data, positions=positions)
    from grader.exercise.problem import load_exercise

    return load_exercise(path, student, data=data, positions=positions)


def _find_exercise(path: Path, source: str, exercise: str | None, problems) -> Path:
    """The problem file for a submission; when there is none, say where the id came from."""
    try:
        return find_problem(submission_id(path, source, exercise), problems)
    except GradquizError as err:
        if err.file is not None:
            raise
        wanted = submission_id(path, source, exercise)
        meant = suggest(wanted, known_ids(problems))
        if exercise:
            origin = f"; did you mean {meant}?" if meant else ""
        elif any(HEADER.match(line) for line in source.splitlines()[:10]):
            origin = f"; the id is from the file's `# gradquiz:` line" + (f": did you mean {meant}?" if meant else "")
        elif meant:
            origin = (
                f"; the id is the file's name: did you mean {meant}? Rename the file {meant}.py, start it with "
                f"`# gradquiz: {meant}` or pass --exercise {meant}"
            )
        else:
            origin = "; the id is the file's name: start the file with `# gradquiz: ID` or pass --exercise ID"
        raise GradquizError(err.message + origin, path) from None

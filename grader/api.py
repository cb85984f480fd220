"""The library entry points the CLI delegates to (usable from Python too)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from grader.problems.discovery import HEADER, find_problem, header_id, header_student, known_ids, submission_id, suggest
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
          grading: bool | None = None, limits: Limits = Limits(), plot=False) -> Report:
    """Grade one submission (.py or .ipynb) or answers file (.yaml).

    ``grading=None`` reads ``GRADQUIZ_GRADING``; in the student's mode (the default)
    hidden tasks are not run and the report says how many there are. Grading mode trusts
    only the instructor (spec section 6): problems from ``problems``, ``GRADQUIZ_PATH`` and the
    bundled set, the exercise from ``exercise`` or the file name, the student from ``student``
    or ``GRADQUIZ_STUDENT``, check points from a secret, and no symbolic link as the file.
    ``plot``: True puts a picture per task in ``report.figures`` (SVG) and ``report.pictures``;
    a .png or .svg path also writes them there.
    """
    path = Path(path)
    grading = grading_mode(grading)
    _plain_file(path, grading)
    if path.suffix in (".yaml", ".yml"):
        from grader.quiz import check_answers

        report = check_answers(path, problems=problems, quiz=exercise, student=student, grading=grading)
        report.isolation = dict(QUIZ_ISOLATION)
        return report
    notebook = None
    if path.suffix == ".ipynb":
        from grader.notebook import notebook_source

        notebook = notebook_source(path)
        source = notebook.source
    elif path.suffix != ".py":
        raise GradquizError("expected a .py or .ipynb submission or a .yaml answers file", path)
    else:
        source = read_text(path)
    problem_path = _find_exercise(path, source, exercise, problems, grading)
    report = grade_source(source, str(path), problem_path, student=student, grading=grading, limits=limits,
                          notebook=notebook, plot=plot)
    report.notes[:0] = header_notes(source, report.id, path.stem, grading=grading, exercise=exercise)  # first
    return report


def grade_source(source: str, filename: str, problem_path: Path | None, *, student=None, grading=False,
                 limits: Limits = Limits(), notebook=None, plot=False, compiled=None, sandbox=None) -> Report:
    """Grade Python ``source`` (a file's, a notebook's cells or a kernel's history) against the
    exercise at ``problem_path``. ``notebook`` (a NotebookSource) maps errors to its cells.

    ``gradquiz grade`` passes what its warm workers keep: ``compiled``, the exercise already
    loaded for this student with its forbid and allow lists, and ``sandbox``, a function
    ``(source, filename, forbid, allow)`` that gives a sandbox (forked from a warm server)."""
    named, entry, lookup = student, None, None
    student, origin = _student(student, source, grading)
    if compiled is None:  # the compiled form from the cache: no YAML, no SymPy (grader.exercise.cache)
        from grader.exercise.cache import Lookup

        lookup = Lookup(problem_path, student, grading)
        entry = lookup.read()  # validated without NumPy: the child starts before this process loads it
        if entry and grading and entry["exercise"]["per_student"] and not (named or os.environ.get("GRADQUIZ_STUDENT")):
            entry = None  # exercise_file refuses it
    if entry is not None:
        forbid, allow = entry["exercise"]["forbid"], entry["exercise"]["allow"]
    elif compiled is None:
        data, positions, forbid, allow = exercise_file(problem_path, filename, named, grading)
    else:
        problem, forbid, allow = compiled
    start = sandbox or (lambda text, name, deny, permit: _sandbox(text, name, deny, limits, permit))
    pictures = []
    # Start the child now: it loads numpy and the submission while we load the grading code.
    with _mapped(start(source, filename, forbid, allow), notebook) as child:
        from grader.exercise.grading import grade

        if entry is not None:
            problem, lookup = lookup.restore(entry), None
        elif compiled is None:
            from grader.exercise.cache import compiled_form
            from grader.exercise.problem import load_exercise

            problem = compiled_form(lookup, load_exercise(problem_path, student, data, positions), forbid, allow)
        results = grade(problem, child, include_hidden=grading, salt=_salt() if grading else ())
        if plot:
            from grader.plots import collect

            pictures = collect(problem, results, child)
        stdout, stderr = child.output()
        isolation = getattr(child, "isolation", None)
    report = Report(
        id=problem.id,
        kind="exercise",
        title=problem.title,
        file=filename,
        results=results,
        student=problem.student,
        output=(stdout + stderr).strip(),
        isolation=dict(isolation) if isinstance(isolation, dict) else None,
    )
    if lookup is not None:
        from grader.exercise.cache import store

        store(lookup, problem)
    if notebook is not None:
        report.notes.extend(notebook.notes)
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
    if plot:
        _pictures(report, pictures, plot)
    return report


def exercise_file(problem_path: Path, filename: str, student=None, grading=False):
    """(data, positions, forbid, allow) of an exercise file, refusing a quiz and, in grading
    mode, a per-student exercise without a student id."""
    data, positions = load_yaml(problem_path)
    if isinstance(data, dict) and "questions" in data:
        raise GradquizError(f"'{data.get('id')}' is a quiz; answer it in a .yaml answers file", filename)
    top = data if isinstance(data, dict) else {}  # load_exercise reports any other shape
    if grading and top.get("params") and not (student or os.environ.get("GRADQUIZ_STUDENT", "")):
        raise GradquizError(
            f"exercise '{top.get('id', problem_path.stem)}' has a variant per student: grading it needs "
            "--student ID or GRADQUIZ_STUDENT", filename
        )
    return data, positions, _names(top.get("forbid")), _names(top.get("allow"))


def header_notes(source: str, graded: str, stem: str, *, grading: bool, exercise: str | None = None) -> list[str]:
    """What the report says of a `# gradquiz:` line naming another exercise than the one graded."""
    named = header_id(source)
    if grading and named and named != graded:
        return [f"the file's `# gradquiz: {named}` line was not followed: grading mode grades the exercise named "
                f"by --exercise or the file name ('{graded}')"]
    if not grading and not exercise and named and named != stem:
        return [f"graded as '{graded}', the exercise the file's `# gradquiz:` line names"]
    return []


def _mapped(sandbox, notebook):
    """The sandbox; for a notebook, one whose error descriptions also name the cell."""
    if notebook is None:
        return sandbox
    from grader.notebook.source import MappedSandbox

    return MappedSandbox(sandbox, notebook)


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
    shown = problem.variant
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


# A quiz runs no submitted code: what the JSON report's `isolation` says for one.
QUIZ_ISOLATION = {"code": "none: a quiz runs no submitted code; answers are data, read without eval"}
MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _salt() -> tuple:
    from grader.maths.seeds import grading_salt  # after the child started: it imports NumPy

    return grading_salt()


def _names(value) -> list[str]:
    """The module names of `forbid:` or `allow:` (the schema reports anything else, with its line)."""
    return [m for m in value if isinstance(m, str) and MODULE.match(m)] if isinstance(value, list) else []


def _sandbox(source, filename, forbid, limits, allow):
    return Sandbox(source, filename, forbid, limits, allow=allow)


def _plain_file(path: Path, grading: bool) -> None:
    """Refuse what is not a regular file (a FIFO would block the read), and in grading mode a
    symbolic link (a link to the instructor's solution is not the student's work)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise GradquizError("no such file", path) from None
    except OSError as exc:
        raise GradquizError(f"cannot read ({exc.strerror})", path) from None
    if stat.S_ISLNK(info.st_mode):
        if grading:
            raise GradquizError("is a symbolic link; grading mode grades only the student's own regular files", path)
        try:
            info = os.stat(path)
        except OSError:
            raise GradquizError("is a broken symbolic link", path) from None
    if stat.S_ISDIR(info.st_mode):
        raise GradquizError("is a folder, expected a file", path)
    if not stat.S_ISREG(info.st_mode):
        raise GradquizError("is not a regular file (a FIFO, device or socket)", path)
    if grading and _linked_folder(path):
        raise GradquizError(f"is reached through a symbolic link ({_linked_folder(path)}); grading mode grades only "
                            "the student's own files", path)


def _linked_folder(path: Path) -> str | None:
    """A symbolic link among the path's folders inside the current folder (a student's repository)."""
    cwd = Path(os.path.abspath(os.getcwd()))
    try:
        inside = Path(os.path.abspath(path)).parent.relative_to(cwd)
    except ValueError:
        return None
    current = cwd
    for part in inside.parts:
        current = current / part
        if current.is_symlink():
            return str(current)
    return None


def _pictures(report: Report, pictures, plot) -> None:
    from grader import plots

    if plot is not True:
        plots.save(pictures, Path(plot))
    report.figures = plots.figures(pictures)
    report.pictures = list(pictures)


def check_in_kernel(problem_id: str, *, answers: dict | None = None, problems=(), student: str | None = None,
                    grading: bool | None = None, plot: bool = True, limits: Limits = Limits()) -> Report:
    """``check("exercise1")`` inside Jupyter: the kernel's code cells graded like a .py (in the
    sandbox; nothing of the student's runs in this process), or ``answers`` for a quiz."""
    problem_path = find_problem(problem_id, problems)
    data, positions = load_yaml(problem_path)
    grading = grading_mode(grading)
    if kind_of(data) == "quiz":
        return _quiz_in_kernel(problem_id, problem_path, answers, problems, student, grading)
    if answers is not None:
        raise GradquizError(f"'{problem_id}' is an exercise: define its functions, then call check('{problem_id}') without answers")
    from grader.notebook.kernel import kernel_source

    notebook = kernel_source(_function_names(data), problem_id)
    return grade_source(notebook.source, f"{problem_id} (this notebook)", problem_path, student=student,
                        grading=grading, limits=limits, notebook=notebook, plot=plot)


def _function_names(data) -> list[str]:
    tasks = data.get("tasks") if isinstance(data, dict) else None
    return [t["function"] for t in tasks or () if isinstance(t, dict) and isinstance(t.get("function"), str)]


def _quiz_in_kernel(problem_id, problem_path, answers, problems, student, grading) -> Report:
    import tempfile

    import yaml

    from grader.quiz import check_answers

    if not isinstance(answers, dict):
        raise GradquizError(f"'{problem_id}' is a quiz: pass your answers, check('{problem_id}', answers={{'q1': ...}})")
    with tempfile.TemporaryDirectory(prefix="gradquiz-") as folder:
        path = Path(folder) / f"{problem_id}.answers.yaml"
        body = {"quiz": problem_id, "answers": {str(k): v for k, v in answers.items()}}
        path.write_text(yaml.safe_dump(body, sort_keys=False, allow_unicode=True), encoding="utf-8")
        report = check_answers(path, problems=[problem_path, *problems], quiz=problem_id, student=student, grading=grading)
    report.file = "answers given in this notebook"
    report.isolation = dict(QUIZ_ISOLATION)
    return report


def show(problem_id: str, path, *, problems=(), student: str | None = None) -> Path:
    """Write the lesson's picture of a problem (f, f', tangent lines) to ``path`` (.png or .svg)."""
    from grader.plots.draw import show_problem
    from grader.plots.lesson import lesson_for

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise GradquizError(f"a picture is a .png or .svg file, not {path.suffix or 'a file without a suffix'}", path)
    show_problem(lesson_for(find_problem(problem_id, problems), student), path)
    return path


def load_problem(path, student=None):
    """An exercise or a quiz, loaded and validated, by what the file holds."""
    path = Path(path)
    data, positions = load_yaml(path)
    if kind_of(data) == "quiz":
        from grader.quiz import load_quiz

        return load_quiz(path, student=student, data=data, positions=positions)
    from grader.exercise.problem import load_exercise

    return load_exercise(path, student, data=data, positions=positions)


def _find_exercise(path: Path, source: str, exercise: str | None, problems, grading: bool = False) -> Path:
    """The problem file for a submission; when there is none, say where the id came from."""
    try:
        return find_problem(submission_id(path, source, exercise, header=not grading), problems, here=not grading)
    except GradquizError as err:
        if err.file is not None:
            raise
        wanted = submission_id(path, source, exercise, header=not grading)
        meant = suggest(wanted, known_ids(problems))
        if exercise:
            origin = f"; did you mean {meant}?" if meant else ""
        elif grading:
            origin = "; grading mode takes the id from --exercise ID or the file's name" + (
                f": did you mean {meant}? Rename the file {meant}.py or pass --exercise {meant}" if meant else ""
            )
        elif any(HEADER.match(line) for line in source.splitlines()[:10]):
            origin = "; the id is from the file's `# gradquiz:` line" + (f": did you mean {meant}?" if meant else "")
        elif meant:
            origin = (
                f"; the id is the file's name: did you mean {meant}? Rename the file {meant}.py, start it with "
                f"`# gradquiz: {meant}` or pass --exercise {meant}"
            )
        else:
            origin = "; the id is the file's name: start the file with `# gradquiz: ID` or pass --exercise ID"
        raise GradquizError(err.message + origin, path) from None

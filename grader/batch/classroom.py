"""One grading step of the GitHub Classroom workflow (``gradquiz ci github-result --exercise ID``).

Run in the student's repository, in grading mode: the problem is the pinned ``ID`` (found on
``--problems``, ``GRADQUIZ_PATH`` and the bundled set, never in the student's folders); the
submission is ``ID.py``, else ``ID.ipynb`` (an exercise), or ``ID.answers.yaml`` (a quiz), at
the repository's top. The step prints the text report to the log, writes the annotations and
the step summary once, and sets its ``result`` output (``$GITHUB_OUTPUT``) to the Classroom
reporter's result, base64-encoded: one test per task or question, with its own points. It
exits 0 whenever a result was written, whatever the score (the reporter fails the run when a
test failed), so the other problems are graded too.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path

from grader import api
from grader.errors import GradquizError
from grader.problems import find_problem, load_yaml
from grader.reports import Report, classroom_result, json_safe


def submission_names(problem_id: str, kind: str) -> list[str]:
    """The files a problem's submission may be, in order of preference."""
    if kind == "quiz":
        return [f"{problem_id}.answers.yaml"]
    return [f"{problem_id}.py", f"{problem_id}.ipynb"]


def problem_points(path: Path) -> tuple[str, float]:
    """(kind, points of every task or question, hidden ones included) of a problem file."""
    data, _ = load_yaml(path)
    kind = "quiz" if isinstance(data, dict) and "questions" in data else "exercise"
    items = (data.get("questions" if kind == "quiz" else "tasks") or []) if isinstance(data, dict) else []
    return kind, float(sum(float(t.get("points", 1)) for t in items if isinstance(t, dict)))


def grade_step(problem_id: str, problems=(), folder: Path | None = None) -> tuple[Report, dict]:
    """(report, Classroom result) of the problem's submission in ``folder`` (default: here)."""
    folder = Path.cwd() if folder is None else folder
    path = find_problem(problem_id, problems, here=False)
    kind, possible = problem_points(path)
    names = submission_names(problem_id, kind)
    found = next((folder / n for n in names if os.path.lexists(folder / n)), None)
    if found is None:
        wanted = " or ".join(names)
        report = Report.failed(f"no {wanted} in the repository: name your file {names[0]}", file=names[0],
                               id=problem_id, kind=kind)
        return report, classroom_result(report, possible)
    shown = found.relative_to(folder) if folder == Path.cwd() else found
    try:
        report = api.check(shown, problems=problems, exercise=problem_id, grading=True)
    except GradquizError as err:
        report = Report.failed(str(err), file=shown, id=problem_id, kind=kind)
    except Exception as exc:  # a bug must not lose the student's result  # noqa: BLE001
        report = Report.failed(f"internal error, please report it: {type(exc).__name__}: {exc}", file=shown,
                               id=problem_id, kind=kind)
    return report, classroom_result(report, possible)


def publish(result: dict, output: Path | None = None) -> str:
    """Set the step's ``result`` output (base64 JSON) in ``$GITHUB_OUTPUT``, and write the JSON to
    ``output`` when given; the base64 text."""
    text = json.dumps(json_safe(result), allow_nan=False)
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"result={encoded}\n")
    if output is not None:
        from grader.reports import write_file

        write_file(output, json.dumps(json_safe(result), indent=2, allow_nan=False) + "\n")
    return encoded


def annotate(report: Report, possible: float | None = None) -> None:
    """The text report, the annotations (stdout, once) and the step summary (appended, once);
    ``possible``: the points at stake when the report could not happen (the summary says 0 of them)."""
    from grader.reports import annotations as github_annotations
    from grader.reports import fmt, plain_text
    from grader.reports import summary as github_summary

    source = ""
    file = Path(report.file) if report.file else None
    try:
        if file is not None and file.is_file() and not file.is_symlink():
            source = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        pass
    sys.stdout.write(plain_text(report))
    sys.stdout.write(github_annotations(report, source))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as handle:
                table = github_summary(report)
                if report.error and possible:  # "0 / 0" would hide what the student missed
                    table = table.replace(f": {fmt(report.score)} / {fmt(report.max_score)}\n",
                                          f": {fmt(report.score)} / {fmt(possible)}\n", 1)
                handle.write(table)
        except OSError as exc:
            print(f"gradquiz: {summary}: cannot append the step summary ({exc.strerror})", file=sys.stderr)
    sys.stdout.flush()

"""`gradquiz grade` in the instructor's course folder: problems from `./exercises` and
`./quizzes` (never from inside the submissions), `--problems DIR` finding `DIR/exercises` and
`DIR/quizzes`, the problems the instructor gives (never what students' files suggest), runs that
grade nothing (exit 2, what was looked for), and statuses that say what happened: an import
error, a failing notebook cell and a crash are `error`, a loop is `timeout`, each with its reason.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import ROOT, SOLUTIONS, clean_env, run_cli
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.e2e  # every test here runs the command

SECRET = "course-test-secret"
OWN = {  # a problem of the course's own, with a short time limit
    "id": "slopes",
    "title": "Slopes",
    "tasks": [{"id": "cube", "kind": "derivative", "function": "cube", "f": "x**3", "domain": [-1, 1],
               "points": 2, "timeout": 1.0}],
}
RIGHT = "def cube(x):\n    return 3 * x**2\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _book(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def _notebook(path: Path, *cells: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), str(path))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder (exercises/slopes.yaml, quizzes/signs.yaml) and its class."""
    root = tmp_path_factory.mktemp("course")
    course = root / "ml101"
    _write(course / "exercises" / "slopes.yaml", yaml.safe_dump(OWN, sort_keys=False))
    _write(course / "quizzes" / "signs.yaml", (ROOT / "quizzes" / "signs.yaml").read_text())
    _write(course / "exercises" / "settings.yaml", "course: ML101\nterm: 2026\n")  # no problem: never graded
    subs = root / "subs"
    _write(subs / "ann" / "slopes.py", RIGHT)
    _write(subs / "ann" / "signs.answers.yaml", (SOLUTIONS / "signs.answers.yaml").read_text())
    _write(subs / "ben" / "slopes.py", RIGHT)
    _write(subs / "ben" / "signs.answers.yaml", (SOLUTIONS / "signs.answers.yaml").read_text())
    _write(subs / "ben" / "exercise2.py", "def f(x):\n    return x\n")  # extra files: no new problems
    _write(subs / "ben" / "tangent.answers.yaml", "answers: {}\n")
    _write(subs / "cal" / "slopes.py", "import numpy as np\nvalue = undefined_name + 1\n\ndef cube(x):\n    return 3 * x**2\n")
    _write(subs / "dee" / "slopes.py", "def cube(x):\n    while True:\n        pass\n")
    _write(subs / "eli" / "slopes.py", "import os\nos._exit(3)\n")
    _notebook(subs / "fay" / "slopes.ipynb", "import numpy as np", "def cube(x):\n    return 3 * x**2",
              "raise ValueError('cell three fails')")
    _notebook(subs / "gil" / "slopes.ipynb", "def cube(x):\n    return 3 * x**2")
    out = root / "out"
    rc, stdout, stderr = run_cli("grade", subs, "--output", out, "--quiet", cwd=course,
                                 env=clean_env(GRADQUIZ_SECRET=SECRET), timeout=300)
    assert rc == 0, stderr
    return root, course, subs, out, stdout, stderr


def test_the_course_folder_gives_the_problems(course):
    root, course_dir, subs, out, stdout, stderr = course
    assert stderr.splitlines()[:2] == [f"gradquiz: grading slopes from {course_dir / 'exercises' / 'slopes.yaml'}",
                                       f"gradquiz: grading signs from {course_dir / 'quizzes' / 'signs.yaml'}"]
    assert len([line for line in stderr.splitlines() if line.startswith("gradquiz: grading ")]) == 2
    with open(out / "gradebook.csv", newline="") as handle:
        header = next(csv.reader(handle))
    assert next(c for c in header if ":" in c).startswith("slopes:")
    assert not [c for c in header if c.startswith(("exercise2:", "tangent:"))]  # ben's extra files add nothing
    book = _book(out)
    assert (book["ann"]["status"], book["ann"]["percent"]) == ("ok", "100")
    assert (book["ben"]["status"], book["ben"]["percent"]) == ("ok", "100")
    assert "7 students" in stdout


def test_statuses_say_what_happened(course):
    out = course[3]
    book = _book(out)
    status = {s: (row["status"], row["reason"]) for s, row in book.items()}
    assert status["cal"][0] == "error"
    assert "slopes: Your file could not be loaded" in status["cal"][1] and "NameError" in status["cal"][1]
    assert status["dee"][0] == "timeout" and "cube: " in status["dee"][1] and "did not return within 1 s" in status["dee"][1]
    assert status["eli"][0] == "error" and "ended the process while loading" in status["eli"][1]
    assert status["fay"][0] == "error" and "cell 3" in status["fay"][1] and "cell three fails" in status["fay"][1]
    assert status["gil"][0] == "missing"  # a notebook without the quiz: graded, and the quiz missing
    assert json.loads((out / "gradebook.json").read_text())["students"][6]["problems"]["slopes"]["status"] == "ok"
    for student, (state, reason) in status.items():
        assert state == "ok" or reason, student  # every status but ok says why
    html = (out / "report.html").read_text()
    assert "mean, all 7 students" in html and "with 0% for work that could not be graded" in html


def test_problems_dir_finds_its_exercises_and_quizzes(course, tmp_path):
    root, course_dir, subs, *_ = course
    rc, stdout, stderr = run_cli("list", "--problems", course_dir)
    assert rc == 0, stderr
    assert "slopes" in stdout and "signs" in stdout
    _write(tmp_path / "subs" / "ann" / "slopes.py", RIGHT)
    rc, stdout, stderr = run_cli("grade", tmp_path / "subs", "--problems", course_dir, "--output", tmp_path / "out",
                                 "--quiet", cwd=tmp_path, env=clean_env(GRADQUIZ_SECRET=SECRET), timeout=120)
    assert rc == 0, stderr
    assert f"gradquiz: grading signs from {course_dir / 'quizzes' / 'signs.yaml'}" in stderr.splitlines()
    assert _book(tmp_path / "out")["ann"]["status"] == "missing"  # slopes graded, signs missing
    assert _book(tmp_path / "out")["ann"]["slopes:cube"] == "2"


def test_problems_inside_the_submissions_are_never_used(tmp_path):
    subs = tmp_path / "subs"
    _write(subs / "exercises" / "slopes.yaml", yaml.safe_dump({**OWN, "tasks": [{**OWN["tasks"][0], "points": 99}]}))
    _write(subs / "ann" / "slopes.py", RIGHT)
    rc, _, stderr = run_cli("grade", subs, "--output", tmp_path / "out", "--quiet", cwd=subs)
    assert rc == 2
    assert stderr.strip() == (
        "gradquiz: no problems to grade: name them with --exercise ID, or give their files with --problems DIR "
        f"(looked in: no --problems; GRADQUIZ_PATH unset; not {subs / 'exercises'} or {subs / 'quizzes'} "
        "(inside the submissions))")


def test_a_run_that_grades_nothing_exits_2_and_says_why(tmp_path):
    subs = tmp_path / "subs"
    _write(subs / "ann" / "homework.txt", "my answers\n")
    _write(subs / "ben" / "notes.md", "\n")
    out = tmp_path / "out"
    rc, stdout, stderr = run_cli("grade", subs, "--exercise", "exercise1", "--output", out, "--quiet")
    assert rc == 2
    assert stderr.strip().splitlines()[-1] == (
        "gradquiz: graded nothing: 2 students (2 missing); looked for exercise1.py or .ipynb in each student's "
        "folder (name the problems with --exercise ID, give a roster with --roster)")
    assert _book(out)["ann"]["status"] == "missing"  # the gradebook is still written

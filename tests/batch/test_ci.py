"""CI for the student's repository: several reports from one `check`, GitHub annotations and step
summary (escaped as the workflow-command syntax requires), the GitHub Classroom workflow and the
Gradescope autograder bundle, run as Gradescope runs it."""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import GRADQUIZ, SOLUTIONS, clean_env, run_cli

from grader.reports.github import def_lines, escape_data, escape_property


def test_workflow_command_escaping():
    assert escape_data("50%\r\nnext: a,b") == "50%25%0D%0Anext: a,b"
    assert escape_property("dir,1/a:b.py%\n") == "dir%2C1/a%3Ab.py%25%0A"


def test_def_lines_parse_without_running():
    source = "import os\n\n\ndef helper():\n    pass\n\nclass A:\n    def derivative(self):\n        pass\n\ndef derivative(x):\n    return 2 * x\n"
    assert def_lines(source) == {"helper": 4, "derivative": 8}
    broken = "def gradient(x, y)\n    return x\n\n  def derivative(x):\n"  # a syntax error: the regular expression
    assert def_lines(broken) == {"gradient": 1, "derivative": 4}


TWO_TASKS = {
    "id": "pair",
    "title": "Two tasks",
    "tasks": [
        {"id": "first", "kind": "derivative", "function": "first", "f": "x**2", "domain": [-1, 1]},
        {"id": "second", "kind": "derivative", "function": "second", "f": "x**3", "domain": [-1, 1]},
    ],
}
PAIR = (
    "# a submission\n"
    "import math\n"
    "\n"
    "def first(x):\n"
    "    return 2 * x\n"
    "\n"
    "\n"
    "def second(x):\n"
    "    raise ValueError('100% wrong\\nline two, with: colons')\n"
)


@pytest.fixture
def pair(tmp_path) -> tuple[Path, Path]:
    problems = tmp_path / "problems"
    problems.mkdir()
    (problems / "pair.yaml").write_text(yaml.safe_dump(TWO_TASKS, sort_keys=False))
    sub = tmp_path / "pair.py"
    sub.write_text(PAIR)
    return sub, problems


@pytest.mark.e2e
def test_several_outputs_in_one_run(pair, tmp_path):
    sub, problems = pair
    rc, out, err = run_cli("check", sub, "--problems", problems, "--output", tmp_path / "r.json",
                           "--output", tmp_path / "j.xml", "--output", f"text:{tmp_path / 'report.out'}",
                           "--output", f"gradescope:{tmp_path / 'results.json'}", cwd=tmp_path)
    assert (rc, out) == (1, ""), err  # piped: stdout stays empty
    report = json.loads((tmp_path / "r.json").read_text())
    assert [r["passed"] for r in report["results"]] == [True, False]
    suite = ET.parse(tmp_path / "j.xml").getroot().find("testsuite")
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    assert "Score: 1 / 2" in (tmp_path / "report.out").read_text()
    assert json.loads((tmp_path / "results.json").read_text())["score"] == 1
    # `-` is stdout in --format; --format gradescope --output results.json keeps meaning Gradescope's file
    rc, out, err = run_cli("check", sub, "--problems", problems, "--format", "json", "--output", "-",
                           "--output", tmp_path / "t.txt", cwd=tmp_path)
    assert json.loads(out)["score"] == 1 and "Score: 1 / 2" in (tmp_path / "t.txt").read_text()
    (tmp_path / "gs").mkdir()
    rc, out, err = run_cli("check", sub, "--problems", problems, "--format", "gradescope", "--output",
                           tmp_path / "gs" / "results.json", cwd=tmp_path)
    assert "tests" in json.loads((tmp_path / "gs" / "results.json").read_text())
    rc, out, err = run_cli("check", sub, "--problems", problems, "--output", "pdf:x.pdf", cwd=tmp_path)
    assert rc == 2 and err.strip() == "gradquiz: pdf:x.pdf: unknown report format 'pdf' (one of text, json, junit, gradescope, classroom)"


@pytest.mark.e2e
def test_reports_to_files_and_the_text_to_the_terminal(pair, tmp_path):
    """In a terminal (a real one: pexpect), the text report still shows beside the files."""
    import pexpect

    sub, problems = pair
    args = ["check", str(sub), "--problems", str(problems), "--output", str(tmp_path / "r.json"),
            "--output", str(tmp_path / "j.xml")]
    child = pexpect.spawn(GRADQUIZ[0], [*GRADQUIZ[1:], *args], cwd=str(tmp_path), env=clean_env(), encoding="utf-8",
                          timeout=60, dimensions=(40, 200))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    shown = re.sub(r"\x1b\[[0-9;]*m", "", child.before)  # colours, in a terminal
    assert "FAIL second" in shown and "Score: 1 / 2" in shown
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 1 and (tmp_path / "j.xml").exists()


@pytest.mark.e2e
def test_github_annotations_and_summary(pair, tmp_path):
    sub, problems = pair
    summary = tmp_path / "summary.md"
    summary.write_text("earlier steps\n")
    rc, out, err = run_cli("check", "pair.py", "--problems", problems, cwd=tmp_path,
                           env=clean_env(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=summary))
    assert rc == 1, err
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert len(commands) == 2
    error, notice = commands
    assert error.startswith("::error file=pair.py,line=8,title=pair%3A second (0/1)::second(")
    assert r"100%25 wrong\nline two, with: colons" in error  # the message on one line, its break shown (safe.one_line)
    assert "%0A" in error  # the feedback's own lines escaped: one line, no command of its own
    assert "\n" not in error
    assert notice == "::notice file=pair.py,title=gradquiz::Two tasks (pair): 1 / 2"
    table = summary.read_text()
    assert table.startswith("earlier steps\n### Two tasks (pair): 1 / 2")
    assert "| first | ✅ pass | 1/1 |" in table and "| second | ❌ fail | 0/1 |" in table
    # --format github does the same outside Actions; a report that could not happen is annotated too
    rc, out, err = run_cli("check", "missing.py", "--problems", problems, "--format", "github", cwd=tmp_path)
    assert rc == 2
    assert out.splitlines()[-1] == "::error file=missing.py,line=1,title=gradquiz%3A not graded::missing.py: no such file"


@pytest.mark.e2e
def test_quiz_annotation_is_on_the_answer_line(tmp_path):
    answers = tmp_path / "signs.answers.yaml"
    answers.write_text((SOLUTIONS / "signs_wrong.answers.yaml").read_text())
    lines = answers.read_text().splitlines()
    rc, out, err = run_cli("check", answers, "--format", "github", cwd=tmp_path)
    assert rc == 1, err
    errors = [line for line in out.splitlines() if line.startswith("::error")]
    assert errors
    for line in errors:
        qid = line.split("title=signs%3A ", 1)[1].split(" ", 1)[0]
        number = int(line.split(",line=", 1)[1].split(",", 1)[0])
        assert lines[number - 1].strip().startswith(f"{qid}:")


@pytest.mark.e2e
def test_ci_github_writes_a_classroom_workflow(tmp_path):
    path = tmp_path / ".github" / "workflows" / "classroom.yml"
    rc, out, err = run_cli("ci", "github", "--exercise", "exercise1", "--exercise", "signs",
                           "--problems-repo", "course/problems", "--output", path, cwd=tmp_path)
    assert rc == 0, err
    workflow = yaml.safe_load(path.read_text())
    job = workflow["jobs"]["run-autograding-tests"]
    steps = {s.get("name"): s for s in job["steps"]}
    assert steps["Checkout the problem files"]["with"]["repository"] == "course/problems"
    assert steps["Grade exercise1"]["run"] == "gradquiz ci github-result --exercise exercise1"
    assert steps["Grade exercise1"]["env"]["GRADQUIZ_PATH"] == (
        "../gradquiz-problems:../gradquiz-problems/exercises:../gradquiz-problems/quizzes")
    assert steps["Grade signs"]["run"] == "gradquiz ci github-result --exercise signs"
    wheels = list((tmp_path / ".github" / "gradquiz").glob("gradquiz-*-py3-none-any.whl"))
    assert len(wheels) == 1 and f"submission/.github/gradquiz/{wheels[0].name}" in steps["Install gradquiz"]["run"]
    reporter = steps["Autograding Reporter"]
    assert reporter["with"]["runners"] == "exercise1,signs"
    assert reporter["env"]["EXERCISE1_RESULTS"] == "${{ steps.exercise1.outputs.result }}"
    assert "autograding-command-grader" not in path.read_text()  # all or nothing per command: not used
    assert workflow["on"] == ["push", "workflow_dispatch", "repository_dispatch"]
    rc, _, err = run_cli("ci", "github", "--exercise", "exercise1", "--output", path, cwd=tmp_path)
    assert rc == 2 and "already exists" in err


def _autograder(tmp_path: Path, submission: dict[str, str], metadata: dict | None = None) -> dict:
    """Unpack the bundle as Gradescope does and run its run_autograder; the results.json."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "autograder.zip") as z:
        z.extractall(root / "source")
        modes = {i.filename: (i.external_attr >> 16) for i in z.infolist()}
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    (root / "submission").mkdir(parents=True)
    for name, text in submission.items():
        (root / "submission" / name).write_text(text)
    if metadata:
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
    env = clean_env(GRADQUIZ_AUTOGRADER_ROOT=root, GRADQUIZ_PYTHON=sys.executable, GRADQUIZ_SECRET="gs")
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return json.loads((root / "results" / "results.json").read_text())


@pytest.mark.e2e
def test_gradescope_bundle_grades_a_submission(tmp_path):
    rc, out, err = run_cli("ci", "gradescope", "--exercise", "exercise1", "--exercise", "tangent",
                           "--output", tmp_path / "autograder.zip", cwd=tmp_path)
    assert rc == 0, err
    names = set(zipfile.ZipFile(tmp_path / "autograder.zip").namelist())
    assert {"setup.sh", "run_autograder", "problems/exercise1.yaml", "problems/tangent.yaml"} <= names
    results = _autograder(tmp_path, {"exercise1.py": (SOLUTIONS / "exercise1.py").read_text()},
                          {"users": [{"sid": "s42", "email": "s42@example.edu"}]})
    assert results["max_score"] == 3 + 9
    tests = {t["name"]: t for t in results["tests"]}
    assert tests["exercise1: derivative"]["score"] == 3
    assert tests["tangent"]["status"] == "failed" and "No tangent.answers.yaml" in tests["tangent"]["output"]
    assert results["score"] == 3


@pytest.mark.e2e
def test_gradescope_bundle_uses_the_students_variant(tmp_path):
    rc, out, err = run_cli("ci", "gradescope", "--exercise", "tangent", "--output", tmp_path / "autograder.zip", cwd=tmp_path)
    assert rc == 0, err
    answers = (SOLUTIONS / "tangent.answers.yaml").read_text()
    results = _autograder(tmp_path, {"tangent.answers.yaml": answers}, {"users": [{"sid": "s7"}]})
    (tmp_path / "mine.answers.yaml").write_text(answers)
    rc, out, err = run_cli("check", tmp_path / "mine.answers.yaml", "--exercise", "tangent", "--grading",
                           "--student", "s7", "--format", "json", cwd=tmp_path, env=clean_env(GRADQUIZ_SECRET="gs"))
    assert rc in (0, 1), err
    assert results["score"] == json.loads(out)["score"]
    assert {t["name"] for t in results["tests"]} == {r["id"] for r in json.loads(out)["results"]}


@pytest.mark.e2e
def test_ci_with_no_problem_named_covers_the_course(tmp_path):
    """`gradquiz ci github|gradescope [--output PATH]` (spec section 6) alone: every problem grading
    mode finds, here the bundled course."""
    rc, out, err = run_cli("ci", "github", "--output", tmp_path / "wf.yml", cwd=tmp_path)
    assert rc == 0, err
    job = yaml.safe_load((tmp_path / "wf.yml").read_text())["jobs"]["run-autograding-tests"]
    steps = {s.get("id") for s in job["steps"]}
    assert {"exercise1", "exercise8", "signs", "descent"} <= steps
    rc, out, err = run_cli("ci", "gradescope", "--output", tmp_path / "ag.zip", cwd=tmp_path)
    assert rc == 0, err
    names = set(zipfile.ZipFile(tmp_path / "ag.zip").namelist())
    assert {"problems/exercise1.yaml", "problems/signs.yaml", "run_autograder"} <= names


@pytest.mark.e2e
def test_gradescope_bundle_installs_its_wheel_and_grades_a_notebook(tmp_path):
    """setup.sh installs the wheel the zip holds into a fresh venv (no package index has gradquiz);
    run_autograder then grades with that install: a notebook where the .py is absent, and wrong
    quiz answers without their keys in the feedback, as `check --grading` scores them."""
    rc, out, err = run_cli("ci", "gradescope", "--exercise", "exercise1", "--exercise", "signs",
                           "--output", tmp_path / "autograder.zip", cwd=tmp_path)
    assert rc == 0, err
    names = set(zipfile.ZipFile(tmp_path / "autograder.zip").namelist())
    wheel = [n for n in names if n.endswith("-py3-none-any.whl")]
    assert len(wheel) == 1 and wheel[0].startswith("gradquiz-")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "autograder.zip") as z:
        z.extractall(root / "source")
    assert f'"$ROOT/source/{wheel[0]}"' in (root / "source" / "setup.sh").read_text()
    env = clean_env(GRADQUIZ_AUTOGRADER_ROOT=root)
    proc = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True,
                          timeout=900, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    installed = subprocess.run([str(root / "venv" / "bin" / "python"), "-c", "import grader; print(grader.__file__)"],
                               capture_output=True, text=True, env=env, cwd=tmp_path)
    assert installed.stdout.startswith(str(root / "venv")), installed
    (root / "submission").mkdir()
    shutil.copy(SOLUTIONS / "exercise1.ipynb", root / "submission" / "exercise1.ipynb")
    shutil.copy(SOLUTIONS / "signs_wrong.answers.yaml", root / "submission" / "signs.answers.yaml")
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], capture_output=True, text=True,
                          timeout=300, env=clean_env(GRADQUIZ_AUTOGRADER_ROOT=root, GRADQUIZ_SECRET="gs"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    tests = {t["name"]: t for t in results["tests"]}
    assert tests["exercise1: derivative"]["score"] == 3
    assert [tests[f"signs: q{i}"]["score"] for i in range(1, 5)] == [0, 0, 0, 0]
    shown = " ".join(t["output"] for t in results["tests"])
    assert "The answer is 1" not in shown and "expected value 1" not in shown and "decreasing" not in shown
    graded = []
    for name, pid in (("exercise1.ipynb", "exercise1"), ("signs.answers.yaml", "signs")):
        rc, out, err = run_cli("check", root / "submission" / name, "--grading", "--exercise", pid, "--format", "json",
                               cwd=tmp_path, env=clean_env(GRADQUIZ_SECRET="gs"))
        assert rc in (0, 1), err
        graded.append(json.loads(out))
    assert results["score"] == sum(r["score"] for r in graded) == 3
    assert results["max_score"] == sum(r["max_score"] for r in graded)

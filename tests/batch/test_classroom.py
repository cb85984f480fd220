"""The GitHub Classroom workflow `gradquiz ci github` writes, run as a runner runs it
(tests/batch/actions_runner.py) with the Classroom reporter's own code: the install step in a
fresh venv from the wheel beside the workflow, grading mode against the private problems
repository, and the reporter's `Points X/Y` equal to `gradquiz check --grading` for each
student's repository."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import actions_runner
import nbformat
import pytest
import yaml
from conftest import clean_env, run_cli

pytestmark = pytest.mark.e2e  # every test here runs the command

SECRETS = {"GRADQUIZ_SECRET": "course-secret", "GRADQUIZ_PROBLEMS_TOKEN": "ghp_problems"}
ACTOR = "octocat"

EXERCISE = {
    "id": "mlc_ex",  # an underscore: the reporter must still find its result
    "title": "Four derivatives",
    "tasks": [
        {"id": "square", "kind": "derivative", "function": "square", "f": "x**2", "domain": [-2, 2], "points": 3},
        {"id": "cube", "kind": "derivative", "function": "cube", "f": "x**3", "domain": [-2, 2], "points": 5},
        {"id": "sine", "kind": "derivative", "function": "sine", "f": "sin(x)", "domain": [-2, 2], "points": 1},
        {"id": "expo", "kind": "derivative", "function": "expo", "f": "exp(x)", "domain": [-2, 2], "points": 1,
         "visibility": "hidden"},
    ],
}
QUIZ = {
    "id": "mlc_quiz",
    "title": "Signs and numbers",
    "questions": [
        {"id": "s1", "kind": "sign", "f": "x**2", "at": 3, "points": 2},
        {"id": "n1", "kind": "number", "f": "x**3", "at": 2, "points": 2},
        {"id": "c1", "kind": "choice", "prompt": "d/dx x^2?", "choices": ["x", "2x", "x^2"], "answer": 1, "points": 1},
    ],
}
RIGHT = {"square": "2 * x", "cube": "3 * x ** 2", "sine": "math.cos(x)", "expo": "math.exp(x)"}


def solution(header: str = "", **wrong: str) -> str:
    body = {**RIGHT, **wrong}
    functions = "".join(f"\ndef {name}(x):\n    return {expr}\n\n" for name, expr in body.items())
    return header + "import math\n\n" + functions


def answers(**given) -> str:
    return yaml.safe_dump({"quiz": "mlc_quiz", "answers": {"s1": "increasing", "n1": "12", "c1": 1, **given}})


def notebook(source: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# My derivatives"), nbformat.v4.new_code_cell(source)]
    return nbformat.writes(nb)


# Each case: the student's repository (file name -> text).
CASES = {
    "right": {"mlc_ex.py": solution(), "mlc_quiz.answers.yaml": answers()},
    "partly_right": {"mlc_ex.py": solution(sine="math.sin(x)"), "mlc_quiz.answers.yaml": answers(c1=0)},
    # right in the student's own check (the hidden task does not run there); the header names
    # another exercise, which grading mode does not follow; no answers file at all
    "hidden_task_only_wrong": {"mlc_ex.py": solution("# gradquiz: exercise1\n", expo="math.exp(x) + 1")},
    # the student edition (gradquiz export) in the repository, an easier exercise planted beside
    # it, and wrong answers: none of it may earn a point
    "student_edition_wrong_answers": {
        "mlc_ex.py": solution(cube="x", sine="x", expo="x"),
        "mlc_quiz.answers.yaml": answers(s1="decreasing", n1="-12", c1=0),
        "exercises/mlc_ex.yaml": yaml.safe_dump({**EXERCISE, "tasks": EXERCISE["tasks"][:1]}),
    },
    "notebook": {"mlc_ex.ipynb": notebook(solution(sine="math.sin(x)")), "mlc_quiz.answers.yaml": answers()},
}
# (Points X, Y) the reporter must give
EXPECTED = {"right": (15, 15), "partly_right": (13, 15), "hidden_task_only_wrong": (9, 15),
            "student_edition_wrong_answers": (3, 15), "notebook": (14, 15)}


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    reason = actions_runner.missing()
    if reason:
        pytest.skip(reason)
    actions = actions_runner.prepare()
    base = tmp_path_factory.mktemp("classroom")
    problems = base / "problems-repo"
    (problems / "exercises").mkdir(parents=True)
    (problems / "quizzes").mkdir()
    (problems / "exercises" / "mlc_ex.yaml").write_text(yaml.safe_dump(EXERCISE, sort_keys=False))
    (problems / "quizzes" / "mlc_quiz.yaml").write_text(yaml.safe_dump(QUIZ, sort_keys=False))
    template = base / "template"
    template.mkdir()
    rc, out, err = run_cli("ci", "github", "--problems", problems, "--problems-repo", "course/problems", cwd=template)
    assert rc == 0, err
    assert err.splitlines() == ["wrote .github/workflows/classroom.yml",
                                f"wrote .github/gradquiz/{wheel_name()}"]
    rc, out, err = run_cli("export", problems / "quizzes", "--output", base / "edition")
    assert rc == 0, err
    return {"actions": actions, "problems": problems, "template": template, "edition": base / "edition",
            "temp": base / "runner-temp", "base": base}


def wheel_name() -> str:
    from grader.batch.wheel import wheel_name as name

    return name()


def _student_repo(classroom, case: str) -> Path:
    repo = classroom["base"] / f"student-{case}"
    shutil.copytree(classroom["template"], repo)
    for name, text in CASES[case].items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    if case == "student_edition_wrong_answers":
        shutil.copytree(classroom["edition"] / "quizzes", repo / "quizzes")
        assert yaml.safe_load((repo / "quizzes" / "mlc_quiz.yaml").read_text())["student_edition"] is True
    return repo


def _check_grading(classroom, repo: Path) -> tuple[float, float, int]:
    """The sum of `gradquiz check --grading` over the problems (a missing file: 0 of its points),
    and how many tasks or questions failed."""
    score = possible = failed = 0
    problems = (("mlc_ex", ["mlc_ex.py", "mlc_ex.ipynb"], 10), ("mlc_quiz", ["mlc_quiz.answers.yaml"], 5))
    for pid, names, points in problems:
        file = next((repo / n for n in names if (repo / n).exists()), None)
        if file is None:
            possible += points
            failed += 1
            continue
        rc, out, err = run_cli("check", file.name, "--grading", "--exercise", pid, "--problems",
                               classroom["problems"] / "exercises", "--problems", classroom["problems"] / "quizzes",
                               "--format", "json", cwd=repo, timeout=120,
                               env=clean_env(GRADQUIZ_SECRET=SECRETS["GRADQUIZ_SECRET"], GRADQUIZ_STUDENT=ACTOR))
        assert rc in (0, 1), err
        report = json.loads(out)
        score += report["score"]
        possible += report["max_score"]
        failed += sum(not r["passed"] for r in report["results"])
    return score, possible, failed


@pytest.mark.parametrize("case", list(CASES))
def test_the_workflow_grades_as_check_grading_does(classroom, case):
    repo = _student_repo(classroom, case)
    runner = actions_runner.Runner(classroom["base"] / f"runner-{case}", classroom["actions"],
                                   repositories={"course/problems": classroom["problems"]}, secrets=SECRETS,
                                   actor=ACTOR, temp=classroom["temp"],
                                   env={"GRADQUIZ_CACHE": clean_env()["GRADQUIZ_CACHE"]})  # the run's, never the user's
    run = runner.run(repo / ".github" / "workflows" / "classroom.yml", repo)
    assert [s.name for s in run.steps] == ["Checkout the submission", "Checkout the problem files",
                                           "actions/setup-python@v5", "Install gradquiz", "Grade mlc_ex",
                                           "Grade mlc_quiz", "Autograding Reporter"], run.log[-3000:]
    install = run.step("Install gradquiz")
    assert install.code == 0, install.output
    which = subprocess.run(["bash", "-c", "command -v gradquiz"], capture_output=True, text=True,
                           env={"PATH": ":".join([*reversed(runner.path), str(Path(sys.executable).parent),
                                                  "/usr/bin:/bin"])})
    assert which.stdout.strip() == str(classroom["temp"] / "gradquiz" / "bin" / "gradquiz")  # the fresh venv's
    assert all(s.code == 0 for s in run.steps[:-1]), run.log[-3000:]
    score, possible, failed = _check_grading(classroom, repo)
    assert run.points() == (score, possible) == EXPECTED[case]
    # the reporter failed the run unless every test passed, as Classroom shows it
    assert run.steps[-1].code == (0 if score == possible else 1)
    # annotations and the summary once each: an ::error per failing task or question, a notice per graded problem
    errors = [line for line in run.log.splitlines() if line.startswith("::error file=")]
    assert len(errors) == failed, errors
    assert run.summary.count("\n### ") + run.summary.startswith("### ") == 2
    # no quiz key in the feedback on a wrong answer (the choice's would say "The answer is 1", the sign
    # question's reason f'(3) = 6; a right answer's feedback may say why it is right)
    if case in ("partly_right", "student_edition_wrong_answers"):
        assert "The answer is 1" not in run.log and "Not \"x\"." in run.log
    if case == "student_edition_wrong_answers":
        assert "f'(3) = 6" not in run.log and "Not decreasing." in run.log


def test_the_workflow_validates_and_names_what_the_reporter_reads(tmp_path):
    problems = tmp_path / "problems"
    problems.mkdir()
    (problems / "mlc_ex.yaml").write_text(yaml.safe_dump(EXERCISE, sort_keys=False))
    rc, out, err = run_cli("ci", "github", "--problems", problems, "--exercise", "mlc_ex", "--exercise", "signs",
                           "--problems-repo", "course/problems", cwd=tmp_path)
    assert rc == 0, err
    path = tmp_path / ".github" / "workflows" / "classroom.yml"
    checker = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    proc = subprocess.run([checker, "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    steps = yaml.safe_load(path.read_text())["jobs"]["run-autograding-tests"]["steps"]
    grading = [s for s in steps if s.get("run", "").startswith("gradquiz ci github-result")]
    assert [(s["id"], s["run"]) for s in grading] == [("mlc_ex", "gradquiz ci github-result --exercise mlc_ex"),
                                                     ("signs", "gradquiz ci github-result --exercise signs")]
    assert grading[0]["env"]["GRADQUIZ_SECRET"] == "${{ secrets.GRADQUIZ_SECRET }}"
    assert grading[0]["working-directory"] == "submission"  # the student's files, apart from the problems
    reporter = steps[-1]
    assert reporter["with"]["runners"] == "mlc_ex,signs"
    assert reporter["env"] == {"MLC_EX_RESULTS": "${{ steps.mlc_ex.outputs.result }}",
                               "SIGNS_RESULTS": "${{ steps.signs.outputs.result }}"}
    # --package: no wheel, that spec installed
    rc, out, err = run_cli("ci", "github", "--exercise", "signs", "--package", "gradquiz==0.1.0", "--output",
                           tmp_path / "other.yml", cwd=tmp_path)
    assert rc == 0 and err.strip() == f"wrote {tmp_path / 'other.yml'}", err
    other = yaml.safe_load((tmp_path / "other.yml").read_text())["jobs"]["run-autograding-tests"]["steps"]
    install = next(s for s in other if s.get("name") == "Install gradquiz")
    assert "pip install --quiet gradquiz==0.1.0\n" in install["run"]


def test_without_a_problems_repository_only_bundled_problems(tmp_path):
    """The student's repository never supplies the problems: a problem of the instructor's own,
    without --problems-repo, is refused with the way out."""
    (tmp_path / "mlc_ex.yaml").write_text(yaml.safe_dump(EXERCISE, sort_keys=False))
    rc, out, err = run_cli("ci", "github", "--problems", tmp_path / "mlc_ex.yaml", cwd=tmp_path)
    assert rc == 2
    assert err.strip() == (
        f"gradquiz: 'mlc_ex' ({tmp_path / 'mlc_ex.yaml'}) is not one of gradquiz's bundled problems, and the workflow "
        "never reads problems from the student's repository: keep your problem files in a private repository and "
        "pass --problems-repo OWNER/REPO")
    assert not (tmp_path / ".github").exists()
    rc, out, err = run_cli("ci", "github", "--exercise", "exercise1", cwd=tmp_path)  # bundled: fine
    assert rc == 0, err


def test_github_result_reports_each_task_and_a_missing_file(tmp_path):
    problems = tmp_path / "problems"
    problems.mkdir()
    (problems / "mlc_ex.yaml").write_text(yaml.safe_dump(EXERCISE, sort_keys=False))
    repo = tmp_path / "repo"
    repo.mkdir()
    env = clean_env(GRADQUIZ_PATH=problems, GRADQUIZ_SECRET="s", GITHUB_OUTPUT=tmp_path / "out",
                    GITHUB_STEP_SUMMARY=tmp_path / "summary.md")
    rc, out, err = run_cli("ci", "github-result", "--exercise", "mlc_ex", "--output", tmp_path / "missing.json",
                           cwd=repo, env=env)
    assert rc == 0, err
    missing = json.loads((tmp_path / "missing.json").read_text())
    assert missing["status"] == "error" and missing["max_score"] == 10
    assert missing["tests"][0]["message"] == ("Could not grade: no mlc_ex.py or mlc_ex.ipynb in the repository: "
                                              "name your file mlc_ex.py")
    assert (tmp_path / "summary.md").read_text().startswith("### mlc_ex (mlc_ex): 0 / 10\n")  # what was missed
    (repo / "mlc_ex.py").write_text(solution(cube="x"))
    rc, out, err = run_cli("ci", "github-result", "--exercise", "mlc_ex", "--output", tmp_path / "r.json",
                           cwd=repo, env=env)
    assert rc == 0, err
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["status"] == "fail" and result["max_score"] == 10
    assert [(t["name"], t["status"], t["score"]) for t in result["tests"]] == [
        ("square", "pass", 3), ("cube", "fail", 0), ("sine", "pass", 1), ("expo (hidden)", "pass", 1)]
    lines = (tmp_path / "out").read_text().splitlines()
    assert len(lines) == 2 and all(line.startswith("result=") for line in lines)
    import base64

    assert json.loads(base64.b64decode(lines[1][len("result="):])) == json.loads(json.dumps(result))
    rc, out, err = run_cli("ci", "github-result", cwd=repo, env=env)
    assert rc == 2 and err.strip() == "gradquiz: ci github-result grades one problem: give --exercise ID once"


def test_why_not_the_command_grader(classroom, tmp_path):
    """Classroom's command grader, run from its own code: the command gets no secret (only PATH and
    HOME reach it), a fractional max-score is cut to an integer, and a command's points are all or
    nothing. Hence a step of ours per problem."""
    workflow = tmp_path / "wf.yml"
    steps = [{"name": "Checkout", "uses": "actions/checkout@v4"}]
    for sid, command, score in (("secret", 'test -n "$GRADQUIZ_SECRET"', 3), ("half", "true", 2.5),
                                ("partial", "exit 1", 10)):
        steps.append({"name": sid, "id": sid, "uses": "classroom-resources/autograding-command-grader@v1",
                      "env": {"GRADQUIZ_SECRET": "${{ secrets.GRADQUIZ_SECRET }}"},
                      "with": {"test-name": sid, "command": command, "max-score": score, "timeout": 1}})
    steps.append({"name": "Autograding Reporter", "uses": "classroom-resources/autograding-grading-reporter@v1",
                  "env": {"SECRET_RESULTS": "${{ steps.secret.outputs.result }}",
                          "HALF_RESULTS": "${{ steps.half.outputs.result }}",
                          "PARTIAL_RESULTS": "${{ steps.partial.outputs.result }}"},
                  "with": {"runners": "secret,half,partial"}})
    workflow.write_text(yaml.safe_dump({"jobs": {"grade": {"if": "github.actor != 'github-classroom[bot]'",
                                                           "steps": steps}}}))
    (tmp_path / "repo").mkdir()
    runner = actions_runner.Runner(tmp_path / "runner", classroom["actions"], repositories={}, secrets=SECRETS,
                                   actor=ACTOR)
    run = runner.run(workflow, tmp_path / "repo")
    assert run.points() == (2, 15)  # the secret test failed; 2.5 became 2; the failing command earned 0


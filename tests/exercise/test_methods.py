"""The methods' kinds (numerical_derivative, numerical_gradient, autodiff, gradient_descent):
right answers in several styles pass, each named slip is named on two different functions,
hostile callers (a million calls of f, state kept between calls, the wrong shape) fail cleanly
within the time limit; the file's mistakes exit 2 with one line; the starter lists each stub."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import exercise_text, run_cli

pytestmark = pytest.mark.e2e  # every test here runs the command (and compiles ML exercises through the cache)

SUBMISSION = Path(__file__).resolve().parents[1] / "data" / "methods_submission.py"

ONE = [["sin(x)"], ["exp(2*x)", "x**3 - x"]]  # two sets of functions of one variable
TWO = [["x0**2*x1 + x1**3"], ["sin(x0)*exp(x1)", "log(1 + x0**2 + x1**2)"]]
AD = [
    ["x*x + sin(x)", "sin(x)/(2 + cos(x))", "sin(3*x)", "x**3 - x"],
    ["log(1 + x*x)", "exp(x)/(1 + x**2)", "x*exp(x)", "exp(x*x)"],
]
DESCENT = [
    ("(x0 - 1)**2 + 10*(x1 + 2)**2", ["x0", "x1"], [[0, 0], [3, 1]], [0.01, 0.04], [25]),
    ("cosh(x) + x**2/4", ["x"], [1.5, -2], [0.1], [10, 30]),
]

EXPECT = {  # function in the submission: (kind, None if right else the JSON mistake)
    "fwd": ("numerical_derivative", "forward_difference"),
    "nodiv": ("numerical_derivative", "missing_division"),
    "byh": ("numerical_derivative", "missing_division"),
    "fixed": ("numerical_derivative", "wrong_step"),
    "step2": ("numerical_derivative", "wrong_step"),
    "five": ("numerical_derivative", None),  # a five-point stencil: more accurate, order 4
    "gfwd": ("numerical_gradient", "forward_difference"),
    "gonesided": ("numerical_gradient", "one_sided_component"),
    "gnodiv": ("numerical_gradient", "missing_division"),
    "gright_list": ("numerical_gradient", None),  # returns a list; copies of x as lists
    "ginplace": ("numerical_gradient", None),  # changes x in place and puts it back
    "ascent": ("gradient_descent", "ascent_step"),
    "offby": ("gradient_descent", "off_by_one_steps"),
    "lrtwice": ("gradient_descent", "learning_rate_twice"),
    "gdright_inplace": ("gradient_descent", None),
    "prod": ("autodiff", "product_rule"),
    "quot": ("autodiff", "quotient_rule"),
    "chain": ("autodiff", "chain_rule"),
    "powr": ("autodiff", "power_rule"),
    "adright": ("autodiff", None),
    "adcomplex": ("autodiff", None),  # the complex step: another design of its own numbers
    "gdlist": ("gradient_descent", None),  # a list (of one number for one variable)
}


def _task(name: str, kind: str, k: int) -> dict:
    base = {"id": f"{name}_{k}", "kind": kind, "function": name}
    if kind == "numerical_derivative":
        return {**base, "functions": ONE[k], "at": [0.3, -1.2], "h": [1e-2, 1e-3]}
    if kind == "numerical_gradient":
        return {**base, "functions": TWO[k], "variables": ["x0", "x1"], "at": [[0.5, -0.2], [1.0, 2.0]], "h": [1e-3]}
    if kind == "autodiff":
        return {**base, "functions": AD[k], "uses": ["sin", "cos", "exp", "log"], "at": [0.4, -1.3]}
    f, variables, start, lr, steps = DESCENT[k]
    return {**base, "f": f, "variables": variables, "start": start, "lr": lr, "steps": steps}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("methods")
    tasks = [_task(name, kind, k) for name, (kind, _) in EXPECT.items() for k in (0, 1)]
    tasks += [
        {
            "id": "million",
            "kind": "numerical_derivative",
            "function": "million",
            "functions": ["sin(x)"],
            "at": [0.3, -1.2],
            "h": [0.01, 0.001],
            "timeout": 1.0,
        },
        {
            "id": "state",
            "kind": "numerical_derivative",
            "function": "state",
            "functions": ["sin(x)", "exp(x)"],
            "at": [0.3],
            "h": [0.01],
        },
        {
            "id": "shape",
            "kind": "numerical_derivative",
            "function": "shape",
            "functions": ["sin(x)"],
            "at": [0.3],
            "h": [0.01],
        },
        {
            "id": "path",
            "kind": "gradient_descent",
            "function": "path",
            "f": "x0**2 + x1**2",
            "variables": ["x0", "x1"],
            "start": [[1, 1]],
            "lr": [0.1],
            "steps": [5],
        },
    ]
    (root / "ex.yaml").write_text(exercise_text(tasks, id="ex"))
    rc, out, err = run_cli("check", SUBMISSION, "--problems", root, "--exercise", "ex", "--format", "json")
    assert rc == 1, err
    return {r["id"]: r for r in json.loads(out)["results"]}


@pytest.mark.parametrize("name", list(EXPECT))
@pytest.mark.parametrize("k", [0, 1])
def test_right_answers_pass_and_each_slip_is_named_on_two_functions(report, name, k):
    result = report[f"{name}_{k}"]
    _, mistake = EXPECT[name]
    assert result["passed"] is (mistake is None), result["feedback"]
    assert result.get("mistake") == mistake, result["feedback"]


def test_feedback_says_the_error_and_the_observed_order(report):
    text = report["fwd_0"]["feedback"]
    assert text.startswith(
        "Wrong for f(x) = sin(x) at x = 0.3, h = 0.01: `fwd` returned 0.953843, the exact derivative "
        "is 0.955336: an error of 0.00149, where a central difference is off by 1.59e-05."
    )
    assert "your error went from 0.00149 to 0.000743: order 1, where the central difference is order 2." in text
    assert "one-sided difference" in text
    assert "observed order of accuracy 4" in report["five_1"]["feedback"]
    assert report["five_1"]["checks"]["observed_order"] == pytest.approx(4, abs=0.3)
    assert "right for the other" not in report["gonesided_0"]["feedback"]
    assert (
        "Wrong for sin(x0)*exp(x1)" in report["gonesided_1"]["feedback"]
        or "Wrong for" in report["gonesided_1"]["feedback"]
    )


def test_autodiff_feedback_names_the_functions_and_the_rule(report):
    text = report["prod_1"]["feedback"]
    assert "Wrong for log(1 + x*x), x*exp(x), exp(x*x); right for exp(x)/(1 + x**2)." in text
    assert "breaks the product rule" in text
    assert "leave out the inner derivative" in report["chain_0"]["feedback"]


def test_hostile_callers_fail_cleanly_within_the_limit(report):
    million = report["million"]
    assert not million["passed"] and million.get("error") == "timeout"
    assert "did not finish within 1 s" in million["feedback"]
    state = report["state"]  # the first call's value every time
    assert not state["passed"] and state["mistake"] == "wrong_step"
    shape = report["shape"]
    assert shape["feedback"] == (
        "`shape` (for f(x) = sin(x) at x = 0.3, h = 0.01) returned an array of shape (2,); it should return a number."
    )
    assert "(every point of the path?): return only the last point" in report["path"]["feedback"]


def test_the_callable_reaches_nothing_of_the_grader(tmp_path):
    """f's globals are its own namespace (numpy, abs): not the sandbox child's module."""
    (tmp_path / "ex.yaml").write_text(
        exercise_text(
            [
                {
                    "id": "t",
                    "kind": "numerical_derivative",
                    "function": "probe",
                    "functions": ["sin(x)"],
                    "at": [0.3],
                    "h": [0.01],
                }
            ],
            id="ex",
        )
    )
    sub = tmp_path / "sub.py"
    sub.write_text(
        "def probe(f, x, h):\n"
        "    names = sorted(f.__globals__)\n"
        "    assert names == ['__builtins__', 'abs', 'numpy'], names\n"
        "    assert f.__globals__['__builtins__'] == {}\n"
        "    return (f(x + h) - f(x - h)) / (2 * h)\n"
    )
    rc, out, err = run_cli("check", sub, "--problems", tmp_path, "--exercise", "ex", "--format", "json")
    assert rc == 0, out + err


@pytest.mark.parametrize(
    "task, message",
    [
        (
            {"kind": "numerical_derivative", "functions": ["sin(x)"], "at": [0.3]},
            "ex.yaml:4: tasks[0]: missing required key 'h' (the steps to call it with)",
        ),
        (
            {"kind": "numerical_derivative", "functions": ["sin(x)"], "at": [0.3], "h": [0.01], "domain": [0, 1]},
            "ex.yaml:8: tasks[0].domain: `domain` is not used by numerical_derivative tasks (they take functions, "
            "variables, at, h, order)",
        ),
        (
            {"kind": "autodiff", "functions": ["x*x + tan(x)"], "uses": ["sin"], "at": [0.3]},
            "ex.yaml:6: tasks[0].functions[0]: 'x*x + tan(x)' calls tan, which `uses` does not list",
        ),
        (
            {"kind": "autodiff", "functions": ["__import__('os')"], "uses": ["sin"], "at": [0.3]},
            "ex.yaml:6: tasks[0].functions[0]: cannot read formula \"__import__('os')\": ",
        ),
        (
            {"kind": "gradient", "f": "x**2", "domain": [0, 1], "h": [0.1]},
            "ex.yaml:6: tasks[0].h: `h` is for the tasks of kind numerical_derivative, numerical_gradient, autodiff, "
            "gradient_descent, not gradient",
        ),
        (
            {"kind": "gradient_descent", "f": "x**2", "start": [1], "lr": [1.5], "steps": [400]},
            "ex.yaml: tasks[0].lr: the descent from 1 with lr = 1.5 diverges within 400 steps: lower the learning rate",
        ),
    ],
)
def test_the_files_mistakes_exit_2_with_one_line(tmp_path, task, message):
    (tmp_path / "ex.yaml").write_text(exercise_text([{"id": "t", "function": "g", **task}], id="ex"))
    rc, out, err = run_cli("validate", tmp_path / "ex.yaml")
    text = (out + err).strip()
    assert "Traceback" not in text
    assert rc == 2, text
    where, _, what = message.partition(" ")
    assert re.fullmatch(rf"{re.escape(str(tmp_path))}/ex\.yaml:\d+: " + re.escape(what) + ".*", text), text


def test_starter_has_a_stub_per_function_and_per_uses_name(tmp_path):
    (tmp_path / "ex.yaml").write_text(
        exercise_text([_task("derivative", "autodiff", 0), _task("central", "numerical_derivative", 0)], id="ex")
    )
    rc, out, err = run_cli("starter", "ex", "--problems", tmp_path)
    assert rc == 0, err
    for line in ("def derivative(f, x):", "def central(f, x, h):", "def sin(u):", "def log(u):"):
        assert line in out
    stub = tmp_path / "ex.py"
    stub.write_text(out)
    rc, out, _ = run_cli("check", stub, "--problems", tmp_path, "--format", "json")
    assert rc == 1
    assert all("is not written yet" in r["feedback"] for r in json.loads(out)["results"])


@pytest.mark.parametrize("ident", ["exercise9", "exercise10"])
def test_bundled_starters_and_notebook_starters(tmp_path, ident):
    """The starter (.py and notebook) has a stub per visible function; the notebook with the
    solution's code in place of its stubs gets full marks."""
    import nbformat
    from conftest import SOLUTIONS

    rc, out, err = run_cli("starter", ident, "--notebook", "--output", tmp_path / "starter.ipynb")
    assert rc == 0, err
    rc, out, err = run_cli("check", tmp_path / "starter.ipynb", "--exercise", ident, "--format", "json")
    results = json.loads(out)["results"]
    assert rc == 1 and results and all("is not written yet" in r["feedback"] for r in results)
    nb = nbformat.read(str(tmp_path / "starter.ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and "raise NotImplementedError" in c.source]
    assert code
    for cell in code:
        cell.source = ""
    code[0].source = (SOLUTIONS / f"{ident}.py").read_text()
    nbformat.write(nb, str(tmp_path / "solved.ipynb"))
    rc, out, err = run_cli("check", tmp_path / "solved.ipynb", "--exercise", ident, "--format", "json")
    assert rc == 0, out + err


def test_a_class_is_graded_with_the_new_kinds(tmp_path):
    """`gradquiz grade`: the gradebook has a column per task of exercise9 (the hidden one too)."""
    import csv

    from conftest import SOLUTIONS

    for student, name in (("alice", "exercise9.py"), ("bob", "exercise9_wrong.py")):
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / "exercise9.py").write_text((SOLUTIONS / name).read_text())
    rc, out, err = run_cli("grade", tmp_path / "class", "--exercise", "exercise9", "--output", tmp_path / "out",
                           "--quiet", "--jobs", "1", timeout=300)
    assert rc == 0, out + err
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "out" / "gradebook.csv").open())}
    assert rows["alice"]["total"] == "6" and rows["alice"]["status"] == "ok"
    assert [rows["bob"][t] for t in ("central", "forward", "gradient_check", "autodiff", "descent", "descent_one")] == [
        "0", "1", "1", "0", "0", "0"]

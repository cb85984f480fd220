"""The two checks (reference and finite differences) over every kind and calling
convention: right answers in many styles pass, wrong ones fail with the recognised
mistake named; check points, seeding, reports, exit codes and problem discovery."""

from __future__ import annotations

import json
import math
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXERCISES, by_id, clean_env, exercise_text, run_cli, run_cli_many, task
from grader.maths.numerics import close

PRELUDE = "import math\n\nimport numpy as np\n\n"
DEFAULT_CALL = {
    "function": "scalars", "derivative": "scalars", "second_derivative": "scalars", "partial": "scalars",
    "gradient": "vector", "hessian": "vector", "jacobian": "vector",
}


@dataclass
class Problem:
    kind: str
    f: object
    variables: list
    domain: object = field(default_factory=lambda: [-2, 2])
    keys: dict = field(default_factory=dict)  # wrt, at, ...


def define(name: str, call: str, variables: list, body: str) -> str:
    """``def name(...)`` in the calling convention; the body sees the variables by name."""
    body = textwrap.indent(textwrap.dedent(body).strip(), "    ")
    if call == "scalars":
        return f"def {name}({', '.join(variables)}):\n{body}\n\n\n"
    return f"def {name}(p):\n    {', '.join(variables)}, = p\n{body}\n\n\n"


def build(rows, calls):
    """Tasks (one per row and calling convention) and the submission defining them all."""
    tasks, code = [], PRELUDE
    for case, problem, body in rows:
        for call in calls:
            name = f"{case}_{call}"
            keys = dict(problem.keys)
            if call != "default":
                keys["call"] = call
            tasks.append(task(name, problem.kind, problem.f, problem.domain, variables=problem.variables, **keys))
            code += define(name, DEFAULT_CALL[problem.kind] if call == "default" else call, problem.variables, body)
    return tasks, code


def grade_all(tmp_path_factory, rows, calls, id):
    """Grade every row in ONE submission (one child process): results by task id."""
    from grader.api import check

    folder = tmp_path_factory.mktemp(id)
    tasks, code = build(rows, calls)
    (folder / f"{id}.yaml").write_text(exercise_text(tasks, id=id))
    (folder / "submission.py").write_text(f"# gradquiz: {id}\n" + code)
    report = check(folder / "submission.py", problems=[folder], grading=True, exercise=id)
    return by_id(report.to_dict())


# -- right answers ----------------------------------------------------------------------------

CUBIC = Problem("function", "x**3 - 2*x", ["x"])
TWO_VARS = Problem("function", "x*y + exp(y)", ["x", "y"])
XSINX = Problem("derivative", "x*sin(x)", ["x"], [-3, 3], {"at": [0.5, 1.0, -2.0]})
LINEAR = Problem("derivative", "5*x - 2", ["x"])
SIGMOID = Problem("derivative", "1/(1 + exp(-x))", ["x"], [-4, 4], {"at": [0.0, 2.0, -1.0]})
COS = Problem("derivative", "cos(x)", ["x"], [-4, 7], {"at": ["pi", 0, "2*pi", "pi/2"]})  # f' = -sin: ~1e-16 at pi
EXP30 = Problem("derivative", "exp(x)", ["x"], [29, 31], {"at": [30]})  # f' ~ 1e13
SECOND = Problem("second_derivative", "x*sin(x)", ["x"], [-3, 3])
SECOND_INT = Problem("second_derivative", "3*x**2 + x", ["x"])
PARTIAL = Problem("partial", "x**2*y + 3*y", ["x", "y"], keys={"wrt": "y"})
PARTIAL_INT = Problem("partial", "4*x + y**2", ["x", "y"], keys={"wrt": "x"})
GRADIENT = Problem("gradient", "x**2*y + sin(y)", ["x", "y"], keys={"at": [[1.0, 0.0], [0.5, -1.0]]})
GRADIENT_INT = Problem("gradient", "3*x - 4*y", ["x", "y"])
GRADIENT3 = Problem("gradient", "x*y + exp(y*z)", ["x", "y", "z"])
HESSIAN = Problem("hessian", "x**3*y + x*y**2", ["x", "y"])
HESSIAN_INT = Problem("hessian", "x**2 + 3*x*y + 2*y**2", ["x", "y"])
JACOBIAN = Problem("jacobian", ["x*y", "x + y**2", "sin(x)"], ["x", "y"])
JACOBIAN_INT = Problem("jacobian", ["2*x + y", "x - 3*y"], ["x", "y"])

RIGHT = [
    ("function_float", CUBIC, "return x**3 - 2*x"),
    ("function_factored", CUBIC, "return x * (x * x - 2)"),
    ("function_math", CUBIC, "return math.pow(x, 3) - 2 * x"),
    ("function_numpy_scalar", CUBIC, "return np.float64(x) ** 3 - 2 * np.float64(x)"),
    ("function_0d_array", CUBIC, "return np.array(x**3 - 2*x)"),
    ("function_list", CUBIC, "return [x**3 - 2*x]"),
    ("function_tuple", CUBIC, "return (x**3 - 2*x,)"),
    ("function_array", CUBIC, "return np.array([x**3 - 2*x])"),
    ("function_two_vars_math", TWO_VARS, "return x * y + math.exp(y)"),
    ("function_two_vars_numpy", TWO_VARS, "return x * y + np.exp(y)"),
    ("derivative_math", XSINX, "return math.sin(x) + x * math.cos(x)"),
    ("derivative_numpy", XSINX, "return np.sin(x) + x * np.cos(x)"),
    ("derivative_product_rule", XSINX, "u, du = x, 1.0\nv, dv = math.sin(x), math.cos(x)\nreturn du * v + u * dv"),
    ("derivative_0d_array", XSINX, "return np.asarray(np.sin(x) + x * np.cos(x))"),
    ("derivative_numpy_scalar", XSINX, "return np.float64(math.sin(x) + x * math.cos(x))"),
    ("derivative_list", XSINX, "return [math.sin(x) + x * math.cos(x)]"),
    ("derivative_int", LINEAR, "return 5"),
    ("derivative_numpy_int", LINEAR, "return np.int64(5)"),
    ("sigmoid_s_times_1_minus_s", SIGMOID, "s = 1 / (1 + math.exp(-x))\nreturn s * (1 - s)"),
    ("sigmoid_exp_form", SIGMOID, "return math.exp(-x) / (1 + math.exp(-x)) ** 2"),
    ("sigmoid_cosh_form", SIGMOID, "return 1 / (2 + 2 * np.cosh(x))"),
    ("near_zero_minus_sin", COS, "return -math.sin(x)"),
    ("near_zero_shifted_cos", COS, "return math.cos(x + math.pi / 2)"),  # -1.8e-16 at pi, not -1.2e-16
    ("huge_exp", EXP30, "return np.exp(x)"),
    ("huge_exp_squared", EXP30, "return math.exp(x / 2) ** 2"),
    ("second_math", SECOND, "return 2 * math.cos(x) - x * math.sin(x)"),
    ("second_numpy", SECOND, "return 2 * np.cos(x) - x * np.sin(x)"),
    ("second_0d_array", SECOND, "return np.array(2 * np.cos(x) - x * np.sin(x))"),
    ("second_int", SECOND_INT, "return 6"),
    ("partial_float", PARTIAL, "return x**2 + 3"),
    ("partial_numpy_scalar", PARTIAL, "return np.float64(x) ** 2 + 3"),
    ("partial_list", PARTIAL, "return [x * x + 3]"),
    ("partial_int", PARTIAL_INT, "return 4"),
    ("gradient_list", GRADIENT, "return [2 * x * y, x**2 + math.cos(y)]"),
    ("gradient_tuple", GRADIENT, "return (2 * x * y, x**2 + math.cos(y))"),
    ("gradient_array", GRADIENT, "return np.array([2 * x * y, x**2 + np.cos(y)])"),
    ("gradient_stack", GRADIENT, "return np.stack([2 * x * y, x**2 + np.cos(y)])"),
    ("gradient_int_list", GRADIENT_INT, "return [3, -4]"),
    ("gradient_int_array", GRADIENT_INT, "return np.array([3, -4])"),
    ("gradient_three_vars", GRADIENT3, "return np.array([y, x + z * np.exp(y * z), y * np.exp(y * z)])"),
    ("hessian_lists", HESSIAN, "return [[6 * x * y, 3 * x**2 + 2 * y], [3 * x**2 + 2 * y, 2 * x]]"),
    ("hessian_tuples", HESSIAN, "return ((6 * x * y, 3 * x**2 + 2 * y), (3 * x**2 + 2 * y, 2 * x))"),
    ("hessian_array", HESSIAN, "return np.array([[6 * x * y, 3 * x**2 + 2 * y], [3 * x**2 + 2 * y, 2 * x]])"),
    ("hessian_rows", HESSIAN, "r0 = np.array([6 * x * y, 3 * x**2 + 2 * y])\nr1 = np.array([3 * x**2 + 2 * y, 2 * x])\nreturn np.vstack([r0, r1])"),
    ("hessian_int_lists", HESSIAN_INT, "return [[2, 3], [3, 4]]"),
    ("hessian_int_array", HESSIAN_INT, "return np.array([[2, 3], [3, 4]])"),
    ("jacobian_lists", JACOBIAN, "return [[y, x], [1, 2 * y], [math.cos(x), 0]]"),
    ("jacobian_tuples", JACOBIAN, "return ((y, x), (1, 2 * y), (math.cos(x), 0))"),
    ("jacobian_array", JACOBIAN, "return np.array([[y, x], [1.0, 2 * y], [np.cos(x), 0.0]])"),
    ("jacobian_columns", JACOBIAN, "by_x = [y, 1, np.cos(x)]\nby_y = [x, 2 * y, 0]\nreturn np.column_stack([by_x, by_y])"),
    ("jacobian_int", JACOBIAN_INT, "return [[2, 1], [1, -3]]"),
]
CALLS = ["scalars", "vector", "default"]


@pytest.fixture(scope="module")
def right(tmp_path_factory):
    return grade_all(tmp_path_factory, RIGHT, CALLS, "right")


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("case", [row[0] for row in RIGHT])
def test_right_answer_passes(right, case, call):
    result = right[f"{case}_{call}"]
    assert result["passed"], result["feedback"]
    assert result["score"] == result["max_score"] == 1.0
    assert result["checks"]["reference"] and result["checks"]["finite_differences"]
    assert result["feedback"].startswith("Correct at all ")


def test_every_kind_is_in_the_tables():
    from grader.exercise.kinds import KINDS, METHODS

    formula_kinds = set(KINDS) - set(METHODS)  # the methods' kinds: tests/exercise/test_methods.py
    assert {row[1].kind for row in RIGHT} == formula_kinds
    assert {row[1].kind for row in WRONG} == formula_kinds


# -- wrong answers ----------------------------------------------------------------------------

SHOWN = Problem("derivative", "x**3", ["x"], keys={"at": [0.5, -1.5, 1.25]})
CUBE2 = Problem("second_derivative", "x**3", ["x"])
PARTIAL_X = Problem("partial", "x**2*y + 3*y", ["x", "y"], keys={"wrt": "x"})
SQUARE_PLUS = Problem("function", "x**2 + 1", ["x"])
JACOBIAN_SQUARE = Problem("jacobian", ["x*y", "x + y**2"], ["x", "y"])

# (case, problem, body, expected extra["mistake"] or None, a phrase of the feedback)
WRONG = [
    ("function_sign", SQUARE_PLUS, "return -(x**2 + 1)", "sign", "The sign is flipped"),
    ("function_constant", SQUARE_PLUS, "return x**2", "constant", "the right ones plus -1: a constant term is off"),
    ("derivative_sign", SHOWN, "return -3 * x**2", "sign", "The sign is flipped: your values are exactly minus the right ones."),
    ("derivative_returned_f", SHOWN, "return x**3", "returned_f", "You returned f itself, not its derivative."),
    ("derivative_returned_f2", SHOWN, "return 6 * x", "second_derivative", "You returned the second derivative f''"),
    ("derivative_factor", SHOWN, "return 6 * x**2", "factor", "Your values are 2 times the right ones"),
    ("derivative_constant", SHOWN, "return 3 * x**2 + 0.5", "constant", "the right ones plus 0.5: a constant term is off"),
    ("derivative_only_at_shown", SHOWN, "return {0.5: 0.75, -1.5: 6.75, 1.25: 4.6875}.get(float(x), 0.0)", None,
     "Right at the shown points but wrong at others"),
    ("derivative_huge_factor", EXP30, "return math.exp(x) * 1.0001", "factor", "1.0001 times the right ones"),
    ("derivative_huge_slightly_off", EXP30, "return math.exp(x) * (1 + 1e-6)", None,
     # 6 digits would read "returned 1.06865e+13; expected 1.06865e+13": shown with enough to differ
     f"At x = 30 your `derivative_huge_slightly_off_{{call}}` returned {math.exp(30) * (1 + 1e-6):.9g}; "
     f"expected {math.exp(30):.9g}"),
    ("derivative_small_offset", COS, "return -math.sin(x) + 1e-3", "constant", "the right ones plus 0.001"),
    ("derivative_tiny_offset", COS, "return -math.sin(x) + 1e-6", None, "(off by 1e-06)"),  # too small to diagnose
    ("second_first", CUBE2, "return 3 * x**2", "first_derivative", "You returned the first derivative f'"),
    ("second_returned_f", CUBE2, "return x**3", "returned_f", "You returned f itself; the task asks for f''."),
    ("second_sign", CUBE2, "return -6 * x", "sign", "The sign is flipped"),
    ("partial_wrong_variable", PARTIAL_X, "return x**2 + 3", "wrong_variable", "You differentiated by y"),
    ("partial_returned_f", PARTIAL_X, "return x**2 * y + 3 * y", "returned_f", "You returned f itself"),
    ("partial_sign", PARTIAL_X, "return -2 * x * y", "sign", "The sign is flipped"),
    ("gradient_order", GRADIENT, "return [x**2 + math.cos(y), 2 * x * y]", "order", "The components are in reverse order"),
    ("gradient_column", GRADIENT, "return np.array([[2 * x * y], [x**2 + np.cos(y)]])", "column_vector",
     "returned shape (2, 1); expected a vector of length 2, shape (2,). Return a flat vector"),
    ("gradient_too_short", GRADIENT, "return [2 * x * y]", "shape", "returned shape (1,); expected a vector of length 2"),
    ("gradient_sign", GRADIENT, "return [-2 * x * y, -(x**2 + math.cos(y))]", "sign", "The sign is flipped"),
    ("gradient_factor", GRADIENT, "return [x * y, (x**2 + math.cos(y)) / 2]", "factor", "0.5 times the right ones"),
    ("gradient_only_first_right", GRADIENT, "return [2 * x * y, x**2]", None, "Wrong at "),
    ("hessian_sign", HESSIAN, "return [[-6 * x * y, -3 * x**2 - 2 * y], [-3 * x**2 - 2 * y, -2 * x]]", "sign", "The sign is flipped"),
    ("hessian_factor", HESSIAN, "return 3 * np.array([[6 * x * y, 3 * x**2 + 2 * y], [3 * x**2 + 2 * y, 2 * x]])", "factor",
     "3 times the right ones"),
    ("hessian_gradient_instead", HESSIAN, "return [3 * x**2 * y + y**2, x**3 + 2 * x * y]", "shape",
     "returned shape (2,); expected a 2x2 matrix, shape (2, 2)"),
    ("jacobian_transposed_square", JACOBIAN_SQUARE, "return [[y, 1], [x, 2 * y]]", "transposed",
     "Your matrix is the transpose of the right one"),
    ("jacobian_transposed_shape", JACOBIAN, "return [[y, 1, math.cos(x)], [x, 2 * y, 0]]", "transposed",
     "returned shape (2, 3); expected a 3x2 matrix, shape (3, 2). It looks transposed"),
    ("jacobian_sign", JACOBIAN, "return -np.array([[y, x], [1, 2 * y], [np.cos(x), 0]])", "sign", "The sign is flipped"),
]


@pytest.fixture(scope="module")
def wrong(tmp_path_factory):
    rows = [(case, problem, body) for case, problem, body, *_ in WRONG]
    return grade_all(tmp_path_factory, rows, ["scalars", "vector"], "wrong")


@pytest.mark.parametrize("call", ["scalars", "vector"])
@pytest.mark.parametrize("case, mistake, phrase", [(c, m, p) for c, _, _, m, p in WRONG], ids=[row[0] for row in WRONG])
def test_wrong_answer_fails_and_names_the_mistake(wrong, case, mistake, phrase, call):
    result = wrong[f"{case}_{call}"]
    assert not result["passed"] and result["score"] == 0.0
    assert result.get("mistake") == mistake, result["feedback"]
    assert phrase.format(call=call) in result["feedback"]


def test_wrong_values_feedback_gives_point_expected_got_and_worst_error(wrong):
    feedback = wrong["derivative_sign_scalars"]["feedback"].splitlines()
    # the first failing point is the first shown one, x = 0.5: expected 0.75
    assert feedback[0] == "At x = 0.5 your `derivative_sign_scalars` returned -0.75; expected 0.75 (off by -1.5)."
    assert feedback[1].startswith("Wrong at 23 of 23 check points; the largest error is ")


# -- check points -----------------------------------------------------------------------------

def test_points_where_the_reference_is_not_finite_are_skipped(ws):
    ws.exercise(
        [
            task("log", "derivative", "log(x)", (-1, 1)),  # f is NaN for x < 0
            task("inverse", "derivative", "1/x", (-1, 1), at=[0.0, 0.5]),  # the reference is inf at 0
        ]
    )
    sub = ws.submission(
        """
        import math

        def log(x):
            return 1 / x if x > 0 else math.log(x)  # math.log raises for x <= 0

        def inverse(x):
            return -1 / x**2  # raises ZeroDivisionError at x = 0.0
        """
    )
    results = by_id(ws.check(sub, grading=True))
    assert results["log"]["passed"], results["log"]["feedback"]
    assert 0 < results["log"]["checks"]["points"] < 20
    assert results["inverse"]["passed"], results["inverse"]["feedback"]
    assert results["inverse"]["checks"]["shown_points"] == 1
    assert results["inverse"]["checks"]["points"] == 21


def printed_points(report: dict) -> list[str]:
    return [line.split(" ", 1)[1] for line in report["output"].splitlines() if line.startswith("X ")]


def test_random_points_are_seeded_per_student(ws):
    ws.exercise([task("d", "derivative", "x**2", (-3, 3), at=[0.5])])
    sub = ws.submission("def d(x):\n    print('X', repr(x))\n    return 2 * x\n")
    alice = printed_points(ws.check(sub, student="alice"))
    again = printed_points(ws.check(sub, student="alice"))
    bob = printed_points(ws.check(sub, student="bob"))
    assert len(alice) == len(bob) == 21
    assert alice == again
    assert alice[0] == bob[0] == "0.5"  # the shown point
    assert not set(alice[1:]) & set(bob[1:])
    for value in map(float, alice[1:] + bob[1:]):
        assert -3 < value < 3
        assert abs(value - round(value)) >= 0.05  # away from integers ...
        assert abs(value / math.pi - round(value / math.pi)) * math.pi >= 0.05  # ... and multiples of pi


@pytest.mark.e2e
def test_the_student_comes_from_the_command_line_or_the_environment(ws):
    ws.exercise([task("d", "derivative", "x**2", (-3, 3))])
    sub = ws.submission("def d(x):\n    print('X', repr(x))\n    return 2 * x\n")
    expected = printed_points(ws.check(sub, student="carol"))
    by_option, by_env = run_cli_many(
        [
            (("check", sub, "--problems", ws.root, "--format", "json", "--student", "carol"), ws.root, None),
            (("check", sub, "--problems", ws.root, "--format", "json"), ws.root, clean_env(GRADQUIZ_STUDENT="carol")),
        ]
    )
    for rc, out, err in (by_option, by_env):
        assert rc == 0, err
        report = json.loads(out)
        assert report["student"] == "carol"
        assert printed_points(report) == expected


# -- reports, output files and exit codes -----------------------------------------------------

@pytest.fixture(scope="module")
def half_right(tmp_path_factory):
    """A folder with an exercise of two tasks (3 + 2 points) and a submission that gets one right."""
    folder = tmp_path_factory.mktemp("reports")
    tasks = [
        task("first", "derivative", "x**2", (-1, 1), points=3),
        task("second", "gradient", "x*y", (-1, 1), points=2, hint="Differentiate by each variable in turn."),
    ]
    (folder / "rep.yaml").write_text(exercise_text(tasks, id="rep", title="Reports"))
    (folder / "sub.py").write_text("# gradquiz: rep\ndef first(x):\n    return 2 * x\n\ndef second(p):\n    return [p[0], p[1]]\n")
    (folder / "good.py").write_text("# gradquiz: rep\ndef first(x):\n    return 2 * x\n\ndef second(p):\n    return [p[1], p[0]]\n")
    return folder


@pytest.fixture(scope="module")
def formats(half_right):
    """Every report format of the half-right submission, run at once: format -> (rc, out, err)."""
    names = ["json", "junit", "gradescope", "text"]
    jobs = [(("check", "sub.py", "--problems", ".", "--format", name), half_right, None) for name in names]
    jobs.append((("check", "good.py", "--problems", ".", "--format", "json"), half_right, None))
    jobs.append((("check", "sub.py", "--problems", ".", "--format", "json", "--output", "out.json"), half_right, None))
    jobs.append((("check", "sub.py", "--problems", ".", "--output", "out.txt"), half_right, None))
    return dict(zip(names + ["good", "output_json", "output_text"], run_cli_many(jobs)))


@pytest.mark.e2e
def test_json_report(formats):
    rc, out, err = formats["json"]
    assert (rc, err) == (1, "")
    report = json.loads(out)
    assert {k: report[k] for k in ("id", "score", "max_score", "passed")} == {
        "id": "rep", "score": 3.0, "max_score": 5.0, "passed": False,
    }
    first, second = report["results"]
    assert (first["id"], first["score"], first["max_score"], first["passed"]) == ("first", 3.0, 3.0, True)
    assert (second["id"], second["score"], second["max_score"], second["passed"]) == ("second", 0.0, 2.0, False)
    assert "The components are in reverse order" in second["feedback"]
    assert second["feedback"].endswith("Hint: Differentiate by each variable in turn.")
    assert second["mistake"] == "order"


@pytest.mark.e2e
def test_junit_report_has_one_testcase_per_task(formats):
    rc, out, err = formats["junit"]
    assert rc == 1
    suite = ET.fromstring(out).find("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == ("rep", "2", "1")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["first", "second"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert "reverse order" in failure.text
    scores = {p.get("name"): p.get("value") for p in cases[1].find("properties")}
    assert scores == {"score": "0", "max_score": "2"}


@pytest.mark.e2e
def test_gradescope_report(formats):
    rc, out, err = formats["gradescope"]
    assert rc == 1
    report = json.loads(out)
    assert (report["score"], report["max_score"]) == (3.0, 5.0)
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in report["tests"]] == [
        ("first", 3.0, 3.0, "passed"), ("second", 0.0, 2.0, "failed"),
    ]
    assert "reverse order" in report["tests"][1]["output"]


@pytest.mark.e2e
def test_text_report(formats):
    rc, out, err = formats["text"]
    assert rc == 1
    assert "PASS first  3/3" in out and "FAIL second  0/2" in out
    assert out.rstrip().endswith("Score: 3 / 5")


@pytest.mark.e2e
def test_exit_0_when_everything_passes(formats):
    rc, out, err = formats["good"]
    assert rc == 0
    assert json.loads(out)["passed"] is True


@pytest.mark.e2e
def test_output_file_gets_the_report_and_stdout_stays_empty(formats, half_right):
    rc, out, err = formats["output_json"]
    assert (rc, out) == (1, "")
    assert json.loads((half_right / "out.json").read_text()) == json.loads(formats["json"][1])
    rc, out, err = formats["output_text"]
    assert (rc, out) == (1, "")
    text = (half_right / "out.txt").read_text()
    assert "FAIL second  0/2" in text and "Score: 3 / 5" in text and "\x1b[" not in text


@pytest.mark.e2e
def test_exit_2_when_grading_cannot_happen(half_right):
    rc, out, err = run_cli("check", "missing.py", "--problems", ".", cwd=half_right)
    assert (rc, out, err) == (2, "", "gradquiz: missing.py: no such file\n")


# -- where problems are found -----------------------------------------------------------------

@pytest.fixture(scope="module")
def places(tmp_path_factory):
    """exercise1 in four places, each with its own title; and submissions in a fifth."""
    root = tmp_path_factory.mktemp("discovery")
    yaml = lambda title: exercise_text([task("derivative", "derivative", "x**2", (-1, 1))], id="exercise1", title=title)
    for folder, title in [("given", "from --problems"), ("env", "from GRADQUIZ_PATH"), ("cwd/exercises", "from ./exercises")]:
        (root / folder).mkdir(parents=True)
        (root / folder / "exercise1.yaml").write_text(yaml(title))
    (root / "env" / "other.yaml").write_text(
        exercise_text([task("derivative", "derivative", "x**3", (-1, 1))], id="other", title="other by id")
    )
    (root / "elsewhere").mkdir()
    body = "def derivative(x):\n    return 2 * x\n"
    (root / "elsewhere" / "exercise1.py").write_text(body)
    (root / "elsewhere" / "exercise2.py").write_text("# gradquiz: exercise1\n" + body)
    return root


@pytest.mark.e2e
def test_discovery_order(places):
    sub = places / "elsewhere" / "exercise1.py"
    env = clean_env(GRADQUIZ_PATH=f"{places / 'nowhere'}:{places / 'env'}")
    jobs = [
        (("check", sub, "--problems", places / "given", "--format", "json"), places / "cwd", env),
        (("check", sub, "--format", "json"), places / "cwd", env),
        (("check", sub, "--format", "json"), places / "cwd", None),
        (("check", sub, "--format", "json"), places / "elsewhere", None),  # an unrelated folder: the bundled one
        (("check", "exercise1.py", "--format", "json"), places / "elsewhere", None),
    ]
    titles = []
    for rc, out, err in run_cli_many(jobs):
        assert rc == 0, err
        titles.append(json.loads(out)["title"])
    bundled = (EXERCISES / "exercise1.yaml").read_text().split("title: ", 1)[1].splitlines()[0]
    assert titles == ["from --problems", "from GRADQUIZ_PATH", "from ./exercises", bundled, bundled]


@pytest.mark.e2e
def test_header_beats_the_stem_and_exercise_option_beats_both(places):
    header = places / "elsewhere" / "exercise2.py"  # '# gradquiz: exercise1', stem exercise2
    jobs = [
        (("check", header, "--format", "json"), places / "cwd", None),
        (("check", header, "--exercise", "other", "--format", "json"), places / "cwd", clean_env(GRADQUIZ_PATH=places / "env")),
    ]
    (rc1, out1, err1), (rc2, out2, err2) = run_cli_many(jobs)
    assert rc1 == 0, err1
    assert (json.loads(out1)["id"], json.loads(out1)["title"]) == ("exercise1", "from ./exercises")
    assert rc2 == 1, err2  # `other` asks for 3x**2: found by its id line, graded, failed
    assert (json.loads(out2)["id"], json.loads(out2)["title"]) == ("other", "other by id")


# -- the comparison itself ----------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)


@settings(max_examples=300, deadline=None)
@given(finite, st.floats(min_value=-1e-9, max_value=1e-9))
def test_close_accepts_rounding_differences(r, rel):
    s = r * (1 + rel)
    assert close(np.array(s), np.array(r), 1e-7, 1e-9)


@settings(max_examples=300, deadline=None)
@given(finite, st.sampled_from([math.inf, -math.inf, math.nan]))
def test_close_never_matches_inf_or_nan_to_a_number(r, bad):
    assert not close(np.array(bad), np.array(r), 1e-7, 1e-9)
    assert not close(np.array(r), np.array(bad), 1e-7, 1e-9)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1e300))
def test_close_rejects_a_flipped_sign(r):
    assert not close(np.array(-r), np.array(r), 1e-7, 1e-9)

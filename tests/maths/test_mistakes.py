"""Which rule went wrong: the buggy differentiator (grader.maths.mistakes) names each rule
on at least two functions, in exercises (the JSON `mistake` of a graded submission) and in
expression questions alike, with the place in f; a right answer is never given a name."""

from __future__ import annotations

import pytest
import sympy
from conftest import by_id, exercise_text, task
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from grader.maths import mistakes
from grader.maths.equivalence import compare
from grader.maths.parser import MAX_LENGTH, parse_math

# (case, f, domain, the student's wrong f' (Python and typed maths alike), note, a phrase of the feedback)
RULES = [
    ("chain_sin", "sin(3*x)", (-2, 2), "cos(3*x)", "chain_rule", "the derivative of sin(3x) needs the factor 3"),
    ("chain_power", "(x**2 + 1)**3", (-2, 2), "3*(x**2 + 1)**2", "chain_rule", "needs the factor 2x"),
    ("chain_exp", "exp(x**2)", (-1, 1), "exp(x**2)", "chain_rule", "the derivative of exp(x^2) needs the factor 2x"),
    ("product_both", "x*cos(x)", (-2, 2), "-sin(x)", "product_rule", "not u'v'"),
    ("product_one", "x**2*exp(x)", (-2, 2), "2*x*exp(x)", "product_rule", "the derivative of x^2*exp(x) is u'v + uv'"),
    ("quotient_sign", "(x**2 + 1)/(x - 3)", (-2, 2), "(2*x*(x - 3) + (x**2 + 1))/(x - 3)**2", "quotient_rule", "+ where the rule has -"),
    ("quotient_square", "sin(x)/x", (0.5, 3), "(x*cos(x) - sin(x))/x", "quotient_rule", "divides by v, not v^2"),
    ("power_lower", "x**3", (-2, 2), "3*x**3", "power_rule", "lower the power by one"),
    ("power_factor", "x**5 + x", (-2, 2), "x**4 + 1", "power_rule", "the factor 5 is missing"),
    ("exp_itself", "exp(2*x)", (-2, 2), "exp(2*x)", "exp_rule", "e^(kx) differentiates to k*e^(kx)"),
    ("exp_in_sum", "exp(-3*x) + x", (-1, 1), "exp(-3*x) + 1", "exp_rule", "derivative of exp(-3x) is -3exp(-3x)"),
    ("log_linear", "log(3*x + 1)", (0.5, 2), "1/(3*x + 1)", "log_rule", "not 1/g = 1/(3x + 1)"),
    ("log_square", "log(x**2 + 1)", (-2, 2), "1/(x**2 + 1)", "log_rule", "the inner derivative 2x is missing"),
    ("trig_cos", "cos(2*x)", (-2, 2), "2*sin(2*x)", "trig_sign", "the derivative of cos(2x) is -2sin(2x)"),
    ("trig_in_sum", "x + sin(x)", (-2, 2), "1 - cos(x)", "trig_sign", "the derivative of sin(x) is cos(x)"),
    ("integrated_poly", "x**2", (-2, 2), "x**3/3 + 1", "integrated", "an antiderivative of f, x^3/3 + C"),
    ("integrated_cos", "cos(x)", (-2, 2), "sin(x) + 2", "integrated", "antiderivative"),
    # the functions of machine learning: a forgotten inner factor is the chain rule, whatever the outer function
    ("sigmoid_minus", "1/(1 + exp(-x))", (-3, 3), "-exp(-x)/(1 + exp(-x))**2", "chain_rule",
     "the derivative of 1/(1 + exp(-x)) needs the factor -1 (the derivative of -x)"),
    ("softplus_minus", "log(1 + exp(-x))", (-3, 3), "exp(-x)/(1 + exp(-x))", "chain_rule", "needs the factor -1 (the derivative of -x)"),
    ("sigmoid_two", "1/(1 + exp(-2*x))", (-2, 2), "exp(-2*x)/(1 + exp(-2*x))**2", "chain_rule",
     "the derivative of 1/(1 + exp(-2x)) needs the factor 2 (the derivative of 2x)"),
    ("softplus_two", "log(1 + exp(2*x))", (-2, 2), "exp(2*x)/(1 + exp(2*x))", "chain_rule",
     "the derivative of log(1 + exp(2x)) needs the factor 2 (the derivative of 2x)"),
    ("tanh_three", "tanh(3*x)", (-1, 1), "1 - tanh(3*x)**2", "chain_rule", "the derivative of tanh(3x) needs the factor 3"),
    ("data_squares", "(2*x - 1)**2 + (3*x + 2)**2", (-2, 2), "2*(2*x - 1) + 2*(3*x + 2)", "chain_rule",
     "in each term of the sum: the derivative of (2x - 1)^2 needs the factor 2"),
    ("data_logistic", "log(1 + exp(-2*x)) + log(1 + exp(3*x - 1))", (-2, 2), "-exp(-2*x)/(1 + exp(-2*x)) + exp(3*x - 1)/(1 + exp(3*x - 1))",
     "chain_rule", "in each term of the sum"),
    ("sign_tanh", "tanh(x)", (-2, 2), "1 + tanh(x)**2", "trig_sign", "the derivative of tanh(x) is 1 - tanh(x)^2"),
    ("sign_tanh_two", "tanh(2*x)", (-1, 1), "2*(1 + tanh(2*x)**2)", "trig_sign", "the derivative of tanh(2x) is 2(1 - tanh(2x)^2)"),
    ("sign_cosh", "cosh(x)", (-2, 2), "-sinh(x)", "trig_sign", "the derivative of cosh(x) is sinh(x)"),
]
PRELUDE = "from numpy import cos, cosh, exp, log, sin, sinh, sqrt, tan, tanh\n\n"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every row as a derivative task of ONE exercise, graded in one sandbox child."""
    from grader.api import check

    root = tmp_path_factory.mktemp("rules")
    tasks = [task(case, "derivative", f, domain) for case, f, domain, *_ in RULES]
    (root / "rules.yaml").write_text(exercise_text(tasks, id="rules"), encoding="utf-8")
    code = PRELUDE + "".join(f"def {case}(x):\n    return {wrong}\n\n\n" for case, _, _, wrong, *_ in RULES)
    (root / "rules.py").write_text(code, encoding="utf-8")
    return by_id(check(root / "rules.py", problems=[root]).to_dict())


@pytest.mark.parametrize("case, f, domain, wrong, note, phrase", RULES, ids=[r[0] for r in RULES])
def test_an_exercise_names_the_rule(graded, case, f, domain, wrong, note, phrase):
    result = graded[case]
    assert not result["passed"]
    assert result["mistake"] == note, result["feedback"]
    assert phrase in result["feedback"]


@pytest.mark.parametrize("case, f, domain, wrong, note, phrase", RULES, ids=[r[0] for r in RULES])
def test_an_expression_question_names_the_rule(case, f, domain, wrong, note, phrase):
    x = sympy.Symbol("x", real=True)
    fx = parse_math(f)
    result = compare(parse_math(wrong), sympy.diff(fx, x), ("x",), domain={"x": domain}, f=fx)
    assert not result.equal
    assert result.mistake is not None and result.mistake[0] == note, result.feedback()
    if note != "integrated":  # a quiz says so from the answer's own derivative
        assert phrase in result.mistake[1]


def test_each_rule_is_tested_on_two_functions():
    counts = {}
    for _, f, *_rest, note, _phrase in RULES:
        counts.setdefault(note, set()).add(f)
    for note in ("chain_rule", "product_rule", "quotient_rule", "power_rule", "exp_rule", "log_rule", "trig_sign", "integrated"):
        assert len(counts.get(note, ())) >= 2, note
    assert set(counts) <= set(mistakes.NOTES)


def test_matrix_slips(tmp_path):
    """A gradient component by the wrong variable, a Hessian without its mixed partials,
    a slip inside one gradient component, named in a graded submission."""
    from grader.api import check

    tasks = [
        task("g", "gradient", "x**2*y + sin(y)", variables=["x", "y"]),
        task("h", "hessian", "x**3*y + x*y**2", variables=["x", "y"]),
        task("c", "gradient", "exp(3*x) + x*y", variables=["x", "y"]),
        task("j", "jacobian", ["sin(2*x)*y", "x + y**2"], variables=["x", "y"]),
        task("p", "partial", "log(x**2 + 1)*y", variables=["x", "y"], wrt="x"),
        task("s", "second_derivative", "sin(3*x)", (-2, 2)),
    ]
    (tmp_path / "m.yaml").write_text(exercise_text(tasks, id="m"), encoding="utf-8")
    (tmp_path / "m.py").write_text(
        "import numpy as np\n\n"
        "def g(p):\n    x, y = p\n    return [x**2 + np.cos(y), x**2 + np.cos(y)]\n\n"
        "def h(p):\n    x, y = p\n    return [[6*x*y, 0.0], [0.0, 2*x]]\n\n"
        "def c(p):\n    x, y = p\n    return [np.exp(3*x) + y, x]\n\n"
        "def j(p):\n    x, y = p\n    return [[np.cos(2*x)*y, np.sin(2*x)], [1.0, 2*y]]\n\n"
        "def p(x, y):\n    return y / (x**2 + 1)\n\n"
        "def s(x):\n    return -3 * np.sin(3*x)\n",
        encoding="utf-8",
    )
    results = by_id(check(tmp_path / "m.py", problems=[tmp_path]).to_dict())
    assert results["g"]["mistake"] == "wrong_variable"
    assert "Component 0 should be the derivative by x; yours is the derivative by y" in results["g"]["feedback"]
    assert results["h"]["mistake"] == "diagonal_only"
    assert results["c"]["mistake"] == "exp_rule"
    assert "In component 0 (the derivative by x): the derivative of exp(3x) is 3exp(3x)" in results["c"]["feedback"]
    assert results["j"]["mistake"] == "chain_rule"
    assert "In J[0][0], the derivative of f0 = y*sin(2x) by x: the chain rule: the derivative of sin(2x) needs the factor 2" in results["j"]["feedback"]
    assert results["p"]["mistake"] == "log_rule"
    assert "the inner derivative 2x is missing" in results["p"]["feedback"]
    assert results["s"]["mistake"] == "chain_rule"
    # -3 sin(3x): the factor 3 of sin(3x)'s inner derivative, dropped once
    assert "In the first differentiation: the chain rule: the derivative of sin(3x) needs the factor 3" in results["s"]["feedback"]


# A gradient whose w component lacks the data points' x factors is the chain rule in that
# component (its values equal the derivative by b: never "wrong_variable" for that).
LOSS_SLIPS = [
    # (case, f, variables, the student's gradient (Python over w, b / x, y), note, phrase)
    ("logistic_one", "-log(1/(1 + exp(-(2*w + b))))", ["w", "b"],
     "[-np.exp(-(2*w + b))/(1 + np.exp(-(2*w + b))), -np.exp(-(2*w + b))/(1 + np.exp(-(2*w + b)))]",
     "chain_rule", "In component 0 (the derivative by w): the chain rule"),
    ("logistic_two", "log(1 + exp(-(2*w + b))) + log(1 + exp(3*w + b))", ["w", "b"],
     "[-1/(1 + np.exp(2*w + b)) + 1/(1 + np.exp(-(3*w + b))), -1/(1 + np.exp(2*w + b)) + 1/(1 + np.exp(-(3*w + b)))]",
     "chain_rule", "in each term of the sum"),
    ("mse_two", "((w*1 + b - 2)**2 + (w*3 + b - 5)**2)/2", ["w", "b"],
     "[(w + b - 2) + (3*w + b - 5), (w + b - 2) + (3*w + b - 5)]",
     "chain_rule", "the derivative of (b + 3w - 5)^2 needs the factor 3 (the derivative of b + 3w - 5)"),
    ("mse_three", "((2*w + b - 1)**2 + (-w + b)**2 + (4*w + b + 1)**2)/3", ["w", "b"],
     "[2*((2*w + b - 1) + (-w + b) + (4*w + b + 1))/3, 2*((2*w + b - 1) + (-w + b) + (4*w + b + 1))/3]",
     "chain_rule", "In component 0 (the derivative by w): the chain rule, in each term of the sum"),
]


@pytest.fixture(scope="module")
def loss_graded(tmp_path_factory):
    from grader.api import check

    root = tmp_path_factory.mktemp("losses")
    tasks = [task(case, "gradient", f, variables=v) for case, f, v, *_ in LOSS_SLIPS]
    tasks.append(task("jac", "jacobian", ["1/(1 + exp(-3*x*y))", "tanh(2*x) + y"], variables=["x", "y"]))
    tasks.append(task("jac_sign", "jacobian", ["x*y", "tanh(x - y)"], variables=["x", "y"]))
    (root / "losses.yaml").write_text(exercise_text(tasks, id="losses"), encoding="utf-8")
    code = "import numpy as np\n\n" + "".join(
        f"def {case}(p):\n    w, b = p\n    return {wrong}\n\n\n" for case, _, _, wrong, *_ in LOSS_SLIPS
    )
    s = "1/(1 + np.exp(-3*x*y))"
    code += (
        f"def jac(p):\n    x, y = p\n    return [[{s}*(1 - {s})*3*y, {s}*(1 - {s})*3*x], [1 - np.tanh(2*x)**2, 1.0]]\n\n\n"
        "def jac_sign(p):\n    x, y = p\n    return [[y, x], [1 + np.tanh(x - y)**2, -(1 - np.tanh(x - y)**2)]]\n"
    )
    (root / "losses.py").write_text(code, encoding="utf-8")
    return by_id(check(root / "losses.py", problems=[root]).to_dict())


@pytest.mark.parametrize("case, f, variables, wrong, note, phrase", LOSS_SLIPS, ids=[r[0] for r in LOSS_SLIPS])
def test_a_loss_gradient_without_its_data_factor_is_the_chain_rule(loss_graded, case, f, variables, wrong, note, phrase):
    result = loss_graded[case]
    assert not result["passed"]
    assert result["mistake"] == note, result["feedback"]
    assert phrase in result["feedback"]
    assert "wrong_variable" not in result["feedback"] and "yours is the derivative by b" not in result["feedback"]


def test_a_jacobian_entry_names_its_place_and_the_missing_factor(loss_graded):
    jac, sign = loss_graded["jac"], loss_graded["jac_sign"]
    assert jac["mistake"] == "chain_rule", jac["feedback"]
    assert "In J[1][0], the derivative of f1 = y + tanh(2x) by x: the chain rule: the derivative of tanh(2x) needs the factor 2" in jac["feedback"]
    assert sign["mistake"] == "trig_sign", sign["feedback"]
    assert "In J[1][0], the derivative of f1 = tanh(x - y) by x: a sign slip: the derivative of tanh(x - y) is 1 - tanh(x - y)^2" in sign["feedback"]
    # the same indexing in the By entries line below
    assert "J[1][0] = ∂f1/∂x is wrong" in jac["feedback"]


def test_wrong_variable_only_for_another_variables_derivative():
    """Values equal to another variable's derivative, and no slip of a rule that gives them."""
    w, b = sympy.symbols("w b", real=True)
    f = sympy.sin(w) + b**2
    slips = mistakes.task_slips("gradient", sympy.Matrix([f]), [w, b], integrate=False)
    names = [s.note for s in slips]
    assert "wrong_variable" in names
    # a rule's slips are tried first: the first named slip is never wrong_variable when a rule gives the values
    mse = sympy.Matrix([((3 * w + b - 5) ** 2 + (w + b - 2) ** 2) / 2])
    slips = mistakes.task_slips("gradient", mse, [w, b], integrate=False)
    first = next(s for s in slips if sympy.simplify(s.expr[0] - sympy.diff(mse[0], b)) == 0)
    assert first.note == "chain_rule"


# -- a right answer is never named ------------------------------------------------------------

x = sympy.Symbol("x", real=True)
ATOMS = [x, 2 * x + 1, x**2 + 1, sympy.Rational(1, 2) * x - 3]
OUTER = [sympy.sin, sympy.cos, sympy.exp, lambda u: u**3, lambda u: sympy.sqrt(u**2 + 1), lambda u: sympy.log(u**2 + 2),
         lambda u: 1 / (u**2 + 1), sympy.tanh, lambda u: 1 / (1 + sympy.exp(-u)), lambda u: sympy.log(1 + sympy.exp(u)),
         lambda u: sympy.log(1 + sympy.exp(-2 * u)), lambda u: sympy.cosh(u)]
DATA = [(1, 2), (3, -1), (-2, 0.5), (0.5, 1)]  # (x_i, y_i) of a loss summed over data points


@st.composite
def functions(draw):
    inner = draw(st.sampled_from(ATOMS))
    first = draw(st.sampled_from(OUTER))(inner)
    second = draw(st.sampled_from(OUTER))(draw(st.sampled_from(ATOMS)))
    how = draw(st.sampled_from(["sum", "product", "quotient", "compose", "alone", "data"]))
    if how == "data":  # a loss summed over data points: outer(x_i * x + y_i) (x the parameter)
        loss = draw(st.sampled_from(OUTER))
        rows = draw(st.lists(st.sampled_from(DATA), min_size=2, max_size=3, unique=True))
        return sympy.Add(*[loss(sympy.nsimplify(a) * x + sympy.nsimplify(c)) for a, c in rows])
    return {
        "sum": first + second, "product": first * second, "quotient": first / (second**2 + 1),
        "compose": draw(st.sampled_from(OUTER[:3]))(first), "alone": first,
    }[how]


FORMS = [lambda e: e, sympy.expand, sympy.factor, sympy.together, lambda e: sympy.expand(sympy.expand_trig(e))]


@settings(max_examples=40, deadline=None)
@given(functions(), st.sampled_from(FORMS))
def test_a_right_derivative_in_any_form_is_never_named(f, form):
    right = sympy.diff(f, x)
    answer = form(right)
    # only what a student can type (expand_trig of tanh(2x + 1) can make 90,000 operations,
    # whose 50-digit check cannot finish, while float rounding makes them differ slightly)
    assume(len(str(answer)) <= MAX_LENGTH)
    result = compare(answer, right, ("x",), domain={"x": (-1.5, 1.5)}, f=f)
    assert result.equal, (f, answer)
    assert result.mistake is None


@settings(max_examples=25, deadline=None)
@given(functions())
def test_no_slip_matches_the_right_values(f):
    """match() never names a slip for values that are the right ones."""
    import numpy as np

    points = np.linspace(-1.4, 1.4, 9) + 0.0123
    right = sympy.diff(f, x)
    lam = sympy.lambdify([x], right, "numpy")
    want = np.asarray(lam(points), dtype=float).reshape(-1, 1) * np.ones((len(points), 1))

    def values_of(expr):
        fn = sympy.lambdify([x], expr, "numpy")
        with np.errstate(all="ignore"):
            try:
                return np.asarray(fn(points), dtype=float).reshape(-1, 1) * np.ones((len(points), 1))
            except (NameError, TypeError, ValueError):
                return None

    def same(a, b):
        return bool(np.all(np.abs(a - b) <= 1e-9 * (1 + np.abs(b))))

    slips = mistakes.task_slips("derivative", sympy.Matrix([f]), [x], integrate=False)
    assert mistakes.match(slips, values_of, want, want, same) is None
    assert mistakes.match(slips, values_of, want * (1 + 1e-13), want, same) is None


RIGHT_FORMS = [  # (f, a right derivative written as students do)
    ("x**2", "x * 2.0"), ("x**2", "2*x"), ("sin(3*x)", "3*cos(3*x)"), ("x*cos(x)", "cos(x) - x*sin(x)"),
    ("exp(2*x)", "2*exp(2*x)"), ("exp(x)", "exp(x)"), ("log(x**2 + 1)", "2*x/(x**2 + 1)"),
    ("(x**2 + 1)/(x - 3)", "(x**2 - 6*x - 1)/(x - 3)**2"), ("x**3 - 2*x", "3*x*x - 2"),
]


def test_right_submissions_in_many_forms_pass_without_a_mistake(tmp_path):
    from grader.api import check

    tasks = [task(f"t{i}", "derivative", f, (-2, 2)) for i, (f, _) in enumerate(RIGHT_FORMS)]
    (tmp_path / "r.yaml").write_text(exercise_text(tasks, id="r"), encoding="utf-8")
    code = PRELUDE + "".join(f"def t{i}(x):\n    return {d}\n\n" for i, (_, d) in enumerate(RIGHT_FORMS))
    (tmp_path / "r.py").write_text(code, encoding="utf-8")
    for result in check(tmp_path / "r.py", problems=[tmp_path]).to_dict()["results"]:
        assert result["passed"] and "mistake" not in result, result


def test_slips_are_named_where_they_apply():
    slips = mistakes.derivative_slips(parse_math("sin(3*x)"), x)
    assert ("chain_rule", "The chain rule: the derivative of sin(3x) needs the factor 3 (the derivative of 3x).") in [
        (s.note, s.sentence) for s in slips
    ]
    assert all(s.note in mistakes.NOTES for s in slips)


def test_the_feedback_doc_gives_every_name_an_example():
    """docs/feedback.md: the whole `mistake` vocabulary, one table row (with an example) each."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "feedback.md").read_text(encoding="utf-8")
    names = set(mistakes.NOTES) | {
        "sign", "returned_f", "second_derivative", "first_derivative", "factor", "constant", "order",
        "transposed", "column_vector", "shape", "calling_convention", "brackets", "decimal",
    }
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    for name in sorted(names):
        row = next((r for r in rows if r.startswith(f"| `{name}` |") or r.startswith(f"| `{name}` (")), None)
        assert row is not None, name
        assert row.count(" | ") >= 3 and row.rstrip().endswith("|"), row  # the slip, an example, the feedback


w_, b_ = sympy.Symbol("w", real=True), sympy.Symbol("b", real=True)


@st.composite
def losses(draw):
    """A loss of (w, b) summed over data points: outer(x_i * w + b - y_i)."""
    outer = draw(st.sampled_from([lambda r: r**2 / 2, lambda r: sympy.log(1 + sympy.exp(-r)), lambda r: 1 / (1 + sympy.exp(-r)),
                                  sympy.tanh, lambda r: sympy.log(1 + sympy.exp(r))]))
    rows = draw(st.lists(st.sampled_from(DATA), min_size=1, max_size=3, unique=True))
    return sympy.Add(*[outer(sympy.nsimplify(a) * w_ + b_ - sympy.nsimplify(c)) for a, c in rows])


@settings(max_examples=12, deadline=None)
@given(losses())
def test_a_right_gradient_is_never_named(f):
    """No slip (chain rule in a component, wrong_variable ...) is named for the right gradient."""
    import numpy as np

    points = [(0.31 + 0.17 * i, -0.42 + 0.23 * i) for i in range(7)]
    grad = sympy.Matrix([sympy.diff(f, v) for v in (w_, b_)])

    def values_of(expr):
        fn = sympy.lambdify([w_, b_], list(expr), "numpy")
        with np.errstate(all="ignore"):
            return np.array([np.asarray(fn(*p), dtype=float).reshape(-1) for p in points])

    want = values_of(grad)

    def same(a, b):
        return bool(np.all(np.abs(a - b) <= 1e-9 * (1 + np.abs(b))))

    slips = mistakes.task_slips("gradient", sympy.Matrix([f]), [w_, b_], integrate=False)
    assert mistakes.match(slips, values_of, want, want, same) is None

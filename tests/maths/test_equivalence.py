"""grader.maths.equivalence: typed formulas against keys, counterexamples, mistakes, time limits."""

from __future__ import annotations

import re
import threading
import time

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.maths.equivalence import Counterexample, TimeLimit, attempt, compare, evaluate, time_limit
from grader.maths.parser import parse_math, read_math, symbol

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


def typed(text, variables=("x",)):
    return parse_math(text, symbols=variables)


def key(text):
    return parse_math(text)


def verdict(answer, expected, variables=("x",), **options):
    return compare(typed(answer, variables), key(expected), variables, **options)


# Every typing convention of the spec, each against a key written the SymPy way.
TYPED = [
    ("3x^2", "3*x**2"),
    ("2x", "2*x"),
    ("6x(x^2+1)^2", "6*x*(x**2 + 1)**2"),
    ("e^(2x)", "exp(2*x)"),
    ("2e^(2x)", "2*exp(2*x)"),
    ("e^x", "exp(x)"),
    ("ln x", "log(x)"),
    ("ln(x)", "log(x)"),
    ("log(x)", "log(x)"),
    ("sqrt(x)", "x**(1/2)"),
    ("1/(2 sqrt(x))", "1/(2*sqrt(x))"),
    ("sec(x)^2", "1/cos(x)**2"),
    ("sec^2 x", "tan(x)**2 + 1"),
    ("csc(x)", "1/sin(x)"),
    ("cosec x", "1/sin(x)"),
    ("-cosec(x) cot(x)", "-cos(x)/sin(x)**2"),
    ("cot(x)", "cos(x)/sin(x)"),
    ("sinh(x)", "(exp(x) - exp(-x))/2"),
    ("cosh x", "(exp(x) + exp(-x))/2"),
    ("tanh(x)", "sinh(x)/cosh(x)"),
    ("sech(x)^2", "1 - tanh(x)**2"),
    ("pi x", "pi*x"),
    ("0.5x", "x/2"),
    ("x/2", "0.5*x"),
    ("1.25x^2", "5*x**2/4"),
    ("2 sin x cos x", "sin(2*x)"),
    ("abs(x)", "sqrt(x**2)"),
    ("|x|", "abs(x)"),
    ("sigmoid(x)(1 - sigmoid(x))", "exp(-x)/(1 + exp(-x))**2"),
]


@pytest.mark.parametrize("answer, expected", TYPED)
def test_typed_forms_are_equivalent(answer, expected):
    result = verdict(answer, expected)
    assert result.equal, result.feedback()
    assert result.points >= 6


@pytest.mark.parametrize(
    "answer, expected",
    [("x", "sqrt(x**2)"), ("x^2/x + 1e-9", "x"), ("2x", "x^2"), ("sin(x)", "cos(x)"), ("e^(2x)", "2*exp(2*x)")],
)
def test_different_functions_are_different(answer, expected):
    assert not verdict(answer, expected).equal


def test_degree_13_polynomial_off_by_one_in_the_constant_term():
    poly = " + ".join(f"{k + 1}*x^{k}" for k in range(14))  # 1 + 2x + ... + 14x^13
    assert verdict(poly, poly).equal
    wrong = verdict(poly + " + 1", poly)
    assert not wrong.equal
    assert wrong.counterexample.difference == pytest.approx(1.0)
    assert "(they differ by 1)" in wrong.feedback()


def test_decimals_are_exact_033_is_not_one_third():
    result = compare(parse_math("0.33", symbols=()), key("1/3"), ())
    assert not result.equal
    assert result.feedback() == (
        "Your answer is 0.33, the expected value is 0.333333. "
        "Type exact values such as 1/3 or sqrt(2)/2 rather than rounded decimals."
    )
    assert compare(parse_math("0.5", symbols=()), key("1/2"), ()).equal


def test_a_decimal_too_close_for_floats_is_still_told_apart():
    result = verdict("0.3333333333333333 x", "x/3")
    assert not result.equal
    assert "they differ by" in result.feedback()


def test_equal_on_the_keys_domain_only():
    # atan(x) + atan(1/x) is pi/2 for x > 0 and -pi/2 for x < 0 (SymPy's equals says False)
    assert verdict("atan(x) + atan(1/x)", "pi/2", domain={"x": (0, 10)}).equal
    everywhere = verdict("atan(x) + atan(1/x)", "pi/2")
    assert not everywhere.equal
    assert everywhere.counterexample.point[0] < 0


def test_the_domain_rule_same_values_on_the_same_real_domain():
    # issue 10: one rule, both ways. ln|x| is real for x < 0 where ln x is not: not equal.
    assert verdict("1/(2 sqrt(x))", "1/(2*sqrt(x))").equal
    wider = verdict("ln(abs(x))", "log(x)")
    assert not wider.equal
    assert re.fullmatch(
        r"At x = -[\d.]+ your answer is -?[\d.]+, but the expected answer is not a real number there: "
        r"your answer is defined where it should not be \(the same formula must have the same domain\)\.",
        wider.feedback(),
    ), wider.feedback()
    assert not verdict("ln x", "ln|x|").equal
    assert verdict("x/x", "1").equal  # up to isolated points


@pytest.mark.parametrize("answer", ["sqrt(x)^2", "e^(ln x)", "sqrt(x) sqrt(x)", "(x^(1/4))^4"])
def test_simplification_does_not_widen_a_domain(answer):
    result = compare(read_math(answer, symbols=["x"], answer=True), key("x"), ["x"])
    assert not result.equal
    assert " is not a real number at x = -" in result.feedback()
    with_domain = compare(read_math(answer, symbols=["x"], answer=True), key("x"), ["x"], domain={"x": (0, 5)})
    assert with_domain.equal


def test_answer_must_be_defined_where_the_key_is():
    result = verdict("1/x + ln(x) - ln|x|", "1/x")  # right for x > 0 only
    assert not result.equal
    assert re.fullmatch(
        r"log\(x\) is not a real number at x = -[\d.]+, so your answer is undefined there; the expected value is -[\d.]+\.",
        result.feedback(),
    ), result.feedback()


COUNTEREXAMPLE = re.compile(r"At x = (-?[\d.]+) your answer is (-?[\d.e+-]+), the expected value is (-?[\d.e+-]+)\.")


def test_counterexample_text_names_the_point_and_both_values():
    result = verdict("3x", "3*x**2")
    match = COUNTEREXAMPLE.match(result.feedback())
    assert match, result.feedback()
    x, got, want = map(float, match.groups())
    assert got == pytest.approx(3 * x, rel=1e-5) and want == pytest.approx(3 * x * x, rel=1e-5)


def test_counterexample_format():
    c = Counterexample(("x",), (0.7,), 1.2, 0.9)
    assert c.text() == "At x = 0.7 your answer is 1.2, the expected value is 0.9."
    two = Counterexample(("x", "y"), (0.5, 1.5), None, 2.0)
    assert two.text() == "At (x, y) = (0.5, 1.5) your answer is undefined (not a real number); the expected value is 2."
    assert Counterexample((), (), 0.33, 1 / 3).text() == "Your answer is 0.33, the expected value is 0.333333."


def test_counterexamples_are_reproducible():
    one = verdict("3x", "3*x**2", seed=("quiz", "q", "alice")).counterexample
    two = verdict("3x", "3*x**2", seed=("quiz", "q", "alice")).counterexample
    assert one == two


@pytest.mark.parametrize(
    "answer, expected, f, note, sentence",
    [
        ("-2x", "2*x", None, "sign", "The sign is flipped: your answer is minus the expected one."),
        ("6x", "2*x", None, "factor", "Your answer is 3 times the expected one: a constant factor is off."),
        ("x", "2*x", None, "factor", "Your answer is 1/2 times the expected one: a constant factor is off."),
        ("2x + 1", "2*x", None, "constant", "Your answer is the expected one plus 1: it is off by a constant."),
        ("x^4/4", "x**3", "x**4/4", "returned_f", "You typed f itself, not its derivative."),
        (
            "x^5/20 + 7",
            "x**3",
            "x**4/4",
            "integrated",
            "You integrated instead of differentiating: the derivative of your answer is f itself.",
        ),
        ("6x", "3*x**2", "x**3", "second_derivative", "You typed the second derivative f''; the question asks for f'."),
        (
            "3(x^2+1)^2",
            "6*x*(x**2+1)**2",
            "(x**2+1)**3",
            "chain_rule",
            "The chain rule: the derivative of (x^2 + 1)^3 needs the factor 2x (the derivative of x^2 + 1).",
        ),
        ("cos(x)", "-sin(x)*(1)", "cos(x)", "returned_f", "You typed f itself, not its derivative."),
        ("3x^3", "3*x**2", "x**3", "power_rule", "The power rule: the derivative of x^3 is 3x^2: lower the power by one."),
        ("cos(x)", "-x*sin(x) + cos(x)", "x*cos(x)", "product_rule", "The product rule: the derivative of x*cos(x) is u'v + uv' with u = x, v = cos(x); yours has only u'v."),
    ],
)
def test_mistakes_are_named(answer, expected, f, note, sentence):
    result = verdict(answer, expected, f=key(f) if f else None)
    assert not result.equal
    assert result.mistake == (note, sentence)
    assert result.feedback().splitlines()[-1] == sentence


def test_no_mistake_claimed_when_none_fits():
    result = verdict("x^3 + sin(x)", "2*x", f=key("x**2"))
    assert not result.equal and result.mistake is None


def test_e_to_the_x_is_its_own_derivative_no_false_mistake():
    # for f = e^x, f' = f: typing e^x is right, not "f itself"
    assert verdict("e^x", "exp(x)", f=key("exp(x)")).equal


def test_two_variables():
    assert verdict("2xy", "2*x*y", ("x", "y")).equal
    wrong = verdict("2x", "2*x*y", ("x", "y"))
    assert wrong.feedback().startswith("At (x, y) = (")


def test_no_valid_points_is_an_authoring_problem():
    result = verdict("x", "sqrt(-x**2 - 1) + x")
    assert not result.equal and result.undecided.startswith("The expected answer is a finite real number at only 0 of")


def test_overflowing_answer_is_reported_as_too_large():
    result = verdict("exp(exp(exp(exp(x))))", "3*x**2")
    assert "too large to compute (overflow)" in result.feedback()


def test_power_tower_is_fast_and_wrong():
    start = time.process_time()
    result = verdict("x^x^x^x^x^x^x^x", "x")
    assert not result.equal
    assert time.process_time() - start < 2


def test_evaluate_gives_nan_outside_the_real_domain():
    values = evaluate(key("log(x)"), [symbol("x")], [(sympy.Rational(1, 2),), (sympy.Rational(-1, 2),)])
    assert values[0] == pytest.approx(-0.693147, rel=1e-5)
    assert values[1] != values[1]  # NaN


# --------------------------------------------------------------------------- time limits


def _spin():
    while True:
        pass


def test_time_limit_interrupts_a_busy_step():
    start = time.process_time()
    with pytest.raises(TimeLimit), time_limit(0.05):
        _spin()
    assert time.process_time() - start < 1


def test_attempt_turns_a_timeout_into_the_default():
    start = time.process_time()
    assert attempt(_spin, 0.05, default="timed out") == "timed out"
    assert time.process_time() - start < 1


def test_attempt_returns_the_value_and_swallows_sympy_failures():
    assert attempt(lambda: 42) == 42
    assert attempt(lambda: 1 / 0, default="nope") == "nope"


def test_nested_limits_restore_the_outer_one():
    with pytest.raises(TimeLimit), time_limit(0.2):
        assert attempt(lambda: 7, 0.05) == 7
        _spin()  # the outer limit still fires


def test_outside_the_main_thread_there_is_no_limit_and_no_error():
    out = {}

    def worker():
        with time_limit(0.01):
            time.sleep(0.05)
            out["done"] = True

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(5)
    assert out == {"done": True}


# --------------------------------------------------------------------------- properties

coefficients = st.lists(st.integers(-20, 20), min_size=1, max_size=8)


def _poly(coeffs):
    x = symbol("x")
    return sum(c * x**k for k, c in enumerate(coeffs))


@settings(max_examples=25, deadline=None)
@given(coefficients, st.integers(1, 5))
def test_a_polynomial_equals_its_expansion_and_not_a_shift(coeffs, shift):
    p = _poly(coeffs)
    x = symbol("x")
    assert compare(sympy.expand(p * (x + 1)), p * (x + 1), ("x",)).equal
    assert not compare(p + shift, p, ("x",)).equal


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 9), st.integers(-5, 5).filter(bool))
def test_scaled_answers_are_named_as_a_constant_factor(n, factor):
    x = symbol("x")
    expected = n * x ** (n - 1) + x
    result = compare(factor * expected, expected, ("x",))
    if factor == 1:
        assert result.equal
    elif factor == -1:
        assert result.mistake[0] == "sign"
    else:
        assert result.mistake[0] == "factor"


# --------------------------------------------------------------------------- issue 10


@pytest.mark.parametrize(
    "answer, expected, where",
    [
        ("x^2 + e^(x-200)", "x^2", "At x = 400.37 "),
        ("cos(x) + relu(x-1000)", "cos(x)", "At x = 2000.37 "),
        ("e^(e^x) + relu(x-1000)", "e^(e^x)", "are too large to compute there, but they differ by 1000.37."),
        ("x^2 + e^(-200)", "x^2", "they differ by 1.38e-87"),
        ("e^(50x)(1 + 10^-12)", "e^(50x)", "they differ by"),
    ],
)
def test_differences_far_out_or_tiny_are_found_on_every_seed(answer, expected, where):
    for seed in range(12):
        result = verdict(answer, expected, seed=("quiz", f"q{seed}"))
        assert not result.equal, (seed, result.feedback())
        assert where in result.feedback()


@pytest.mark.parametrize(
    "answer, expected",
    [("x e^x - e^x", "(x-1)*exp(x)"), ("sin(x)^2 + cos(x)^2 + e^(e^x)", "1 + exp(exp(x))"), ("6x^5 + 12x^3 + 6x", "6*x*(x**2+1)**2")],
)
def test_equal_forms_are_confirmed_exactly(answer, expected):
    for seed in range(4):
        assert verdict(answer, expected, seed=("quiz", f"q{seed}")).equal


def test_a_key_real_only_far_from_zero_is_sampled_where_it_is_real():
    result = verdict("1/(2 sqrt(t-25))", "1/(2*sqrt(t - 25))", variables=("t",))
    assert result.equal and not result.undecided
    assert not verdict("1/(2 sqrt(t+25))", "1/(2*sqrt(t - 25))", variables=("t",)).equal


def test_a_constant_key_accepts_the_variables_it_is_given():
    assert verdict("cos(x)^2 + sin(x)^2", "1").equal


def test_decimal_for_an_exact_constant_is_named():
    result = compare(read_math("3.14159265x", symbols=["x"], answer=True), key("pi*x"), ["x"])
    assert not result.equal
    assert result.feedback().splitlines()[-1] == "3.14159265 is not exactly pi: type pi."
    assert result.extra["mistake"] == "decimal"


def test_a_time_limit_counts_cpu_time_so_waiting_on_a_busy_machine_does_not_use_it_up():
    """Seconds the process spends not running (another process has the core) are not work:
    a loaded machine must not turn a right answer into an undecided one."""
    with time_limit(0.05):
        time.sleep(0.3)  # off the CPU, as when other processes hold the cores
        done = True
    assert done
    with pytest.raises(TimeLimit), time_limit(0.05):
        _spin()

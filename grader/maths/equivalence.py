"""Is a typed formula the same function as the key? Decide numerically, confirm precisely.

1. Sample seeded points in the real domain of the key: exact rationals (so the same
   point serves both checks) on a grid of "nice" decimals, away from integers and
   multiples of pi; keep the points where the key is a finite real number.
2. Compare in float64 there; the answer must be finite wherever the key is.
3. Settle what floats cannot tell at high precision (``evalf(50)`` at the exact
   points): a float mismatch that is only rounding is forgiven, and agreement is
   confirmed at the largest points (a degree-13 polynomial off by one in its
   constant term agrees with the key to 1e-13 relative in float64).

Every symbolic step runs under a time limit (``time_limit``); a timeout means "not
confirmed", never a hang. A wrong answer gets a counterexample and, where the
values show it, the mistake (sign, constant factor, off by a constant, f itself,
f'' or an antiderivative of f typed for f').
"""

from __future__ import annotations

import math
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import sympy

from grader.maths.numerics import fmt, lambdify
from grader.maths.parse import format_math, symbol
from grader.maths.seeds import rng

SAMPLES = 24  # float check points wanted
MIN_POINTS = 6  # fewer valid points than this: the key's domain must be given
CANDIDATES = 160
CONFIRM = 3  # high-precision confirmations of an agreement
RECHECK = 6  # float mismatches re-examined at high precision before trusting floats
DIGITS = 50
RTOL, ATOL = 1e-9, 1e-12
PRECISE_RTOL = 1e-30
STEP_SECONDS = 1.0  # one symbolic step
BUDGET_SECONDS = 4.0  # all symbolic steps of one comparison
MAX_TOWER = 3  # nested non-constant powers beyond which high precision is not tried
# Without a domain, each variable is drawn from these (low, high, share, grid step):
RANGES = ((-3, 3, 0.5, 100), (0, 1, 0.2, 100), (-20, 20, 0.3, 10))


class TimeLimit(BaseException):
    """Raised inside a step that ran out of time (BaseException: SymPy's ``except Exception`` won't eat it)."""


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt the block after ``seconds`` with TimeLimit (main thread, POSIX); else no limit."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    outer_delay, _ = signal.getitimer(signal.ITIMER_REAL)

    def expire(signum, frame):
        raise TimeLimit()

    previous = signal.signal(signal.SIGALRM, expire)
    started = _clock()
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer_delay) if outer_delay else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:  # give an enclosing limit its remaining time back
            signal.setitimer(signal.ITIMER_REAL, max(1e-4, outer_delay - (_clock() - started)))


def _clock() -> float:
    import time

    return time.monotonic()


def attempt(compute, seconds: float = STEP_SECONDS, default=None):
    """``compute()`` under a time limit; ``default`` on timeout or any SymPy failure."""
    try:
        with time_limit(seconds):
            return compute()
    except TimeLimit:
        return default
    except (ArithmeticError, ValueError, TypeError, AttributeError, RecursionError, NotImplementedError):
        return default


@dataclass(frozen=True)
class Counterexample:
    variables: tuple[str, ...]
    point: tuple[float, ...]
    got: float | None  # None: the answer is undefined (not a finite real number) there
    want: float
    difference: float | None = None  # got - want, from the exact values when floats round it away
    decimals: bool = False  # the answer holds typed decimals (0.33): suggest exact values
    huge: bool = False  # the answer is a real number too large for float64

    def where(self) -> str:
        if not self.variables:
            return ""
        if len(self.variables) == 1:
            return f"at {self.variables[0]} = {fmt(self.point[0])} "
        names, values = ", ".join(self.variables), ", ".join(fmt(v) for v in self.point)
        return f"at ({names}) = ({values}) "

    def text(self) -> str:
        where = self.where()
        lead = where[0].upper() + where[1:] if where else ""
        if self.got is None:
            what = "too large to compute (overflow)" if self.huge else "undefined (not a real number)"
            return f"{lead}your answer is {what}; the expected value is {fmt(self.want)}."
        text = f"{lead}your answer is {fmt(self.got)}, the expected value is {fmt(self.want)}."
        if fmt(self.got) == fmt(self.want):
            difference = self.got - self.want if self.difference is None else self.difference
            text = text[:-1] + f" (they differ by {difference:.3g})."
        if self.decimals:
            text += " Type exact values such as 1/3 or sqrt(2)/2 rather than rounded decimals."
        return text[0].upper() + text[1:]


@dataclass
class Verdict:
    equal: bool
    points: int = 0  # float check points used
    confirmed: int = 0  # high-precision agreements
    counterexample: Counterexample | None = None
    mistake: tuple[str, str] | None = None  # (note, sentence)
    undecided: str = ""  # why the comparison could not be made (an authoring problem)
    extra: dict = field(default_factory=dict)

    def feedback(self) -> str:
        if self.undecided:
            return self.undecided
        if self.equal:
            how = f"checked at {self.points} points" if self.points else "checked"
            if self.confirmed:
                how += f", {self.confirmed} of them at {DIGITS} digits"
            return f"Equivalent to the expected answer ({how})."
        lines = [self.counterexample.text() if self.counterexample else "Not equivalent to the expected answer."]
        if self.mistake:
            lines.append(self.mistake[1])
        return "\n".join(lines)


def compare(
    answer: sympy.Expr,
    key: sympy.Expr,
    variables: Sequence[str] = (),
    *,
    domain: dict[str, tuple[float, float]] | None = None,
    f: sympy.Expr | None = None,
    seed: Sequence[object] = (),
    samples: int = SAMPLES,
) -> Verdict:
    """Decide whether ``answer`` equals ``key`` as real functions of ``variables`` on ``domain``.

    ``f`` (optional) is the function the question differentiates, for naming mistakes.
    """
    names = tuple(variables) or tuple(sorted(s.name for s in key.free_symbols | answer.free_symbols))
    symbols = [symbol(n) for n in names]
    pts = _candidates(names, domain or {}, seed)
    key_values = evaluate(key, symbols, pts)
    valid = np.flatnonzero(np.isfinite(key_values))[:samples]
    if len(valid) < min(MIN_POINTS, len(pts)):
        return Verdict(False, undecided=_too_few(names, len(valid), len(pts)), extra={"valid_points": len(valid), "sampled": len(pts)})
    pts, key_values = [pts[i] for i in valid], key_values[valid]
    got = evaluate(answer, symbols, pts)
    budget = _Budget(BUDGET_SECONDS)
    verdict = _decide(answer, key, symbols, pts, got, key_values, budget)
    verdict.points = len(pts)
    if not verdict.equal and not (verdict.counterexample and verdict.counterexample.decimals):
        verdict.mistake = diagnose(answer, key, symbols, pts, got, key_values, f)
        if verdict.mistake:
            verdict.extra["mistake"] = verdict.mistake[0]
    return verdict


def _too_few(names, valid, total) -> str:
    where = ", ".join(names) or "the formula"
    return (
        f"The expected answer is a finite real number at only {valid} of {total} sample points of {where}; "
        "the question needs a `domain:` where it is defined. Please tell your instructor."
    )


class _Budget:
    def __init__(self, seconds):
        self.deadline = _clock() + seconds

    def left(self) -> float:
        return max(0.0, self.deadline - _clock())


def _decide(answer, key, symbols, pts, got, want, budget) -> Verdict:
    bad = ~_close(got, want)
    for rechecked, i in enumerate(sorted(np.flatnonzero(bad), key=lambda i: _readable(pts[i]))):
        same = _precisely_equal(answer, key, symbols, pts[i], budget) if rechecked < RECHECK else None
        if same is not True:
            return Verdict(False, counterexample=_counterexample(answer, key, symbols, pts[i], got[i], want[i], budget))
    confirmed = 0  # every float mismatch was rounding; now confirm agreement where floats are weakest
    for i in sorted(range(len(pts)), key=lambda i: -_size(pts[i]))[:CONFIRM]:
        same = _precisely_equal(answer, key, symbols, pts[i], budget)
        if same is False:
            return Verdict(False, counterexample=_counterexample(answer, key, symbols, pts[i], got[i], want[i], budget))
        confirmed += same is True
    return Verdict(True, confirmed=confirmed)


def _counterexample(answer, key, symbols, point, got, want, budget) -> Counterexample:
    exact_got, exact_want = _precise(answer, symbols, point, budget), _precise(key, symbols, point, budget)
    difference = float(exact_got - exact_want) if exact_got is not None and exact_want is not None else None
    if exact_got is not None:
        got = float(exact_got)
    huge = bool(np.isinf(got)) or (exact_got is None and _tower(answer) > MAX_TOWER)
    value = float(got) if np.isfinite(got) else None
    decimals = _typed_decimals(answer) and exact_want is not None and exact_got is not None and (
        abs(exact_got - exact_want) <= 0.05 * abs(exact_want)
    )
    names = tuple(s.name for s in symbols)
    return Counterexample(names, _floats(point), value, float(want), difference, decimals, huge)


def _typed_decimals(expr) -> bool:
    """The expression holds a decimal such as 0.33 (read exactly as 33/100)."""
    return any(r.q > 1 and 10 ** len(str(r.q)) // 10 == r.q for r in expr.atoms(sympy.Rational))


def _readable(point) -> float:
    """Order counterexamples: coordinates of moderate size (near 1 on a log scale) read best."""
    sizes = [abs(float(v)) for v in point] or [1.0]
    return max(abs(math.log(s)) if s > 0 else math.inf for s in sizes)


def _size(point) -> float:
    return max((abs(float(v)) for v in point), default=0.0)


def _close(got, want) -> np.ndarray:
    scale = ATOL * (1 + float(np.max(np.abs(want)))) if want.size else ATOL
    with np.errstate(all="ignore"):
        ok = np.abs(got - want) <= scale + RTOL * np.maximum(np.abs(got), np.abs(want))
    return ok & np.isfinite(got)


def _floats(point) -> tuple[float, ...]:
    return tuple(float(v) for v in point)


# --------------------------------------------------------------------------- points


def _candidates(names, domain, seed) -> list[tuple[sympy.Rational, ...]]:
    """CANDIDATES points as tuples of exact rationals, seeded, clear of special values."""
    generator = rng("equivalence", *seed)
    if not names:
        return [()]
    columns = [_column(generator, domain.get(n)) for n in names]
    return list(zip(*columns))


def _column(generator, bounds) -> list[sympy.Rational]:
    if bounds is not None:
        lo, hi = map(float, bounds)
        return _grid_draws(generator, lo, hi, _grid(hi - lo), CANDIDATES)
    out = []
    for lo, hi, share, per_unit in RANGES:
        out += _grid_draws(generator, lo, hi, per_unit, int(round(CANDIDATES * share)))
    order = generator.permutation(len(out))
    return [out[i] for i in order]


def _grid(width: float) -> int:
    """Grid points per unit: about 200 or more across the interval, a power of ten."""
    return 10 ** max(1, math.ceil(math.log10(200 / width))) if width > 0 else 100


def _grid_draws(generator, lo, hi, per_unit, count) -> list[sympy.Rational]:
    first, last = math.floor(lo * per_unit) + 1, math.ceil(hi * per_unit) - 1
    if last < first:
        return [sympy.Rational(lo + hi) / 2] * count
    gap = min(0.05, 0.02 * (hi - lo))
    out = []
    for _ in range(20 * count):
        if len(out) == count:
            break
        k = int(generator.integers(first, last + 1))
        if not _near_special(k / per_unit, gap):
            out.append(sympy.Rational(k, per_unit))
    while len(out) < count:  # an interval too narrow to avoid every special value
        out.append(sympy.Rational(int(generator.integers(first, last + 1)), per_unit))
    return out


def _near_special(value: float, gap: float) -> bool:
    return abs(value - round(value)) < gap or abs(value / math.pi - round(value / math.pi)) * math.pi < gap


# --------------------------------------------------------------------------- evaluation


def evaluate(expr: sympy.Expr, symbols, pts) -> np.ndarray:
    """float64 values at the points; NaN where not a finite real number."""
    n = len(pts)
    if not symbols:
        value = _precise(expr, symbols, (), _Budget(STEP_SECONDS))
        return np.full(n, float(value) if value is not None and _finite(value) else np.nan)
    columns = [np.array([float(p[j]) for p in pts]) for j in range(len(symbols))]
    with np.errstate(all="ignore"):
        try:
            values = _as_floats(lambdify(symbols, expr)(*columns), n)
        except Exception:  # a function NumPy lacks, or an odd expression: point by point
            values = _as_floats([_point_value(expr, symbols, p) for p in pts], n)
    return np.where(np.isfinite(values), values, np.nan)


def _as_floats(raw, n) -> np.ndarray:
    """n float64 values from what a lambdified function returned (NaN where not real, inf where huge)."""
    try:
        values = np.broadcast_to(np.asarray(raw), (n,))
        if values.dtype == object:
            raise TypeError
    except (TypeError, ValueError, OverflowError):
        items = list(np.broadcast_to(np.asarray(raw, dtype=object), (n,)))
        values = np.array([_one_float(v) for v in items], dtype=complex)
    if np.iscomplexobj(values):
        values = np.where(np.abs(values.imag) <= 1e-12 * (1 + np.abs(values.real)), values.real, np.nan)
    return np.asarray(values, dtype=float)


def _one_float(value) -> complex:
    try:
        return complex(value)
    except OverflowError:
        return complex(math.inf)
    except (TypeError, ValueError):
        return complex(math.nan)


def _point_value(expr, symbols, point) -> complex:
    value = attempt(lambda: complex(expr.evalf(17, subs=dict(zip(symbols, point)))), default=None)
    return np.nan if value is None else value


def _finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (OverflowError, TypeError, ValueError):
        return False


def _precise(expr, symbols, point, budget) -> sympy.Float | None:
    """The real value at an exact point to DIGITS digits; None if undefined, complex or out of time."""
    if _tower(expr) > MAX_TOWER or budget.left() <= 0:
        return None

    def compute():
        value = expr.xreplace(dict(zip(symbols, point))).evalf(DIGITS)
        if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or not value.is_number:
            return None
        real, imag = value.as_real_imag()
        if abs(imag) > sympy.Float(10) ** (15 - DIGITS) * max(1, abs(real)):
            return None
        return real

    return attempt(compute, min(STEP_SECONDS, budget.left()))


def _precisely_equal(answer, key, symbols, point, budget) -> bool | None:
    """True/False at DIGITS digits; None when it cannot be told (time, undefined)."""
    want = _precise(key, symbols, point, budget)
    if want is None:
        return None
    got = _precise(answer, symbols, point, budget)
    if got is None:
        return None if _tower(answer) > MAX_TOWER or budget.left() <= 0 else False
    size = max(1, abs(got), abs(want))
    return bool(abs(got - want) <= PRECISE_RTOL * size)


def _tower(expr) -> int:
    """How deeply powers with variable exponents nest (x^x^x^x is 3)."""
    if not expr.args:
        return 0
    inner = max(_tower(a) for a in expr.args)
    if isinstance(expr, sympy.Pow) and expr.exp.free_symbols or isinstance(expr, sympy.exp):
        return inner + 1
    return inner


# --------------------------------------------------------------------------- mistakes


def diagnose(answer, key, symbols, pts, got, want, f=None) -> tuple[str, str] | None:
    """(note, sentence) naming a recognisable mistake from the values, or None."""
    if not np.all(np.isfinite(got)):
        return None
    scale = 1e-9 * (1 + float(np.max(np.abs(want))))
    if np.max(np.abs(want)) > scale and _same(got, -want, scale):
        return ("sign", "The sign is flipped: your answer is minus the expected one.")
    for note, sentence, values in _alternatives(answer, key, symbols, pts, f):
        if not _same(values, want, scale) and _same(got, values, scale):
            return (note, sentence)
    factor = _factor(got, want, scale)
    if factor is not None:
        return ("factor", f"Your answer is {_nice(factor)} times the expected one: a constant factor is off.")
    offset = got - want
    if np.all(np.abs(offset - offset[0]) <= scale) and abs(offset[0]) > scale:
        return ("constant", f"Your answer is the expected one plus {_nice(offset[0])}: it is off by a constant.")
    return None


def _alternatives(answer, key, symbols, pts, f):
    """(note, sentence, values) for what else the student may have typed for f'."""
    if f is None or len(symbols) != 1:
        return
    x = symbols[0]
    fp = attempt(lambda: sympy.diff(f, x))
    f_values = evaluate(f, symbols, pts)
    if fp is None or not _same(evaluate(fp, symbols, pts), evaluate(key, symbols, pts), 1e-9):
        return  # the question does not ask for f'
    yield "returned_f", "You typed f itself, not its derivative.", f_values
    fpp = attempt(lambda: sympy.diff(fp, x))
    if fpp is not None:
        yield "second_derivative", "You typed the second derivative f''; the question asks for f'.", evaluate(fpp, symbols, pts)
    slope = attempt(lambda: sympy.diff(answer, x))
    if slope is not None and _same(evaluate(slope, symbols, pts), f_values, 1e-7):
        # an antiderivative of f: the answer's own values are the tell-tale
        yield (
            "integrated",
            "You integrated instead of differentiating: the derivative of your answer is f itself.",
            evaluate(answer, symbols, pts),
        )
    for note, sentence, expr in attempt(lambda: list(_slips(f, fp, x)), default=[]):
        yield note, sentence, evaluate(expr, symbols, pts)


def _slips(f, fp, x):
    """Wrong derivatives a "buggy differentiator" makes: (note, sentence, expression)."""
    coeff, core = f.as_coeff_Mul()
    if isinstance(core, sympy.Pow) and core.base == x and not core.exp.has(x):
        n = core.exp
        yield "power_rule", f"Power rule: d/dx x^n = n x^(n-1); lower the power by one (here to {format_math(n - 1)}).", coeff * n * x**n
        yield "power_rule", "Power rule: d/dx x^n = n x^(n-1); the factor n is missing.", coeff * x ** (n - 1)
    inner = _inner(core, x)
    if inner is not None:
        dinner = sympy.diff(inner, x)
        if dinner.has(x) or dinner != 1:
            yield (
                "chain_rule",
                f"Chain rule: multiply by the derivative of the inside, d/dx ({format_math(inner)}) = {format_math(dinner)}.",
                sympy.cancel(fp / dinner),
            )
    factors = [a for a in core.as_ordered_factors() if a.has(x)] if isinstance(core, sympy.Mul) else []
    if len(factors) == 2:
        u, v = factors
        du, dv = sympy.diff(u, x), sympy.diff(v, x)
        rule = "Product rule: (uv)' = u'v + uv'"
        yield "product_rule", f"{rule}, not u'v'.", coeff * du * dv
        yield "product_rule", f"{rule}; your answer has only one of the two terms.", coeff * du * v
        yield "product_rule", f"{rule}; your answer has only one of the two terms.", coeff * u * dv


def _inner(core, x):
    """h in g(h(x)) when f's outermost operation is a function of something other than x."""
    if isinstance(core, sympy.Pow):
        if not core.exp.has(x) and core.base.has(x) and core.base != x:
            return core.base
        if not core.base.has(x) and core.exp.has(x) and core.exp != x:
            return core.exp
        return None
    if isinstance(core, sympy.Function) and len(core.args) == 1 and core.args[0].has(x) and core.args[0] != x:
        return core.args[0]
    return None


def _same(a, b, atol, rtol=1e-7) -> bool:
    with np.errstate(all="ignore"):
        return bool(
            a.shape == b.shape
            and np.all(np.isfinite(a) & np.isfinite(b))
            and np.all(np.abs(a - b) <= atol + rtol * np.maximum(np.abs(a), np.abs(b)))
        )


def _factor(got, want, scale):
    mask = np.abs(want) > scale
    if not mask.any():
        return None
    c = float(np.median(got[mask] / want[mask]))
    if abs(c) < 1e-9 or abs(c - 1) < 1e-6 or abs(c + 1) < 1e-6:
        return None
    return c if _same(got, c * want, scale) else None


def _nice(value: float) -> str:
    """A value as a short fraction when it is one (1/2, -3), else 6 digits."""
    frac = sympy.nsimplify(value, rational=True, tolerance=1e-9)
    if isinstance(frac, sympy.Rational) and frac.q <= 12 and abs(frac.p) < 1000:
        return format_math(frac)
    return fmt(value)

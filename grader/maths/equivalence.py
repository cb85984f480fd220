"""Is a typed formula the same function as the key? Decide numerically, confirm exactly.

The rule: two formulas are equal when they have the same real values on the same real
domain, up to isolated points (``grader.maths.domains`` keeps the domain SymPy's
simplification drops: ``sqrt(x)^2`` is not ``x``).

1. Sample seeded points in the real domain of the key: exact rationals (so the same
   point serves both checks) on a grid of "nice" decimals, away from integers and
   multiples of pi; keep the points where the key is a finite real number (searching
   wider when the key is real only far from 0).
2. Compare in float64 there; the answer must be real wherever the key is, and not real
   where the key is not.
3. Settle what floats cannot tell at high precision (``evalf(50)`` at the exact
   points): a float mismatch that is only rounding is forgiven, and agreement is
   confirmed at the largest points (a degree-13 polynomial off by one in its
   constant term agrees with the key to 1e-13 relative in float64).
4. Confirm exactly: the difference is zero as built or after ``simplify``; SymPy proves it
   nonzero (``e^(50x)/10^12``): not equal; else check at 50 digits at far points too, where
   ``e^(x-200)`` or ``relu(x-1000)`` show.  So the verdict does not depend on the seed.

Every symbolic step runs under a time limit (``grader.maths.limits``); a timeout means "not
confirmed", never a hang. A wrong answer gets a counterexample and, where the
values show it, the mistake (sign, constant factor, off by a constant, f itself,
f'' or an antiderivative of f typed for f').
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from grader.maths import domains
from grader.maths.evaluation import MAX_TOWER, _Budget, _precise, _tower, evaluate, exact_value
from grader.maths.limits import STEP_SECONDS, TimeLimit, attempt, time_limit  # noqa: F401 (re-exported)
from grader.maths.numerics import fmt
from grader.maths.parser import format_math, symbol
from grader.maths.seeds import rng
from grader.maths.verdict import Counterexample, Verdict, _decimal_constant

SAMPLES = 24  # float check points wanted
MIN_POINTS = 6  # fewer valid points than this: the key's domain must be given
CANDIDATES = 160
CONFIRM = 3  # high-precision confirmations of an agreement
RECHECK = 6  # float mismatches re-examined at high precision before trusting floats
RTOL, ATOL = 1e-9, 1e-12
PRECISE_RTOL = 1e-30
BUDGET_SECONDS = 4.0  # all symbolic steps of one comparison
# Without a domain, each variable is drawn from these (low, high, share, grid step):
RANGES = ((-3, 3, 0.5, 100), (0, 1, 0.2, 100), (-20, 20, 0.3, 10))


def compare(
    answer,
    key,
    variables: Sequence[str] = (),
    *,
    domain: dict[str, tuple[float, float]] | None = None,
    f: sympy.Expr | None = None,
    seed: Sequence[object] = (),
    samples: int = SAMPLES,
) -> Verdict:
    """Decide whether ``answer`` equals ``key`` as real functions of ``variables`` on ``domain``:
    the same real values on the same real domain, up to isolated points.

    ``answer`` and ``key`` are SymPy expressions or ``Reading``s (whose guards keep the domain
    SymPy's simplification drops).  ``f`` (optional) is the function the question
    differentiates, for naming mistakes.  The verdict does not depend on ``seed``: a float
    agreement is confirmed exactly (the difference simplified, or evaluated at 50 digits at the
    sample points and at far points).
    """
    reading = answer if hasattr(answer, "expr") else None
    answer, answer_guards = domains.unpack(answer)
    key, key_guards = domains.unpack(key)
    names = tuple(variables) or tuple(sorted(s.name for s in key.free_symbols | answer.free_symbols))
    symbols = [symbol(n) for n in names]
    domain = dict(domain or {})
    pts, key_values = _key_points(key, key_guards, names, symbols, domain, seed)
    valid = np.flatnonzero(np.isfinite(key_values))[:samples]
    if len(valid) < min(MIN_POINTS, len(pts)):
        return Verdict(False, undecided=_too_few(names, len(valid), len(pts)), extra={"valid_points": len(valid), "sampled": len(pts)})
    outside = [pts[i] for i in np.flatnonzero(np.isnan(key_values))]
    pts, key_values = [pts[i] for i in valid], key_values[valid]
    got = _values(answer, answer_guards, symbols, pts)
    budget = _Budget(BUDGET_SECONDS)
    sides = _Sides(answer, key, answer_guards, key_guards, bool(reading.decimals) if reading is not None else None)
    verdict = _decide(sides, symbols, pts, got, key_values, budget)
    if verdict.equal:
        verdict = _domain_check(sides, symbols, outside, budget) or verdict
    if verdict.equal:
        verdict = _confirm(sides, symbols, names, domain, pts, got, key_values, budget) or verdict
    verdict.points = len(pts)
    if not verdict.equal:
        constant = _decimal_constant(reading)
        if constant:
            verdict.mistake = ("decimal", constant)
            verdict.extra["mistake"] = "decimal"
        elif not (verdict.counterexample and (verdict.counterexample.decimals or verdict.counterexample.key_undefined)):
            verdict.mistake = diagnose(answer, key, symbols, pts, got, key_values, f)
            if verdict.mistake:
                verdict.extra["mistake"] = verdict.mistake[0]
    return verdict


@dataclass(frozen=True)
class _Sides:
    answer: sympy.Expr
    key: sympy.Expr
    answer_guards: tuple
    key_guards: tuple
    decimals: bool | None = None  # the answer was typed with decimals (None: not known)


def _values(expr, guards, symbols, pts) -> np.ndarray:
    """float64 values, NaN where not a finite real number or where a guard fails."""
    values = evaluate(expr, symbols, pts)
    if guards and len(pts):
        values = np.where(domains.real_mask(guards, symbols, pts, evaluate), values, np.nan)
    return values


def _key_points(key, guards, names, symbols, domain, seed):
    """Candidate points and the key's values there; where the key is real at too few of the
    usual points, the search widens and then samples the box where it is real."""
    pts = _candidates(names, domain, seed)
    values = _values(key, guards, symbols, pts)
    if np.isfinite(values).sum() >= MIN_POINTS or all(n in domain for n in names) or not names:
        return pts, values
    for box in domains.wider_boxes(names, domain):
        wide = _candidates(names, box, seed)
        wide_values = _values(key, guards, symbols, wide)
        real = [wide[i] for i in np.flatnonzero(np.isfinite(wide_values))]
        if len(real) >= MIN_POINTS:
            inner = _candidates(names, domains.box_of(names, real, domain), seed)
            inner_values = _values(key, guards, symbols, inner)
            if np.isfinite(inner_values).sum() >= MIN_POINTS:
                return inner, inner_values
            return wide, wide_values
    return pts, values


def _too_few(names, valid, total) -> str:
    where = ", ".join(names) or "the formula"
    return (
        f"The expected answer is a finite real number at only {valid} of {total} sample points of {where}; "
        "the question needs a `domain:` where it is defined. Please tell your instructor."
    )


def _decide(sides, symbols, pts, got, want, budget) -> Verdict:
    bad = ~_close(got, want)
    for rechecked, i in enumerate(sorted(np.flatnonzero(bad), key=lambda i: _readable(pts[i]))):
        same = _precisely_equal(sides, symbols, pts[i], budget) if rechecked < RECHECK else None
        if same is not True:
            return Verdict(False, counterexample=_counterexample(sides, symbols, pts[i], got[i], want[i], budget))
    confirmed = 0  # every float mismatch was rounding; now confirm agreement where floats are weakest
    for i in sorted(range(len(pts)), key=lambda i: -_size(pts[i]))[:CONFIRM]:
        same = _precisely_equal(sides, symbols, pts[i], budget)
        if same is False:
            return Verdict(False, counterexample=_counterexample(sides, symbols, pts[i], got[i], want[i], budget))
        confirmed += same is True
    if not confirmed and not _separable(got, want):
        return Verdict(False, undecided=CANNOT_DECIDE, extra={"undecided": "precision"})
    return Verdict(True, confirmed=confirmed)


CANNOT_DECIDE = (
    "Cannot decide: at every check point the values are too small or too large for floats to tell "
    "apart, and the exact check did not finish in time. Please tell your instructor."
)


def _separable(got, want) -> bool:
    """Some check point where float64 values can tell two formulas apart (not underflowed to 0
    or overflowed on both sides)."""
    with np.errstate(all="ignore"):
        usable = np.isfinite(got) & np.isfinite(want) & (np.maximum(np.abs(got), np.abs(want)) > 1e-280)
    return bool(usable.any())


def _domain_check(sides, symbols, outside, budget) -> Verdict | None:
    """Not equal when the answer is real at sample points where the key is not."""
    if not outside:
        return None
    got = _values(sides.answer, sides.answer_guards, symbols, outside)
    for i in sorted(np.flatnonzero(np.isfinite(got)), key=lambda i: _readable(outside[i]))[:3]:
        point = outside[i]
        if _precise(sides.key, symbols, point, budget, sides.key_guards) is not None:
            continue  # the key is real here after all (a float overflow)
        value = _precise(sides.answer, symbols, point, budget, sides.answer_guards)
        if value is not None:
            names = tuple(s.name for s in symbols)
            return Verdict(False, counterexample=Counterexample(names, _floats(point), float(value), math.nan, key_undefined=True))
    return None


def _confirm(sides, symbols, names, domain, pts, got, want, budget) -> Verdict | None:
    """Exact confirmation of a float agreement: None when confirmed, else a verdict of not equal.

    The difference is zero as built or after ``simplify`` (under a time limit): equal.  SymPy
    proves it nonzero everywhere (``e^(-200)``, ``e^(50x)/10^12``): not equal, shown at the
    sample point where it is largest.  Else it is evaluated at 50 digits at far points, where
    differences hidden near the origin show (``e^(x-200)``, ``relu(x-1000)``).
    """
    difference = attempt(lambda: sides.answer - sides.key, min(STEP_SECONDS, budget.left()))
    if difference is None:
        return None
    if difference == 0:
        return None
    nonzero = attempt(lambda: difference.is_zero, min(STEP_SECONDS, budget.left()))
    simple = None
    if nonzero is not False and _small(difference):
        simple = attempt(lambda: sympy.simplify(difference), min(2 * STEP_SECONDS, budget.left()))
        if simple is not None and simple == 0:
            return None
    far = _far_difference(sides, symbols, names, domain, pts, simple if simple is not None else difference, budget)
    if far is not None or nonzero is not False:
        return far
    i = _largest_difference(sides, symbols, pts, budget)  # nonzero everywhere, if only slightly
    return Verdict(False, counterexample=_counterexample(sides, symbols, pts[i], got[i], want[i], budget))


def _far_difference(sides, symbols, names, domain, pts, difference, budget) -> Verdict | None:
    """Not equal when, at a far point where both are real and of float size, the values differ."""
    far = domains.far_points(names, domain, pts[0], difference)
    if not far:
        return None
    want = _values(sides.key, sides.key_guards, symbols, far)
    got = _values(sides.answer, sides.answer_guards, symbols, far)
    for i in np.flatnonzero(np.isfinite(want)):  # huge values (e^(e^x) far out) are not evaluated
        if budget.left() <= 0:
            break
        if _precisely_equal(sides, symbols, far[i], budget) is False:  # floats far out may round: exact values decide
            return Verdict(False, counterexample=_counterexample(sides, symbols, far[i], got[i], want[i], budget))
    return _huge_difference(sides, symbols, far, difference)


def _huge_difference(sides, symbols, far, difference) -> Verdict | None:
    """Where both sides are too large for floats (e^(e^x) far out), the difference SymPy kept
    (relu(x-1000) once e^(e^x) cancelled) may still be evaluated: clearly nonzero is not equal."""
    real = domains.real_mask(sides.key_guards, symbols, far, evaluate) & domains.real_mask(sides.answer_guards, symbols, far, evaluate)
    values = evaluate(difference, symbols, far)
    terms = difference.args if difference.is_Add else (difference,)
    scale = np.max([np.abs(evaluate(t, symbols, far)) for t in terms], axis=0)
    with np.errstate(all="ignore"):
        clear = real & np.isfinite(values) & np.isfinite(scale) & (np.abs(values) > 1e-6 * (1 + scale))
        # only where the sides themselves are beyond floats: elsewhere their exact values decided, and a
        # factored difference ((1 + ln x)(e^(x ln x) - x^x)) is its own scale, so float rounding looked "clear"
        clear &= ~(np.isfinite(evaluate(sides.key, symbols, far)) & np.isfinite(evaluate(sides.answer, symbols, far)))
    for i in np.flatnonzero(clear)[:1]:
        names = tuple(s.name for s in symbols)
        return Verdict(False, counterexample=Counterexample(names, _floats(far[i]), None, math.nan, float(values[i]), huge=True))
    return None


def _small(expr) -> bool:
    """Small enough for ``simplify`` even where no time limit can stop it (not the main thread)."""
    powers = [p.exp for p in expr.atoms(sympy.Pow) if p.exp.is_Integer]
    return sympy.count_ops(expr) <= 80 and all(abs(int(n)) <= 24 for n in powers)


def _largest_difference(sides, symbols, pts, budget) -> int:
    best, best_i = -1.0, 0
    for i in sorted(range(len(pts)), key=lambda i: _readable(pts[i]))[:8]:
        a = _precise(sides.answer, symbols, pts[i], budget, sides.answer_guards)
        k = _precise(sides.key, symbols, pts[i], budget, sides.key_guards)
        if a is None or k is None:
            continue
        size = float(abs(a - k) / max(1, abs(a), abs(k)))
        if size > best:
            best, best_i = size, i
    return best_i


def _counterexample(sides, symbols, point, got, want, budget) -> Counterexample:
    answer, key = sides.answer, sides.key
    exact_got = _precise(answer, symbols, point, budget, sides.answer_guards)
    exact_want = _precise(key, symbols, point, budget, sides.key_guards)
    difference = float(exact_got - exact_want) if exact_got is not None and exact_want is not None else None
    if difference is not None:  # the difference itself: a sum at DIGITS digits loses x^2 + e^(-200)
        exact_difference = _precise(answer - key, symbols, point, budget)
        difference = float(exact_difference) if exact_difference is not None else difference
    if exact_got is not None:
        got = float(exact_got)
    elif np.isfinite(got) and domains.failing(sides.answer_guards, symbols, point):
        got = math.nan  # a guard fails: the float value came from a simplified formula
    if exact_want is not None:
        want = float(exact_want)
    huge = bool(np.isinf(got)) or (exact_got is None and _tower(answer) > MAX_TOWER)
    value = float(got) if np.isfinite(got) else None
    typed = _typed_decimals(answer) if sides.decimals is None else sides.decimals
    decimals = typed and exact_want is not None and exact_got is not None and (
        abs(exact_got - exact_want) <= 0.05 * abs(exact_want)
    )
    names = tuple(s.name for s in symbols)
    culprit = domains.failing(sides.answer_guards, symbols, point) if value is None else None
    beyond = None
    if exact_got is not None and exact_want is not None and got == want == 0 and exact_got != exact_want:
        beyond = (str(sympy.Float(exact_got, 6)), str(sympy.Float(exact_want, 6)), str(sympy.Float(exact_got - exact_want, 3)))
    return Counterexample(names, _floats(point), value, float(want), difference, decimals, huge, culprit, beyond=beyond)


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
    return list(zip(*columns, strict=False))


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


def _precisely_equal(sides, symbols, point, budget) -> bool | None:
    """True/False at DIGITS digits; None when it cannot be told (time, undefined).

    Where both sides are rational at the (rational) point, their exact values decide:
    ``(x-2)^6000`` and ``(x-2)^5999`` near x = 2 are both below 1e-1800, equal to any
    absolute precision, and not equal."""
    exact = _exactly_equal(sides, symbols, point, budget)
    if exact is not None:
        return exact
    want = _precise(sides.key, symbols, point, budget, sides.key_guards)
    if want is None:
        return None
    got = _precise(sides.answer, symbols, point, budget, sides.answer_guards)
    if got is None:
        return None if _tower(sides.answer) > MAX_TOWER or budget.left() <= 0 else False
    size = max(1, abs(got), abs(want))
    if abs(got - want) > PRECISE_RTOL * size:
        return False
    if got != 0 and want != 0 and abs(got - want) > PRECISE_RTOL * max(abs(got), abs(want)):
        # both far below 1 and apart: (x-2)^6000 e^x and (x-2)^5999 e^x near x = 2 differ when both
        # values carry their full precision (a cancellation to 0 leaves a Float of no digits)
        return False if min(_bits(got), _bits(want)) >= 100 else None
    return True


def _bits(value) -> int:
    return int(getattr(value, "_prec", 0))


def _exactly_equal(sides, symbols, point, budget) -> bool | None:
    """Both sides' exact rational values at the point compared, or None when either is not a
    rational number there (a function, a root), a guard fails, or out of time."""
    for guards in (sides.answer_guards, sides.key_guards):
        if guards and not domains.holds(guards, symbols, point):
            return None
    got, want = exact_value(sides.answer, symbols, point, budget), exact_value(sides.key, symbols, point, budget)
    return None if got is None or want is None else bool(got == want)


# --------------------------------------------------------------------------- mistakes


RULES = {"chain_rule", "product_rule", "quotient_rule", "power_rule", "exp_rule", "log_rule", "trig_sign"}


def diagnose(answer, key, symbols, pts, got, want, f=None) -> tuple[str, str] | None:
    """(note, sentence) naming a recognisable mistake from the values, or None."""
    if not np.all(np.isfinite(got)):
        return None
    scale = 1e-9 * (1 + float(np.max(np.abs(want))))
    alternatives = list(_alternatives(answer, key, symbols, pts, f))
    for note, sentence, values in alternatives:  # the rules of calculus first, then a sign flip
        if note in RULES and not _same(values, want, scale) and _same(got, values, scale):
            return (note, sentence)
    if np.max(np.abs(want)) > scale and _same(got, -want, scale):
        return ("sign", "The sign is flipped: your answer is minus the expected one.")
    for note, sentence, values in alternatives:
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
    for note, sentence, expr in attempt(lambda: list(_slips(f, fp, x)), default=[]):
        yield note, sentence, evaluate(expr, symbols, pts)
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


def _slips(f, fp, x):
    """Wrong derivatives a "buggy differentiator" makes: (note, sentence, expression)."""
    from grader.maths.mistakes import derivative_slips

    for slip in derivative_slips(f, x):
        yield slip.note, slip.sentence, slip.expr


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

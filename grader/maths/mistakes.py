"""A buggy differentiator: the wrong derivatives students write, and the rule each one breaks.

``derivative_slips(f, x)`` walks the SymPy tree of ``f`` and, at every node where a rule
of calculus applies, breaks that one rule (everything else differentiated correctly):

| note | the slip |
| --- | --- |
| ``chain_rule`` | g(h(x))' written g'(h(x)): the inner derivative h' is missing, for any outer g |
|                | (sigmoid, softplus, tanh, powers, quotients), and in every term of a sum over data |
| ``product_rule`` | (uv)' written u'v', or only one of u'v and uv' |
| ``quotient_rule`` | (u/v)' with + for -, without the square in v², or as u'/v' |
| ``power_rule`` | (x^n)' written n·x^n or x^(n-1) |
| ``exp_rule`` | (e^(kx))' written e^(kx); e^u treated as a power (u·e^(u-1)); a^u without ln a |
| ``log_rule`` | (ln g)' written 1/g |
| ``trig_sign`` | (sin u)' = -cos u, (cos u)' = +sin u, (tan u)' = -sec² u, (tanh u)' = 1 + tanh² u, |
|                | (cosh u)' = -sinh u, (sinh u)' = -cosh u |
| ``integrated`` | an antiderivative of f (matched up to a constant) |

``task_slips`` lifts them to a task's answer shape (a component of a gradient, an entry
of a Jacobian, the second step of f'') and adds the matrix slips: ``wrong_variable``
(a gradient component by the wrong variable), ``diagonal_only`` (a Hessian without its
mixed partials). ``match`` finds the first slip whose values equal the student's: a rule's
slip in a component comes before ``wrong_variable``, so a loss's w component without its
data factor x_i is the chain rule even though it equals the derivative by b. Places count
from 0, as Python does: component 0, ``J[1][0]``.

Maths is the lowest wing: this module imports only SymPy, NumPy and grader.maths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_args

import sympy

from grader.maths.printing import hand_written
from grader.maths.slips import match  # noqa: F401  (SymPy-free: compiled tasks match their slips with it)

MAX_SLIPS = 120  # candidates per task: each costs a lambdify when a submission is wrong

Note = Literal[
    "chain_rule", "product_rule", "quotient_rule", "power_rule", "exp_rule", "log_rule",
    "trig_sign", "integrated", "wrong_variable", "diagonal_only",
]
NOTES: tuple[Note, ...] = get_args(Note)
Slips = Iterator[tuple[Note, str, sympy.Expr]]  # (note, sentence, the wrong derivative)
Inners = tuple[sympy.Expr, sympy.Expr, list[tuple[sympy.Expr, sympy.Expr, sympy.Expr]]]
Attempt = Callable[[Callable[[], Any]], Any]  # limits.attempt: a computation under a time limit, or None
T = TypeVar("T")


@dataclass(frozen=True)
class Slip:
    note: Note  # the JSON `mistake`
    sentence: str  # feedback naming the rule and where in f it applies
    expr: object  # the wrong answer: a SymPy expression, or a Matrix shaped like the task's answer
    up_to_constant: bool = False  # an antiderivative: the student may add any constant


def show(expr: sympy.Basic | float) -> str:
    """A formula as students type it: ``3x^2``, ``sin(3x)``, ``1 + tanh(x)^2``."""
    return hand_written(expr)


# --------------------------------------------------------------------------- one variable


def derivative_slips(f: sympy.Expr | float, x: sympy.Symbol) -> list[Slip]:
    """Wrong derivatives of ``f`` by ``x`` (other symbols are constants), one broken rule each."""
    out: list[Slip] = []
    seen: set[tuple[str, str]] = set()
    for note, sentence, expr in _variants(sympy.sympify(f), x):
        key = (note, sympy.srepr(expr))
        if key not in seen:
            seen.add(key)
            out.append(Slip(note, sentence, expr))
        if len(out) >= MAX_SLIPS:
            break
    return out


def antiderivative(f: sympy.Expr, x: sympy.Symbol, attempt: Attempt | None = None) -> sympy.Expr | None:
    """An antiderivative of ``f`` by ``x`` (SymPy's rule-based integrator, which gives up fast;
    time-limited by ``attempt``), or None."""
    from sympy.integrals.manualintegrate import manualintegrate

    run = attempt or (lambda compute: _safely(compute))
    result = run(lambda: manualintegrate(f, x))
    if not isinstance(result, sympy.Expr) or result.has(sympy.Integral) or result.has(sympy.Function("hyper")):
        return None
    return result


def integrated_slip(f: sympy.Expr, x: sympy.Symbol, attempt: Attempt | None = None) -> Slip | None:
    F = antiderivative(f, x, attempt)
    if F is None:
        return None
    return Slip(
        "integrated",
        f"You integrated instead of differentiating: your values are an antiderivative of f, {show(F)} + C.",
        F,
        up_to_constant=True,
    )


def _safely(compute: Callable[[], T]) -> T | None:
    try:
        return compute()
    except (ArithmeticError, ValueError, TypeError, AttributeError, RecursionError, NotImplementedError):
        return None


def _d(e: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    return sympy.diff(e, x)


def _variants(e: sympy.Expr, x: sympy.Symbol) -> Slips:
    """(note, sentence, wrong derivative of e): one slip somewhere in e, the rest right.

    At a node, the slips of the node itself come before those deeper inside it: where two
    slips give the same values, the outermost names it (sigmoid' without the inner -1 of
    1/(1 + e^(-x)) is the chain rule of the sigmoid, not the exp rule of e^(-x) inside it)."""
    if not e.has(x) or e.is_Symbol:
        return
    if e.is_Add:
        yield from _add(e, x)
    elif e.is_Mul:
        yield from _mul(e, x)
    elif e.is_Pow:
        yield from _inner_chain(e, x)
        yield from _pow(e, x)
    elif isinstance(e, sympy.exp):
        yield from _exp(e, x)
        yield from _inner_chain(e, x)
        yield from _inside(e, x, e)
    elif isinstance(e, sympy.log) and len(e.args) == 1:
        yield from _log(e, x)
        yield from _inner_chain(e, x)
        yield from _inside(e, x, 1 / e.args[0])
    elif isinstance(e, sympy.Function) and len(e.args) == 1:
        yield from _inner_chain(e, x)
        yield from _function(e, x)


MAX_INNER = 8  # inner functions tried per node


def _inners(e: sympy.Expr, x: sympy.Symbol) -> Iterator[tuple[sympy.Expr, sympy.Expr, sympy.Expr]]:
    """(v, dv, H'(v)) for each inner function v of ``e`` through which alone ``e`` depends on
    ``x`` (e = H(v)), outermost first: ``1/(1 + e^(-2x))`` is H(-2x) and H(2x), ``(3w + b - 5)^2``
    is H(3w + b - 5).  The direct argument of exp and log is left to their own rules."""
    t = sympy.Dummy("t")
    direct = set(e.args) if isinstance(e, (sympy.exp, sympy.log)) else set()
    seen: set[sympy.Basic] = set()
    tried = 0
    for u in sympy.preorder_traversal(e):
        if u in (e, x) or u in direct or u in seen or not u.has(x) or tried >= 4 * MAX_INNER:
            continue
        seen.add(u)
        tried += 1
        forms = [(u, 1), (-u, -1)] if u.could_extract_minus_sign() else [(u, 1)]
        for v, sign in forms:
            outer = e.xreplace({u: sign * t})  # the node itself, not SymPy's slower algebraic subs
            if outer.has(x):
                break
            dv = _d(v, x)
            if dv == 1 or dv == 0:
                continue
            yield v, dv, _d(outer, t).subs(t, v)


def _inner_chain(e: sympy.Expr, x: sympy.Symbol) -> Slips:
    for count, (v, dv, wrong) in enumerate(_inners(e, x)):
        if count >= MAX_INNER:
            break
        yield "chain_rule", f"The chain rule: the derivative of {show(e)} needs the factor {show(dv)} (the derivative of {show(v)}).", wrong


def _constant_inners(e: sympy.Expr, x: sympy.Symbol) -> Inners:
    """(coefficient, [(v, dv, wrong)]) of a term's inner functions whose derivative is a constant."""
    coeff, rest = e.as_independent(x, as_Add=False)
    return coeff, rest, [(v, dv, wrong) for v, dv, wrong in _inners(rest, x) if not dv.has(x)]


def _dropped(inners: Inners, prefer_positive: bool) -> tuple[sympy.Expr, str] | None:
    """(wrong derivative, sentence) of a term of a sum whose constant inner factor (a data
    point's x_i in a loss) is forgotten, or None when it has none."""
    coeff, rest, found = inners
    if not found:
        return None
    if prefer_positive:
        found = sorted(found, key=lambda item: bool(item[1].could_extract_minus_sign()))
    v, dv, wrong = found[0]
    return coeff * wrong, f"the derivative of {show(rest)} needs the factor {show(dv)} (the derivative of {show(v)})"


def _add(e: sympy.Expr, x: sympy.Symbol) -> Slips:
    terms = e.args
    if sum(1 for term in terms if term.has(x)) >= 2:  # a sum over data points: the same slip in each term
        inners = [_constant_inners(term, x) for term in terms]
        for prefer_positive in (True, False):
            dropped = [_dropped(found, prefer_positive) for found in inners]
            named = [d for d in dropped if d is not None]
            if named:
                wrong = sympy.Add(*[d[0] if d is not None else _d(term, x) for d, term in zip(dropped, terms, strict=False)])
                yield "chain_rule", f"The chain rule, in each term of the sum: {named[0][1]}.", wrong
    for i, term in enumerate(terms):
        rest = sympy.Add(*[_d(t, x) for j, t in enumerate(terms) if j != i])
        for note, sentence, wrong in _variants(term, x):
            yield note, sentence, rest + wrong


def _mul(e: sympy.Expr, x: sympy.Symbol) -> Slips:
    coeff = sympy.Mul(*[a for a in e.args if not a.has(x)])
    factors = [a for a in e.args if a.has(x)]
    num, den = sympy.fraction(sympy.Mul(*factors))
    if den.has(x) and num.has(x):
        du, dv = _d(num, x), _d(den, x)
        quotient = f"The quotient rule: the derivative of {show(num / den)} is (u'v - uv')/v^2 with u = {show(num)}, v = {show(den)}"
        yield "quotient_rule", f"{quotient}; yours has + where the rule has -.", coeff * (du * den + num * dv) / den**2
        yield "quotient_rule", f"{quotient}; yours divides by v, not v^2.", coeff * (du * den - num * dv) / den
        if dv != 0:
            yield "quotient_rule", f"{quotient}, not u'/v'.", coeff * du / dv
    if len(factors) >= 2:
        derivs = [_d(a, x) for a in factors]
        if len(factors) == 2 and not (den.has(x) and num.has(x)):
            (u, v), (du, dv) = factors, derivs
            product = f"The product rule: the derivative of {show(u * v)} is u'v + uv' with u = {show(u)}, v = {show(v)}"
            yield "product_rule", f"{product}, not u'v'.", coeff * du * dv
            yield "product_rule", f"{product}; yours has only u'v.", coeff * du * v
            yield "product_rule", f"{product}; yours has only uv'.", coeff * u * dv
        elif len(factors) > 2:
            yield "product_rule", f"The product rule: the derivative of {show(sympy.Mul(*factors))} is not the product of the factors' derivatives.", coeff * sympy.Mul(*derivs)
        for i, factor in enumerate(factors):
            others = sympy.Mul(*[a for j, a in enumerate(factors) if j != i])
            rest = sum((derivs[j] * sympy.Mul(*[a for k, a in enumerate(factors) if k != j]) for j in range(len(factors)) if j != i), sympy.S.Zero)
            for note, sentence, wrong in _variants(factor, x):
                yield note, sentence, coeff * (wrong * others + rest)
    else:
        for note, sentence, wrong in _variants(factors[0], x):
            yield note, sentence, coeff * wrong


def _pow(e: sympy.Pow, x: sympy.Symbol) -> Slips:
    base, n = e.base, e.exp
    if base.has(x) and not n.has(x):
        db = _d(base, x)
        if base == x:
            power = f"The power rule: the derivative of {show(e)} is {show(n * x ** (n - 1))}"
            yield "power_rule", f"{power}: lower the power by one.", n * x**n
            if n != 1:
                yield "power_rule", f"{power}: the factor {show(n)} is missing.", x ** (n - 1)
            return
        outer = f"{show(e)}"
        if db != 1:
            yield "chain_rule", f"The chain rule: the derivative of {outer} needs the factor {show(db)} (the derivative of {show(base)}).", n * base ** (n - 1)
        yield "power_rule", f"The power rule: the derivative of {outer} is {show(n * base ** (n - 1))} times the inner derivative: lower the power by one.", n * base**n * db
        if n != 1:
            yield "power_rule", f"The power rule: the derivative of {outer} has the factor {show(n)} in front.", base ** (n - 1) * db
        for note, sentence, wrong in _variants(base, x):
            yield note, sentence, n * base ** (n - 1) * wrong
    elif n.has(x) and not base.has(x):
        dn = _d(n, x)
        rule = f"The derivative of {show(e)} is {show(e * sympy.log(base) * dn)}"
        yield "exp_rule", f"{rule}: the factor ln({show(base)}) is missing.", e * dn
        yield "exp_rule", f"{rule}: an exponential is not a power, the power rule does not apply.", n * base ** (n - 1) * dn
        if dn != 1:
            yield "chain_rule", f"The chain rule: the derivative of {show(e)} needs the factor {show(dn)} (the derivative of {show(n)}).", e * sympy.log(base)
        for note, sentence, wrong in _variants(n, x):
            yield note, sentence, e * sympy.log(base) * wrong


def _exp(e: sympy.Expr, x: sympy.Symbol) -> Slips:
    g = e.args[0]
    dg = _d(g, x)
    if dg != 1:
        if dg.has(x):
            yield "chain_rule", f"The chain rule: the derivative of {show(e)} needs the factor {show(dg)} (the derivative of {show(g)}).", e
        else:
            yield "exp_rule", f"The derivative of {show(e)} is {show(dg * e)}: e^(kx) differentiates to k*e^(kx), not to itself.", e
    yield "exp_rule", f"The derivative of {show(e)} is {show(dg * e)}: an exponential is not a power, the power rule does not apply.", g * sympy.exp(g - 1) * dg


def _inside(e: sympy.Expr, x: sympy.Symbol, outer: sympy.Expr) -> Slips:
    """A slip inside the argument of exp or log: outer'(g) times the wrong g'."""
    for note, sentence, wrong in _variants(e.args[0], x):
        yield note, sentence, outer * wrong


def _log(e: sympy.Expr, x: sympy.Symbol) -> Slips:
    g = e.args[0]
    dg = _d(g, x)
    if dg != 1:
        yield "log_rule", f"The derivative of {show(e)} is g'/g = {show(dg / g)}, not 1/g = {show(1 / g)}: the inner derivative {show(dg)} is missing.", 1 / g


TRIG: dict[object, Callable[[sympy.Expr], sympy.Expr]] = {  # sign slips: the derivative with the sign flipped
    sympy.sin: lambda g: -sympy.cos(g),
    sympy.cos: lambda g: sympy.sin(g),
    sympy.tan: lambda g: -(1 + sympy.tan(g) ** 2),
    sympy.tanh: lambda g: 1 + sympy.tanh(g) ** 2,  # tan's formula: tanh' = 1 - tanh^2
    sympy.sinh: lambda g: -sympy.cosh(g),
    sympy.cosh: lambda g: -sympy.sinh(g),
}


def _times(factor: sympy.Expr, expr: sympy.Expr) -> str:
    """``2(1 - tanh(2x)^2)``: the inner factor in front of the outer derivative, as written by hand."""
    if factor == 1:
        return show(expr)
    text = show(expr)
    return f"{show(factor)}({text})" if expr.is_Add else show(factor * expr)


def _function(e: sympy.Expr, x: sympy.Symbol) -> Slips:
    g = e.args[0]
    dg = _d(g, x)
    t = sympy.Dummy("t")
    func: Callable[[sympy.Expr], sympy.Expr] = e.func  # the function's class: sin, tanh, ...
    outer = _d(func(t), t).subs(t, g)
    if e.func in TRIG:
        slip = TRIG[e.func]
        yield "trig_sign", f"A sign slip: the derivative of {show(e)} is {_times(dg, outer)}, not {_times(dg, slip(g))}.", slip(g) * dg
    if dg != 1:
        yield "chain_rule", f"The chain rule: the derivative of {show(e)} needs the factor {show(dg)} (the derivative of {show(g)}).", outer
    for note, sentence, wrong in _variants(g, x):
        yield note, sentence, outer * wrong


# --------------------------------------------------------------------------- task shapes


def task_slips(kind: str, f: sympy.Matrix, symbols: Iterable[sympy.Symbol], wrt: int = 0, attempt: Attempt | None = None,
               integrate: bool = True) -> list[Slip]:
    """Slips shaped like the task's answer (a Matrix for vector and matrix kinds); an
    antiderivative too for a first derivative when ``integrate``."""
    xs = list(symbols)
    scalar = f[0]
    if kind in ("derivative", "partial"):
        x = xs[wrt]
        slips = derivative_slips(scalar, x)
        integral = integrated_slip(scalar, x, attempt) if integrate else None
        return slips + ([integral] if integral else [])
    if kind == "second_derivative":
        x = xs[0]
        fp = _d(scalar, x)
        second = [Slip(s.note, f"In the second differentiation (of f' = {show(fp)}): {_lower(s.sentence)}", s.expr) for s in derivative_slips(fp, x)]
        first = [Slip(s.note, f"In the first differentiation: {_lower(s.sentence)}", _d(s.expr, x)) for s in derivative_slips(scalar, x)]
        return (first + second)[:MAX_SLIPS]
    if kind == "gradient":
        grad = [_d(scalar, x) for x in xs]
        out: list[Slip] = []
        share = max(1, MAX_SLIPS // len(xs))
        for i, x in enumerate(xs):  # a slip in one component first: a forgotten inner factor is the
            for s in derivative_slips(scalar, x)[:share]:  # chain rule even where it gives another
                wrong = list(grad)  # variable's derivative (a loss's w component without its x)
                wrong[i] = s.expr
                out.append(Slip(s.note, f"In component {i} (the derivative by {x}): {_lower(s.sentence)}", sympy.Matrix(wrong)))
        for i, x in enumerate(xs):
            for j, other in enumerate(xs):
                if j != i:
                    wrong = list(grad)
                    wrong[i] = grad[j]
                    out.append(Slip("wrong_variable", f"Component {i} should be the derivative by {x}; yours is the derivative by {other}.", sympy.Matrix(wrong)))
        return out
    if kind == "hessian":
        hess = sympy.hessian(scalar, xs)
        if any(hess[i, j] != 0 for i in range(len(xs)) for j in range(len(xs)) if i != j):
            diagonal = sympy.diag(*[hess[i, i] for i in range(len(xs))])
            return [Slip("diagonal_only", "Only the diagonal is right: the mixed partials d2f/dxi dxj (i != j) belong off the diagonal; they are not 0 here.", diagonal)]
        return []
    if kind == "jacobian":
        jac = f.jacobian(xs)
        out = []
        for i in range(f.rows):
            for j, x in enumerate(xs):
                for s in derivative_slips(f[i], x):
                    wrong = jac.copy()
                    wrong[i, j] = s.expr
                    out.append(Slip(s.note, f"In J[{i}][{j}], the derivative of f{i} = {show(f[i])} by {x}: {_lower(s.sentence)}", wrong))
        return out[:MAX_SLIPS]
    return []


def _lower(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


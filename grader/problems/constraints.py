"""Constraints on ``params:`` and the variants a problem can draw.

``constraints: ["a != b", "n >= 2"]`` at the top of a problem: each is one comparison
(``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``) between two formulas in the params, read
with the safe math parser (comparisons are not maths, so the text is split around its
one operator and each side is parsed alone). A draw that breaks a constraint is
redrawn deterministically (same problem and student, next attempt); a small finite
space falls back to a seeded pick among the combinations that satisfy every
constraint, and a set nothing satisfies is an authoring error.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import sympy

from grader.maths import MathSyntaxError, parse_math, symbol
from grader.problems.variants import draw, exact, rng

OPERATORS = ("<=", ">=", "==", "!=", "<", ">")
_SPLIT = re.compile(r"(<=|>=|==|!=|<|>)")
ATTEMPTS = 1000  # redraws before giving up on an infinite space
FINITE_ATTEMPTS = 100  # redraws before a finite space falls back to its satisfying pool
POOL_LIMIT = 10_000  # finite spaces up to this size can be enumerated
VALIDATE_ALL = 50  # validate checks every variant of a space this small...
VALIDATE_SAMPLE = 20  # ...else the variants of this many sample students


class ConstraintError(ValueError):
    """A constraint that cannot be read, or a set that nothing satisfies."""


@dataclass(frozen=True)
class Constraint:
    text: str
    left: sympy.Expr
    op: str
    right: sympy.Expr

    def holds(self, values: dict) -> bool:
        try:
            left = sympy.N(self.left.subs(values), 30)
            right = sympy.N(self.right.subs(values), 30)
            diff = complex(left - right)
            size = abs(complex(left)) + abs(complex(right))
        except (TypeError, ValueError, ArithmeticError):
            return False
        if diff.imag or diff.real != diff.real:
            return False
        d, tol = diff.real, 1e-12 * (1 + size)
        return {
            "==": abs(d) <= tol,
            "!=": abs(d) > tol,
            "<": d < -tol,
            "<=": d <= tol,
            ">": d > tol,
            ">=": d >= -tol,
        }[self.op]


def parse_constraint(text: str, names) -> Constraint:
    """One comparison between two formulas in the params ``names``."""
    parts = _SPLIT.split(text)
    if len(parts) == 1:
        if "=" in text:
            raise ConstraintError(f"cannot read constraint {text!r}: use == to compare (a single = is not a comparison)")
        raise ConstraintError(f"cannot read constraint {text!r}: expected one comparison such as 'a != b' or 'n >= 2'")
    if len(parts) != 3:
        raise ConstraintError(
            f"cannot read constraint {text!r}: use one comparison per constraint (write 'a < b < c' as 'a < b' and 'b < c')"
        )
    left, op, right = (p.strip() for p in parts)
    return Constraint(text, _side(left, text, names), op, _side(right, text, names))


def _side(side: str, text: str, names) -> sympy.Expr:
    if not side:
        raise ConstraintError(f"cannot read constraint {text!r}: a side of the comparison is empty")
    try:
        return parse_math(side, symbols=tuple(names))
    except MathSyntaxError as exc:
        raise ConstraintError(f"cannot read constraint {text!r}: {exc}") from None


def satisfied(constraints, values: dict) -> bool:
    symbols = {symbol(k): v for k, v in values.items()}
    return all(c.holds(symbols) for c in constraints)


def choices(spec) -> list | None:
    """Every value one param can take, or None for a continuous ``number`` range."""
    if spec.choice is not None:
        return [exact(v) for v in spec.choice]
    if spec.integer is not None:
        lo, hi = sorted(spec.integer)
        return [sympy.Integer(v) for v in range(lo, hi + 1)]
    return None


def space_size(params: dict) -> int | None:
    """How many variants the params can make, or None when some range is continuous."""
    size = 1
    for spec in params.values():
        values = choices(spec)
        if values is None:
            return None
        size *= len(values)
    return size


def every_variant(params: dict, constraints=()) -> list[dict]:
    """All combinations (in file order) that satisfy the constraints; only for finite spaces."""
    names = list(params)
    pools = [choices(params[n]) for n in names]
    combos = (dict(zip(names, values, strict=False)) for values in itertools.product(*pools))
    return [c for c in combos if satisfied(constraints, c)]


def draw_variant(params: dict, constraints, problem_id: str, student: str) -> dict:
    """The student's params: the seeded draw, redrawn until every constraint holds."""
    if not constraints:
        return draw(params, problem_id, student)
    size = space_size(params)
    small = size is not None and size <= POOL_LIMIT
    for attempt in range(FINITE_ATTEMPTS if small else ATTEMPTS):
        values = draw(params, problem_id, student, attempt)
        if satisfied(constraints, values):
            return values
    if small:
        pool = every_variant(params, constraints)
        if pool:
            return pool[int(rng("params-pool", problem_id, student).integers(len(pool)))]
        raise ConstraintError(
            f"no combination of the params satisfies every constraint ({size} tried): "
            "loosen `constraints` or widen `params`"
        )
    raise ConstraintError(
        f"no draw of the params satisfied every constraint in {ATTEMPTS} attempts: "
        "loosen `constraints` or widen `params`"
    )


def variants_to_check(params: dict, constraints, problem_id: str) -> list[dict]:
    """What ``validate`` checks: every variant of a small space, else those of sample students."""
    if not params:
        return [{}]
    size = space_size(params)
    if size is not None and size <= VALIDATE_ALL:
        found = every_variant(params, constraints)
        if not found:
            raise ConstraintError(
                f"no combination of the params satisfies every constraint ({size} tried): "
                "loosen `constraints` or widen `params`"
            )
        return found
    out, seen = [], set()
    for student in [""] + [f"sample-student-{i}" for i in range(1, VALIDATE_SAMPLE)]:
        values = draw_variant(params, constraints, problem_id, student)
        key = tuple(values.items())
        if key not in seen:
            seen.add(key)
            out.append(values)
    return out


def show_value(value) -> str:
    """A drawn value as an author would type it: 3, -2, 1.25, 1/3."""
    value = value if isinstance(value, sympy.Basic) else exact(value)
    if value.is_Integer:
        return str(int(value))
    if value.is_Rational:
        as_float = float(value)
        if exact(as_float) == value:
            return repr(as_float)
        return f"{value.p}/{value.q}"
    return str(value)


def describe(values: dict) -> str:
    """``a=2, n=3``: names the variant in messages."""
    return ", ".join(f"{k}={show_value(v)}" for k, v in values.items())


def parse_all(spec, error) -> list[Constraint]:
    """The problem's constraints; ``error(loc, message)`` raises for one that cannot be read."""
    rules = []
    for i, text in enumerate(getattr(spec, "constraints", ()) or ()):
        try:
            rules.append(parse_constraint(text, spec.params))
        except ConstraintError as exc:
            error(("constraints", i), str(exc))
    return rules


def params_for(spec, student: str, error) -> dict:
    """The student's variant of a problem ``spec`` (with ``id``, ``params``, ``constraints``)."""
    rules = parse_all(spec, error)
    try:
        return draw_variant(spec.params, rules, spec.id, student)
    except ConstraintError as exc:
        error(("constraints",), str(exc))

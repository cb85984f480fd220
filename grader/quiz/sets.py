"""Sets of reals as students type them and as people read them.

``read_interval`` reads interval notation ((0, oo), [-1, 2), unions with U / or),
inequalities (x > 0, -1 < x < 1) and the words all / none; ``show_set`` writes a set
back; ``set_difference_witness`` compares two sets up to their endpoints.
"""

from __future__ import annotations

import re

import sympy

from grader.quiz.model import Unreadable
from grader.quiz.typed import parse_typed, real_number, short, show_number, top_level_commas, typed_text

INFINITY = re.compile(r"^([+-]?)\s*(oo|inf|infinity|∞)$", re.IGNORECASE)
EVERYTHING = {"all", "all reals", "all real numbers", "everywhere", "r", "ℝ", "reals", "(-oo, oo)"}
# One vocabulary for "no such points" (stationary points) and "the empty set" (intervals)
NOTHING = {
    "none", "nowhere", "empty", "never", "{}", "∅", "no", "nothing", "empty set", "the empty set",
    "no solution", "no solutions", "no real solution", "no real solutions", "no points", "no point",
    "no stationary points", "no stationary point", "no such points", "no such point", "there are none",
    "there is none", "none exist", "does not exist", "dne", "n/a", "no x", "no values", "not anywhere",
}
NONE_HINT = re.compile(r"^\s*(?:no|not|nothing|there|none|empty|never)\b", re.IGNORECASE)


def is_nothing(text: str) -> bool:
    """``none``, ``No solution.``, ``there are none``, ``∅``: the answer is the empty set."""
    folded = " ".join(text.lower().split()).strip("\"'`").rstrip(".!").strip()
    return folded in NOTHING


def none_hint(text: str, exc: Unreadable) -> Unreadable:
    """A reader's error, with a pointer to ``none`` when the text reads like words for nothing."""
    if NONE_HINT.match(text):
        return Unreadable(f"{exc}; if there are none, type none")
    return exc

UNION = re.compile(r"\s*(?:∪|\bU\b|\bu\b|\bor\b|\bunion\b|\band\b|&|;)\s*")
BRACKETED = re.compile(r"^([(\[])(.*),(.*)([)\]])$", re.DOTALL)
COMPARISON = re.compile(r"(<=|>=|≤|≥|=<|=>|<|>)")


def read_interval(raw, x: str = "x", constants=None) -> sympy.Set:
    """A typed interval, union of intervals or inequality as a SymPy set."""
    if isinstance(raw, list):
        if len(raw) != 2:
            raise Unreadable("a list means a closed interval [low, high]: give two numbers")
        return _interval("[", *(typed_text(v) for v in raw), "]", constants)
    text = typed_text(raw)
    folded = " ".join(text.lower().split())
    if folded in EVERYTHING or folded in {f"(-{w}, {w})" for w in ("inf", "infinity", "∞")}:
        return sympy.Reals
    if is_nothing(text):
        return sympy.EmptySet
    pieces = [q for p in UNION.split(text) for q in _top_level_commas(p) if q.strip()]
    if not pieces:
        raise Unreadable("expected an interval such as (0, oo) or x > 0")
    try:
        result = _union([_piece(p.strip(), x, constants) for p in pieces])
    except Unreadable as exc:
        raise none_hint(text, exc) from None
    if not all(isinstance(p, (sympy.Interval, sympy.FiniteSet)) for p in pieces_of(result)):
        # SymPy left an Intersection or Complement: it cannot order the ends (cos(1)^2 + sin(1)^2 - 1)
        raise Unreadable("cannot tell how the ends of this set are ordered: write them as plain numbers")
    return result


def _union(parts: list) -> sympy.Set:
    """The union of typed pieces in near-linear time: intervals sorted by their start, each
    merged with the one before it when they meet (one two-interval union each); SymPy's own
    ``Union`` of n pieces tries every pair (150 pieces took ten seconds)."""
    try:
        keyed = sorted(((float(p.start), p.left_open, i, p) for i, p in enumerate(parts)), key=lambda k: k[:3])
    except (AttributeError, TypeError, ValueError):  # not all intervals with real ends: SymPy's way
        return sympy.Union(*parts)
    merged: list[sympy.Set] = []
    for *_, piece in keyed:
        joined = sympy.Union(merged[-1], piece) if merged else piece
        if merged and isinstance(joined, sympy.Interval):
            merged[-1] = joined
        else:
            merged.append(piece)
    return merged[0] if len(merged) == 1 else sympy.Union(*merged, evaluate=False)


def _top_level_commas(text: str) -> list[str]:
    """'(-oo, -1), (1, oo)' -> two pieces; 'x < -1, x > 1' -> two; '(0, 1)' stays one."""
    out = top_level_commas(text, "([")
    if len(out) > 1 and not all(COMPARISON.search(p) or p.strip()[:1] in "([" for p in out):
        return [text]  # not a list of intervals: let the piece reader say what is wrong
    return out


def _piece(text: str, x: str, constants) -> sympy.Set:
    match = BRACKETED.match(text)
    if match and "," in text:
        left, low, high, right = match.groups()
        if "," in low or "," in high:
            raise Unreadable(f"expected two ends in {short(text)}")
        return _interval(left, low, high, right, constants)
    parts = [p.strip() for p in COMPARISON.split(text)]
    if len(parts) in (3, 5):
        return _inequality(parts, x, constants)
    raise Unreadable(f"expected an interval such as (0, oo) or an inequality such as {x} > 0, got {short(text)}")


def _interval(left, low, high, right, constants) -> sympy.Set:
    a, b = _end(low, constants), _end(high, constants)
    try:
        smaller = bool(a < b)
    except TypeError:  # SymPy cannot decide the order (e.g. cos(1)^2 + sin(1)^2 against 1)
        raise Unreadable(
            f"cannot tell whether {_show_end(a)} is below {_show_end(b)}: write the ends as plain numbers"
        ) from None
    if not smaller:
        raise Unreadable(f"the interval from {_show_end(a)} to {_show_end(b)} is empty: write the smaller end first")
    return sympy.Interval(a, b, left_open=left == "(" or a.is_infinite, right_open=right == ")" or b.is_infinite)


def _end(text, constants) -> sympy.Expr:
    text = text.strip()
    match = INFINITY.match(text)
    if match:
        return -sympy.oo if match.group(1) == "-" else sympy.oo
    expr = parse_typed(text, (), constants)
    real_number(expr)
    return expr


OPS = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">=", "=<": "<=", "=>": ">="}
FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}


def _inequality(parts, x, constants) -> sympy.Set:
    ops = OPS
    sides, signs = parts[0::2], [ops[p] for p in parts[1::2]]
    absolute = re.compile(rf"^(?:\|\s*{re.escape(x)}\s*\||abs\s*\(\s*{re.escape(x)}\s*\))$")
    if len(sides) == 2 and any(absolute.match(side) for side in sides):
        return _absolute(sides, signs[0], absolute, constants)
    if x not in sides:
        raise Unreadable(f"an inequality needs the variable {x}, e.g. {x} > 0")
    result = sympy.Reals
    for left, op, right in zip(sides, signs, sides[1:]):
        if left != x and right != x:
            raise Unreadable(f"write each comparison with {x} on one side, e.g. -1 < {x} < 1")
        if left == x:  # x op value
            value, op = _end(right, constants), op
        else:  # value op x  ->  x (flipped op) value
            value, op = _end(left, constants), {"<": ">", ">": "<", "<=": ">=", ">=": "<="}[op]
        bound = {
            "<": sympy.Interval.open(-sympy.oo, value),
            "<=": sympy.Interval(-sympy.oo, value, left_open=True),
            ">": sympy.Interval.open(value, sympy.oo),
            ">=": sympy.Interval(value, sympy.oo, right_open=True),
        }[op]
        result = sympy.Intersection(result, bound)
    return result


def _absolute(sides: list, op: str, absolute: re.Pattern, constants) -> sympy.Set:
    """``|x| > 1`` is x < -1 or x > 1; ``|x| <= 2`` is -2 <= x <= 2."""
    if absolute.match(sides[0]):
        value = _end(sides[1], constants)
    else:
        value, op = _end(sides[0], constants), FLIP[op]
    if op in ("<", "<="):
        return sympy.Interval(-value, value, left_open=op == "<", right_open=op == "<")
    outside = op == ">"
    return sympy.Union(
        sympy.Interval(-sympy.oo, -value, left_open=True, right_open=outside),
        sympy.Interval(value, sympy.oo, left_open=outside, right_open=True),
    )


def _show_end(value) -> str:
    return "oo" if value == sympy.oo else "-oo" if value == -sympy.oo else show_number(value)


def pieces_of(s: sympy.Set) -> list:
    if isinstance(s, sympy.Union):
        return list(s.args)
    if s is sympy.S.EmptySet:
        return []
    return [s]


def show_set(s: sympy.Set) -> str:
    if s == sympy.Reals:
        return "(-oo, oo)"
    parts = []
    for p in pieces_of(s):
        if isinstance(p, sympy.FiniteSet):
            parts.append("{" + ", ".join(show_number(v) for v in p) + "}")
            continue
        left = "(" if p.left_open else "["
        right = ")" if p.right_open else "]"
        parts.append(f"{left}{_show_end(p.start)}, {_show_end(p.end)}{right}")
    return " U ".join(parts) or "none"


def set_difference_witness(a: sympy.Set, b: sympy.Set, tol: float):
    """A point in one set but not the other, ignoring endpoints (None: the same up to endpoints)."""
    ends = sorted({float(e) for s in (a, b) for p in pieces_of(s) for e in _ends(p) if e.is_finite})
    merged = [e for i, e in enumerate(ends) if i == 0 or e - ends[i - 1] > tol]
    if not merged:
        probes = [sympy.Integer(0)]
    else:  # beyond the outer ends by a step that floats can tell from the end (1e16 + 2 cannot)
        probes = [_nice_between(merged[0] - max(2.0, abs(merged[0])), merged[0])]
        probes += [_nice_between(lo, hi) for lo, hi in zip(merged, merged[1:])]
        probes.append(_nice_between(merged[-1], merged[-1] + max(2.0, abs(merged[-1]))))
    for p in probes:
        if bool(a.contains(p)) != bool(b.contains(p)):
            return p
    return None


def _ends(piece):
    if isinstance(piece, sympy.FiniteSet):
        return list(piece)
    return [piece.start, piece.end]


def _nice_between(lo: float, hi: float) -> sympy.Rational:
    """A short decimal strictly inside (lo, hi), well clear of both ends (exact arithmetic:
    the float midpoint of 1e16 and 1e16 + 2 is 1e16 itself)."""
    lo, hi = sympy.Rational(lo), sympy.Rational(hi)
    middle, margin = (lo + hi) / 2, (hi - lo) / 4
    for digits in range(0, 12):
        candidate = sympy.Rational(sympy.floor(middle * 10**digits + sympy.Rational(1, 2)), 10**digits)
        if lo + margin <= candidate <= hi - margin:
            return candidate
    return middle

"""Feedback that teaches: where the function is wrong, by how much, and why.

Shapes before values; the first failing point with expected and got; the worst
error; the student's own exception line (never grader internals); and the plain
mistakes that point evaluation recognises (sign, f instead of f', f'' instead of
f', a constant factor or offset, a transposed matrix, swapped components) and, first,
the rule of calculus a buggy differentiator breaks to give the student's values
(``grader.maths.mistakes``: chain, product, quotient, power, exp, log rules, trig signs,
an antiderivative). For vectors and matrices, which components or entries are right and
which wrong; for a function written with the other calling convention, how to write its
first line.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from grader.maths import close, fmt, fmt_pair, lambdify
from grader.reports import one_line

CALL_HELP = {
    "scalars": "one number per variable",
    "vector": "one 1-D NumPy array holding all the variables",
}


def at(task, x) -> str:
    if len(task.variables) == 1:
        return f"{task.variables[0]} = {fmt(x[0])}"
    return f"({', '.join(task.variables)}) = ({', '.join(fmt(v) for v in x)})"


def call_text(task, x) -> str:
    args = fmt(x) if task.call == "vector" else ", ".join(fmt(v) for v in x)
    return f"{task.spec.function}({args})"


def signature(task) -> str:
    args = "p" if task.call == "vector" else ", ".join(task.variables)
    return f"def {task.spec.function}({args}):"


def shape_name(shape) -> str:
    if not shape:
        return "a number"
    if len(shape) == 1:
        return f"a vector of length {shape[0]}, shape {shape}"
    return f"a {shape[0]}x{shape[1]} matrix, shape {shape}"


def passed(task, points, usable) -> str:
    random = len(points.x) - points.shown
    text = f"Correct at all {len(points.x)} check points ({points.shown} shown, {random} random)"
    if task.kind.fd_order and usable.any():
        text += f"; agrees with finite differences of f at {int(usable.sum())}"
    return text + "."


def no_points(task) -> str:
    return (
        "The grader found no point in the domain where f and the reference are finite; "
        "this task cannot be graded. Please tell your instructor."
    )


def run_failure(task, run) -> str:
    name = task.spec.function
    detail = run.detail if isinstance(run.detail, dict) else {}
    if run.failure == "garbled":
        return (
            f"The submission's process sent a garbled reply while `{name}` was being checked "
            "(not what the grader's own code sends), so nothing it said could be trusted."
        )
    if run.failure == "missing":
        return (
            f"Your file does not define a function named `{name}`. "
            f"Add `{signature(task)}` returning {task.kind.describe}."
        )
    if run.failure == "import":
        if "timeout" in detail:
            return f"Your file did not finish loading within {detail['timeout']:g} s (a loop at the top level?); nothing could be graded."
        if detail.get("crash"):
            return "Your file ended the process while loading (os._exit, a crash or too much memory); nothing could be graded."
        return "Your file could not be loaded, so nothing could be graded:\n" + exception_text(clean_error(detail))
    if run.failure == "timeout":
        return timeout_text(task, detail)
    code = detail.get("returncode")
    how = f" (exit code {code})" if code not in (None, 0) else ""
    return (
        f"Your code ended the process while `{name}` was running{how}: "
        "os._exit, a crash, or running out of memory or CPU time."
    )


def timeout_text(task, detail: dict) -> str:
    """Whether a single call or all the calls together ran out of time."""
    name, limit = task.spec.function, detail.get("timeout", task.spec.timeout)
    if "done" not in detail:  # set by grading.run_calls, in the parent
        return f"`{name}` did not return within {limit:g} s (an infinite loop, or very slow code?)."
    done, total, elapsed = detail["done"], detail["points"], detail["elapsed"]
    call = call_text(task, np.asarray(detail["point"], dtype=float))
    if elapsed < limit / 2:
        before = f" (the {done} call{'s' if done != 1 else ''} before it returned in time)" if done else ""
        return (
            f"A single call ran out of time: `{name}` did not return within {limit:g} s when called as {call}{before}. "
            "An infinite loop, or a loop that never ends for this input?"
        )
    each = elapsed / done
    return (
        f"All the calls together ran out of time: `{name}` returned at {done} of {total} check points in "
        f"{elapsed:.2g} s (about {each:.2g} s a call), and all {total} calls must finish within {limit:g} s. "
        f"Make `{name}` faster (no sleeping, no large loops)."
    )


def clean_error(err) -> dict:
    """An error description from the child with only the keys used here, as the types used here."""
    err = err if isinstance(err, dict) else {}
    out = {}
    for key, limit in (("type", 200), ("message", 2000), ("text", 500)):
        if isinstance(err.get(key), str):  # one line: a message must not forge report lines
            out[key] = one_line(err[key][:limit])  # the submission's: one line, nothing invisible
    line = err.get("line")
    if isinstance(line, int) and not isinstance(line, bool) and line > 0:
        out["line"] = line
    where = err.get("where")  # a notebook's "cell 3, line 2" (grader.notebook.source.MappedSandbox)
    if isinstance(where, str) and WHERE.fullmatch(where):
        out["where"] = where
    return out


# The places a notebook's lines map to: nothing else is shown as a place
WHERE = re.compile(r"(?:cell \d+|In \[\d+\]|the current definition of \w+|the grader's [\w ]+), line \d+")


def exception_text(err: dict) -> str:
    where = err.get("where") or (f"line {err['line']}" if err.get("line") else "your file")
    message = f"{err.get('type', 'Error')}: {err.get('message', '')}".rstrip(": ")
    text = f"{where}: {message}"
    if err.get("text"):
        text += f"\n    {err['text']}"
    if err.get("type") == "BlockingIOError" or err.get("message", "").startswith("can't start new thread"):
        text += "\n(The grader does not let submissions start processes or threads.)"
    if err.get("type") == "MemoryError":
        text += "\n(The grader limits memory; avoid building huge lists or arrays.)"
    if err.get("type") == "ForbiddenModule":
        text += "\n(This exercise asks you to work the derivative out by hand.)"
    return text


def call_problem(task, x, item) -> str:
    call = call_text(task, x)
    if item.get("error", {}).get("type") == "NotImplementedError":
        return (
            f"`{task.spec.function}` is not written yet (it raises NotImplementedError): replace "
            f"`raise NotImplementedError` with code that returns {task.kind.describe}."
        )
    convention = calling_convention(task, item.get("error"))
    if convention:
        return convention
    if "error" in item:
        return f"{call} raised an error at {exception_text(item['error'])}"
    returned = item.get("returned", "something else")
    text = f"{call} returned {returned}; it should return {task.kind.describe}."
    if returned == "NoneType":
        text += " Did you forget `return`?"
    return text


_ARITY = re.compile(r"(?:takes|missing) (?:from )?\d+")


def calling_convention(task, error) -> str | None:
    """What to write when the student's function takes the other calling convention.

    Python says so in the call's TypeError (``gradient() missing 2 required positional
    arguments``, ``f() takes 1 positional argument but 2 were given``), raised before
    any line of the function runs (so it has no line in the student's file).
    """
    if not error or error.get("type") != "TypeError" or error.get("line"):
        return None
    name, message = task.spec.function, error.get("message", "")
    if not message.startswith(f"{name}()") or not _ARITY.search(message):
        return None
    names = ", ".join(task.variables)
    python = f"(Python said: TypeError: {message}.)"
    if task.call == "vector":
        unpack = f"{names} = p" if len(task.variables) > 1 else f"{names} = p[0]"
        return (
            f"`{name}` is called with one array p holding ({names}), not with one number per variable: "
            f"write `def {name}(p):` and start it with `{unpack}`. {python}"
        )
    n = len(task.variables)
    if n > 1 and re.search(r"takes 1 positional argument but", message):  # written for one array
        return (
            f"`{name}` is called with one number per variable, {name}({names}), not with one array: "
            f"write `def {name}({names}):`. {python}"
        )
    what = "one number" if n == 1 else f"{n} numbers, one per variable"
    return f"`{name}` is called with {what}, {name}({names}): write `def {name}({names}):`. {python}"


def entry_names(task) -> list[str]:
    """The name of each component (gradient) or entry (Hessian, Jacobian), in row-major order."""
    v = task.variables
    kind = task.kind.name
    if kind == "gradient":
        return [f"∂f/∂{x}" for x in v]
    if kind == "hessian":
        return [
            f"H[{i}][{j}] = ∂²f/∂{a}²" if i == j else f"H[{i}][{j}] = ∂²f/∂{a}∂{b}"
            for i, a in enumerate(v)
            for j, b in enumerate(v)
        ]
    if kind == "jacobian":
        return [f"J[{i}][{j}] = ∂f{i}/∂{b}" for i in range(task.outputs) for j, b in enumerate(v)]
    size = int(np.prod(task.shape)) if task.shape else 1
    return [f"entry {k}" for k in range(size)]


def entries_text(task, right) -> str | None:
    """"∂f/∂y is right, ∂f/∂x is wrong." for a vector or matrix answer that is partly right."""
    right = np.asarray(right, dtype=bool).ravel()
    if right.size < 2 or right.all() or not right.any():
        return None
    names = entry_names(task)
    good = [n for n, ok in zip(names, right, strict=False) if ok]
    bad = [n for n, ok in zip(names, right, strict=False) if not ok]
    what = "components" if task.kind.name == "gradient" else "entries"
    return (
        f"By {what}: {_listed(good)} {'is' if len(good) == 1 else 'are'} right (at every check point); "
        f"{_listed(bad)} {'is' if len(bad) == 1 else 'are'} wrong."
    )


def _listed(names) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def partial_text(task, right, earned: float) -> str:
    right = np.asarray(right, dtype=bool).ravel()
    what = "components" if task.kind.name == "gradient" else "entries"
    return (
        f"Partial credit: {int(right.sum())} of {right.size} {what} right, "
        f"{fmt(earned)} of {task.spec.points:g} point{'s' if task.spec.points != 1 else ''}."
    )


def shape_problem(task, x, shape, data, points) -> str:
    text = f"{call_text(task, x)} returned shape {tuple(shape)}; expected {shape_name(task.shape)}."
    want = task.shape
    if len(want) == 2 and tuple(shape) == want[::-1] and want[0] != want[1]:
        text += f" It looks transposed: row i should hold the derivatives of output {'f_i' if task.kind.vector_f else 'i'}, column j those by {task.variables[0]}, {task.variables[-1]}... in order."
    elif len(want) == 1 and tuple(shape) in ((want[0], 1), (1, want[0])):
        text += " Return a flat vector, e.g. np.array([a, b]) rather than [[a], [b]]."
    return text


def shape_mistake(task, shape) -> str:
    """The answer note of a wrong shape: "transposed", "column_vector" or "shape"."""
    want, shape = task.shape, tuple(shape)
    if len(want) == 2 and shape == want[::-1] and want[0] != want[1]:
        return "transposed"
    if len(want) == 1 and shape in ((want[0], 1), (1, want[0])):
        return "column_vector"
    return "shape"


def wrong_values(task, points, values, bad, mistake) -> str:
    first = int(np.argmax(bad))
    x, got, want = points.x[first], values[first], points.expected[first]
    shown_got, shown_want = fmt_pair(got, want)
    lines = [f"At {at(task, x)} your `{task.spec.function}` returned {shown_got}; expected {shown_want}."]
    if not task.shape:
        lines[0] = lines[0][:-1] + f" (off by {fmt(float(got) - float(want))})."
    count = int(bad.sum())
    errors = np.array([np.max(np.abs(v - e)) for v, e in zip(values, points.expected, strict=False)])
    worst = int(np.argmax(np.where(bad, errors, -1)))
    lines.append(
        f"Wrong at {count} of {len(points.x)} check points; the largest error is {fmt(errors[worst])} at {at(task, points.x[worst])}."
    )
    if points.shown and not bad[: points.shown].any():
        lines.append("Right at the shown points but wrong at others: the function must be right everywhere in the domain.")
    if mistake:
        lines.append(mistake[1])
    return "\n".join(lines)


def diagnose(task, points, values):
    """(note, sentence) for a recognisable mistake, or None."""
    ref = points.expected
    flat_r = ref.reshape(len(ref), -1)
    flat_s = values.reshape(len(values), -1)
    scale = 1e-6 * (1 + np.max(np.abs(flat_r)))
    if _same(flat_s, flat_r, scale):
        return None  # wrong, but by less than these comparisons can tell apart (it read "0.999999 times")
    slip = rule_slip(task, points, flat_s, flat_r, scale)
    if slip is not None:
        return (slip.note, slip.sentence)
    if np.max(np.abs(flat_r)) > scale and _same(flat_s, -flat_r, scale):
        return ("sign", "The sign is flipped: your values are exactly minus the right ones.")
    for note, sentence, candidate in _alternatives(task, points):
        if candidate is not None and not _same(candidate, flat_r, scale) and _same(flat_s, candidate, scale):
            return (note, sentence)
    factor = _ratio(flat_s, flat_r, scale)
    if factor is not None:
        return ("factor", f"Your values are {fmt(factor)} times the right ones: a constant factor is off.")
    offset = flat_s - flat_r
    if np.all(np.abs(offset - offset[0]) <= scale) and np.max(np.abs(offset[0])) > scale:
        shift = offset[0].reshape(task.shape)  # a number for a scalar task, not "[1]"
        return ("constant", f"Your values are the right ones plus {fmt(shift)}: a constant term is off.")
    if len(task.shape) == 1 and task.shape[0] > 1 and _same(flat_s, flat_r[:, ::-1], scale):
        return ("order", "The components are in reverse order: component i must be the derivative by the i-th variable.")
    if len(task.shape) == 2:
        transposed = np.swapaxes(ref, 1, 2).reshape(len(ref), -1)
        if not _same(transposed, flat_r, scale) and _same(flat_s, transposed, scale):
            return ("transposed", "Your matrix is the transpose of the right one: rows are outputs, columns are variables.")
    return None


def rule_slip(task, points, flat_s, flat_r, scale):
    """The rule of calculus the values show was broken (a buggy differentiator's answer), or None."""
    from grader.maths import match

    compiled = _compiled_mistakes(task)
    if compiled is not None:  # a compiled task: the slips as programs, no SymPy
        from grader.maths import values

        slips = [_CompiledSlip(note, sentence, programs, up) for note, sentence, up, programs in compiled["slips"]]
        return match(slips, lambda programs: values(programs, points.x, flat_s.shape[1]), flat_s, flat_r,
                     lambda a, b: _same(a, b, scale))

    def values_of_expr(expr):
        return _evaluate(expr, task.symbols, points.x, flat_s.shape[1])

    return match(slips_of(task), values_of_expr, flat_s, flat_r, lambda a, b: _same(a, b, scale))


class _CompiledSlip:
    """A slip of a compiled task: its expression is a list of programs (one per entry)."""

    def __init__(self, note: str, sentence: str, expr: list, up_to_constant: bool):
        self.note, self.sentence, self.expr, self.up_to_constant = note, sentence, expr, up_to_constant


def _compiled_mistakes(task) -> dict | None:
    """A compiled task's mistake programs (compiled and stored on first need), else None."""
    mistakes = getattr(task, "mistakes", None)
    return mistakes() if callable(mistakes) else None


def slips_of(task) -> tuple:
    """The buggy differentiator's answers for a task loaded with SymPy."""
    import sympy

    return _slips(task.kind.name, sympy.ImmutableMatrix(task.f), tuple(task.symbols), task.wrt)


@functools.lru_cache(maxsize=256)
def _slips(kind: str, f, symbols: tuple, wrt: int) -> list:
    """The buggy differentiator's answers for one task: the same for every submission (a class
    graded on a warm worker works them out once)."""
    import sympy

    from grader.maths import attempt, integrated_slip, task_slips

    slips = attempt(lambda: task_slips(kind, sympy.Matrix(f), symbols, wrt, integrate=False), 2.0, [])
    if kind in ("derivative", "partial"):
        integral = integrated_slip(f[0], symbols[wrt], lambda compute: attempt(compute, 1.0))
        slips += [integral] if integral else []
    return tuple(slips)


def _same(a, b, scale) -> bool:
    return a.shape == b.shape and bool(np.all(close(a, b, 1e-6, scale)))


def _ratio(s, r, scale):
    mask = np.abs(r) > scale
    if not mask.any():
        return None
    ratios = s[mask] / r[mask]
    c = float(np.median(ratios))
    if abs(c - 1) < 1e-6 or abs(c) < 1e-9 or abs(c + 1) < 1e-6:
        return None
    if np.all(close(s, c * r, 1e-6, scale)):
        return c
    return None


def _alternatives(task, points):
    """Other quantities the student may have returned instead, at the check points."""
    compiled = _compiled_mistakes(task)
    if compiled is not None:
        from grader.maths import values

        for note, sentence, program in compiled["alternatives"]:
            yield note, sentence, values([program], points.x, 1)
        return
    for note, sentence, expr in alternative_expressions(task):
        yield note, sentence, _evaluate(expr, task.symbols, points.x)


def alternative_expressions(task) -> list:
    """(note, sentence, SymPy expression) of each other quantity a student may return."""
    kind = task.kind.name
    xs = task.symbols
    f = task.f[0]
    options = []
    if kind in ("derivative", "partial"):
        options.append(("returned_f", "You returned f itself, not its derivative.", f))
    if kind == "derivative":
        options.append(("second_derivative", "You returned the second derivative f''; the task asks for f'.", f.diff(xs[0], 2)))
    if kind == "second_derivative":
        options.append(("first_derivative", "You returned the first derivative f'; differentiate once more for f''.", f.diff(xs[0])))
        options.append(("returned_f", "You returned f itself; the task asks for f''.", f))
    if kind == "partial":
        for i, other in enumerate(xs):
            if i != task.wrt:
                options.append(("wrong_variable", f"You differentiated by {other}; this task asks for the derivative by {xs[task.wrt]}.", f.diff(other)))
    return options


@functools.lru_cache(maxsize=1024)
def _lambdified(xs: tuple, expr):
    """A NumPy function of ``expr`` (a matrix as nested lists), made once per expression."""
    import sympy

    return lambdify(list(xs), expr.tolist() if isinstance(expr, sympy.MatrixBase) else expr)


def _evaluate(expr, xs, rows, size=1):
    """``expr`` (an expression or a Matrix) at each row, as a k x size array; None if it fails."""
    import sympy

    key = sympy.ImmutableMatrix(expr) if isinstance(expr, sympy.MatrixBase) else expr
    try:
        fn = _lambdified(tuple(xs), key)
    except (SyntaxError, TypeError, ValueError, NameError, KeyError):
        return None
    with np.errstate(all="ignore"):
        try:
            values = [np.asarray(fn(*x), dtype=float).reshape(-1) for x in rows]
            return np.array(values, dtype=float).reshape(len(rows), size)
        except (ArithmeticError, ValueError, TypeError, NameError, AttributeError):  # NameError: no NumPy form
            return None

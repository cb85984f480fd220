"""The instructor's and student's files: ``new`` templates, ``starter`` files and the ``export``ed student edition.

* ``template(kind, id)``: a commented exercise or quiz that validates.
* ``starter(id, problems, student)``: for an exercise, the student's ``.py`` with one
  stub per visible function (docstring stating the task in the student's variant,
  ``raise NotImplementedError``); for a quiz, an answers template.
* ``export(paths, output)``: the student edition, without references, answer keys or
  hidden tasks and questions, recording ``hidden_checks`` and ``student_edition: true``.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

from grader.authoring.templates import TEMPLATES
from grader.errors import GradquizError

WIDTH = 84  # docstring lines in starters

# -- new --------------------------------------------------------------------------------------


def template(kind: str, problem_id: str) -> str:
    """A commented exercise or quiz file with this id; it validates as written."""
    if kind not in TEMPLATES:
        raise GradquizError(f"expected 'exercise' or 'quiz', got {kind!r}")
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", problem_id):
        raise GradquizError(f"an id is letters, digits, '_', '.' and '-' (and starts with a letter or digit), got {problem_id!r}")
    return TEMPLATES[kind].replace("__ID__", problem_id)


def write_new(path: Path, text: str, force: bool = False) -> None:
    """Write a generated file, never over someone's work unless ``force``."""
    from grader.reports import write_file

    path = Path(path)
    if os.path.lexists(path) and not force:  # a dangling link too: it would be written through
        raise GradquizError("already exists; choose another --output (or add --force to overwrite it)", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GradquizError(f"cannot write ({exc.strerror})", path) from None
    write_file(path, text, what="file")  # never through a link, into a FIFO or a device


# -- starter ----------------------------------------------------------------------------------


def starter(problem_id: str, problems=(), student: str | None = None) -> str:
    """The student's starter file (exercise) or answers template (quiz), in their variant."""
    from grader.problems import find_problem, kind_of, load_yaml

    path = find_problem(problem_id, problems)
    data, positions = load_yaml(path)
    if kind_of(data) == "quiz":
        from grader.authoring.quiz_files import quiz_starter

        return quiz_starter(path, data, positions, student)
    from grader.exercise import load_exercise

    return exercise_starter(load_exercise(path, student, data, positions))


def exercise_starter(exercise) -> str:
    from grader.problems import describe

    spec = exercise.spec
    lines = [f"# gradquiz: {spec.id}"]
    if exercise.params:
        if exercise.student:  # `check` reads it back: the student's own variant is graded
            lines[0] += f" student={exercise.student}"
            lines.append(f"# Your variant (student {exercise.student}): {describe(exercise.params)}")
        else:
            lines.append(
                f"# The default variant: {describe(exercise.params)}. For yours, run "
                f"`gradquiz starter {spec.id} --student YOUR_ID`."
            )
    title, intro = exercise.title, exercise.intro
    lines.append(_docstring("", [title, "=" * len(title), "", intro.rstrip()]))
    lines.append("")
    if spec.forbid:
        lines.append(f"# Work the derivatives out by hand: {', '.join(spec.forbid)} cannot be imported here.")
    if spec.allow:
        lines.append(f"# Besides numpy and the standard library, you may import {', '.join(spec.allow)}.")
    lines += ["import numpy as np", ""]
    hidden = sum(t.spec.visibility == "hidden" for t in exercise.tasks) + spec.hidden_checks
    tasks: dict[str, list] = {}
    for task in exercise.tasks:
        if task.spec.visibility == "visible":
            tasks.setdefault(task.spec.function, []).append(task)
    for _function, group in tasks.items():
        lines += ["", stub(group, exercise.params), ""]
    lines += uses_stubs(exercise, set(tasks))
    if hidden:
        lines.append(
            f"# {hidden} hidden check{'s' if hidden > 1 else ''} will also run when your work is graded: "
            "make every function right everywhere in its domain."
        )
    return "\n".join(lines).rstrip() + "\n"


def stub(tasks, params) -> str:
    first = tasks[0]
    args = "p" if first.call == "vector" else ", ".join(first.variables)
    if first.call == "args":  # the methods' kinds: arguments of their own
        args = first.arguments
    body = []
    for i, task in enumerate(tasks):
        if i:
            body += ["", f"Also checked by task `{task.id}`:"]
        body += _task_text(task, params)
    return "\n".join([f"def {first.spec.function}({args}):", _docstring("    ", body), "    raise NotImplementedError"])


def uses_stubs(exercise, defined: set) -> list[str]:
    """For autodiff tasks, a stub per name in ``uses`` (the functions the student writes for their own numbers)."""
    names: list[str] = []
    for task in exercise.tasks:
        if task.kind.name == "autodiff" and task.spec.visibility == "visible":
            names += [n for n in task.uses if n not in names and n not in defined]
    out = []
    for name in names:
        text = (f"{name} for your own numbers (such as dual numbers, value and derivative): the functions your "
                f"derivative function is given call it.")
        out += ["", f"def {name}(u):", _docstring("    ", textwrap.wrap(text, WIDTH)), "    raise NotImplementedError", ""]
    return out


def _task_text(task, params) -> list[str]:
    if task.call == "args":
        if task.kind.name in ("gradient", "function"):
            from grader.exercise import array_starter_text as starter_text
        else:
            from grader.exercise import method_starter_text as starter_text
        lines = starter_text(task)
        if params and task.spec.f is not None and not isinstance(task.spec.f, list):  # the student's values in f
            lines = [line.replace(str(task.spec.f), substitute(str(task.spec.f), params)) for line in lines]
        return [wrapped for line in lines for wrapped in (textwrap.wrap(line, WIDTH, break_long_words=False) or [""])]
    names = ", ".join(task.variables)
    f_text = shown_formula(task.spec.f, task.f, params)
    what = _WHAT.get(task.kind.name, _fallback)(task, names, f_text)
    lines = [what, ""]
    if task.call == "vector":
        lines.append(f"`p` is a 1-D NumPy array holding [{names}] (read them as `{names} = p`).")
    share = ""
    if task.spec.partial:
        size = 1
        for n in task.shape:
            size *= n
        what = "component" if task.kind.name == "gradient" else "entry"
        share = f", {task.spec.points / size:g} for each right {what}"
    lines.append(
        f"Task `{task.id}` ({task.spec.points:g} point{'s' if task.spec.points != 1 else ''}{share}): {_domain(task, params)}."
    )
    if len(task.at):
        if len(task.variables) == 1:
            shown = f"{task.variables[0]} = " + ", ".join(shown_number(v, params) for v in task.spec.at)
        else:
            shown = "; ".join(_point(task, item, params) for item in task.spec.at)
        lines.append(f"Shown check points: {shown}.")
    if task.spec.samples:
        lines.append(f"Also checked at {task.spec.samples} random points in the domain.")
    return [wrapped for line in lines for wrapped in (textwrap.wrap(line, WIDTH, break_long_words=False, break_on_hyphens=False) or [""])]


def _fallback(task, names, f):
    return f"Return {task.kind.describe} for f({names}) = {f}."


_WHAT = {
    "function": lambda t, n, f: f"Return f({n}) = {f}, as a number.",
    "derivative": lambda t, n, f: f"Return f'({n}), the derivative of f({n}) = {f}, as a number.",
    "second_derivative": lambda t, n, f: f"Return f''({n}), the second derivative of f({n}) = {f}, as a number.",
    "partial": lambda t, n, f: f"Return ∂f/∂{t.spec.wrt}, the partial derivative by {t.spec.wrt} of f({n}) = {f} "
    "(the other variables held constant), as a number.",
    "gradient": lambda t, n, f: f"Return the gradient of f({n}) = {f}: the vector "
    f"[{', '.join('∂f/∂' + v for v in t.variables)}], shape {t.shape}.",
    "hessian": lambda t, n, f: f"Return the Hessian of f({n}) = {f}: the {t.shape[0]}x{t.shape[1]} matrix of second "
    f"partials, row i and column j holding ∂²f/∂v_i∂v_j for v = ({n}), shape {t.shape}.",
    "jacobian": lambda t, n, f: f"Return the Jacobian of f({n}) = {f}: the {t.shape[0]}x{t.shape[1]} matrix whose row i "
    f"holds the derivatives of output i by {n}, shape {t.shape}.",
}


def _domain(task, params) -> str:
    domain = task.spec.domain
    if isinstance(domain, dict):
        parts = [f"{v} in [{shown_number(domain[v][0], params)}, {shown_number(domain[v][1], params)}]" for v in task.variables]
        return ", ".join(parts)
    low, high = (shown_number(b, params) for b in domain)
    if len(task.variables) == 1:
        return f"{task.variables[0]} in [{low}, {high}]"
    return f"each of {', '.join(task.variables)} in [{low}, {high}]"


def _point(task, item, params) -> str:
    values = item if isinstance(item, list) else [item]
    shown = [shown_number(v, params) for v in values]
    if len(task.variables) == 1:
        return f"{task.variables[0]} = {shown[0]}"
    return f"({', '.join(task.variables)}) = ({', '.join(shown)})"


def shown_number(value, params) -> str:
    if isinstance(value, str):
        return substitute(value, params)
    return repr(value)


def shown_formula(text, parsed, params) -> str:
    """The author's formula with the student's values put in (checked; SymPy's form if in doubt)."""
    from grader.maths import format_math

    if isinstance(text, list):
        return "[" + ", ".join(shown_formula(t, parsed[i], params) for i, t in enumerate(text)) + "]"
    text = str(text)
    if not params:
        return text
    if hasattr(parsed, "shape"):  # a 1x1 Matrix
        parsed = parsed[0]
    out = substitute(text, params)
    if _same(out, parsed):
        return out
    return format_math(parsed)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def fill(text: str, params) -> str:
    """``{a}`` in a title or intro becomes the student's value of param ``a`` (as in quiz prompts)."""
    from grader.problems import fill as fill_values

    return fill_values(text, params)


def substitute(text: str, params) -> str:
    """Replace each param name in ``text`` by its value: ``a*x**n`` with a=3, n=2 -> ``3*x**2``."""
    from grader.problems import show_value

    def value(match):
        name = match.group(0)
        if name not in params:
            return name
        shown = show_value(params[name])
        if shown.startswith("-") or "/" in shown:
            shown = f"({shown})"
        before = text[: match.start()].rstrip()[-1:]
        after = text[match.end():].lstrip()[:1]
        if before and (before.isalnum() or before in "._)"):
            shown = "*" + shown
        if after and (after.isalnum() or after in "._("):
            shown = shown + "*"
        return shown

    return _NAME.sub(value, text)


def _same(text: str, expected) -> bool:
    import sympy

    from grader.maths import MathSyntaxError, attempt, parse_math

    try:
        shown = parse_math(text)
    except MathSyntaxError:
        return False
    return attempt(lambda: sympy.simplify(shown - expected) == 0, 2.0, default=False)


def _docstring(indent: str, lines: list[str]) -> str:
    text = "\n".join(lines).strip("\n")
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"'):
        text += " "
    body = "\n".join((indent + line).rstrip() for line in text.splitlines())
    return f'{indent}"""{body[len(indent):]}\n{indent}"""'


# -- export -----------------------------------------------------------------------------------

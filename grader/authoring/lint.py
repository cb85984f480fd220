"""The exercise checks behind ``gradquiz validate``: every authoring mistake, before students see it.

Each problem is one ``file:line: key.path: message`` line that says what to change.
Exercises with ``params:`` are checked in every variant they can draw (all of a small
space, else those of sample students; ``grader.problems.constraints``), and the variant is named
in the message: ``... tasks[0].at[1]: with a=2, n=0: ...``. A mistake found in several
variants is reported once, with how many more variants have it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sympy

from grader.errors import GradquizError
from grader.exercise import METHODS, ExerciseSpec
from grader.exercise import reference_problem as array_reference_problem
from grader.maths import TimeLimit, fmt, time_limit
from grader.problems import ConstraintError, describe, key_path, parse_all, variants_to_check

MIN_POINTS = 5
SIMPLIFY_SECONDS = 2.0  # time limit of one symbolic reference check
DIGITS = 30  # precision of the numeric reference check when simplify cannot decide
SHOWN_VARIANTS = 3


@dataclass
class Issues:
    """Problems of one file, grouped so one mistake in 50 variants is one line."""

    path: Path
    found: dict = field(default_factory=dict)  # (line, key, message) -> [variant labels]
    variants: int = 1  # how many variants were checked

    def add(self, line, key: str, message: str, variant: str = "") -> None:
        self.found.setdefault((line or 1, key, message), []).append(variant)

    def lines(self) -> list[str]:
        out = []
        for (line, key, message), variants in sorted(self.found.items(), key=lambda item: item[0][0]):
            named = [v for v in variants if v]
            text = f"{key}: {message}" if key else message
            if named and len(named) == self.variants > 1:
                text = f"{key}: in every variant: {message}" if key else f"in every variant: {message}"
            elif named:
                where = f"with {named[0]}"
                if len(named) > 1:
                    more = "; ".join(named[1:SHOWN_VARIANTS])
                    rest = len(named) - SHOWN_VARIANTS
                    where += f" (also with {more}{f' and {rest} more variants' if rest > 0 else ''})"
                text = f"{key}: {where}: {message}" if key else f"{where}: {message}"
            out.append(f"{self.path}:{line}: {text}")
        return out


def _variants(spec, path, positions, issues) -> list:
    """The parameter values to check (every variant, or a sample); bad constraints raise."""

    def fail(loc, message):
        raise GradquizError(f"{key_path(loc)}: {message}", path, positions.line_of(loc))

    rules = parse_all(spec, fail)
    try:
        variants = variants_to_check(spec.params, rules, spec.id)
    except ConstraintError as exc:
        fail(("constraints",), str(exc))
    issues.variants = len(variants)
    return variants


def schema_errors(model, data, positions, path):
    """(the model or None, every schema mistake as an error line)."""
    from grader.problems import check

    spec, found = check(model, data, positions, path)
    return spec, [str(err) for err in found]


def _add(issues: Issues, err: GradquizError, label: str) -> None:
    key, _, message = err.message.partition(": ")
    issues.add(err.line, key if message else "", message or key, label)


def _add_all(issues: Issues, errors, label: str) -> None:
    """Each distinct error once (the first is found again when the tasks are compiled one by one)."""
    seen = set()
    for err in errors:
        if (err.line, err.message) not in seen:
            seen.add((err.line, err.message))
            _add(issues, err, label)


def lint_exercise(path: Path, data, positions):
    """(error lines, the default variant's Exercise or None): every schema mistake, and then every
    task's mistakes in every variant: the tasks without a schema mistake are compiled and checked
    too, and a task that does not compile does not keep the others' maths from being checked."""
    spec, errors = schema_errors(ExerciseSpec, data, positions, path)
    if errors:
        return _in_line_order(path, errors + _rest_of(path, data, positions, errors, "tasks", _reduced_exercise(path))), None
    return _lint_tasks(path, data, spec, positions)


def _reduced_exercise(path: Path):
    def lint(data, positions) -> list[str]:
        spec, more = schema_errors(ExerciseSpec, data, positions, path)
        return [] if more or spec is None else _lint_tasks(path, data, spec, positions)[0]

    return lint


def _lint_tasks(path: Path, data, spec, positions):
    from grader.exercise import Exercise, compiled_tasks, load_exercise, task_errors
    from grader.problems import student_id

    issues = Issues(path)
    variants = _variants(spec, path, positions, issues)
    structure(spec, positions, issues)
    first = None
    for values in variants:
        label = describe(values)
        try:
            exercise = load_exercise(path, data=data, positions=positions, params=values)
            tasks = list(enumerate(exercise.tasks))
        except GradquizError as err:
            _add_all(issues, [err, *task_errors(path, spec, positions, values)], label)
            tasks = compiled_tasks(path, spec, positions, values)
            exercise = Exercise(spec, Path(path), tuple(t for _, t in tasks), values, student_id(None))
        else:
            first = first or exercise
        for task_index, task in tasks:
            check_task(exercise, task, task_index, positions, issues, label)
    return issues.lines(), first


def _rest_of(path: Path, data, positions, errors, items: str, lint) -> list[str]:
    """The mistakes of the tasks (``items``: tasks or questions) the schema accepts, when every
    schema mistake is inside some task: ``lint(reduced data, positions)`` checks the file without
    those tasks, and its lines keep the file's line numbers and key paths."""
    inside = re.compile(rf"^{items}\[(\d+)\]")
    bad = set()
    for line in errors:
        where = line.split(": ", 1)[1] if line.startswith(f"{path}:") else line
        match = inside.match(where.split(": ", 1)[0])
        if not match:
            return []  # a mistake outside the tasks: nothing else can be trusted
        bad.add(int(match.group(1)))
    entries = data.get(items) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    kept = [i for i in range(len(entries)) if i not in bad]
    if not kept:
        return []
    try:
        lines = lint({**data, items: [entries[i] for i in kept]}, _Renumbered(positions, kept, items))
    except GradquizError as err:
        lines = [str(err)]
    anywhere = re.compile(rf"(?<![\w\]]){items}\[(\d+)\]")
    return [anywhere.sub(lambda m: f"{items}[{kept[int(m.group(1))]}]" if int(m.group(1)) < len(kept) else m.group(0),
                         line) for line in lines]


def _in_line_order(path: Path, lines: list[str]) -> list[str]:
    def line_number(text: str) -> int:
        head = text[len(f"{path}:"):].split(":", 1)[0] if text.startswith(f"{path}:") else ""
        return int(head) if head.isdigit() else 0

    return sorted(lines, key=line_number)


class _Renumbered:
    """Positions of a file seen through a copy that left some tasks out: ``tasks[j]`` of the copy
    is ``tasks[kept[j]]`` of the file."""

    def __init__(self, positions, kept: list[int], items: str) -> None:
        self._positions = positions
        self._kept = kept
        self._items = items

    def line_of(self, loc, *args, **kwargs):
        loc = tuple(loc)
        if len(loc) > 1 and loc[0] == self._items and isinstance(loc[1], int) and loc[1] < len(self._kept):
            loc = (self._items, self._kept[loc[1]], *loc[2:])
        return self._positions.line_of(loc, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._positions, name)


def structure(spec, positions, issues: Issues) -> None:
    """Checks that do not depend on the variant: what students can see of hidden tasks."""
    visible = {t.function for t in spec.tasks if t.visibility == "visible"}
    for i, task in enumerate(spec.tasks):
        if task.visibility == "hidden" and task.function not in visible:
            loc = ("tasks", i, "function")
            issues.add(
                positions.line_of(loc),
                key_path(loc),
                f"hidden task '{task.id}' calls `{task.function}`, which no visible task asks for, so students "
                "never learn to write it: check a function a visible task names, or make this task visible",
            )


def check_task(exercise, task, index: int, positions, issues: Issues, label: str) -> None:
    from grader.exercise import check_points

    loc = ("tasks", index)

    def add(sub, message):
        issues.add(positions.line_of(loc + sub), key_path(loc + sub), message, label)

    if task.kind.name in METHODS:  # the student's function takes a function: no domain, no reference
        from grader.exercise import problems

        for sub, message in problems(task):
            add(sub, message)
        return
    points = check_points(task, exercise)
    for sub, message in at_problems(task):
        add(sub, message)
    wanted = max(1, min(MIN_POINTS, task.spec.samples + len(task.at)))
    if len(points.x) < wanted:
        add(
            ("domain",),
            f"only {len(points.x)} of {task.spec.samples + len(task.at)} check points in the domain have f and the "
            f"reference finite; need at least {wanted}: change `domain` to where f is defined (or raise `samples`)",
        )
    wrong = None
    if task.spec.reference is not None:  # over array parameters: checked at the points (the formulas are long)
        wrong = array_reference_problem(task, points) if task.arrays else reference_problem(task, points)
    if wrong:
        add(("reference",), wrong)
    elif points.disagree:
        add(
            ("f",) if task.spec.reference is None else ("reference",),
            f"the {'reference' if task.spec.reference is not None else 'derivative of f'} disagrees with finite "
            f"differences of f at {points.disagree} of {len(points.x)} points: f may have a kink or jump in the "
            "domain; keep `domain` away from it"
            + (" (or check `reference`, or leave it out to derive it from f)" if task.spec.reference is not None else ""),
        )


def at_problems(task):
    """(key path, message) for `at:` points outside the domain or where f or the answer is not finite."""
    from grader.exercise import at as at_text

    for j, x in enumerate(task.at):
        where = at_text(task, x)
        low, high = task.bounds[:, 0], task.bounds[:, 1]
        if ((x < low) | (x > high)).any():
            box = ", ".join(f"{v} in [{fmt(a)}, {fmt(b)}]" for v, (a, b) in zip(task.variables, task.bounds, strict=False))
            yield ("at", j), f"{where} is outside the domain ({box}): move the point into the domain or widen `domain`"
            continue
        with np.errstate(all="ignore"):
            try:
                fx = task.f_numeric(x)
                ref = task.reference_numeric(x)
            except (ArithmeticError, ValueError, TypeError):
                fx = ref = np.array([np.nan])
        if not np.all(np.isfinite(fx)):
            yield ("at", j), f"f is not finite at {where} (a singularity, or outside where f is defined): choose another point"
        elif not np.all(np.isfinite(ref)):
            yield ("at", j), (
                f"the expected answer is not finite at {where} (it is {fmt(ref)}): the derivative does not exist "
                "there; choose another point"
            )


def derived(task) -> sympy.Matrix:
    return task.kind.reference(task.f, task.symbols, task.wrt).reshape(*task.reference.shape)


def reference_problem(task, points) -> str | None:
    """Is the given reference the derivative of f? Symbolically first (simplify under a time
    limit), else exactly or to 30 digits at the check points."""
    right = derived(task)
    difference = task.reference - right
    simplified = _simplified(difference)
    if simplified is not None and all(d == 0 for d in simplified):
        return None
    rows = np.vstack([task.at, points.x]) if len(task.at) else points.x
    for x in rows:
        gap = _gap(difference, right, dict(zip(task.symbols, (sympy.Rational(v) for v in x), strict=False)))
        if gap is not None:
            return _disagree_message(task, right, x, gap)
    if simplified is not None and any(d.is_number and d != 0 for d in simplified):
        gap = next(float(d) for d in simplified if d.is_number and d != 0)
        x = rows[0] if len(rows) else np.zeros(len(task.variables))
        return _disagree_message(task, right, x, gap)
    return None


def _simplified(difference: sympy.Matrix):
    """The simplified difference, or None when SymPy takes too long."""
    try:
        with time_limit(SIMPLIFY_SECONDS):
            return [d if d == 0 else sympy.simplify(d) for d in (sympy.expand(e) for e in difference)]
    except TimeLimit:
        return None


def _gap(difference, right, subs) -> float | None:
    """The largest difference at one exact point, or None when they agree there."""
    worst = None
    for k, d in enumerate(difference):
        try:
            value = d.subs(subs)
            if value.is_Rational:
                gap = float(value) if value != 0 else 0.0
                exact_gap = value != 0
            else:
                gap = complex(sympy.N(value, DIGITS))
                size = abs(complex(sympy.N(right[k].subs(subs), DIGITS)))
                if gap != gap:
                    continue
                exact_gap = abs(gap) > 1e-20 * (1 + size)
                gap = abs(gap)
        except (TypeError, ValueError, ArithmeticError):
            continue
        if exact_gap and (worst is None or abs(gap) > abs(worst)):
            worst = gap
    return worst


def _disagree_message(task, right, x, gap) -> str:
    from grader.exercise import at as at_text

    subs = dict(zip(task.symbols, (sympy.Rational(v) for v in x), strict=False))
    f_text = _show(task.f, task)
    of = f"f = {f_text}" if task.kind.name == "function" else f"{_answer_name(task)} of f = {f_text}"
    return (
        f"the reference {_show(task.reference, task)} is not {of} (that is {_show(right, task)}): at "
        f"{at_text(task, x)} they give {_value(task.reference, subs)} and {_value(right, subs)}, "
        f"a difference of {abs(gap):.3g}: fix `reference`, or leave it out to derive it from f"
    )


def _answer_name(task) -> str:
    return {
        "derivative": "the derivative",
        "second_derivative": "the second derivative",
        "partial": f"the partial derivative by {task.spec.wrt}",
        "gradient": "the gradient",
        "hessian": "the Hessian",
        "jacobian": "the Jacobian",
    }.get(task.kind.name, f"the {task.kind.name}")


def _show(matrix: sympy.Matrix, task) -> str:
    from grader.maths import written as format_math  # as people write it: e^(-x), 2w

    if matrix.shape == (1, 1):
        return format_math(matrix[0])
    if matrix.cols == 1:
        return "[" + ", ".join(format_math(e) for e in matrix) + "]"
    return "[" + ", ".join("[" + ", ".join(format_math(e) for e in matrix.row(i)) + "]" for i in range(matrix.rows)) + "]"


def _value(matrix: sympy.Matrix, subs) -> str:
    values = np.array([complex(sympy.N(e.subs(subs), 15)).real for e in matrix], dtype=float)
    return fmt(values[0]) if values.size == 1 else fmt(values)


# -- quizzes ------------------------------------------------------------------------------------


def lint_quiz(path: Path, data, positions):
    """(error lines, the default variant's Quiz or None): every variant, and f'(at) where it is
    used; the questions the schema accepts and those that compile are checked past the others."""
    from grader.quiz import QuizSpec, is_edition, with_stand_ins

    def stand_in(d):
        return with_stand_ins(d) if is_edition(d) else d

    spec, errors = schema_errors(QuizSpec, stand_in(data), positions, path)
    if errors:
        def lint(reduced, renamed) -> list[str]:
            again, more = schema_errors(QuizSpec, stand_in(reduced), renamed, path)
            return [] if more or again is None else _lint_questions(path, reduced, again, renamed)[0]

        return _in_line_order(path, errors + _rest_of(path, data, positions, errors, "questions", lint)), None
    return _lint_questions(path, data, spec, positions)


def _lint_questions(path: Path, data, spec, positions):
    from grader.quiz import compiled_questions, load_quiz, question_errors, validate_quiz

    issues = Issues(path)
    variants = _variants(spec, path, positions, issues)
    first = None
    for values in variants:
        label = describe(values)
        try:
            quiz = load_quiz(path, data=data, positions=positions, params=values)
        except GradquizError as err:
            _add_all(issues, [err, *question_errors(path, data, positions, values)], label)
            quiz = compiled_questions(path, data, positions, values)
        else:
            first = first or quiz
        for line in validate_quiz(quiz):
            where, _, rest = line.partition(f"{path}:")[2].partition(": ")
            key, _, message = rest.partition(": ")
            issues.add(int(where) if where.isdigit() else 1, key, message, label)
        for q in quiz.questions:
            if q.f is not None and q.at is not None and len(q.variables) == 1:
                problem = derivative_problem(q.f, q.variables[0], q.at, q.slope)
                if problem:
                    loc = ("questions", q.index, "at")
                    issues.add(positions.line_of(loc), key_path(loc), problem, label)
    return issues.lines(), first


KINK_H = sympy.Rational(1, 10**20)  # one-sided difference quotients, evaluated to 60 digits


def derivative_problem(f, name: str, at, slope) -> str | None:
    """Why f'(at) does not exist (a kink, a jump, f undefined on one side), or None.

    SymPy says d/dx abs(x) = sign(x), which is 0 at 0; the one-sided slopes (-1 and 1)
    show there is no derivative there.
    """
    from grader.maths import format_math, symbol

    x = symbol(name)
    shown = f"{name} = {format_math(at)}"
    try:
        with time_limit(SIMPLIFY_SECONDS):
            low, mid, high = (sympy.N(f.subs(x, at + d), 60) for d in (-KINK_H, 0, KINK_H))
            if not all(v.is_real and v.is_finite for v in (low, mid, high)):
                return f"f is not defined on both sides of {shown}, so f'({format_math(at)}) does not exist: choose another `at`"
            left, right = float((mid - low) / KINK_H), float((high - mid) / KINK_H)
    except (TimeLimit, TypeError, ValueError, ArithmeticError):
        return None
    tol = 1e-6 * (1 + abs(slope if slope is not None else 0))
    if abs(left) > 1e10 or abs(right) > 1e10:
        return f"f jumps at {shown}, so f'({format_math(at)}) does not exist: choose another `at`"
    if abs(left - right) > tol or (slope is not None and abs(right - slope) > tol):
        return (
            f"f has a kink at {shown}: the slope from the left is {fmt(left)} and from the right {fmt(right)}, so "
            f"f'({format_math(at)}) does not exist: choose another `at`"
        )
    return None

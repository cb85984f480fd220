"""Loading a quiz file: validate it, draw the student's variant, compile every question.

``validate_quiz`` adds what ``gradquiz validate`` reports about a quiz that loads.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import sympy

import grader.quiz.edition as edition
from grader.errors import GradquizError
from grader.maths import MathSyntaxError, helper, helpers, known, parse_math, written
from grader.problems import Where, bracketed, fill, find_problem, formula, load_yaml, params_for, student_id, validate
from grader.quiz.context import Context
from grader.quiz.kinds import QUESTION_KINDS
from grader.quiz.model import Question, Quiz
from grader.quiz.schema import COMMON, QuestionSpec, QuizSpec
from grader.quiz.typed import show_number


def load_quiz(path: Path | str, student: str | None = None, data=None, positions=None, params=None,
              salt: tuple = (), grading: bool = False) -> Quiz:
    """``params`` overrides the student's drawn variant (``validate`` checks each variant);
    ``salt``: further seed parts of the questions' random points (grading mode's secret).
    ``grading``: refuse a student edition (its answers could only be recorded, never earn points)
    and keep each key out of the feedback unless the question or the quiz says ``reveal: true``."""
    path = Path(path)
    if data is None:
        data, positions = load_yaml(path)
    if grading and edition.is_edition(data):
        raise GradquizError(edition.UNGRADABLE.format(id=data.get("id") or path.stem), path)
    if edition.is_edition(data):  # a student edition: no answer keys; answers are recorded
        data = edition.with_stand_ins(data)
    spec = validate(QuizSpec, data, positions, path)
    student = student_id(student)
    where = Where(path, positions)
    if params is None:
        params = params_for(spec, student, where.error)
    seen = {}
    for i, q in enumerate(spec.questions):
        if q.id in seen:
            where.error(("questions", i, "id"), f"duplicate id '{q.id}' (also question {seen[q.id]})")
        seen[q.id] = i
    functions = defined(spec, where)
    with helpers(functions):
        questions = tuple(_question(q, i, spec.id, student, params, where, salt, functions) for i, q in enumerate(spec.questions))
    if grading:
        questions = tuple(replace(q, reveal=_reveals(q.spec, spec)) for q in questions)
    if spec.student_edition:
        questions = edition.recorded(questions)
    return Quiz(spec, path, questions, params, student)


def _reveals(question: QuestionSpec, quiz: QuizSpec) -> bool:
    """Whether grading mode's feedback may show this question's key: its own `reveal:`, else the quiz's."""
    return question.reveal if question.reveal is not None else quiz.reveal


def question_errors(path: Path | str, data, positions, params) -> list:
    """Every question's first compile error (GradquizError), question by question: ``validate``
    goes on past a broken question to report the others."""
    path = Path(path)
    if edition.is_edition(data):
        data = edition.with_stand_ins(data)
    spec = validate(QuizSpec, data, positions, path)
    where = Where(path, positions)
    found = []
    try:
        functions = defined(spec, where)
    except GradquizError as err:
        return [err]
    for i, q in enumerate(spec.questions):
        try:
            with helpers(functions):
                _question(q, i, spec.id, "", params, where, (), functions)
        except GradquizError as err:
            found.append(err)
    return found


def defined(spec: QuizSpec, where: Where) -> dict:
    """The quiz's helper functions (``define: {s: "1/(1 + exp(-x))"}``), each of one variable."""
    out: dict = {}
    for name, text in spec.define.items():
        loc = ("define", name)
        if known(name) or name in ("e", "pi"):
            where.error(loc, f"'{name}' is already a function or constant of formulas: choose another name")
        with helpers(out):  # a helper may use the ones defined before it
            body = formula(text, loc, where)
        free = sorted(body.free_symbols, key=lambda s: s.name)
        if len(free) > 1:
            where.error(loc, f"a helper function has one variable; {text!r} has {', '.join(s.name for s in free)}")
        out[name] = helper(name, body, free[0] if free else None, str(text))
    return out


def compiled_questions(path: Path | str, data, positions, params) -> Quiz:
    """The quiz of the questions that compile (``validate`` checks them while it reports the
    others' compile errors)."""
    path = Path(path)
    if edition.is_edition(data):
        data = edition.with_stand_ins(data)
    spec = validate(QuizSpec, data, positions, path)
    where = Where(path, positions)
    good = []
    try:
        functions = defined(spec, where)
    except GradquizError:
        return Quiz(spec, path, (), params, "")
    for i, q in enumerate(spec.questions):
        try:
            with helpers(functions):
                good.append(_question(q, i, spec.id, "", params, where, (), functions))
        except GradquizError:
            pass
    return Quiz(spec, path, tuple(good), params, "")


def _question(spec: QuestionSpec, index: int, quiz_id: str, student: str, params, where, salt=(), functions=None) -> Question:
    kind = QUESTION_KINDS[spec.kind]
    loc = ("questions", index)
    for name in sorted(spec.model_fields_set - COMMON - kind.fields):
        uses = ", ".join(sorted(kind.fields))
        where.error(loc + (name,), f"a {kind.name} question has no `{name}` (it uses {uses})")
    seed = (quiz_id, spec.id, student, *salt)
    ctx = Context(spec, loc, where, params, seed)
    parts = kind.compile(ctx)
    q = Question(spec, kind, index, where.positions.line_of(loc), prompt="", seed=seed, functions=functions or {},
                 f_shown=_with_helpers(spec, q_vars(parts), params, functions), **parts)
    values = {name: bracketed(show_number(v)) for name, v in params.items()}
    if q.f is not None:
        values["f"] = q.f_text  # as people write it: x^3, e^(-x), s(2x)
    if q.at is not None:
        values["at"] = show_number(q.at)
    prompt = _fill(spec.prompt, values) or kind.default_prompt(q)
    choices = tuple(_fill(str(c), values) for c in spec.choices or ())
    return Question(**{**q.__dict__, "prompt": prompt, "choices": choices, "hint": _fill(spec.hint, values)})


def q_vars(parts: dict) -> tuple | None:
    return tuple(parts["variables"]) if parts.get("variables") else None


def _with_helpers(spec: QuestionSpec, names, params, functions) -> str | None:
    """f as the author wrote it with the quiz's helpers (``s(2*x)`` shown as s(2x), not expanded)."""
    if not functions or not isinstance(spec.f, str) or not any(name in spec.f for name in functions):
        return None
    unexpanded = {name: helper(name, sympy.Function(name)(X), X, name) for name in functions}
    try:
        with helpers(unexpanded):
            return written(parse_math(spec.f, symbols=names, constants=params))
    except (MathSyntaxError, TypeError, ValueError):
        return None


X = sympy.Symbol("x")


def find_quiz(quiz_id: str, problems=(), student: str | None = None, where=(None, None), *,
              grading: bool = False, salt: tuple = ()) -> Quiz:
    """The quiz with this id on the search path, loaded for this student (``grading``: not
    from the current folder, and a quiz with params needs a student id)."""
    try:
        quiz_path = find_problem(quiz_id, problems, here=not grading)
    except GradquizError as err:
        if err.file is None and where[0] is not None:  # name the answers file that asks for it
            raise GradquizError(("quiz: " if where[1] else "") + err.message, *where) from None
        raise
    data, positions = load_yaml(quiz_path)
    if not isinstance(data, dict) or "questions" not in data:
        raise GradquizError(f"'{quiz_id}' is an exercise, not a quiz: submit a .py file for it", *where)
    if grading and data.get("params") and not student:
        raise GradquizError(
            f"quiz '{quiz_id}' has a variant per student: grading it needs --student ID or GRADQUIZ_STUDENT "
            "(an answers file's `student:` is not trusted)", where[0]
        )
    return load_quiz(quiz_path, student, data, positions, salt=salt, grading=grading)


def validate_quiz(quiz: Quiz) -> list[str]:
    """What `gradquiz validate` reports beyond load errors: ``file:line: questions.<id>: ...``."""
    errors = []
    for q in quiz.questions:
        for message in q.kind.lint(q):
            errors.append(f"{quiz.path}:{q.line or 1}: questions.{q.id}: {message}")
    return errors


def _fill(text: str | None, values: dict) -> str | None:
    """Replace {name} by a known value (text); leave other braces as they are."""
    return fill(text, values)

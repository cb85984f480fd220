"""Quizzes: the quiz-file schema, question kinds, answers files and their grading.

A quiz file (spec section 2) holds ``questions``; each has an ``id``, a ``kind`` (a key of
``QUESTION_KINDS``), optional ``points`` (default 1), ``prompt``, ``hint`` and
``visibility``, and the fields of its kind:

==================  ===========================================  ========================================
kind                fields                                       the student types
==================  ===========================================  ========================================
sign                f, at, [tolerance 1e-6]                      increasing | decreasing | stationary
descent             f, at, [tolerance 1e-6]                      increase | decrease | stay (the way
                                                                 gradient descent moves x from `at`)
choice              prompt, choices, answer (0-based index)      the index (0, 1, ...) or the choice's text
number              prompt, answer, [tolerance 1e-6];            a number or exact expression: 1/2,
                    or f and at (answer: f'(at))                 sqrt(2)/2, 0.5
expression          answer and/or f (answer: f'),                a formula: 3x^2, e^(2x), ln x, sec x ...
                    [variables], [domain]
interval            f, [where: increasing|decreasing], or answer interval notation (0, oo), [-1, 2),
                                                                 unions (-oo, -1) U (1, oo), inequalities
                                                                 x > 0, -1 < x < 1, x < -1 or x > 1,
                                                                 "all" or "none"
stationary_points   f, or answer, [tolerance 1e-6]               numbers in any order: -1, 1 or {-1, 1}
                                                                 or x = -1, x = 1, or "none"
==================  ===========================================  ========================================

``sign`` counts the point as stationary when |f'(at)| <= tolerance, and also accepts
positive / + / up (increasing), negative / - / down (decreasing), zero / 0 / flat
(stationary). ``interval`` compares sets up to their endpoints: (0, oo) and [0, oo) are
both right for "where is x^2 increasing".

``params:`` at the top are drawn per student (``variants.draw``) and used by name in
``f``, ``at``, ``answer`` and ``domain``; in ``prompt``, ``hint`` and ``choices`` write
``{a}`` for the value of ``a``, and ``{f}`` / ``{at}`` for the question's f and at.
Other braces are left alone.

An answers file is ``quiz: ID`` plus ``answers: {question id: answer}`` (and, as
``gradquiz quiz`` writes it, ``student: ID``, which picks the variant when neither
``--student`` nor ``GRADQUIZ_STUDENT`` is given).

The package, from the edge in:

- ``schema``: the pydantic models of quiz and answers files;
- ``load``: a quiz file compiled for one student (and ``validate_quiz``);
- ``kinds``: the registry ``QUESTION_KINDS``, one module per kind, each following
  ``model.QuestionKind``; ``context`` holds what they share to compile a question,
  ``typed`` and ``sets`` what they share to read and show answers;
- ``grade``: a typed answer, a quiz's answers or an answers file graded into a Report;
- ``answers``: reading and writing answers files; ``edition``: the student edition;
- ``interactive``: the terminal session of `gradquiz quiz` (the command itself is ``grader.cli.quiz``).

Imports run one way: the registry (``kinds``) imports the kinds, the kinds import the model
and the helpers (``context``, ``typed``, ``sets``), never the registry, the loader or this
package. The names below are resolved on first use (PEP 562), so importing one module of the
package never drags in the rest.
"""

from __future__ import annotations

import importlib

_PUBLIC = {
    "AnswersSpec": "grader.quiz.schema",
    "MAX_ANSWER": "grader.quiz.typed",
    "Outcome": "grader.quiz.model",
    "QUESTION_KINDS": "grader.quiz.kinds",
    "Question": "grader.quiz.model",
    "QuestionKind": "grader.quiz.model",
    "QuestionSpec": "grader.quiz.schema",
    "Quiz": "grader.quiz.model",
    "QuizReport": "grader.quiz.grade",
    "QuizSpec": "grader.quiz.schema",
    "SYMBOLIC_SECONDS": "grader.quiz.context",
    "Unreadable": "grader.quiz.model",
    "check_answers": "grader.quiz.grade",
    "find_quiz": "grader.quiz.load",
    "grade_question": "grader.quiz.grade",
    "grade_questions": "grader.quiz.grade",
    "help_text": "grader.quiz.model",
    "load_quiz": "grader.quiz.load",
    "read_answers": "grader.quiz.answers",
    "read_interval": "grader.quiz.sets",
    "read_points": "grader.quiz.kinds.stationary_points",
    "save_answers": "grader.quiz.answers",
    "show_set": "grader.quiz.sets",
    "validate_quiz": "grader.quiz.load",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'grader.quiz' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

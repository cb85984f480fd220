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
- ``answers``: reading and writing answers files; ``edition``: the student edition.
"""

from __future__ import annotations

from grader.quiz.answers import read_answers, save_answers
from grader.quiz.context import SYMBOLIC_SECONDS
from grader.quiz.grade import QuizReport, check_answers, grade_answers, grade_question
from grader.quiz.kinds import QUESTION_KINDS
from grader.quiz.kinds.stationary_points import read_points
from grader.quiz.load import find_quiz, load_quiz, validate_quiz
from grader.quiz.model import Outcome, Question, QuestionKind, Quiz, Unreadable, help_text
from grader.quiz.schema import AnswersSpec, QuestionSpec, QuizSpec
from grader.quiz.sets import read_interval, show_set
from grader.quiz.typed import MAX_ANSWER

__all__ = [
    "MAX_ANSWER",
    "QUESTION_KINDS",
    "SYMBOLIC_SECONDS",
    "AnswersSpec",
    "Outcome",
    "Question",
    "QuestionKind",
    "QuestionSpec",
    "Quiz",
    "QuizReport",
    "QuizSpec",
    "Unreadable",
    "check_answers",
    "find_quiz",
    "grade_answers",
    "grade_question",
    "help_text",
    "load_quiz",
    "read_answers",
    "read_interval",
    "read_points",
    "save_answers",
    "show_set",
    "validate_quiz",
]

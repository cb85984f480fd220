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

# The names other wings may use ({name: the module that defines it}), each imported on first use
# (PEP 562): importing the wing, or one name of it, never imports the rest. Same-wing code imports
# module to module. A new name goes here, then `python tools/surfaces.py --sync .` writes the block.
# (No `from __future__ import annotations` in this file: it would bind the name `annotations`.)
_SURFACE = {
    "MAX_BYTES": "grader.quiz.answers",
    "answers_head": "grader.quiz.answers",
    "read_answers": "grader.quiz.answers",
    "is_edition": "grader.quiz.edition",
    "with_stand_ins": "grader.quiz.edition",
    "QuizReport": "grader.quiz.grade",
    "answers_quiz": "grader.quiz.grade",
    "report_answers": "grader.quiz.grade",
    "Session": "grader.quiz.interactive",
    "open_session": "grader.quiz.interactive",
    "redo_ids": "grader.quiz.interactive",
    "compiled_questions": "grader.quiz.load",
    "find_quiz": "grader.quiz.load",
    "load_quiz": "grader.quiz.load",
    "question_errors": "grader.quiz.load",
    "validate_quiz": "grader.quiz.load",
    "Quiz": "grader.quiz.model",
    "help_text": "grader.quiz.model",
    "AnswersSpec": "grader.quiz.schema",
    "QuizSpec": "grader.quiz.schema",
}

TYPE_CHECKING = False
if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)
    from grader.quiz.answers import MAX_BYTES as MAX_BYTES
    from grader.quiz.answers import answers_head as answers_head
    from grader.quiz.answers import read_answers as read_answers
    from grader.quiz.edition import is_edition as is_edition
    from grader.quiz.edition import with_stand_ins as with_stand_ins
    from grader.quiz.grade import QuizReport as QuizReport
    from grader.quiz.grade import answers_quiz as answers_quiz
    from grader.quiz.grade import report_answers as report_answers
    from grader.quiz.interactive import Session as Session
    from grader.quiz.interactive import open_session as open_session
    from grader.quiz.interactive import redo_ids as redo_ids
    from grader.quiz.load import compiled_questions as compiled_questions
    from grader.quiz.load import find_quiz as find_quiz
    from grader.quiz.load import load_quiz as load_quiz
    from grader.quiz.load import question_errors as question_errors
    from grader.quiz.load import validate_quiz as validate_quiz
    from grader.quiz.model import Quiz as Quiz
    from grader.quiz.model import help_text as help_text
    from grader.quiz.schema import AnswersSpec as AnswersSpec
    from grader.quiz.schema import QuizSpec as QuizSpec

__all__ = sorted(_SURFACE)


def __getattr__(name: str) -> object:
    """A name of the surface, imported from its module on first use (by ``__import__``, which
    ``python -X importtime`` reports, where ``importlib.import_module`` would hide the import)."""
    module = _SURFACE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(module, fromlist=[name]), name)
    globals()[name] = value
    return value

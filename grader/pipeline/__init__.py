"""The seam every submission goes through, whoever asks (``gradquiz check``, ``gradquiz grade``'s
workers, a notebook): ``grade_exercise`` for Python (run in a sandbox child, scored here) and
``grade_answers`` for a quiz's answers, both giving a Report.

Their injectables are typed: an exercise is an ``ExerciseSource``, such as an ``ExerciseFile``
(read, compiled once the child has started) or a ``CompiledExercise`` (a worker's, compiled once
and kept), and the sandbox comes from a ``SandboxFactory`` (``(source, filename, forbid, allow) ->
sandbox``).

May import ``grader.quiz``, ``grader.exercise``, ``grader.plots`` and the wings below them, and
``grader.errors``; nothing above (``grader.api``, ``grader.batch``, ``grader.cli`` import this).
"""

from grader.pipeline.answers import QUIZ_ISOLATION, answers_spec, grade_answers
from grader.pipeline.exercise import (
    CompiledExercise,
    ExerciseFile,
    ExerciseSource,
    SandboxFactory,
    grade_exercise,
    read_exercise,
)

__all__ = [
    "QUIZ_ISOLATION", "CompiledExercise", "ExerciseFile", "ExerciseSource", "SandboxFactory", "answers_spec",
    "grade_answers", "grade_exercise", "read_exercise",
]

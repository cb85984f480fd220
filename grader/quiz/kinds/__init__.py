"""Question kinds: the registry.

``QUESTION_KINDS`` maps each ``kind:`` of a quiz file to an object that follows
``grader.quiz.model.QuestionKind``; the schema takes the allowed kinds from its keys.
Adding a kind is one module here plus one line below.
"""

from __future__ import annotations

from grader.quiz.kinds.choice import Choice
from grader.quiz.kinds.descent import Descent
from grader.quiz.kinds.expression import Expression
from grader.quiz.kinds.interval import Interval
from grader.quiz.kinds.number import Number
from grader.quiz.kinds.sign import Sign
from grader.quiz.kinds.stationary_points import StationaryPoints
from grader.quiz.model import QuestionKind

QUESTION_KINDS: dict[str, QuestionKind] = {
    "sign": Sign(),
    "descent": Descent(),
    "choice": Choice(),
    "number": Number(),
    "expression": Expression(),
    "interval": Interval(),
    "stationary_points": StationaryPoints(),
}

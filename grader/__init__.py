"""gradquiz: auto-graded exercises and quizzes on derivatives and gradients.

The small public facade; everything else is internal.
"""

from grader.errors import GradquizError

__version__ = "0.1.0"

__all__ = ["GradquizError", "__version__", "check", "load_problem"]


def check(path, **options):
    """Grade a submission (``.py``) or answers file (``.yaml``); returns a Report."""
    from grader.api import check as _check

    return _check(path, **options)


def load_problem(path, student=None):
    """Load and validate one exercise or quiz file (raises GradquizError with file and line)."""
    from grader.api import load_problem as _load

    return _load(path, student)

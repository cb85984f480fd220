"""gradquiz: auto-graded exercises and quizzes on derivatives and gradients.

The small public facade; everything else is internal.
"""

from grader.errors import GradquizError

__version__ = "0.1.0"

__all__ = ["GradquizError", "__version__", "check", "load_problem"]


def check(path, answers=None, **options):
    """Grade a submission (``.py``, ``.ipynb``) or answers file (``.yaml``); returns a Report.

    In a Jupyter notebook, ``check("exercise1")`` (an id, not a file) grades the functions
    defined in the running kernel, and ``check("signs", answers={...})`` a quiz; the report
    shows as HTML with a picture per task.
    """
    if _is_path(path) and answers is None:
        from grader.api import check as _check

        return _check(path, **options)
    from grader.api import check_in_kernel

    return check_in_kernel(str(path), answers=answers, **options)


def _is_path(value) -> bool:
    """A path argument: a Path, a name ending in .py/.ipynb/.yaml/.yml, or an existing file."""
    from pathlib import Path

    if isinstance(value, Path):
        return True
    text = str(value)
    return text.endswith((".py", ".ipynb", ".yaml", ".yml")) or Path(text).is_file()


def load_problem(path, student=None):
    """Load and validate one exercise or quiz file (raises GradquizError with file and line)."""
    from grader.api import load_problem as _load

    return _load(path, student)

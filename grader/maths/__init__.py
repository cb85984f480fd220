"""Maths: the typed-maths parser (never eval), equivalence of formulas, numerics.

The lowest wing: it imports nothing of grader but ``grader.errors``.
"""

# The names other wings may use ({name: the module that defines it}), each imported on first use
# (PEP 562): importing the wing, or one name of it, never imports the rest. Same-wing code imports
# module to module. A new name goes here, then `python tools/surfaces.py --sync .` writes the block.
# (No `from __future__ import annotations` in this file: it would bind the name `annotations`.)
_SURFACE = {
    "ArrayFormulaError": "grader.maths.arrays",
    "entry_name": "grader.maths.arrays",
    "expand": "grader.maths.arrays",
    "compare": "grader.maths.equivalence",
    "helper": "grader.maths.functions",
    "helpers": "grader.maths.functions",
    "known": "grader.maths.functions",
    "TimeLimit": "grader.maths.limits",
    "attempt": "grader.maths.limits",
    "time_limit": "grader.maths.limits",
    "integrated_slip": "grader.maths.mistakes",
    "task_slips": "grader.maths.mistakes",
    "close": "grader.maths.numerics",
    "fmt": "grader.maths.numerics",
    "fmt_pair": "grader.maths.numerics",
    "lambdify": "grader.maths.numerics",
    "sample_points": "grader.maths.numerics",
    "Reading": "grader.maths.parser",
    "parse_math": "grader.maths.parser",
    "read_math": "grader.maths.parser",
    "format_math": "grader.maths.printing",
    "written": "grader.maths.printing",
    "ProgramError": "grader.maths.program",
    "check": "grader.maths.program",
    "compile_expression": "grader.maths.program",
    "rows": "grader.maths.program",
    "run_rows": "grader.maths.program",
    "values": "grader.maths.program",
    "grading_salt": "grader.maths.seeds",
    "rng": "grader.maths.seeds",
    "seed": "grader.maths.seeds",
    "match": "grader.maths.slips",
    "MathSyntaxError": "grader.maths.parser",
    "symbol": "grader.maths.parser",
    "shorten": "grader.maths.text",
}

TYPE_CHECKING = False
if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)
    from grader.maths.arrays import ArrayFormulaError as ArrayFormulaError
    from grader.maths.arrays import entry_name as entry_name
    from grader.maths.arrays import expand as expand
    from grader.maths.equivalence import compare as compare
    from grader.maths.functions import helper as helper
    from grader.maths.functions import helpers as helpers
    from grader.maths.functions import known as known
    from grader.maths.limits import TimeLimit as TimeLimit
    from grader.maths.limits import attempt as attempt
    from grader.maths.limits import time_limit as time_limit
    from grader.maths.mistakes import integrated_slip as integrated_slip
    from grader.maths.mistakes import task_slips as task_slips
    from grader.maths.numerics import close as close
    from grader.maths.numerics import fmt as fmt
    from grader.maths.numerics import fmt_pair as fmt_pair
    from grader.maths.numerics import lambdify as lambdify
    from grader.maths.numerics import sample_points as sample_points
    from grader.maths.parser import MathSyntaxError as MathSyntaxError
    from grader.maths.parser import Reading as Reading
    from grader.maths.parser import parse_math as parse_math
    from grader.maths.parser import read_math as read_math
    from grader.maths.parser import symbol as symbol
    from grader.maths.printing import format_math as format_math
    from grader.maths.printing import written as written
    from grader.maths.program import ProgramError as ProgramError
    from grader.maths.program import check as check
    from grader.maths.program import compile_expression as compile_expression
    from grader.maths.program import rows as rows
    from grader.maths.program import run_rows as run_rows
    from grader.maths.program import values as values
    from grader.maths.seeds import grading_salt as grading_salt
    from grader.maths.seeds import rng as rng
    from grader.maths.seeds import seed as seed
    from grader.maths.slips import match as match
    from grader.maths.text import shorten as shorten

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

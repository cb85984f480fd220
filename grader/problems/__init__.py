"""Problem files, whatever their kind: reading YAML with line numbers, finding files
(discovery), the shared schema parts, params, variants and constraints.

May import ``grader.maths`` and ``grader.errors``; nothing above.
"""

# The names other wings may use ({name: the module that defines it}), each imported on first use
# (PEP 562): importing the wing, or one name of it, never imports the rest. Same-wing code imports
# module to module. A new name goes here, then `python tools/surfaces.py --sync .` writes the block.
# (No `from __future__ import annotations` in this file: it would bind the name `annotations`.)
_SURFACE = {
    "catalogue_entries": "grader.problems.catalogue",
    "expand": "grader.problems.catalogue",
    "kind_of": "grader.problems.catalogue",
    "ConstraintError": "grader.problems.constraints",
    "describe": "grader.problems.constraints",
    "params_for": "grader.problems.constraints",
    "parse_all": "grader.problems.constraints",
    "show_value": "grader.problems.constraints",
    "variants_to_check": "grader.problems.constraints",
    "PACKAGE": "grader.problems.discovery",
    "bundled": "grader.problems.discovery",
    "find_problem": "grader.problems.discovery",
    "problem_files": "grader.problems.discovery",
    "Where": "grader.problems.fields",
    "formula": "grader.problems.fields",
    "number": "grader.problems.fields",
    "unique": "grader.problems.fields",
    "choose_student": "grader.problems.intake",
    "decode": "grader.problems.intake",
    "find_exercise": "grader.problems.intake",
    "header_notes": "grader.problems.intake",
    "id_from_name": "grader.problems.intake",
    "read_bytes": "grader.problems.intake",
    "read_submission": "grader.problems.intake",
    "variant_notes": "grader.problems.intake",
    "bracketed": "grader.problems.placeholders",
    "fill": "grader.problems.placeholders",
    "Bound": "grader.problems.schema",
    "Formula": "grader.problems.schema",
    "Identifier": "grader.problems.schema",
    "Name": "grader.problems.schema",
    "Param": "grader.problems.schema",
    "Strict": "grader.problems.schema",
    "check": "grader.problems.schema",
    "key_path": "grader.problems.schema",
    "one_of": "grader.problems.schema",
    "short_repr": "grader.problems.schema",
    "validate": "grader.problems.schema",
    "exact": "grader.problems.variants",
    "student_id": "grader.problems.variants",
    "Positions": "grader.problems.yamlio",
    "load_yaml": "grader.problems.yamlio",
}

TYPE_CHECKING = False
if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)
    from grader.problems.catalogue import catalogue_entries as catalogue_entries
    from grader.problems.catalogue import expand as expand
    from grader.problems.catalogue import kind_of as kind_of
    from grader.problems.constraints import ConstraintError as ConstraintError
    from grader.problems.constraints import describe as describe
    from grader.problems.constraints import params_for as params_for
    from grader.problems.constraints import parse_all as parse_all
    from grader.problems.constraints import show_value as show_value
    from grader.problems.constraints import variants_to_check as variants_to_check
    from grader.problems.discovery import PACKAGE as PACKAGE
    from grader.problems.discovery import bundled as bundled
    from grader.problems.discovery import find_problem as find_problem
    from grader.problems.discovery import problem_files as problem_files
    from grader.problems.fields import Where as Where
    from grader.problems.fields import formula as formula
    from grader.problems.fields import number as number
    from grader.problems.fields import unique as unique
    from grader.problems.intake import choose_student as choose_student
    from grader.problems.intake import decode as decode
    from grader.problems.intake import find_exercise as find_exercise
    from grader.problems.intake import header_notes as header_notes
    from grader.problems.intake import id_from_name as id_from_name
    from grader.problems.intake import read_bytes as read_bytes
    from grader.problems.intake import read_submission as read_submission
    from grader.problems.intake import variant_notes as variant_notes
    from grader.problems.placeholders import bracketed as bracketed
    from grader.problems.placeholders import fill as fill
    from grader.problems.schema import Bound as Bound
    from grader.problems.schema import Formula as Formula
    from grader.problems.schema import Identifier as Identifier
    from grader.problems.schema import Name as Name
    from grader.problems.schema import Param as Param
    from grader.problems.schema import Strict as Strict
    from grader.problems.schema import check as check
    from grader.problems.schema import key_path as key_path
    from grader.problems.schema import one_of as one_of
    from grader.problems.schema import short_repr as short_repr
    from grader.problems.schema import validate as validate
    from grader.problems.variants import exact as exact
    from grader.problems.variants import student_id as student_id
    from grader.problems.yamlio import Positions as Positions
    from grader.problems.yamlio import load_yaml as load_yaml

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

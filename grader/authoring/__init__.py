"""Authoring tools for instructors: ``validate`` (lint), ``new`` templates, ``starter`` files
and the ``export``ed student edition.

May import ``exercise``, ``quiz`` and every lower wing; never the faces (cli, api).
"""

# The names other wings may use ({name: the module that defines it}), each imported on first use
# (PEP 562): importing the wing, or one name of it, never imports the rest. Same-wing code imports
# module to module. A new name goes here, then `python tools/surfaces.py --sync .` writes the block.
# (No `from __future__ import annotations` in this file: it would bind the name `annotations`.)
_SURFACE = {
    "export": "grader.authoring.edition",
    "notebook_output": "grader.authoring.notebook",
    "starter_notebook": "grader.authoring.notebook",
    "starter": "grader.authoring.starters",
    "template": "grader.authoring.starters",
    "write_new": "grader.authoring.starters",
    "validate_paths": "grader.authoring.validate",
}

TYPE_CHECKING = False
if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)
    from grader.authoring.edition import export as export
    from grader.authoring.notebook import notebook_output as notebook_output
    from grader.authoring.notebook import starter_notebook as starter_notebook
    from grader.authoring.starters import starter as starter
    from grader.authoring.starters import template as template
    from grader.authoring.starters import write_new as write_new
    from grader.authoring.validate import validate_paths as validate_paths

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

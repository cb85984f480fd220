"""docs/architecture.md matches the code (issue 18): its wings are generated from the wings'
docstrings and ``__all__`` by ``tools/architecture.py`` (regenerating changes nothing), every wing
is named, and every module or name it cites as ``wing.module[.name]`` exists.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "architecture.md"
WINGS = sorted(p.name for p in (REPO / "grader").iterdir() if (p / "__init__.py").is_file())


def tool():
    spec = importlib.util.spec_from_file_location("architecture_tool", REPO / "tools" / "architecture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_part_is_up_to_date():
    old, new = tool().updated(REPO)
    assert old == new, "docs/architecture.md is out of date: run python tools/architecture.py"


def test_every_wing_and_every_module_is_named():
    text = DOC.read_text()
    assert [w for w in WINGS if f"### `{w}/`" not in text] == []
    modules = [p for p in (REPO / "grader").rglob("*.py") if "_bundled" not in p.parts]
    named = []
    for path in modules:
        parts = path.relative_to(REPO / "grader").with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        if parts and parts[0] in WINGS and len(parts) > 1:  # a module of a wing (the wing itself has its heading)
            named.append(".".join(parts))
    assert [m for m in named if f"`{m}`" not in text] == []


def cited(text: str) -> set[str]:
    """Every `wing.module[.name]` (or `grader.` ...) the page cites in backticks."""
    out = set()
    for token in re.findall(r"`([A-Za-z_][\w.]*)`", text):
        parts = token.removeprefix("grader.").split(".")
        if len(parts) >= 2 and parts[0] in WINGS:
            out.add(".".join(parts))
    return out


def resolves(dotted: str) -> bool:
    """``maths.parse`` (a module), ``problems.discovery.find_problem`` (a name of one) or
    ``reports.Report`` (a name of a wing's surface)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        name = "grader." + ".".join(parts[:cut])
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        rest = parts[cut:]
        return not rest or (len(rest) == 1 and hasattr(module, rest[0])) or \
            (len(rest) == 2 and hasattr(getattr(module, rest[0], None), rest[1]))
    return False


def test_every_module_and_name_it_cites_exists():
    missing = sorted(d for d in cited(DOC.read_text()) if not resolves(d))
    assert missing == []


def test_a_stale_citation_is_caught():
    assert resolves("problems.discovery.find_problem") and resolves("reports.Report")
    assert not resolves("maths.nowhere") and not resolves("problems.discovery.lost_name")

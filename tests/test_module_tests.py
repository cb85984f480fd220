"""Every module under grader/ is imported by at least one test file (a ratchet).

"Imported" means named in an ``import`` or ``from ... import`` of a file under tests/ (a
package counts when one of its modules is, as Python imports it then). ``UNTESTED`` lists the
modules no test imports yet, each with why: the list may only shrink. A module added to grader/
without a test, or a listed module that a test now imports, fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

ROOT = Path(__file__).resolve().parents[1]

VIA_CLASSROOM = "the CI wing (Classroom, Gradescope): run end to end by tests/batch/test_ci.py and test_classroom.py"
VIA_CACHE = "the compiled-problem cache (just merged): run through grader.api.check by tests/exercise/test_cache.py"
VIA_ML_KINDS = "new with the ML kinds: run end to end by tests/exercise/test_arrays.py and test_methods.py"

UNTESTED: dict[str, str] = {
    "grader.__main__": "importing it runs the command: every e2e test runs it as `python -m grader`",
    "grader.batch.ci": VIA_CLASSROOM,
    "grader.batch.classroom": VIA_CLASSROOM,
    "grader.exercise.cache": VIA_CACHE,
    "grader.pipeline.cached": VIA_CACHE,
    "grader.maths.slips": "new with the cache; re-exported by maths.mistakes (match), run by tests/maths/test_mistakes.py",
    "grader.exercise.arraytasks": VIA_ML_KINDS,
    "grader.exercise.method_grading": VIA_ML_KINDS,
    "grader.exercise.methods": VIA_ML_KINDS,
    "grader.plots.methods": VIA_ML_KINDS,
    "grader.quiz.interactive": "driven through `gradquiz quiz` (CliRunner, pexpect) by tests/quiz/test_interactive.py",
    "grader.sandbox.child": "runs only in the confined child; exercised by every sandbox test (tests/sandbox/)",
    "grader.sandbox.forkserver": "imported as grader.sandbox.ForkServer by tests/sandbox/test_lifecycle.py",
}


def modules(root: Path = ROOT) -> set[str]:
    out = set()
    for path in (root / "grader").rglob("*.py"):
        if "_bundled" in path.parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.add(".".join(parts))
    return out


def imported_by_tests(known: set[str], root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the test files that import it (or one of its modules)."""
    out: dict[str, set[str]] = {}
    for path in (root / "tests").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                for end in range(1, len(parts) + 1):  # grader.a.b imports grader and grader.a too
                    prefix = ".".join(parts[:end])
                    if prefix in known:
                        out.setdefault(prefix, set()).add(path.name)
    return out


def test_every_module_is_imported_by_a_test():
    known = modules()
    covered = imported_by_tests(known)
    missing = sorted(m for m in known - set(covered) if m not in UNTESTED)
    assert not missing, f"no test imports {', '.join(missing)}: add tests/<wing>/test_<module>.py"


def test_the_list_of_untested_modules_only_shrinks():
    known = modules()
    covered = imported_by_tests(known)
    gone = sorted(set(UNTESTED) - known)
    assert not gone, f"UNTESTED names modules that no longer exist: {', '.join(gone)}"
    now_tested = sorted(m for m in UNTESTED if m in covered)
    assert not now_tested, f"tests import {', '.join(now_tested)} now: take them off UNTESTED"
    assert all(reason.strip() for reason in UNTESTED.values())


def test_the_ratchet_sees_a_module_without_a_test(tmp_path):
    """The check itself can fail: a module planted in a copy of the tree is reported."""
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "grader", copy / "grader", ignore=shutil.ignore_patterns("__pycache__", "_bundled"))
    shutil.copytree(ROOT / "tests", copy / "tests", ignore=shutil.ignore_patterns("__pycache__", "data"))
    (copy / "grader" / "maths" / "planted.py").write_text('"""Planted by the test."""\n')
    known = modules(copy)
    assert "grader.maths.planted" in known
    covered = imported_by_tests(known, copy)
    assert "grader.maths.planted" not in covered and "grader.maths.parser" in covered
    (copy / "tests" / "maths" / "test_planted.py").write_text("from grader.maths import planted\n")
    assert "grader.maths.planted" in imported_by_tests(known, copy)


def test_test_files_have_unique_names():
    """tests/ has no __init__.py: pytest imports each test file by its name, so two files of one name
    in two wings' folders break collection (name the second after what it tests, as
    tests/reports/test_classroom_result.py beside tests/batch/test_classroom.py)."""
    names: dict[str, list[str]] = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        names.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert not {n: p for n, p in names.items() if len(p) > 1}

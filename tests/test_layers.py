"""The architecture as a contract: the wings' import layering (import-linter, contracts in
pyproject.toml), small modules, and a docstring on each."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "grader"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "_bundled" not in p.parts)
LINT = shutil.which("lint-imports", path=os.path.dirname(sys.executable)) or shutil.which("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [LINT, "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )


def test_the_import_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    "module, line, broken",
    [
        ("maths/seeds.py", "import grader.exercise.grading", "a lower wing never imports a higher one"),
        ("sandbox/child.py", "import grader.errors", "The sandbox imports nothing of grader"),
        ("api.py", "import grader.batch", "a lower wing never imports a higher one"),
        ("quiz/model.py", "import grader.quiz.kinds", "No import cycles"),
        ("quiz/interactive.py", "import typer", "Typer lives only in the command wing"),
        ("reports/delivery.py", "from typer import echo", "Typer lives only in the command wing"),
    ],
)
def test_the_contracts_catch_a_wrong_import(tmp_path, module, line, broken):
    shutil.copytree(PACKAGE, tmp_path / "grader", ignore=shutil.ignore_patterns("__pycache__", "_bundled"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / "grader" / module
    target.write_text(target.read_text() + f"\n{line}  # planted by the test\n")
    result = lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_is_small_and_says_what_it_is_for(path):
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= 520, f"{path.name} has {lines} lines: split it by job"
    if path.name != "__main__.py":
        assert text.lstrip().startswith(('"""', 'r"""')), f"{path} has no opening docstring"


def test_top_level_keeps_only_the_faces():
    faces = {p.name for p in PACKAGE.glob("*.py")}
    assert faces == {"__init__.py", "__main__.py", "api.py", "errors.py"}
    for wing in [p for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()]:
        doc = (wing / "__init__.py").read_text(encoding="utf-8")
        assert doc.startswith('"""') and "import" in doc.split('"""')[1].lower(), f"{wing.name}: say what it may import"

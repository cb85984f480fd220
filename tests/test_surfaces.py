"""Declared surfaces (issue 18): each wing's ``__init__`` declares, in ``_SURFACE`` (its ``__all__``),
the names other wings may use, and every import of another wing goes through that package and
names only those (like httpx's ``tests/test_exported_members.py``). No ``_private`` name crosses a
wing; no declared name is dead; the names load lazily (no SymPy for ``grader.maths.shorten``); and
``tools/surfaces.py``, the codemod the lead re-runs after a merge, rewrites what it should.

The checker here is its own (``ast`` over the source), not the codemod's, so a slip in one is
caught by the other.
"""

from __future__ import annotations

import ast
import importlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "grader"
TOOL = REPO / "tools" / "surfaces.py"
WINGS = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def modules(package: Path) -> dict[str, Path]:
    """Dotted name -> file, for every module under a ``grader`` folder."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def declared(package: Path, wing: str) -> dict[str, str]:
    """A wing's surface as its ``__init__`` declares it: ``_SURFACE``, or a literal ``__all__`` of
    names the package defines itself (``cli``)."""
    body = ast.parse((package / wing / "__init__.py").read_text()).body
    for node in body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "_SURFACE":
            return ast.literal_eval(node.value)
    for node in body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "__all__":
            return {name: f"grader.{wing}" for name in ast.literal_eval(node.value)}
    return {}


def wing_of(module: str, wings: list[str]) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[0] == "grader" and parts[1] in wings else None


class Survey:
    """Every cross-wing import and use in a ``grader`` folder, checked against the surfaces."""

    def __init__(self, package: Path) -> None:
        self.wings = sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file())
        self.surfaces = {wing: declared(package, wing) for wing in self.wings}
        self.modules = modules(package)
        self.problems: list[str] = []
        self.used: set[tuple[str, str]] = set()
        for module, path in self.modules.items():
            self.module(module, path.relative_to(package.parent), ast.parse(path.read_text()))

    def name(self, where: str, wing: str, name: str, how: str) -> None:
        self.used.add((wing, name))
        if name.startswith("_"):
            self.problems.append(f"{where}: {how}: {name} is private to grader.{wing}")
        elif name not in self.surfaces[wing]:
            self.problems.append(f"{where}: {how}: grader.{wing} does not declare {name}")

    def module(self, module: str, rel: Path, tree: ast.Module) -> None:
        me = wing_of(module, self.wings)
        packages: dict[str, str] = {}  # a name bound to another wing's package -> the wing
        for node in ast.walk(tree):
            where = f"{rel}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.ImportFrom):
                if node.level:  # relative: as the absolute import it is
                    node = ast.ImportFrom(module=self.absolute(module, node), names=node.names, level=0)
                self.import_from(where, module, me, node, packages)
            elif isinstance(node, ast.Import):
                self.import_(where, me, node, packages)
        for node in ast.walk(tree):
            self.use(f"{rel}:{getattr(node, 'lineno', 0)}", me, node, packages)

    def absolute(self, module: str, node: ast.ImportFrom) -> str:
        package = module if self.modules[module].name == "__init__.py" else module.rsplit(".", 1)[0]
        parts = package.split(".")
        return ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))

    def import_from(self, where: str, module: str, me: str | None, node: ast.ImportFrom,
                    packages: dict[str, str]) -> None:
        wing = wing_of(node.module or "", self.wings)
        if node.module == "grader":
            packages.update({a.asname or a.name: a.name for a in node.names if a.name in self.wings and a.name != me})
        elif wing is not None and wing == me and node.module == f"grader.{wing}" != module:
            for alias in node.names:  # the package's names load lazily; its own modules go direct
                if f"grader.{wing}.{alias.name}" not in self.modules:
                    self.problems.append(f"{where}: from grader.{wing} import {alias.name}: the same wing: "
                                         "import it from its module")
        elif wing is not None and wing != me:
            if node.module != f"grader.{wing}":
                self.problems.append(f"{where}: from {node.module} import: another wing's module, "
                                     f"not its package grader.{wing}")
                return
            for alias in node.names:
                self.name(where, wing, alias.name, f"from grader.{wing} import {alias.name}")

    def import_(self, where: str, me: str | None, node: ast.Import, packages: dict[str, str]) -> None:
        for alias in node.names:
            wing = wing_of(alias.name, self.wings)
            if wing is None or wing == me:
                continue
            if alias.name != f"grader.{wing}":
                self.problems.append(f"{where}: import {alias.name}: another wing's module, not its package")
            elif alias.asname:
                packages[alias.asname] = wing

    def use(self, where: str, me: str | None, node: ast.AST, packages: dict[str, str]) -> None:
        """``maths.name``, ``grader.maths.name`` and ``getattr(maths, "name")`` of another wing."""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in packages:
            self.name(where, packages[node.value.id], node.attr, f"{node.value.id}.{node.attr}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) \
                and isinstance(node.value.value, ast.Name) and node.value.value.id == "grader" \
                and node.value.attr in self.wings and node.value.attr != me:
            self.name(where, node.value.attr, node.attr, f"grader.{node.value.attr}.{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" \
                and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id in packages \
                and isinstance(node.args[1], ast.Constant):
            self.name(where, packages[node.args[0].id], str(node.args[1].value), "getattr")


def survey(package: Path) -> tuple[list[str], set[tuple[str, str]]]:
    """(every violation as ``path:line: message``, in order, and every (wing, name) another wing uses)."""
    found = Survey(package)

    def place(problem: str) -> tuple[str, int, str]:
        path, line, rest = problem.split(":", 2)
        return path, int(line), rest

    return sorted(found.problems, key=place), found.used


def test_other_wings_are_imported_only_through_their_surfaces():
    problems, _ = survey(PACKAGE)
    assert problems == []


def test_a_planted_violation_is_caught(tmp_path):
    copy = tmp_path / "grader"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "_bundled"))
    (copy / "quiz" / "planted.py").write_text(textwrap.dedent("""\
        \"\"\"Planted.\"\"\"
        import grader.sandbox.parent
        from grader import maths
        from grader.maths import _short, parse_math, shorten_more
        from grader.maths.parse import parse_math as parse
        from grader.quiz import load, load_quiz

        from ..maths.text import shorten
        from .. import maths as m


        def f(x):
            return maths._private(x), maths.parse_math(x), maths.nothing, m._x
        """))
    problems, _ = survey(copy)
    assert problems == [
        "grader/quiz/planted.py:2: import grader.sandbox.parent: another wing's module, not its package",
        "grader/quiz/planted.py:4: from grader.maths import _short: _short is private to grader.maths",
        "grader/quiz/planted.py:4: from grader.maths import shorten_more: grader.maths does not declare shorten_more",
        "grader/quiz/planted.py:5: from grader.maths.parse import: another wing's module, not its package grader.maths",
        "grader/quiz/planted.py:6: from grader.quiz import load_quiz: the same wing: import it from its module",
        "grader/quiz/planted.py:8: from grader.maths.text import: another wing's module, not its package grader.maths",
        "grader/quiz/planted.py:13: m._x: _x is private to grader.maths",
        "grader/quiz/planted.py:13: maths._private: _private is private to grader.maths",
        "grader/quiz/planted.py:13: maths.nothing: grader.maths does not declare nothing",
    ]


@pytest.mark.parametrize("wing", WINGS)
def test_every_declared_name_exists_and_is_what_its_module_defines(wing):
    package = importlib.import_module(f"grader.{wing}")
    surface = declared(PACKAGE, wing)
    assert surface, f"grader.{wing} declares no surface"
    assert sorted(package.__all__) == sorted(surface)
    for name, module in surface.items():
        assert getattr(package, name) is getattr(importlib.import_module(module), name), name


def test_no_declared_name_is_dead():
    _, used = survey(PACKAGE)
    dead = [f"grader.{wing}.{name}" for wing in WINGS for name in declared(PACKAGE, wing) if (wing, name) not in used]
    assert dead == []


@pytest.mark.parametrize("wing", WINGS)
def test_the_type_checking_block_is_the_table(wing):
    """What mypy and import-linter read is what runs: the block agrees with ``_SURFACE`` (written
    from it by ``tools/surfaces.py --sync``)."""
    surface = declared(PACKAGE, wing)
    if set(surface.values()) == {f"grader.{wing}"}:
        return  # names the package defines itself: nothing to import
    block: dict[str, str] = {}
    for node in ast.parse((PACKAGE / wing / "__init__.py").read_text()).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom), ast.unparse(stmt)
                for alias in stmt.names:
                    assert alias.asname == alias.name, f"{alias.name}: `as {alias.name}` re-exports it for mypy"
                    block[alias.name] = stmt.module
    assert block == surface


def test_no_declared_name_is_also_a_module_of_its_wing():
    """``grader.problems.catalogue`` the function would be shadowed by the module of that name
    once anything imported the module (the import system sets the package's attribute)."""
    names = modules(PACKAGE)
    clashes = [f"grader.{w}.{n}" for w in WINGS for n in declared(PACKAGE, w) if f"grader.{w}.{n}" in names]
    assert clashes == []


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_name_of_a_surface_loads_its_module_only():
    out = run("""
        import sys
        from grader.maths import shorten
        from grader.problems import load_yaml
        print(" ".join(sorted(m for m in sys.modules if m.startswith(("grader", "sympy", "numpy")))))
        """)
    assert out.split() == ["grader", "grader.errors", "grader.maths", "grader.maths.text", "grader.problems",
                           "grader.problems.yamlio"]


def test_python_x_importtime_sees_what_a_surface_loads():
    """Issue 19 measures imports with ``-X importtime``, which logs the ``import`` statement's path
    only: a surface loading with ``importlib.import_module`` would hide its modules from it."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "from grader.maths import shorten"],
                          capture_output=True, text=True, timeout=60, check=True)
    logged = [line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert [m for m in logged if m.startswith("grader")] == ["grader.errors", "grader", "grader.maths", "grader.maths.text"]


def test_patching_through_a_surface_reaches_its_users_and_is_undone():
    """mock.patch on a surface name not loaded yet: the patch is what ``from grader.maths import``
    gives inside, and the real function comes back after (loaded again on first use)."""
    out = run("""
        from unittest import mock
        import grader.maths
        with mock.patch("grader.maths.shorten", lambda text, n=80: "patched"):
            from grader.maths import shorten
            print(shorten("a long text"))
        from grader.maths import shorten
        from grader.maths.text import shorten as real
        print(shorten is real)
        """)
    assert out.split() == ["patched", "True"]


# -- the codemod --------------------------------------------------------------------------------

def codemod(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "grader", ignore=shutil.ignore_patterns("__pycache__", "_bundled"))
    return tmp_path


def test_the_codemod_leaves_the_repository_as_it_is():
    done = codemod("--check", str(REPO))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_the_codemod_rewrites_a_planted_import_and_is_idempotent(repo):
    planted = repo / "grader" / "quiz" / "planted.py"
    planted.write_text(textwrap.dedent("""\
        \"\"\"Planted.\"\"\"
        from grader.maths.parse import parse_math
        from grader.problems import yamlio
        from grader.quiz.model import Quiz


        def f(text: str) -> object:
            return parse_math(text), yamlio.load_yaml, Quiz
        """))
    done = codemod(str(repo))
    assert (done.returncode, done.stdout, done.stderr) == (0, "rewrote grader/quiz/planted.py\n", "")
    assert planted.read_text() == textwrap.dedent("""\
        \"\"\"Planted.\"\"\"
        from grader.maths import parse_math
        from grader.problems import load_yaml
        from grader.quiz.model import Quiz


        def f(text: str) -> object:
            return parse_math(text), load_yaml, Quiz
        """)
    again = codemod(str(repo))
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


def test_the_codemod_reports_a_name_missing_from_a_surface(repo):
    planted = repo / "grader" / "quiz" / "planted.py"
    text = ("from grader.maths.numerics import DEFAULT_TOL, close\nfrom grader.problems.schema import _private\n"
            "from ..maths.text import shorten\nfrom . import model\n")
    planted.write_text(text)
    done = codemod(str(repo))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "grader/quiz/planted.py:1: grader.maths has no DEFAULT_TOL in its surface (from grader.maths.numerics): "
        "add it to _SURFACE in grader/maths/__init__.py, then run --sync",
        "grader/quiz/planted.py:2: _private is private to grader.problems (from grader.problems.schema): "
        "make it public or move it",
        "grader/quiz/planted.py:3: a relative import of grader.maths.text, outside this wing: write it absolute "
        "(from grader.X import name), then run this again",
    ]
    assert planted.read_text() == text


def test_sync_writes_the_type_checking_block_from_the_table(repo):
    init = repo / "grader" / "plots" / "__init__.py"
    before = init.read_text()
    init.write_text(before.replace('    "collect": "grader.plots.sample",\n', ""))
    done = codemod("--sync", str(repo))
    assert (done.returncode, done.stdout) == (0, "synced grader/plots/__init__.py\n")
    assert init.read_text() == before.replace('    "collect": "grader.plots.sample",\n', "").replace(
        "    from grader.plots.sample import collect as collect\n", "")

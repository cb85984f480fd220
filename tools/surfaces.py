"""Declared surfaces: every import of another wing of ``grader`` goes through that wing's package.

A wing is a package directly under ``grader/`` (``maths``, ``problems``, ...). Its ``__init__.py``
holds ``_SURFACE``, a table {name: the module that defines it}: the names other wings may use,
loaded on first use (PEP 562), and an ``if TYPE_CHECKING:`` block of the same imports for mypy and
import-linter. Usage::

    python tools/surfaces.py REPO            rewrite cross-wing imports (codemod), then report
    python tools/surfaces.py --check REPO    report only: what would be rewritten, what is missing
    python tools/surfaces.py --sync REPO     rewrite each wing's TYPE_CHECKING block from _SURFACE

The codemod turns ``from grader.X.mod import name`` (in a module of another wing) into
``from grader.X import name``; ``from grader.X import mod`` / ``import grader.X.mod as mod`` used as
``mod.name`` become ``from grader.X import name`` with the uses renamed. Same-wing imports are
left alone (module to module). It is idempotent. A name that is not in the wing's ``_SURFACE``, a
``_private`` name crossing a wing, or a use it cannot rewrite safely is reported as
``path:line: message`` and left as it is; the exit status is then 1 (add the name to the wing's
``_SURFACE`` and run ``--sync``, or rewrite by hand), else 0. Rewritten files are tidied with
``ruff check --select I --fix`` when ruff is on PATH.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BEGIN = "if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)"


@dataclass
class Tree:
    """The modules of a source tree of ``grader`` and the surface of each wing."""

    root: Path  # the folder holding grader/
    modules: dict[str, Path] = field(default_factory=dict)  # dotted name -> file
    wings: list[str] = field(default_factory=list)
    surfaces: dict[str, dict[str, str]] = field(default_factory=dict)  # wing -> {name: module}

    @classmethod
    def read(cls, root: Path) -> Tree:
        tree = cls(root)
        package = root / "grader"
        for path in sorted(package.rglob("*.py")):
            if "_bundled" in path.parts:
                continue
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            tree.modules[name] = path
        tree.wings = sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file())
        for wing in tree.wings:
            tree.surfaces[wing] = read_surface(package / wing / "__init__.py")
        return tree

    def wing_of(self, module: str) -> str | None:
        """``maths`` for ``grader.maths.parse``; None for a top module (``grader.api``) or another package."""
        parts = module.split(".")
        if len(parts) >= 2 and parts[0] == "grader" and parts[1] in self.wings:
            return parts[1]
        return None

    def is_module(self, name: str) -> bool:
        return name in self.modules

    def origin(self, module: str, name: str) -> str:
        """The module that defines ``name``, following ``from`` imports within ``module``'s wing."""
        seen = set()
        while module in self.modules and module not in seen:
            seen.add(module)
            for node in ast.parse(self.modules[module].read_text()).body:
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                        and self.wing_of(node.module) == self.wing_of(module):
                    found = [a.name for a in node.names if (a.asname or a.name) == name]
                    if found:
                        module, name = node.module, found[0]
                        break
            else:
                return module
        return module


def read_surface(init: Path) -> dict[str, str]:
    """A wing's ``_SURFACE`` table; a wing without one (``cli``) declares only names its package
    defines, in a literal ``__all__``."""
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name) and target.id == "_SURFACE":
                table = ast.literal_eval(node.value)
                return {str(k): str(v) for k, v in table.items()}
    for node in ast.parse(init.read_text()).body:  # no table: the names of __all__, defined in the package itself
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            package = ".".join(init.parent.parts[-2:])
            return {str(n): package for n in ast.literal_eval(node.value)}
    return {}


def checked_block(init: Path) -> dict[str, str]:
    """{name: module} of the ``from M import N as N`` lines in the TYPE_CHECKING block of an ``__init__``."""
    found: dict[str, str] = {}
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom) and stmt.module:
                    for alias in stmt.names:
                        found[alias.asname or alias.name] = stmt.module
    return found


# -- the codemod -------------------------------------------------------------------------------

@dataclass
class Edit:
    start: int  # offsets in the source
    end: int
    text: str


@dataclass
class Result:
    source: str
    problems: list[str]


class _Offsets:
    def __init__(self, source: str) -> None:
        self.starts = [0]
        for line in source.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def __call__(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col


def _utf8_col(source_line: str, col: int) -> int:
    """ast's columns count UTF-8 bytes; the text counts characters."""
    return len(source_line.encode()[:col].decode())


def _identifiers(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _statement(module: str, names: list[tuple[str, str | None]], indent: int) -> str:
    shown = [n if a is None or a == n else f"{n} as {a}" for n, a in sorted(set(names))]
    line = f"from {module} import {', '.join(shown)}"
    if indent + len(line) <= 120:
        return line
    pad = " " * (indent + 4)
    return f"from {module} import (\n" + "".join(f"{pad}{s},\n" for s in shown) + " " * indent + ")"


Names = list[tuple[str, "str | None"]]  # (name, alias) to import


class Rewriter:
    """One module's cross-wing imports, rewritten through the wings' packages."""

    def __init__(self, tree: Tree, module: str, source: str, where: str) -> None:
        self.tree, self.module, self.source, self.where = tree, module, source, where
        self.me = tree.wing_of(module)
        self.parsed = ast.parse(source)
        self.lines = source.splitlines(keepends=True)
        self.offset = _Offsets(source)
        self.idents = _identifiers(self.parsed)
        self.parents = {id(c): p for p in ast.walk(self.parsed) for c in ast.iter_child_nodes(p)}
        self.problems: list[str] = []
        self.edits: list[Edit] = []

    def run(self) -> Result:
        for node in ast.walk(self.parsed):
            if isinstance(node, ast.ImportFrom) and node.level:
                self.relative(node)
            elif isinstance(node, ast.ImportFrom) and node.module == "grader":
                self.wing_packages(node)
            elif isinstance(node, ast.ImportFrom) and node.module:
                self.import_from(node, node.module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self.import_(node, alias)
        out = self.source
        unique = {(e.start, e.end): e for e in self.edits}.values()  # a module imported twice: its uses found twice
        for edit in sorted(unique, key=lambda e: e.start, reverse=True):
            out = out[:edit.start] + edit.text + out[edit.end:]
        return Result(out, self.problems)

    # -- the statements --------------------------------------------------------------------------

    def relative(self, node: ast.ImportFrom) -> None:
        module = self.module
        package = module if self.tree.modules[module].name == "__init__.py" else module.rsplit(".", 1)[0]
        parts = package.split(".")
        target = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
        if self.tree.wing_of(target) != self.me or target == "grader":
            self.problem(node, f"a relative import of {target}, outside this wing: write it absolute "
                               "(from grader.X import name), then run this again")

    def wing_packages(self, node: ast.ImportFrom) -> None:
        """``from grader import maths``: each ``maths.name`` must be on the surface."""
        for alias in node.names:
            if alias.name in self.tree.wings and alias.name != self.me:
                bound = alias.asname or alias.name
                for attr in self.uses_of(bound, self.scope_of(node))[0]:
                    self.check_name(alias.name, attr.attr, attr, f"{bound}.{attr.attr}")

    def import_from(self, node: ast.ImportFrom, module: str) -> None:
        wing = self.tree.wing_of(module)
        if wing is None or wing == self.me:
            return
        package = f"grader.{wing}"
        names: Names = []
        renames: list[Edit] = []
        ok, change = True, module != package
        for alias in node.names:
            full = f"{module}.{alias.name}"
            if self.tree.is_module(full):  # a module imported as a namespace
                got = self.namespace(wing, full, alias.asname or alias.name, node)
                ok = ok and got is not None
                if got is not None:
                    names += got[0]
                    renames += got[1]
                    change = True
            elif self.check_name(wing, alias.name, node, f"from {module}"):
                names.append((alias.name, alias.asname))
            else:
                ok = False
        if ok and change:
            self.replace(node, _statement(package, names, node.col_offset))
            self.edits += renames

    def import_(self, node: ast.Import, alias: ast.alias) -> None:
        wing = self.tree.wing_of(alias.name)
        if wing is None or wing == self.me:
            return
        package = f"grader.{wing}"
        if alias.name == package:  # import grader.maths as maths: each maths.name must be on the surface
            if alias.asname:
                for attr in self.uses_of(alias.asname, self.scope_of(node))[0]:
                    self.check_name(wing, attr.attr, attr, f"{alias.asname}.{attr.attr}")
            return
        if alias.asname is None or len(node.names) > 1:
            self.problem(node, f"import {alias.name}: import the names it is for from {package} instead (by hand)")
            return
        got = self.namespace(wing, alias.name, alias.asname, node)
        if got is not None:
            self.replace(node, _statement(package, got[0], node.col_offset))
            self.edits += got[1]

    def namespace(self, wing: str, full: str, bound: str, statement: ast.stmt) -> tuple[Names, list[Edit]] | None:
        """The names a module imported as a namespace gives (its ``mod.name`` uses), and the edits
        renaming those uses; None (reported) when one cannot be rewritten safely."""
        attrs, bare = self.uses_of(bound, self.scope_of(statement))
        if bare:
            self.problem(statement, f"{full} is used as {bound}, not only as {bound}.name: rewrite by hand")
            return None
        names: Names = []
        renames: list[Edit] = []
        for node in attrs:
            name = node.attr
            if not self.check_name(wing, name, node, f"{bound}.{name}"):
                return None
            if self.tree.origin(self.tree.surfaces[wing][name], name) != self.tree.origin(full, name):
                self.problem(node, f"grader.{wing}'s {name} comes from {self.tree.surfaces[wing][name]}, "
                                   f"not {full}: rewrite by hand")
                return None
            if name in self.idents:
                self.problem(node, f"{bound}.{name} would clash with a name {name} already in this module: "
                                   "rewrite by hand")
                return None
            names.append((name, None))
            start, end = self.span(node)
            renames.append(Edit(start, end, name))
        return names, renames

    # -- helpers ----------------------------------------------------------------------------------

    def check_name(self, wing: str, name: str, node: ast.AST, via: str) -> bool:
        if name.startswith("_"):
            self.problem(node, f"{name} is private to grader.{wing} ({via}): make it public or move it")
            return False
        if name not in self.tree.surfaces[wing]:
            self.problem(node, f"grader.{wing} has no {name} in its surface ({via}): add it to _SURFACE in "
                               f"grader/{wing}/__init__.py, then run --sync")
            return False
        return True

    def problem(self, node: ast.AST, message: str) -> None:
        self.problems.append(f"{self.where}:{getattr(node, 'lineno', 0)}: {message}")

    def span(self, node: ast.AST) -> tuple[int, int]:
        first, last = node.lineno, node.end_lineno  # type: ignore[attr-defined]
        start = self.offset(first, _utf8_col(self.lines[first - 1], node.col_offset))  # type: ignore[attr-defined]
        end = self.offset(last, _utf8_col(self.lines[last - 1], node.end_col_offset))  # type: ignore[attr-defined]
        return start, end

    def replace(self, node: ast.AST, text: str) -> None:
        start, end = self.span(node)
        self.edits.append(Edit(start, end, text))

    def scope_of(self, node: ast.AST) -> ast.AST:
        """The function an import is in (its name is bound there only), else the module."""
        while id(node) in self.parents:
            node = self.parents[id(node)]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return self.parsed

    def uses_of(self, bound: str, scope: ast.AST) -> tuple[list[ast.Attribute], list[ast.Name]]:
        """(``bound.name`` uses, other uses of ``bound``) in a scope."""
        attrs, bare = [], []
        for node in ast.walk(scope):
            if isinstance(node, ast.Name) and node.id == bound:
                parent = self.parents.get(id(node))
                if isinstance(parent, ast.Attribute) and parent.value is node and isinstance(node.ctx, ast.Load):
                    attrs.append(parent)
                else:
                    bare.append(node)
        return attrs, bare


def rewrite(tree: Tree, module: str, source: str, where: str) -> Result:
    """One module's cross-wing imports through the wings' packages."""
    return Rewriter(tree, module, source, where).run()


def codemod(root: Path, write: bool) -> int:
    tree = Tree.read(root)
    problems: list[str] = []
    changed: list[Path] = []
    for module, path in tree.modules.items():
        source = path.read_text()
        result = rewrite(tree, module, source, str(path.relative_to(root)))
        problems += result.problems
        if result.source != source:
            changed.append(path)
            if write:
                path.write_text(result.source)
    verb = "rewrote" if write else "would rewrite"
    for path in changed:
        print(f"{verb} {path.relative_to(root)}")
    if write and changed and shutil.which("ruff"):
        subprocess.run(["ruff", "check", "--quiet", "--select", "I", "--fix", *map(str, changed)], cwd=root,
                       check=False)
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems or (changed and not write) else 0


# -- --sync: the TYPE_CHECKING block from the table ---------------------------------------------

def block(surface: dict[str, str]) -> str:
    lines = [BEGIN + "\n"]
    for name, module in sorted(surface.items(), key=lambda item: (item[1], item[0])):
        lines.append(f"    from {module} import {name} as {name}\n")
    return "".join(lines)


def sync(root: Path) -> int:
    tree = Tree.read(root)
    status = 0
    for wing in tree.wings:
        init = root / "grader" / wing / "__init__.py"
        text = init.read_text()
        if set(tree.surfaces[wing].values()) <= {f"grader.{wing}"}:
            continue  # no table: names the package defines itself
        if BEGIN not in text:
            print(f"grader/{wing}/__init__.py: no surface block (a line {BEGIN!r})", file=sys.stderr)
            status = 1
            continue
        head, rest = text.split(BEGIN + "\n", 1)
        body = rest.splitlines(keepends=True)
        while body and body[0].startswith("    "):
            body.pop(0)
        new = head + block(tree.surfaces[wing]) + "".join(body)
        if new != text:
            init.write_text(new)
            print(f"synced grader/{wing}/__init__.py")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="report only; exit 1 if anything would change")
    mode.add_argument("--sync", action="store_true", help="rewrite each wing's TYPE_CHECKING block from _SURFACE")
    args = parser.parse_args(argv)
    root = args.repo.resolve()
    if not (root / "grader" / "__init__.py").is_file():
        print(f"{root}: no grader/ package here", file=sys.stderr)
        return 2
    if args.sync:
        return sync(root)
    return codemod(root, write=not args.check)


if __name__ == "__main__":
    sys.exit(main())

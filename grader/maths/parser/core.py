"""The :class:`Parser`, which composes the stages: the :class:`Lexer` (step 1), the names'
classification (step 2), the :class:`Rewriter` (steps 3-4), ``ast.parse(..., mode="eval")`` of
the rewritten plain Python text (step 5) and the :class:`Builder` (step 6); and :func:`parse`,
one reading of a typed text with its LaTeX read first and the author's names checked."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import sympy

from grader.maths.parser.builder import Builder, Guard
from grader.maths.parser.friendly import from_latex
from grader.maths.parser.lexer import Lexer
from grader.maths.parser.names import Names
from grader.maths.parser.rewriter import Mode, Rewriter
from grader.maths.parser.syntax import MAX_NESTING, MAX_NODES, MathSyntaxError
from grader.maths.parser.tokens import Source
from grader.maths.text import shorten


class Parsed(NamedTuple):
    """One reading of a text: the expression, the source it was built from and its tree (to
    show the grouping), the guards, the decimals as typed, whether the greedy reading changed
    anything and whether the text was LaTeX."""

    expr: sympy.Expr
    source: Source
    tree: ast.expr
    guards: tuple[Guard, ...]
    decimals: tuple[str, ...]
    greedy_used: bool
    latex: bool = False


class Parser:
    """Parses one plain (not LaTeX) text in one mode, with the names it may use."""

    def __init__(self, text: str, names: Names, mode: Mode = "standard") -> None:
        self.text = text
        self.names = names
        self.mode = mode

    def run(self, latex: bool = False) -> Parsed:
        """The text read (raises :class:`MathSyntaxError` for anything that is not a formula)."""
        toks = Lexer(self.text).lex()
        if not toks:
            raise MathSyntaxError("the formula is empty", 0)
        if len(toks) > 4 * MAX_NODES + 4 * MAX_NESTING:  # far more than MAX_NODES parts: say so before any work
            raise MathSyntaxError(f"the formula is too long (more than {MAX_NODES} parts)")
        toks = self.names.classify(toks)
        rewriter = Rewriter(self.text, self.names, self.mode)
        source = rewriter.rewrite(toks)
        tree = self._ast(source)
        builder = Builder(source, self.names)
        builder.check_size(tree)
        decimals = tuple(t.shown for t in toks if t.kind == "num" and "." in t.shown)
        expr = builder.build(tree.body)
        return Parsed(expr, source, tree.body, tuple(builder.guards), decimals, rewriter.greedy_used, latex)

    def _ast(self, source: Source) -> ast.Expression:
        """Python's own parser on the rewritten text, its errors said in the typed text's terms."""
        try:
            return ast.parse(source.text, mode="eval")
        except SyntaxError as exc:
            reserved = next((e for e in source.pieces if e[2] == "kw"), None)
            if reserved is not None:
                raise MathSyntaxError(f"'{reserved[0]}' is not allowed in a formula", reserved[1]) from None
            if "too many nested" in str(exc.msg):
                raise MathSyntaxError(f"the formula is nested too deeply (more than {MAX_NESTING} levels)") from None
            offset = (exc.offset - 1) if exc.offset else None
            if offset is not None and offset >= len(source.text):
                raise MathSyntaxError("the formula ends too early", len(self.text)) from None
            col = source.col(offset)
            near = ""
            if offset is not None and source.starts:
                shown = source.pieces[source.piece_at(offset)][3]
                if shown:
                    near = f" near '{shorten(shown)}'"
            raise MathSyntaxError(f"could not read the formula{near}", col) from None
        except (ValueError, MemoryError, RecursionError, OverflowError):
            raise MathSyntaxError("the formula is too complicated to read") from None


def parse(
    text: str,
    symbols: Iterable[str] | str | None,
    constants: Mapping[str, object] | None,
    max_length: int,
    mode: Mode = "standard",
) -> Parsed:
    """One reading of a typed text: its length capped, the names checked, LaTeX read first."""
    if len(text) > max_length:
        raise MathSyntaxError(
            f"the formula is too long ({len(text)} characters; the limit is {max_length})", max_length
        )
    names = Names.given(symbols, constants)
    plain, latex = from_latex(text)
    try:
        return Parser(plain, names, mode).run(latex)
    except RecursionError:
        raise MathSyntaxError("the formula is too complicated to read") from None
    except MathSyntaxError as exc:
        if latex:
            raise MathSyntaxError(f"{exc.message} (in the LaTeX read as '{shorten(plain, 40)}')") from None
        raise

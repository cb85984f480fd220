"""The data the parser's stages hand on: tokens (the lexer's), the bracket tree of groups and
function calls (the rewriter's), the pieces of rewritten text and the :class:`Source` they join
into, which maps a place in the plain Python text back to a column of what was typed."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Literal, NamedTuple, TypeAlias, TypeGuard

# what a token is: a number, a name (a variable or a value), a function's name, an operator, a
# comma, a bracket, a bar of |x|, Python punctuation passed on for the whitelist to name, a keyword
Kind: TypeAlias = Literal["num", "name", "func", "op", "comma", "open", "close", "bar", "py", "kw"]
# what a group is: the whole formula, or brackets of one of four kinds
GroupKind: TypeAlias = Literal["root", "paren", "bracket", "brace", "abs"]

# bracket kinds, and the characters that open and close them
OPEN: dict[str, GroupKind] = {"(": "paren", "[": "bracket", "{": "brace"}
CLOSE: dict[str, GroupKind] = {")": "paren", "]": "bracket", "}": "brace"}
CLOSE_CHAR: dict[str, str] = {"paren": ")", "bracket": "]", "brace": "}", "abs": "|"}
OPEN_CHAR: dict[str, str] = {"paren": "(", "bracket": "[", "brace": "{", "abs": "|"}


class Tok:
    """One token: its kind, the text that goes to Python, its column in the typed text, and
    what the user typed there (``²`` for ``**``, ``√`` for ``sqrt``)."""

    __slots__ = ("kind", "text", "col", "shown")

    def __init__(self, kind: Kind, text: str, col: int, shown: str | None = None) -> None:
        self.kind = kind
        self.text = text  # what goes to Python
        self.col = col  # 0-based column in the original text
        self.shown = text if shown is None else shown  # what the user typed

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Tok({self.kind}, {self.text!r}, {self.col})"


class Group:
    """A bracketed group (or the whole formula, ``root``) and the items inside it."""

    __slots__ = ("kind", "items", "col", "end_col", "closer")

    def __init__(
        self, kind: GroupKind, col: int, items: list[Item] | None = None, end_col: int | None = None
    ) -> None:
        self.kind = kind
        self.items: list[Item] = [] if items is None else items
        self.col = col
        self.end_col = col if end_col is None else end_col
        self.closer = CLOSE_CHAR.get(kind, "")  # the character that closes it


class Call:
    """A function applied to its argument, with or without brackets as typed (``sin 2x``)."""

    __slots__ = ("func", "arg")

    def __init__(self, func: Tok, arg: Group) -> None:
        self.func = func
        self.arg = arg

    @property
    def col(self) -> int:
        return self.func.col


Item: TypeAlias = Tok | Group | Call


def is_op(item: Item | None, *texts: str) -> TypeGuard[Tok]:
    """The item is an operator token, one of ``texts``."""
    return type(item) is Tok and item.kind == "op" and item.text in texts


def is_operand(item: Item) -> bool:
    """The item can be a factor of an implicit product: a number, a name, ``(...)``, a call."""
    if type(item) is Tok:
        return item.kind in ("num", "name")
    if type(item) is Group:
        return item.kind == "paren"
    return type(item) is Call


# A piece of the rewritten text: (text, column typed, kind, as typed). An empty ``shown`` marks
# what the rewriter added (the '*' of ``2x``, the brackets of a reading).
Piece: TypeAlias = tuple[str, int, Kind, str]


class Source(NamedTuple):
    """The rewritten, plain Python text and where each of its pieces came from (a named tuple:
    one is made per reading, and a tuple is the cheapest record to make)."""

    text: str
    pieces: tuple[Piece, ...]
    starts: tuple[int, ...]  # offset in ``text`` of each piece
    implicit: frozenset[int]  # offsets of each '*' the student did not type (2x, e^2 x)

    @classmethod
    def join(cls, emitted: Sequence[Piece]) -> Source:
        """The pieces joined by spaces (implicit products leave empty brackets: dropped)."""
        pieces = tuple([e for e in emitted if e[0]])
        starts: list[int] = []
        implicit: list[int] = []
        pos = 0
        for text, _col, _kind, shown in pieces:
            starts.append(pos)
            if text == "*" and not shown:
                implicit.append(pos)
            pos += len(text) + 1
        return cls(" ".join([e[0] for e in pieces]), pieces, tuple(starts), frozenset(implicit))

    def piece_at(self, offset: int) -> int:
        """The index of the piece that holds ``offset`` of the text."""
        return max(bisect_right(self.starts, offset) - 1, 0)

    def col(self, offset: int | None) -> int | None:
        """The column typed that ``offset`` of the rewritten text comes from."""
        if offset is None or not self.starts:
            return None
        return self.pieces[self.piece_at(offset)][1]

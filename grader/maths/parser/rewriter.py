"""Steps 3-4 of the parser, the :class:`Rewriter`: the human forms rewritten into plain Python
text. The bracket tree with its nesting cap, function application without brackets (``sin 2x``,
``sin^2 x``, ``sin^-1 x``), ``|x|`` -> ``abs(x)``, implicit multiplication (``2x``,
``(x+1)(x-1)``), read in one of three modes: ``standard``; ``tight``, where an implicit product
binds first (``1/2x`` is ``1/(2x)``); ``greedy``, where an exponent takes the product after it
(``e^2x`` is ``e^(2x)``). The other two are kept only to say which reading a student meant."""

from __future__ import annotations

from typing import Literal

from grader.maths import functions
from grader.maths.parser.friendly import lower_case_suggestion
from grader.maths.parser.names import Names
from grader.maths.parser.syntax import MAX_NESTING, MathSyntaxError
from grader.maths.parser.tokens import (
    CLOSE,
    CLOSE_CHAR,
    OPEN,
    OPEN_CHAR,
    Call,
    Group,
    Item,
    Piece,
    Source,
    Tok,
    is_op,
    is_operand,
)
from grader.maths.text import shorten

Mode = Literal["standard", "tight", "greedy"]

_TOO_DEEP = f"the formula is nested too deeply (more than {MAX_NESTING} levels)"


class Rewriter:
    """Rewrites one formula's classified tokens into :class:`Source`. Its state: the typed text
    (for messages), the names, the reading's mode, and whether the greedy reading was used."""

    def __init__(self, text: str, names: Names, mode: Mode = "standard") -> None:
        self.text = text
        self.names = names
        self.mode = mode
        self.greedy_used = False  # the greedy reading changed something (e^2x)

    def rewrite(self, toks: list[Tok]) -> Source:
        """The tokens as plain Python text, each piece mapped to the column it was typed at."""
        items = self._apply(self.tree(toks).items, 0)
        emitted: list[Piece] = []
        self._emit_seq(items, emitted)
        return Source.join(emitted)

    # --------------------------------------------------------- 3. tree
    def tree(self, toks: list[Tok]) -> Group:  # noqa: C901 - one pass over the brackets, each case an error
        """The bracket tree: ``(``, ``[``, ``{`` and ``|...|`` groups, checked as they close."""
        root = Group("root", 0)
        stack = [root]
        prev_end = False  # previous token ends an operand
        for tok in toks:
            kind = tok.kind
            if kind == "open" or (kind == "bar" and not (stack[-1].kind == "abs" and prev_end)):
                group = Group(OPEN.get(tok.text, "abs"), tok.col)
                siblings = stack[-1].items
                if tok.text == "{" and siblings and is_op(siblings[-1], "^", "**"):
                    group.kind = "paren"  # LaTeX habit: e^{2x}
                stack[-1].items.append(group)
                stack.append(group)
                if len(stack) - 1 > MAX_NESTING:
                    raise MathSyntaxError(_TOO_DEEP, tok.col)
                prev_end = False
            elif kind == "close" or kind == "bar":
                top = stack[-1]
                if top is root:
                    want = "abs" if kind == "bar" else CLOSE[tok.text]
                    raise MathSyntaxError(f"'{tok.text}' has no matching '{OPEN_CHAR[want]}'", tok.col)
                if top.closer != tok.text:
                    opener = self.text[top.col]
                    if top.kind == "abs":
                        raise MathSyntaxError(
                            f"the '|' at column {top.col + 1} is not closed before '{tok.text}'", top.col
                        )
                    raise MathSyntaxError(
                        f"'{opener}' at column {top.col + 1} is closed by '{tok.text}' instead of '{top.closer}'",
                        tok.col,
                    )
                top.end_col = tok.col
                stack.pop()
                prev_end = True
            else:
                stack[-1].items.append(tok)
                prev_end = kind in ("num", "name")
        if len(stack) > 1:
            top = stack[-1]
            if top.kind == "abs":
                raise MathSyntaxError(f"the '|' at column {top.col + 1} has no closing '|'", top.col)
            raise MathSyntaxError(
                f"'{self.text[top.col]}' at column {top.col + 1} is never closed (missing '{top.closer}')", top.col
            )
        return root

    # --------------------------------------------------------- 4a. functions
    def _group(self, group: Group, depth: int) -> Group | Call:
        if depth > MAX_NESTING:
            raise MathSyntaxError(_TOO_DEEP, group.col)
        items = self._apply(group.items, depth)
        if group.kind == "abs":
            if not items:
                raise MathSyntaxError("'| |' needs something between the bars", group.col)
            return Call(Tok("func", "abs", group.col, "|...|"), Group("paren", group.col, items, group.end_col))
        return Group(group.kind, group.col, items, group.end_col)

    def _transform(self, item: Item, depth: int) -> Item:
        if type(item) is Group:
            return self._group(item, depth + 1)
        return item

    def _apply(self, items: list[Item], depth: int) -> list[Item]:
        out: list[Item] = []
        i, n = 0, len(items)
        while i < n:
            item = items[i]
            if type(item) is Tok and item.kind == "func":
                call, i = self._func_app(items, i, depth + 1)
                out.append(call)
            else:
                out.append(self._transform(item, depth))
                i += 1
        return out

    @staticmethod
    def _is_atom(item: Item) -> bool:
        if type(item) is Tok:
            return item.kind in ("num", "name")
        return type(item) is Group and item.kind in ("paren", "abs")

    def _func_app(self, items: list[Item], i: int, depth: int) -> tuple[Item, int]:  # noqa: C901
        func = items[i]
        assert type(func) is Tok  # _apply and _simple_arg call this at a function's token
        if depth > MAX_NESTING:
            raise MathSyntaxError(_TOO_DEEP, func.col)
        n = len(items)
        j = i + 1
        power: tuple[Tok, list[Item], Item] | None = None
        caret = items[j] if j < n else None
        if is_op(caret, "^", "**"):
            k = j + 1
            signs: list[Item] = []
            while k < n and is_op(items[k], "+", "-"):
                signs.append(items[k])
                k += 1
            exponent = items[k] if k < n else None
            if exponent is not None and self._is_atom(exponent) and not (
                type(exponent) is Group and exponent.kind == "abs"
            ):
                power = (caret, signs, self._transform(exponent, depth))
                j = k + 1
            else:
                raise MathSyntaxError(f"'{caret.shown}' needs something on its right", caret.col)
        group = items[j] if j < n else None
        arg: Group | Call
        if type(group) is Group and group.kind == "paren":
            if not group.items:
                raise MathSyntaxError(
                    f"'{func.shown}' needs something inside its brackets, e.g. {func.text}(x)", func.col
                )
            arg = self._group(group, depth + 1)
            j += 1
        else:
            arg_items, j = self._simple_arg(items, j, depth, func)
            arg = Group("paren", func.col, arg_items)
        assert type(arg) is Group  # a paren group stays a group
        call = Call(func, arg)
        if power is None:
            return call, j
        caret, signs, exp_atom = power
        exp_text = "".join(t.text for t in signs if type(t) is Tok)
        if type(exp_atom) is Tok:
            exp_text += exp_atom.text
        elif type(exp_atom) is Group and all(type(t) is Tok for t in exp_atom.items):
            exp_text += "".join(t.text for t in exp_atom.items if type(t) is Tok)
        inverse = functions.INVERSES.get(func.text) if exp_text == "-1" else None
        if inverse is not None:
            return Call(Tok("func", inverse, func.col, func.shown + caret.shown + "-1"), arg), j
        return Group("paren", func.col, [call, Tok("op", "**", caret.col, caret.shown), *signs, exp_atom]), j

    def _simple_arg(self, items: list[Item], j: int, depth: int, func: Tok) -> tuple[list[Item], int]:
        """Argument of a function written without brackets: `sin 2x`, `ln x`."""
        n = len(items)
        out: list[Item] = []
        k = j
        while k < n and is_op(items[k], "+", "-"):
            out.append(items[k])
            k += 1
        atoms = 0
        while k < n:
            item = items[k]
            if self._is_atom(item):
                out.append(self._transform(item, depth))
                k += 1
            elif type(item) is Tok and item.kind == "func" and atoms == 0:
                call, k = self._func_app(items, k, depth + 1)
                out.append(call)
            else:
                break
            atoms += 1
            while k < n and is_op(caret := items[k], "^", "**"):
                out.append(caret)
                k += 1
                while k < n and is_op(items[k], "+", "-"):
                    out.append(items[k])
                    k += 1
                after = items[k] if k < n else None
                if after is not None and self._is_atom(after):
                    out.append(self._transform(after, depth))
                    k += 1
                elif type(after) is Tok and after.kind == "func":
                    call, k = self._func_app(items, k, depth + 1)
                    out.append(call)
                else:
                    raise MathSyntaxError(f"'{caret.shown}' needs something on its right", caret.col)
        if atoms == 0:
            raise MathSyntaxError(f"'{func.shown}' needs an argument, e.g. {func.text}(x)", func.col)
        return out, k

    # --------------------------------------------------------- 4b. emit text
    def _emit_seq(self, items: list[Item], out: list[Piece]) -> None:  # noqa: C901
        i, n = 0, len(items)
        prev = None  # None (start) | 'operand' | 'op' | 'other'
        while i < n:
            item = items[i]
            if is_operand(item):
                units = []
                while i < n and is_operand(items[i]):
                    buf: list[Piece] = []
                    i = self._emit_unit(items, i, buf)
                    units.append(buf)
                if len(units) == 1:
                    out.extend(units[0])
                else:
                    self._implicit_product(units, out)
                prev = "operand"
                continue
            if type(item) is Tok and item.kind == "op":
                text = item.text
                if text in ("^", "**"):
                    raise MathSyntaxError(f"'{item.shown}' needs something on its left", item.col)
                if text in ("*", "/") and prev in (None, "op"):
                    raise MathSyntaxError(f"'{item.shown}' needs something on its left", item.col)
                nxt = items[i + 1] if i + 1 < n else None
                if nxt is None or is_op(nxt, "*", "/", "^", "**") or (type(nxt) is Tok and nxt.kind == "comma"):
                    raise MathSyntaxError(f"'{item.shown}' needs something on its right", item.col)
                out.append((text, item.col, "op", item.shown))
                prev = "op"
                i += 1
                continue
            if type(item) is Group:  # [...] or {...}: passed through, the AST rejects them
                out.append((OPEN_CHAR[item.kind], item.col, "open", OPEN_CHAR[item.kind]))
                self._emit_seq(item.items, out)
                out.append((CLOSE_CHAR[item.kind], item.end_col, "close", CLOSE_CHAR[item.kind]))
                prev = "other"
                i += 1
                continue
            assert type(item) is Tok  # a call is an operand
            out.append((item.text, item.col, item.kind, item.shown))
            prev = None if item.kind == "comma" else "other"
            i += 1

    def _implicit_product(self, units: list[list[Piece]], out: list[Piece]) -> None:
        """Juxtaposed factors joined by the '*' nobody typed (``2x``, ``(x+1)(x-1)``)."""
        col = units[0][0][1]
        # Implicit multiplication has the precedence of '*' (1/2x is x/2); the
        # "tight" reading (1/(2x)) is kept only to say which one a student meant.
        tight = self.mode == "tight"
        out.append(("(" if tight else "", col, "open", ""))
        for k, unit in enumerate(units):
            if k:
                last, first = units[k - 1][-1], unit[0]
                if last[2] == "num" and first[2] == "num":
                    raise MathSyntaxError(
                        f"two numbers in a row ('{last[3]} {first[3]}'): put an operator between them", first[1]
                    )
                out.append(("*", first[1], "op", ""))
            out.extend(unit)
        out.append((")" if tight else "", units[-1][-1][1], "close", ""))

    def _emit_unit(self, items: list[Item], i: int, buf: list[Piece]) -> int:
        n = len(items)
        i = self._emit_atom(items, i, buf)
        while i < n and is_op(caret := items[i], "^", "**"):
            buf.append(("**", caret.col, "op", caret.shown))
            i += 1
            while i < n and is_op(sign := items[i], "+", "-"):
                buf.append((sign.text, sign.col, "op", sign.shown))
                i += 1
            if i < n and is_operand(items[i]):
                if self.mode == "greedy" and i + 1 < n and is_operand(items[i + 1]):
                    # the other reading of e^2x: the exponent takes the juxtaposed product
                    buf.append(("(", items[i].col, "open", ""))
                    i = self._emit_atom(items, i, buf)
                    while i < n and is_operand(items[i]):
                        buf.append(("*", items[i].col, "op", ""))
                        i = self._emit_atom(items, i, buf)
                    buf.append((")", items[i - 1].col, "close", ""))
                    self.greedy_used = True
                else:
                    i = self._emit_atom(items, i, buf)
            else:
                raise MathSyntaxError(f"'{caret.shown}' needs something on its right", caret.col)
        return i

    def _emit_atom(self, items: list[Item], i: int, buf: list[Piece]) -> int:
        item = items[i]
        if type(item) is Tok:
            nxt = items[i + 1] if item.kind == "name" and i + 1 < len(items) else None
            if (
                type(nxt) is Group
                and nxt.kind == "paren"
                and len(item.text) > 1
                and item.text not in self.names.value_names
                and item.text != "pi"
            ):
                hint = lower_case_suggestion(item.text, ())
                more = f": did you mean {hint}?" if hint else ""
                raise MathSyntaxError(f"unknown function '{shorten(item.text)}'{more}", item.col)
            buf.append((item.text, item.col, item.kind, item.shown))
        elif type(item) is Call:
            buf.append((item.func.text, item.func.col, "func", item.func.shown))
            buf.append(("(", item.arg.col, "open", "("))
            self._emit_seq(item.arg.items, buf)
            buf.append((")", item.arg.end_col, "close", ")"))
        else:  # paren group
            assert type(item) is Group
            buf.append(("(", item.col, "open", "("))
            self._emit_seq(item.items, buf)
            buf.append((")", item.end_col, "close", ")"))
        return i + 1

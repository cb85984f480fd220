"""Rewriting the human forms into plain Python text: name classification (``xy`` -> ``x*y``),
the bracket tree with its nesting cap, function application without brackets (``sin 2x``,
``sin^2 x``), implicit multiplication, ``|x|`` -> ``abs(x)``. Steps 2-4 of ``parse``."""

from __future__ import annotations

import keyword
from bisect import bisect_right

from grader.maths.friendly import lower_case_suggestion
from grader.maths import functions
from grader.maths.functions import _INVERSES
from grader.maths.lexer import (
    _CLOSE,
    _CLOSE_CHAR,
    _OPEN,
    _OPEN_CHAR,
    _Call,
    _Group,
    _is_op,
    _is_operand,
    _Tok,
)
from grader.maths.syntax import MAX_NESTING, MathSyntaxError, _short


class Rewriter:
    """The rewriting half of the parser (mixed into ``parse._Parser``)."""

    # ---------------------------------------------------------------- utils
    def _allowed_text(self) -> str:
        names = list(self.symbols) + [c for c in self.constants if c not in self.symbol_set]
        if not names:
            return "this formula cannot use any variables"
        if len(names) == 1:
            return f"this formula can use {names[0]}"
        return "this formula can use " + ", ".join(names[:-1]) + " and " + names[-1]

    # --------------------------------------------------------- 2. names
    def _classify(self, toks: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        for tok in toks:
            if tok.kind != "name":
                out.append(tok)
                continue
            name = tok.text
            if keyword.iskeyword(name):
                tok.kind = "kw"
            elif name in self.value_names:
                pass
            elif functions.known(name):
                tok.kind = "func"
            elif name in ("pi", "e"):
                pass
            elif self.restricted:
                pieces = self._split(name)
                if pieces is not None:
                    for offset, piece, kind in pieces:
                        out.append(_Tok(kind, piece, tok.col + offset))
                    continue
                # unknown: left as a name; reported with context later
            out.append(tok)
        return out

    def _split(self, name: str):
        """Split an unknown name into allowed pieces: 'xy' -> x, y; 'sinx' -> sin, x.

        Digits are allowed only right after a function name ('sin2x').
        Fewest pieces wins.  Returns [(offset, text, kind)] or None.
        """
        n = len(name)
        if n > 200:
            return None
        values = self.value_names | {"pi", "e"}
        funcs = functions.names()
        maxlen = max(map(len, values | set(funcs)))
        INF = n + 1
        # state (pos, after_func) -> (cost, prev_state, piece, kind)
        best: dict[tuple[int, bool], tuple] = {(0, False): (0, None, None, None)}
        for pos in range(n):
            for after_func in (False, True):
                state = (pos, after_func)
                if state not in best:
                    continue
                cost = best[state][0]
                cands = []
                for length in range(1, min(maxlen, n - pos) + 1):
                    piece = name[pos: pos + length]
                    if piece in values:
                        cands.append((piece, "name", False))
                    elif piece in funcs:
                        cands.append((piece, "func", True))
                if after_func and name[pos].isdigit():
                    end = pos
                    while end < n and name[end].isdigit():
                        end += 1
                    cands.append((name[pos:end], "num", False))
                for piece, kind, is_func in cands:
                    nxt = (pos + len(piece), is_func)
                    if best.get(nxt, (INF,))[0] > cost + 1:
                        best[nxt] = (cost + 1, state, piece, kind)
        finals = [s for s in ((n, False), (n, True)) if s in best]
        if not finals:
            return None
        state = min(finals, key=lambda s: best[s][0])
        pieces = []
        while best[state][1] is not None:
            _, prev, piece, kind = best[state]
            pieces.append((prev[0], str(int(piece)) if kind == "num" else piece, kind))
            state = prev
        pieces.reverse()
        return pieces

    # --------------------------------------------------------- 3. tree
    def _tree(self, toks: list[_Tok]) -> _Group:
        root = _Group("root", 0)
        stack = [root]
        prev_end = False  # previous token ends an operand
        for tok in toks:
            kind = tok.kind
            if kind == "open" or (kind == "bar" and not (stack[-1].kind == "abs" and prev_end)):
                group = _Group(_OPEN.get(tok.text, "abs"), tok.col)
                siblings = stack[-1].items
                if tok.text == "{" and siblings and _is_op(siblings[-1], "^", "**"):
                    group.kind = "paren"  # LaTeX habit: e^{2x}
                stack[-1].items.append(group)
                stack.append(group)
                if len(stack) - 1 > MAX_NESTING:
                    raise MathSyntaxError(
                        f"the formula is nested too deeply (more than {MAX_NESTING} levels)",
                        tok.col,
                    )
                prev_end = False
            elif kind == "close" or kind == "bar":
                top = stack[-1]
                if top is root:
                    want = "abs" if kind == "bar" else _CLOSE[tok.text]
                    raise MathSyntaxError(
                        f"'{tok.text}' has no matching '{_OPEN_CHAR[want]}'", tok.col
                    )
                if top.closer != tok.text:
                    opener = self.text[top.col]
                    if top.kind == "abs":
                        raise MathSyntaxError(
                            f"the '|' at column {top.col + 1} is not closed before "
                            f"'{tok.text}'",
                            top.col,
                        )
                    raise MathSyntaxError(
                        f"'{opener}' at column {top.col + 1} is closed by "
                        f"'{tok.text}' instead of '{top.closer}'",
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
                raise MathSyntaxError(
                    f"the '|' at column {top.col + 1} has no closing '|'", top.col
                )
            raise MathSyntaxError(
                f"'{self.text[top.col]}' at column {top.col + 1} is never closed "
                f"(missing '{top.closer}')",
                top.col,
            )
        return root

    # --------------------------------------------------------- 4a. functions
    def _group(self, group: _Group, depth: int):
        if depth > MAX_NESTING:
            raise MathSyntaxError(
                f"the formula is nested too deeply (more than {MAX_NESTING} levels)", group.col
            )
        items = self._apply(group.items, depth)
        if group.kind == "abs":
            if not items:
                raise MathSyntaxError("'| |' needs something between the bars", group.col)
            return _Call(
                _Tok("func", "abs", group.col, "|...|"),
                _Group("paren", group.col, items, group.end_col),
            )
        return _Group(group.kind, group.col, items, group.end_col)

    def _transform(self, item, depth: int):
        if type(item) is _Group:
            return self._group(item, depth + 1)
        return item

    def _apply(self, items: list, depth: int) -> list:
        out = []
        i, n = 0, len(items)
        while i < n:
            item = items[i]
            if type(item) is _Tok and item.kind == "func":
                call, i = self._func_app(items, i, depth + 1)
                out.append(call)
            else:
                out.append(self._transform(item, depth))
                i += 1
        return out

    def _is_atom(self, item) -> bool:
        if type(item) is _Tok:
            return item.kind in ("num", "name")
        return type(item) is _Group and item.kind in ("paren", "abs")

    def _func_app(self, items: list, i: int, depth: int):
        func = items[i]
        if depth > MAX_NESTING:
            raise MathSyntaxError(
                f"the formula is nested too deeply (more than {MAX_NESTING} levels)", func.col
            )
        n = len(items)
        j = i + 1
        power = None
        if j < n and _is_op(items[j], "^", "**"):
            caret = items[j]
            k = j + 1
            signs = []
            while k < n and _is_op(items[k], "+", "-"):
                signs.append(items[k])
                k += 1
            if k < n and self._is_atom(items[k]) and not (
                type(items[k]) is _Group and items[k].kind == "abs"
            ):
                power = (caret, signs, self._transform(items[k], depth))
                j = k + 1
            else:
                raise MathSyntaxError(f"'{caret.shown}' needs something on its right", caret.col)
        if j < n and type(items[j]) is _Group and items[j].kind == "paren":
            group = items[j]
            if not group.items:
                raise MathSyntaxError(
                    f"'{func.shown}' needs something inside its brackets, e.g. {func.text}(x)",
                    func.col,
                )
            arg = self._group(group, depth + 1)
            j += 1
        else:
            arg_items, j = self._simple_arg(items, j, depth, func)
            arg = _Group("paren", func.col, arg_items)
        call = _Call(func, arg)
        if power is None:
            return call, j
        caret, signs, exp_atom = power
        exp_text = "".join(t.text for t in signs)
        if type(exp_atom) is _Tok:
            exp_text += exp_atom.text
        elif all(type(t) is _Tok for t in exp_atom.items):
            exp_text += "".join(t.text for t in exp_atom.items)
        if exp_text == "-1" and func.text in _INVERSES:
            inverse = _Tok("func", _INVERSES[func.text], func.col, func.shown + caret.shown + "-1")
            return _Call(inverse, arg), j
        return _Group("paren", func.col, [call, _Tok("op", "**", caret.col, caret.shown), *signs, exp_atom]), j

    def _simple_arg(self, items: list, j: int, depth: int, func: _Tok):
        """Argument of a function written without brackets: `sin 2x`, `ln x`."""
        n = len(items)
        out = []
        k = j
        while k < n and _is_op(items[k], "+", "-"):
            out.append(items[k])
            k += 1
        atoms = 0
        while k < n:
            item = items[k]
            if self._is_atom(item):
                out.append(self._transform(item, depth))
                k += 1
            elif type(item) is _Tok and item.kind == "func" and atoms == 0:
                call, k = self._func_app(items, k, depth + 1)
                out.append(call)
            else:
                break
            atoms += 1
            while k < n and _is_op(items[k], "^", "**"):
                caret = items[k]
                out.append(caret)
                k += 1
                while k < n and _is_op(items[k], "+", "-"):
                    out.append(items[k])
                    k += 1
                if k < n and self._is_atom(items[k]):
                    out.append(self._transform(items[k], depth))
                    k += 1
                elif k < n and type(items[k]) is _Tok and items[k].kind == "func":
                    call, k = self._func_app(items, k, depth + 1)
                    out.append(call)
                else:
                    raise MathSyntaxError(
                        f"'{caret.shown}' needs something on its right", caret.col
                    )
        if atoms == 0:
            raise MathSyntaxError(
                f"'{func.shown}' needs an argument, e.g. {func.text}(x)", func.col
            )
        return out, k

    # --------------------------------------------------------- 4b. emit text
    def _emit_seq(self, items: list, out: list) -> None:
        i, n = 0, len(items)
        prev = None  # None (start) | 'operand' | 'op' | 'other'
        while i < n:
            item = items[i]
            if _is_operand(item):
                units = []
                while i < n and _is_operand(items[i]):
                    buf: list = []
                    i = self._emit_unit(items, i, buf)
                    units.append(buf)
                if len(units) == 1:
                    out.extend(units[0])
                else:
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
                                    f"two numbers in a row ('{last[3]} {first[3]}'): "
                                    "put an operator between them",
                                    first[1],
                                )
                            out.append(("*", first[1], "op", ""))
                        out.extend(unit)
                    out.append((")" if tight else "", units[-1][-1][1], "close", ""))
                prev = "operand"
                continue
            if type(item) is _Tok and item.kind == "op":
                text = item.text
                if text in ("^", "**"):
                    raise MathSyntaxError(f"'{item.shown}' needs something on its left", item.col)
                if text in ("*", "/") and prev in (None, "op"):
                    raise MathSyntaxError(f"'{item.shown}' needs something on its left", item.col)
                nxt = items[i + 1] if i + 1 < n else None
                if nxt is None or _is_op(nxt, "*", "/", "^", "**") or (
                    type(nxt) is _Tok and nxt.kind == "comma"
                ):
                    raise MathSyntaxError(f"'{item.shown}' needs something on its right", item.col)
                out.append((text, item.col, "op", item.shown))
                prev = "op"
                i += 1
                continue
            if type(item) is _Group:  # [...] or {...}: passed through, the AST rejects them
                out.append((_OPEN_CHAR[item.kind], item.col, "open", _OPEN_CHAR[item.kind]))
                self._emit_seq(item.items, out)
                out.append((_CLOSE_CHAR[item.kind], item.end_col, "close", _CLOSE_CHAR[item.kind]))
                prev = "other"
                i += 1
                continue
            out.append((item.text, item.col, item.kind, item.shown))
            prev = None if item.kind == "comma" else "other"
            i += 1

    def _emit_unit(self, items: list, i: int, buf: list) -> int:
        n = len(items)
        i = self._emit_atom(items, i, buf)
        while i < n and _is_op(items[i], "^", "**"):
            caret = items[i]
            buf.append(("**", caret.col, "op", caret.shown))
            i += 1
            while i < n and _is_op(items[i], "+", "-"):
                buf.append((items[i].text, items[i].col, "op", items[i].shown))
                i += 1
            if i < n and _is_operand(items[i]):
                if self.mode == "greedy" and i + 1 < n and _is_operand(items[i + 1]):
                    # the other reading of e^2x: the exponent takes the juxtaposed product
                    buf.append(("(", items[i].col, "open", ""))
                    i = self._emit_atom(items, i, buf)
                    while i < n and _is_operand(items[i]):
                        buf.append(("*", items[i].col, "op", ""))
                        i = self._emit_atom(items, i, buf)
                    buf.append((")", items[i - 1].col, "close", ""))
                    self.greedy_used = True
                else:
                    i = self._emit_atom(items, i, buf)
            else:
                raise MathSyntaxError(f"'{caret.shown}' needs something on its right", caret.col)
        return i

    def _emit_atom(self, items: list, i: int, buf: list) -> int:
        item = items[i]
        if type(item) is _Tok:
            if item.kind == "name" and i + 1 < len(items):
                nxt = items[i + 1]
                if (
                    type(nxt) is _Group
                    and nxt.kind == "paren"
                    and len(item.text) > 1
                    and item.text not in self.value_names
                    and item.text != "pi"
                ):
                    hint = lower_case_suggestion(item.text, ())
                    more = f": did you mean {hint}?" if hint else ""
                    raise MathSyntaxError(f"unknown function '{_short(item.text)}'{more}", item.col)
            buf.append((item.text, item.col, item.kind, item.shown))
        elif type(item) is _Call:
            buf.append((item.func.text, item.func.col, "func", item.func.shown))
            buf.append(("(", item.arg.col, "open", "("))
            self._emit_seq(item.arg.items, buf)
            buf.append((")", item.arg.end_col, "close", ")"))
        else:  # paren group
            buf.append(("(", item.col, "open", "("))
            self._emit_seq(item.items, buf)
            buf.append((")", item.end_col, "close", ")"))
        return i + 1

    # --------------------------------------------------------- 5. ast
    def _col(self, offset: int | None) -> int | None:
        if offset is None or not self.starts:
            return None
        k = bisect_right(self.starts, offset) - 1
        return self.cols[max(k, 0)]

    def _error(self, message: str, node=None) -> MathSyntaxError:
        col = self._col(getattr(node, "col_offset", None)) if node is not None else None
        return MathSyntaxError(message, col)


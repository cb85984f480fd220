"""Plain-text helpers every wing's messages share (no SymPy: importing this costs nothing).

``shorten(text, limit)``: the text, or its first ``limit - 3`` characters and ``...``, so that a
message quoting what a user typed (a name, a number, an answer, a value in a file) stays one
readable line.
"""

from __future__ import annotations


def shorten(text: str, limit: int = 20) -> str:
    """``text`` when it has at most ``limit`` characters, else its start and ``...`` (``limit`` in all)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."

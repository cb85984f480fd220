"""The one rule for text that comes from a submission (issue 16), applied by every report.

A submission controls its output, its error messages, the type names of what it returns, the
names of its files. Whatever of that reaches a person or a machine that reads reports:

- ``printable``: control characters (but newline and tab), lone surrogates, line and paragraph
  separators (U+2028, U+2029: a ``splitlines()`` reader breaks lines there), bidi controls
  (which reorder what is shown) and other invisible characters (zero-width spaces, fillers) are
  shown as ``\\xNN`` / ``\\uNNNN``; and no line starts with ``::`` after leading white space
  (GitHub's runner strips it and runs such a line as a workflow command): it gets a ``\\``.
- ``one_line``: ``printable`` with line breaks shown as ``\\n``: for every string of a reply
  (values, type names, messages) and every name (files, students), so none can start a line.
- ``markdown``: ``one_line`` with every ASCII punctuation character backslash-escaped (``<`` too),
  for Markdown that GitHub renders (``$GITHUB_STEP_SUMMARY``): no image, link or table cell of
  the submission's own.
- ``capped``: notes of one kind, ten at most, then one that counts the rest (a notebook's
  IPython lines); ``shown_notes``: a report's, a hundred at most, in every format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u2028-\u202e\u2060-\u206f\u3164\ud800-\udfff\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\ufffe\uffff]"
)
_COMMAND = re.compile(r"^([ \t]*)::", re.MULTILINE)
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
MAX_NOTES = 10  # of one kind (a notebook's IPython lines, a quiz's unknown answers), where they are made
MAX_SHOWN = 100  # of a whole report, in every format (the grader's own notes are a few)


def printable(text: object) -> str:
    """``text`` safe for a terminal, XML and a CI log: unprintable and invisible characters
    shown as \\xNN or \\uNNNN, no line that starts with ``::``."""
    out = _UNPRINTABLE.sub(_escaped, str(text))
    return _COMMAND.sub(r"\1\\::", out) if "::" in out else out


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: object) -> str:
    """``printable`` with line breaks shown as \\n too: for a field that must stay on one line
    (a reply's strings, a title, a file name), so that nothing in it can start a line."""
    return printable(text).replace("\n", "\\n").replace("\t", " ")


def markdown(text: object) -> str:
    """One line of text for GitHub-flavoured Markdown: nothing in it is markup."""
    return _PUNCTUATION.sub(r"\\\1", one_line(text))


def shown_notes(notes: Iterable[str]) -> list[str]:
    """A report's notes as every format shows them: at most MAX_SHOWN, then a count."""
    return capped(notes, MAX_SHOWN)


def capped(notes: Iterable[str], limit: int = MAX_NOTES) -> list[str]:
    """The first ``limit`` notes, then one that says how many more there were."""
    notes = list(notes)
    if len(notes) <= limit + 1:  # ten and one more: as short as ten and a count
        return notes
    return notes[:limit] + [f"... and {len(notes) - limit} more notes like these (not shown)"]


def shown_name(name: object) -> str:
    """A file's or student's name as it may be printed: the bytes of a name that is not UTF-8
    as \\xNN (Python keeps them as lone surrogates), then ``one_line``."""
    text = str(name)
    if any("\udc80" <= c <= "\udcff" for c in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return one_line(text)

"""The strict schema of what the sandbox child may send: anything else is "garbled".

Everything the child writes after its ``isolation`` line may come from the submission (it can
write to the result pipe itself), so each reply is parsed with bounded size and depth and
checked key by key: types, string lengths, list lengths, shapes that match their data.
``parse`` returns the reply as plain values, or None for anything malformed.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

Expect = Literal["isolation", "ready", "results"]  # what the parent waits for
MAX_REPLY = 64 << 20  # bytes of one JSON line
MAX_VALUES = 100_000  # numbers in one returned value (the child refuses bigger arrays)
MAX_DIMS = 8
ERROR_LIMITS = {"type": 100, "message": 1000, "text": 400}


def _string(value: object, limit: int) -> bool:
    return isinstance(value, str) and len(value) <= limit


def _error(value: object) -> bool:
    if not isinstance(value, dict) or set(value) != {"type", "message", "line", "text"}:
        return False
    line = value["line"]
    if line is not None and (type(line) is not int or not 0 <= line <= 10**7):
        return False
    return all(_string(value[k], limit) for k, limit in ERROR_LIMITS.items())


def _item(value: object) -> bool:
    """One call's result: {"ok": true, "shape", "data"[, "parts"]} or {"ok": false, "returned"|"error"}."""
    if not isinstance(value, dict) or type(value.get("ok")) is not bool:
        return False
    if not value["ok"]:
        if set(value) == {"ok", "returned"}:
            return _string(value["returned"], 200)
        return set(value) == {"ok", "error"} and _error(value["error"])
    if set(value) - {"parts"} != {"ok", "shape", "data"}:
        return False
    shape, data = value["shape"], value["data"]
    if "parts" in value and not _parts(value["parts"], data):
        return False
    if not isinstance(shape, list) or len(shape) > MAX_DIMS:
        return False
    if not all(type(n) is int and 0 <= n <= MAX_VALUES for n in shape):
        return False
    if not isinstance(data, list) or len(data) != math.prod(shape) or len(data) > MAX_VALUES:
        return False
    return all(type(v) is float or type(v) is int for v in data)


def _parts(parts: object, data: object) -> bool:
    """The shapes of several returned arrays, flattened one after another into ``data``."""
    if not isinstance(parts, list) or not 0 < len(parts) <= 64 or not isinstance(data, list):
        return False
    for shape in parts:
        if not isinstance(shape, list) or len(shape) > MAX_DIMS:
            return False
        if not all(type(n) is int and 0 <= n <= MAX_VALUES for n in shape):
            return False
    return sum(math.prod(shape) for shape in parts) == len(data)


def _isolation(value: object) -> bool:
    if not isinstance(value, dict) or len(value) > 20:
        return False
    for key, item in value.items():
        if not _string(key, 40):
            return False
        if isinstance(item, list):
            if len(item) > 20 or not all(_string(v, 300) for v in item):
                return False
        elif not (_string(item, 300) or type(item) is int):
            return False
    return True


def valid(reply: object, expect: Expect, points: int = 0) -> bool:
    """Is ``reply`` a well-formed answer of the kind the parent waits for?

    ``expect``: "isolation" (the first line), "ready" (after loading the file) or "results"
    (after a request with ``points`` points).
    """
    if not isinstance(reply, dict) or len(reply) != 1:
        return False
    (key, value), = reply.items()
    if expect == "isolation":  # or the child could not confine itself (it then stops)
        return (key == "isolation" and _isolation(value)) or (key == "import_error" and _error(value))
    if expect == "ready":
        return (key == "ready" and value is True) or (key == "import_error" and _error(value))
    if key == "missing":
        return value is True
    return key == "results" and isinstance(value, list) and len(value) == points and all(map(_item, value))


STRINGS_PER_ITEM = 2000  # characters of the strings one item may hold (an error's type, message, text)
ISOLATION_CHARS = 20 * 20 * 300 + 20 * 40  # the strings of an isolation line, at most


def _within_budget(line: bytes, points: int) -> bool:
    """Could a valid reply hold this many containers and values? Checked on the raw bytes
    before ``json.loads``, which would otherwise build every object first: 60 MB of ``[],``
    are 20 million lists (1.6 GB and half a minute of the grader's time) for one garbled reply.
    Brackets and commas inside strings are counted too, so the budget allows for them."""
    items = max(points, 0)
    containers = line.count(b"[") + line.count(b"{")
    if containers > 16 + ISOLATION_CHARS + items * (3 + STRINGS_PER_ITEM):
        return False
    return line.count(b",") <= 64 + ISOLATION_CHARS + items * (MAX_VALUES + MAX_DIMS + STRINGS_PER_ITEM)


def parse(line: bytes, expect: Expect, points: int = 0) -> dict[str, Any] | None:
    """The reply in ``line``, or None when it is not valid JSON of the expected schema."""
    if len(line) > MAX_REPLY or not _within_budget(line, points):
        return None
    try:
        reply: dict[str, Any] = json.loads(line)
    except (ValueError, RecursionError, MemoryError, UnicodeDecodeError):
        return None
    if not valid(reply, expect, points):
        return None
    if b"\\ud" in line.lower() or b"\xed" in line:  # a lone surrogate, escaped or raw
        reply = {_no_surrogates(k): _no_surrogates(v) for k, v in reply.items()}
    return reply


def _no_surrogates(value: Any) -> Any:  # JSON data: the same shape, its strings mended
    """Strings with lone surrogates (from a student's error message) written as \\udXXX:
    as they are, no report with them can be printed or encoded as UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    return value

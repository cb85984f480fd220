"""What a submission printed, cut to its last part for the report: ``tail(handle, limit)``.

A cut output starts at a line boundary and says how much was dropped:
``... 12,345 characters before this were dropped`` (characters of UTF-8 text, counted
without decoding the dropped part: the child's file-size limit bounds it).
"""

from __future__ import annotations

import os
from typing import BinaryIO

CHUNK = 1 << 20
_CONTINUATION = [bytes([b]) for b in range(0x80, 0xC0)]  # UTF-8 bytes that start no character


def tail(handle: BinaryIO, limit: int) -> str:
    """The last ``limit`` bytes or so of a binary file, from a line start, with a note of the rest."""
    handle.flush()
    size = handle.seek(0, os.SEEK_END)
    if size <= limit:
        handle.seek(0)
        whole: bytes = handle.read()
        return whole.decode("utf-8", "replace")
    start = size - limit
    handle.seek(start)
    data: bytes = handle.read()
    newline = data.find(b"\n")
    if 0 <= newline < len(data) - 1:
        start += newline + 1
        data = data[newline + 1:]
    else:  # one long line: start at a character boundary
        skip = 0
        while skip < min(4, len(data)) and data[skip] & 0xC0 == 0x80:
            skip += 1
        start, data = start + skip, data[skip:]
    dropped = _characters(handle, start)
    return f"... {dropped:,} characters before this were dropped\n" + data.decode("utf-8", "replace")


def _characters(handle: BinaryIO, end: int) -> int:
    """How many UTF-8 characters the first ``end`` bytes of the file hold."""
    handle.seek(0)
    count, left = 0, end
    while left > 0:
        chunk = handle.read(min(CHUNK, left))
        if not chunk:
            break
        left -= len(chunk)
        count += len(chunk) - sum(chunk.count(b) for b in _CONTINUATION)
    return count

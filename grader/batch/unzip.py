"""Reading a class zip whose every member name is hostile (``layout.extract_zip`` unpacks it).

``open_zip`` opens a zip even when a member's name is flagged UTF-8 but is not (Python's
``zipfile`` raises ``UnicodeDecodeError`` for the whole zip): a copy whose central directory
has that flag cleared is read instead (those names then decode as cp437) and the names are
returned, for the caller to refuse those members alone. ``member_parts`` splits a member's
name into the parts it may be unpacked to, and says why it must not be; ``make_parents``
makes its folders, or names the member it clashes with.
"""

from __future__ import annotations

import os
import shutil
import struct
import zipfile
from pathlib import Path

from grader.errors import GradquizError

NAME_MAX = 255  # bytes of one part of a path (Linux, macOS)
_EOCD, _CENTRAL = b"PK\x05\x06", b"PK\x01\x02"
_UTF8_FLAG = 0x800


def open_zip(path: Path, scratch: Path) -> tuple[zipfile.ZipFile, set[str]]:
    """The open zip, and the names (as read) of the members flagged UTF-8 that are not."""
    try:
        return zipfile.ZipFile(path), set()
    except UnicodeDecodeError:
        pass
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise GradquizError(f"cannot read the zip ({exc})", path) from None
    copy = scratch / ".names-not-utf8.zip"
    try:
        shutil.copyfile(path, copy)
        names = _clear_false_utf8_flags(copy)
        return zipfile.ZipFile(copy), names
    except (zipfile.BadZipFile, OSError, ValueError, struct.error, UnicodeDecodeError) as exc:
        raise GradquizError(f"cannot read the zip ({type(exc).__name__}: {exc})", path) from None


def _clear_false_utf8_flags(copy: Path) -> set[str]:
    """Clear the UTF-8 flag of every central directory entry whose name is not UTF-8, in place."""
    with open(copy, "r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - (1 << 16) - 22))
        tail = handle.read()
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) < at + 22:
            raise ValueError("no end of central directory")
        cd_size, = struct.unpack("<I", tail[at + 12:at + 16])
        if cd_size == 0xFFFFFFFF:
            raise ValueError("a ZIP64 archive with names that are not UTF-8")
        start = size - len(tail) + at - cd_size
        handle.seek(start)
        central = bytearray(handle.read(cd_size))
        names, pos = set(), 0
        while pos + 46 <= len(central) and central[pos:pos + 4] == _CENTRAL:
            flags, = struct.unpack("<H", central[pos + 8:pos + 10])
            n, m, k = struct.unpack("<HHH", central[pos + 28:pos + 34])
            raw = bytes(central[pos + 46:pos + 46 + n])
            if flags & _UTF8_FLAG:
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    central[pos + 8:pos + 10] = struct.pack("<H", flags & ~_UTF8_FLAG)
                    names.add(raw.decode("cp437"))
            pos += 46 + n + m + k
        handle.seek(start)
        handle.write(central)
    return names


def member_parts(name: str) -> tuple[list[str], str]:
    """The parts a member's name may be unpacked to ('', '.' and '..' dropped), and why the
    member must be refused ('' if not): an absolute path, a '..' part, a part too long."""
    name = name.replace("\\", "/")
    pieces = name.split("/")
    why = ""
    if name.startswith("/") or (pieces and ":" in pieces[0]):
        why = "an absolute path"
    parts = []
    for piece in pieces:
        if piece in ("", "."):
            continue
        if piece == "..":
            why = why or "a '..' part points outside the folder"
            continue
        if len(os.fsencode(piece)) > NAME_MAX:
            why = why or f"a part of its name is longer than {NAME_MAX} bytes"
        parts.append(piece)
    return parts, why


def make_parents(dest: Path, parts: list[str]) -> list[str] | None:
    """Make the folders a member goes in; None, or the parts of what it clashes with (a file
    where a folder must go, or a folder where the member's file must go)."""
    for depth in range(1, len(parts)):
        folder = dest.joinpath(*parts[:depth])
        try:
            os.mkdir(folder, 0o700)
            continue
        except FileExistsError:
            pass
        except OSError:
            return parts[:depth]
        if not folder.is_dir() or folder.is_symlink():
            return parts[:depth]
    if os.path.lexists(dest.joinpath(*parts)) and not dest.joinpath(*parts).is_file():
        return parts
    return None

"""Reading a class zip whose every member and name is hostile: ``extract_zip`` unpacks it.

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
import stat
import struct
import time
import zipfile
from pathlib import Path

from grader.errors import GradquizError
from grader.reports import shown_name

NAME_MAX = 255  # bytes of one part of a path (Linux, macOS)
ZIP_MAX_FILE = 16 << 20  # bytes of one extracted member
ZIP_MAX_TOTAL = 512 << 20  # bytes extracted from one zip
ZIP_MAX_MEMBERS = 50_000
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


def extract_zip(path: Path, dest: Path, ignored=frozenset()) -> tuple[Path, dict[Path, str]]:
    """Unpack a class zip into ``dest``; returns ``dest`` and the members refused, with why.

    Every member is hostile and a problem with one is that member's, never the class's: an
    absolute path or a ``..`` part (unpacked nowhere: listed where its other parts put it), a
    symlink, a name part over 255 bytes, a name flagged UTF-8 that is not (the zip is read again
    without the flag), a clash (``x/ex.py`` and ``x/ex.py/y.py``: both refused), a member over
    ZIP_MAX_FILE bytes once decompressed (counted as read, not as declared), anything past
    ZIP_MAX_TOTAL bytes. A refused member may not exist on disk (``collect`` lists it anyway)."""
    dest.mkdir(parents=True, exist_ok=True)
    bad: dict[Path, str] = {}
    total = 0
    archive, not_utf8 = open_zip(path, dest)
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise GradquizError(f"the zip has {len(members)} members (the limit is {ZIP_MAX_MEMBERS})", path)
        for info in members:
            parts, why = member_parts(info.filename)
            if not parts or (info.is_dir() and not why) or parts[0] in ignored:
                continue
            target = dest.joinpath(*parts)
            shown = shown_name(info.filename)
            if info.filename in not_utf8:
                why = "its name is flagged as UTF-8 but is not"
            if why:
                bad.setdefault(target, f"the zip member '{shown}': {why} (refused)")
                continue
            clash = make_parents(dest, parts)
            if clash:
                bad[dest.joinpath(*clash)] = f"the zip member '{shown}' clashes with another member (refused)"
                bad.setdefault(target, bad[dest.joinpath(*clash)])
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                bad[target] = f"{shown_name(parts[-1])} is a symbolic link in the zip (refused)"
                continue
            written, reason = _copy_member(archive, info, target, ZIP_MAX_TOTAL - total)
            total += written
            if reason:
                if not os.path.isdir(target):
                    try:
                        target.write_bytes(b"")
                    except OSError:
                        pass
                bad[target] = f"{shown_name(parts[-1])}: {reason}"
                continue
            try:  # keep the zip's times: the newest of two submissions is the one graded
                stamp = time.mktime(info.date_time + (0, 0, -1))
                os.utime(target, (stamp, stamp), follow_symlinks=False)
            except (OverflowError, ValueError, OSError):
                pass
    return dest, bad


def _copy_member(archive, info, target: Path, room: int) -> tuple[int, str]:
    limit = min(ZIP_MAX_FILE, room)
    written = 0
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        return 0, f"cannot be unpacked ({exc.strerror})"
    try:
        with os.fdopen(fd, "wb") as out, archive.open(info) as src:
            while chunk := src.read(1 << 16):
                written += len(chunk)
                if written > limit:
                    return written, (f"larger than {ZIP_MAX_FILE} bytes once unpacked" if limit == ZIP_MAX_FILE
                                     else f"the zip unpacks to more than {ZIP_MAX_TOTAL} bytes")
                out.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        return written, f"cannot be unpacked ({shown_name(exc)})"
    return written, ""

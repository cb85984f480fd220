"""Issue 16: one student's files can never stop, stall or skew the class. Every attack of the
issue on class planning, in one class graded by the real ``gradquiz grade``, as root and as an
ordinary user (``as_user``): the attacked students are ``unreadable`` with their reason, every
other student is graded right, and nothing a name holds reaches the terminal raw.

On the old code each of these stopped the whole class: a traceback and no gradebook (a
dangling link, a link to /dev/zero, a clash, a name over 255 bytes, a name flagged UTF-8 that
is not, a folder name that is not UTF-8), exit 2 for the whole zip (a ``..`` part, its raw name
printed), or a run that never ends (a FIFO).
"""

from __future__ import annotations

import csv
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sandbox"))
import as_user
from as_user import IS_ROOT, USERS
from conftest import SOLUTIONS, clean_env

pytestmark = pytest.mark.e2e  # every test here runs the command

RIGHT = (SOLUTIONS / "exercise1.py").read_text()
ESCAPES = "\x1b[2K\x1b[1Agraded 3 ... 3 ok"
FLAGGED = b"flagged\xff\xfex"  # the same length as the UTF-8 name it replaces


def _flag_utf8(archive: Path, prefix: bytes) -> None:
    """Set the UTF-8 flag of the members whose name starts with ``prefix`` (not UTF-8)."""
    data = bytearray(archive.read_bytes())
    for signature, flags_at, length_at, name_at in ((b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)):
        at = data.find(signature)
        while at >= 0:
            n, = struct.unpack("<H", data[at + length_at:at + length_at + 2])
            if bytes(data[at + name_at:at + name_at + n]).startswith(prefix):
                flags, = struct.unpack("<H", data[at + flags_at:at + flags_at + 2])
                data[at + flags_at:at + flags_at + 2] = struct.pack("<H", flags | 0x800)
            at = data.find(signature, at + 4)
    archive.write_bytes(bytes(data))


def build_class(ws: Path) -> tuple[Path, Path]:
    folder = ws / "class"
    for name in ("alice", "dangling", "fifo", "zero", "device", "notutf8"):
        (folder / name).mkdir(parents=True)
    (folder / "alice" / "exercise1.py").write_text(RIGHT)
    (folder / "dangling" / "exercise1.py").symlink_to(ws / "nothing-here.py")
    os.mkfifo(folder / "fifo" / "exercise1.py")
    (folder / "zero" / "exercise1.py").symlink_to("/dev/zero")
    if IS_ROOT:  # a device of its own (a copy of /dev/zero), not a link to one
        os.mknod(folder / "device" / "exercise1.py", 0o666 | 0o020000, os.makedev(1, 5))
    else:
        (folder / "device" / "exercise1.py").symlink_to("/dev/zero")
    (folder / "notutf8" / "exercise1.py").write_bytes(b"def derivative(x):\n    return '\xff'\n")
    odd = os.fsencode(folder) + b"/carl\xff"
    os.mkdir(odd)
    with open(odd + b"/exercise1.py", "w") as handle:
        handle.write(RIGHT)
    archive = ws / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"trick{ESCAPES}/../exercise1.py", RIGHT)  # refused, its name printed: never raw
        z.writestr("bob/exercise1.py", RIGHT)
        z.writestr("long/" + "a" * 300 + "/exercise1.py", RIGHT)
        z.writestr("clash/exercise1.py", RIGHT)
        z.writestr("clash/exercise1.py/y.py", RIGHT)
        z.writestr("dots/../../exercise1.py", RIGHT)
        z.writestr(f"esc{ESCAPES}/exercise1.py", RIGHT)
        z.writestr("flagged\xa0x/exercise1.py", RIGHT)  # not ASCII: written as UTF-8, flagged so ...
    data = archive.read_bytes().replace(b"flagged\xc2\xa0x", FLAGGED)  # ... then made not UTF-8
    archive.write_bytes(data)
    _flag_utf8(archive, FLAGGED)
    return folder, archive


def _run(who: str):
    ws = as_user.user_workspace()
    folder, archive = build_class(ws)
    as_user.give(ws)
    env = clean_env(TMPDIR=ws)
    argv = [*as_user.gradquiz(who), "grade", folder, archive, "--exercise", "exercise1", "--output", ws / "out", "--quiet"]
    proc = subprocess.run(as_user.command(argv, who, ws, env), env=env, capture_output=True, timeout=240, cwd=ws,
                          check=False)
    book_path = ws / "out" / "gradebook.csv"
    raw = book_path.read_bytes() if book_path.exists() else b""
    book = {row["student"]: row for row in csv.DictReader(raw.decode("utf-8").splitlines())}
    return ws, proc, raw, book


_RUNS: dict = {}


@pytest.fixture(scope="module")
def runs():
    yield _RUNS
    for ws, *_ in _RUNS.values():
        shutil.rmtree(ws, ignore_errors=True)


def graded(runs, who):
    if who not in runs:
        runs[who] = _run(who)
    return runs[who]


UNREADABLE = {
    "dangling": "exercise1.py is a symbolic link (refused in grading mode)",
    "fifo": "exercise1.py is a FIFO (refused in grading mode)",
    "zero": "exercise1.py is a symbolic link (refused in grading mode)",
    "notutf8": "exercise1.py is not UTF-8 text (byte 31)",
    "long": "a part of its name is longer than 255 bytes (refused)",
    "clash": "the zip member 'clash/exercise1.py/y.py' clashes with another member (refused)",
    "dots": "the zip member 'dots/../../exercise1.py': a '..' part points outside the folder (refused)",
    FLAGGED.decode("cp437"): "its name is flagged as UTF-8 but is not (refused)",  # read again without the flag
    "trick\\x1b[2K\\x1b[1Agraded 3 ... 3 ok": "a '..' part points outside the folder (refused)",
}


@pytest.mark.parametrize("who", USERS)
def test_the_class_is_graded_and_every_other_student_is_right(runs, who):
    _, proc, _, book = graded(runs, who)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert b"Traceback" not in proc.stderr
    for student in ("alice", "bob", "carl\\xff", "esc\\x1b[2K\\x1b[1Agraded 3 ... 3 ok"):
        assert (book[student]["status"], book[student]["derivative"]) == ("ok", "3"), (student, book.get(student))


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("student", list(UNREADABLE) + ["device"])
def test_each_attack_is_that_students_unreadable_status(runs, who, student):
    _, proc, _, book = graded(runs, who)
    assert proc.returncode == 0, proc.stderr[-3000:]
    row = book[student]
    assert (row["status"], row["derivative"]) == ("unreadable", "0"), row
    want = UNREADABLE.get(student) or ("exercise1.py is a device (refused in grading mode)" if IS_ROOT
                                       else "exercise1.py is a symbolic link (refused in grading mode)")
    assert want in row["reason"]


@pytest.mark.parametrize("who", USERS)
def test_no_name_reaches_the_terminal_or_the_gradebook_raw(runs, who):
    _, proc, raw, _ = graded(runs, who)
    assert proc.returncode == 0 and raw, proc.stderr[-3000:]
    for stream in (proc.stdout, proc.stderr, raw):
        assert b"\x1b" not in stream and b"\xff" not in stream
    raw.decode("utf-8")  # the gradebook is UTF-8 throughout

"""Issue 16, as a property: whatever a class folder or a class zip holds (names of any bytes,
dangling links, links to devices, FIFOs, files that are not UTF-8, zip members with ``..``
parts, names too long, clashes, names flagged UTF-8 that are not), ``gradquiz grade`` writes a
gradebook in which every honest student is graded right and every hostile one is
``unreadable``. Quizzes keep each example fast (no sandbox per submission); the same planning
serves exercises (tests/batch/test_hostile_class.py grades those, as root and as a user).
"""

from __future__ import annotations

import csv
import os
import shutil
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import SOLUTIONS, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.e2e, pytest.mark.exercise_free]  # every test here runs the command

RIGHT = (SOLUTIONS / "derivatives.answers.yaml").read_bytes()
FILE = "derivatives.answers.yaml"
FOLDER_ATTACKS = ("dangling", "fifo", "zero", "not_utf8", "folder_link")
ZIP_ATTACKS = ("dots", "long", "clash", "flagged", "symlink")

honest_names = st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8)
odd_bytes = st.binary(min_size=1, max_size=40).map(lambda b: b.replace(b"/", b"_").replace(b"\0", b"_"))


@st.composite
def classes(draw):
    names = draw(st.lists(honest_names, min_size=1, max_size=4, unique=True))
    as_zip = draw(st.booleans())
    attacks = draw(st.lists(st.sampled_from(ZIP_ATTACKS if as_zip else FOLDER_ATTACKS), min_size=1, max_size=4))
    odd = draw(st.lists(odd_bytes, max_size=2, unique=True))
    return names, as_zip, attacks, odd


def _folder(root: Path, names, attacks, odd) -> dict[str, str]:
    """Builds the class folder; returns the expected (student -> status)."""
    expect = {}
    for name in names:
        (root / name).mkdir()
        (root / name / FILE).write_bytes(RIGHT)
        expect[name] = "ok"
    for i, kind in enumerate(attacks):
        student = root / f"x{i}{kind}"
        student.mkdir()
        target = student / FILE
        if kind == "dangling":
            target.symlink_to(root / "no-such-file")
        elif kind == "fifo":
            os.mkfifo(target)
        elif kind == "zero":
            target.symlink_to("/dev/zero")
        elif kind == "not_utf8":
            target.write_bytes(RIGHT + b"\n# \xff\xfe\n")
        else:  # a folder of the student's own that is a link to another's work
            (student / "sub").symlink_to(root / names[0], target_is_directory=True)
            target.symlink_to(root / names[0] / FILE)
        expect[student.name] = "unreadable"
    for i, raw in enumerate(odd):
        folder = os.fsencode(root) + b"/odd" + str(i).encode() + b"-" + raw
        os.mkdir(folder)
        with open(folder + b"/" + FILE.encode(), "wb") as handle:
            handle.write(RIGHT)
        shown = (b"odd" + str(i).encode() + b"-" + raw).decode("utf-8", "surrogateescape")
        expect[_shown(shown)] = "ok"
    return expect


def _shown(name: str) -> str:
    from grader.reports.safe import shown_name

    return shown_name(name)


def _zip(path: Path, names, attacks) -> dict[str, str]:
    expect = {}
    flagged = []
    with zipfile.ZipFile(path, "w") as z:
        for name in names:
            z.writestr(f"{name}/{FILE}", RIGHT)
            expect[name] = "ok"
        for i, kind in enumerate(attacks):
            student = f"x{i}{kind}"
            if kind == "dots":
                z.writestr(f"{student}/../../{FILE}", RIGHT)
            elif kind == "long":
                z.writestr(f"{student}/{'d' * 260}/{FILE}", RIGHT)
            elif kind == "clash":
                z.writestr(f"{student}/{FILE}", RIGHT)
                z.writestr(f"{student}/{FILE}/inner.yaml", RIGHT)
            elif kind == "symlink":
                info = zipfile.ZipInfo(f"{student}/{FILE}")
                info.external_attr = 0o120777 << 16
                z.writestr(info, "/etc/passwd")
            else:
                student = f"x{i}flagged\u00e9"  # UTF-8 (flagged) now; its bytes made not UTF-8 below
                flagged.append(student.encode())
                z.writestr(f"{student}/{FILE}", RIGHT)
                student = (student.encode()[:-2] + b"\xff\xfe").decode("cp437")
            expect[student] = "unreadable"
    data = bytearray(path.read_bytes())
    for name in flagged:
        data = data.replace(name, name[:-2] + b"\xff\xfe")
    path.write_bytes(bytes(data))
    _check_flags(path)
    return expect


def _check_flags(path: Path) -> None:
    """Every central directory name that is not ASCII is flagged UTF-8 (as zipfile wrote it)."""
    data = path.read_bytes()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        n, = struct.unpack("<H", data[at + 28:at + 30])
        name = data[at + 46:at + 46 + n]
        if not name.isascii():
            assert struct.unpack("<H", data[at + 8:at + 10])[0] & 0x800
        at = data.find(b"PK\x01\x02", at + 4)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(classes())
def test_grade_always_writes_a_gradebook_with_every_other_student_right(case):
    names, as_zip, attacks, odd = case
    work = Path(tempfile.mkdtemp(prefix="gradquiz-property-"))
    try:
        if as_zip:
            source = work / "class.zip"
            expect = _zip(source, names, attacks)
        else:
            source = work / "class"
            source.mkdir()
            expect = _folder(source, names, attacks, odd)
        rc, out, err = run_cli("grade", source, "--exercise", "derivatives", "--output", work / "out", "--quiet",
                               cwd=work, timeout=240)
        assert rc == 0, err
        assert "Traceback" not in err
        raw = (work / "out" / "gradebook.csv").read_bytes()
        assert b"\x1b" not in raw + out.encode() + err.encode()
        book = {row["student"]: row for row in csv.DictReader(raw.decode("utf-8").splitlines())}
        assert set(book) == set(expect), (sorted(book), sorted(expect))
        for student, status in expect.items():
            row = book[student]
            assert row["status"] == status, (student, row)
            if status == "ok":
                assert row["percent"] == "100", (student, row)
            else:
                assert row["reason"] and row["percent"] == "0", (student, row)
    finally:
        shutil.rmtree(work, ignore_errors=True)

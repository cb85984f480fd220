"""The intake of a submission (grader.problems.intake): the safe read refuses what is not the
student's own regular UTF-8 file, each with its one line; the id a file's name gives; the
did-you-mean; the notes about the `# gradquiz:` line and the student."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from grader.errors import GradquizError
from grader.problems import intake

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

ROOT = Path(__file__).resolve().parents[2]


def refusal(path, **options) -> str:
    with pytest.raises(GradquizError) as caught:
        intake.read_submission(path, **options)
    return str(caught.value)


def test_a_regular_utf8_file_is_read_in_both_modes(tmp_path):
    path = tmp_path / "exercise1.py"
    path.write_text("def f(x):\n    return 'é'\n", encoding="utf-8")
    assert intake.read_submission(path, grading=False) == "def f(x):\n    return 'é'\n"
    assert intake.read_submission(path, grading=True) == "def f(x):\n    return 'é'\n"


def test_a_symbolic_link_is_refused_in_grading_mode_and_followed_otherwise(tmp_path):
    target = tmp_path / "solution.py"
    target.write_text("x = 1\n")
    link = tmp_path / "exercise1.py"
    link.symlink_to(target)
    assert refusal(link, grading=True) == (
        f"{link}: is a symbolic link; grading mode grades only the student's own regular files"
    )
    assert intake.read_submission(link, grading=False) == "x = 1\n"
    broken = tmp_path / "broken.py"
    broken.symlink_to(tmp_path / "nothere.py")
    assert refusal(broken, grading=False) == f"{broken}: is a broken symbolic link"


def test_a_linked_folder_inside_the_current_folder_is_refused_in_grading_mode(tmp_path, monkeypatch):
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / "exercise1.py").write_text("x = 1\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "work").symlink_to(real)
    monkeypatch.chdir(repo)
    path = Path("work") / "exercise1.py"
    assert refusal(path, grading=True) == (
        f"work/exercise1.py: is reached through a symbolic link ({repo / 'work'}); grading mode grades only the "
        "student's own files"
    )
    assert intake.read_submission(path, grading=True, folders=False) == "x = 1\n"  # gradquiz grade's workers
    assert intake.read_submission(path, grading=False) == "x = 1\n"


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "exercise1.py"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading would block forever
    for grading in (False, True):
        assert refusal(fifo, grading=grading) == f"{fifo}: is not a regular file (a FIFO, device or socket)"


def test_a_folder_a_device_and_a_socket_are_refused(tmp_path):
    folder = tmp_path / "exercise1.py"
    folder.mkdir()
    assert refusal(folder, grading=False) == f"{folder}: is a folder, expected a file"
    assert refusal("/dev/zero", grading=False) == "/dev/zero: is not a regular file (a FIFO, device or socket)"
    sock_path = tmp_path / "s.py"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock_path))
        assert refusal(sock_path, grading=True) == f"{sock_path}: is not a regular file (a FIFO, device or socket)"
    finally:
        server.close()


def test_a_missing_file(tmp_path):
    assert refusal(tmp_path / "missing.py", grading=False) == f"{tmp_path / 'missing.py'}: no such file"


def test_a_file_over_the_cap_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "exercise1.py"
    with open(big, "wb") as handle:  # sparse: its size is over the cap, its blocks are never written
        handle.truncate(intake.MAX_BYTES + 1)
    assert refusal(big, grading=True) == (
        f"{big}: the file is too large ({(intake.MAX_BYTES + 1) // 1024} KB; at most {intake.MAX_BYTES // 1024} KB)"
    )
    small = tmp_path / "a.answers.yaml"
    small.write_text("quiz: q\n" + "#" * 2048)
    assert refusal(small, grading=False, what="answers file", max_bytes=1024) == (
        f"{small}: the answers file is too large (2 KB; at most 1 KB)"
    )


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "exercise1.py"
    path.write_bytes(b"def f(x):\n    return 2 * x  # \xff\xfe\n")
    assert refusal(path, grading=True) == f"{path}: not UTF-8 text (invalid start byte)"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("exercise1.py", "exercise1"),
        ("exercise1.ipynb", "exercise1"),
        ("signs.yaml", "signs"),
        ("signs.yml", "signs"),
        ("signs.answers.yaml", "signs"),
        ("signs.answers.yml", "signs"),
        ("exercise1 (1).py", "exercise1 (1)"),
        ("a.b.py", "a.b"),
        ("notes.txt", "notes"),
        (".answers.yaml", ".answers"),
    ],
)
def test_the_id_a_file_name_gives(name, expected):
    assert intake.id_from_name(Path("some/folder") / name) == expected


def test_the_id_of_a_submission_header_and_option():
    source = "# gradquiz: exercise2\nx = 1\n"
    assert intake.submission_id(Path("exercise1.py"), source) == "exercise2"
    assert intake.submission_id(Path("exercise1.py"), source, header=False) == "exercise1"  # grading mode
    assert intake.submission_id(Path("exercise1.py"), source, "exercise3") == "exercise3"


def test_find_exercise_says_where_the_id_came_from(tmp_path):
    problems = [ROOT / "exercises"]
    copy = tmp_path / "exercise1 (1).py"
    with pytest.raises(GradquizError) as caught:
        intake.find_exercise(copy, "x = 1\n", None, problems, grading=True)
    assert str(caught.value) == (
        f"{copy}: no exercise or quiz with id 'exercise1 (1)' (see `gradquiz list`); grading mode takes the id from "
        "--exercise ID or the file's name: did you mean exercise1? Rename the file exercise1.py or pass "
        "--exercise exercise1"
    )
    assert intake.find_exercise(tmp_path / "exercise1.py", "", None, problems) == ROOT / "exercises" / "exercise1.yaml"


def test_the_student_and_the_notes_of_the_header(monkeypatch):
    source = "# gradquiz: exercise1 student=s07\n"
    assert intake.choose_student("s01", source, grading=False) == ("s01", "option")
    assert intake.choose_student(None, source, grading=False) == ("s07", "header")
    assert intake.choose_student(None, source, grading=True) == ("", "none")  # the header is not trusted
    monkeypatch.setenv("GRADQUIZ_STUDENT", "s09")
    assert intake.choose_student(None, source, grading=True) == ("s09", "environment")
    notes = intake.header_notes("# gradquiz: exercise2\n", "exercise1", "exercise1", grading=True)
    assert notes == ["the file's `# gradquiz: exercise2` line was not followed: grading mode grades the exercise "
                     "named by --exercise or the file name ('exercise1')"]
    assert intake.header_notes("# gradquiz: exercise2\n", "exercise2", "mine", grading=False) == [
        "graded as 'exercise2', the exercise the file's `# gradquiz:` line names"
    ]
    assert intake.header_notes("x = 1\n", "exercise1", "exercise1", grading=True) == []

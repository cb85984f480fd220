"""grader.reports.files: the atomic writers. ``write_file`` never writes through what a student
planted (a link, a FIFO, a folder, a linked folder inside the current folder); ``replace_file``
replaces whatever is at the name in the grader's own folder."""

from __future__ import annotations

import os
import stat

import pytest

from grader.errors import GradquizError
from grader.reports.files import replace_file, write_file

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def refusal(path, text="report\n") -> str:
    with pytest.raises(GradquizError) as info:
        write_file(path, text)
    return str(info.value)


def test_a_report_is_written_whole_with_the_umasks_mode_and_no_temp_left(here):
    old = os.umask(0o027)
    try:
        write_file(here / "r.json", "{}\n")
    finally:
        os.umask(old)
    assert (here / "r.json").read_text() == "{}\n"
    assert stat.S_IMODE((here / "r.json").stat().st_mode) == 0o640
    inode = (here / "r.json").stat().st_ino
    write_file(here / "r.json", "{\"a\": 1}\n")
    assert (here / "r.json").read_text() == "{\"a\": 1}\n" and (here / "r.json").stat().st_ino != inode  # renamed over
    assert sorted(p.name for p in here.iterdir()) == ["r.json"]


def test_a_link_at_the_target_is_refused_and_its_file_untouched(here):
    secret = here / "secret"
    secret.write_text("keep\n")
    (here / "r.json").symlink_to(secret)
    assert refusal(here / "r.json") == f"{here / 'r.json'}: is a symbolic link; refusing to write the report through it"
    assert secret.read_text() == "keep\n"


def test_a_fifo_or_a_folder_at_the_target_is_refused_without_opening_it(here):
    os.mkfifo(here / "r.json")
    assert refusal(here / "r.json").endswith(
        "is not a regular file (a FIFO, device or socket); refusing to write the report to it")
    (here / "d").mkdir()
    assert refusal(here / "d") == f"{here / 'd'}: is a folder; expected a file name to write the report to"


def test_a_linked_folder_inside_the_current_folder_is_refused(here, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (here / "out").symlink_to(elsewhere, target_is_directory=True)
    assert refusal(here / "out" / "r.json") == (
        f"{here / 'out'}: is a symbolic link to a folder; refusing to write the report through it")
    assert list(elsewhere.iterdir()) == []


def test_a_missing_folder_and_a_missing_name_are_one_line(here):
    with pytest.raises(GradquizError) as info:
        write_file(here / "nowhere" / "r.json", "x", what="answers")
    assert str(info.value) == f"{here / 'nowhere'}: cannot write the answers: no such folder"
    assert refusal(here / "..").endswith("expected a file name to write the report to")


def test_replace_file_makes_the_folder_and_replaces_a_planted_link(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("keep\n")
    out = tmp_path / "out" / "reports" / "ada"
    replace_file(out / "ex.txt", "one\n")
    assert (out / "ex.txt").read_text() == "one\n" and stat.S_IMODE((out / "ex.txt").stat().st_mode) == 0o600
    (out / "ex.txt").unlink()
    (out / "ex.txt").symlink_to(secret)
    replace_file(out / "ex.txt", "two\n")
    assert not (out / "ex.txt").is_symlink() and (out / "ex.txt").read_text() == "two\n"
    assert secret.read_text() == "keep\n"


def test_replace_file_refuses_a_linked_folder(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    with pytest.raises(GradquizError) as info:
        replace_file(tmp_path / "link" / "x.txt", "x")
    assert str(info.value) == f"{tmp_path / 'link'}: refusing to write into a symbolic link"
    assert list((tmp_path / "real").iterdir()) == []


def test_replace_file_escapes_text_that_is_not_utf8(tmp_path):
    replace_file(tmp_path / "x.txt", "name: caf\udce9\n")
    assert (tmp_path / "x.txt").read_bytes() == b"name: caf\\udce9\n"

"""grader.batch.journal: one JSON line per graded submission; the last record per (student,
problem) wins, a torn last line is ignored and ended before the next append."""

from __future__ import annotations

import json
import os
import stat

import pytest

from grader.batch.journal import Journal, count, read

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


def record(student: str, problem: str, score: float) -> dict:
    return {"student": student, "problem": problem, "score": score}


def test_records_are_appended_one_line_each_and_the_last_per_key_wins(tmp_path):
    path = tmp_path / "state" / "journal.jsonl"
    with Journal(path) as journal:
        journal.append(record("ana", "exercise1", 1))
        journal.append(record("bo", "exercise1", 2))
        journal.append(record("ana", "exercise1", 3))
    lines = path.read_text().splitlines()
    assert [json.loads(line)["score"] for line in lines] == [1, 2, 3]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    records = read(path)
    assert list(records) == [("bo", "exercise1"), ("ana", "exercise1")]  # a rewritten record moves to the end
    assert records[("ana", "exercise1")]["score"] == 3
    assert count(path) == 3


def test_a_torn_last_line_is_ignored_and_the_next_append_starts_a_new_line(tmp_path):
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        journal.append(record("ana", "p", 1))
    with open(path, "ab") as handle:
        handle.write(b'{"student": "bo", "problem": "p", "sco')  # a kill mid-write
    assert set(read(path)) == {("ana", "p")}
    assert count(path) == 1
    with Journal(path) as journal:
        journal.append(record("cy", "p", 2))
    assert set(read(path)) == {("ana", "p"), ("cy", "p")}
    assert path.read_bytes().endswith(b'"sco\n{"student":"cy","problem":"p","score":2}\n')


def test_foreign_and_broken_lines_are_skipped(tmp_path):
    path = tmp_path / "journal.jsonl"
    path.write_text('not json\n[1, 2]\n{"student": 1, "problem": "p"}\n'
                    '{"student": "ana", "problem": "p", "score": 4}\n')
    assert read(path) == {("ana", "p"): {"student": "ana", "problem": "p", "score": 4}}


def test_a_missing_journal_reads_as_empty(tmp_path):
    assert read(tmp_path / "none.jsonl") == {}
    assert count(tmp_path / "none.jsonl") == 0


def test_values_json_cannot_hold_are_written_as_text(tmp_path):
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        journal.append({**record("ana", "p", 1), "file": tmp_path / "ana.py"})
    assert read(path)[("ana", "p")]["file"] == str(tmp_path / "ana.py")


def test_a_symlink_in_place_of_the_journal_is_refused(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious\n")
    os.symlink(target, tmp_path / "journal.jsonl")
    with pytest.raises(OSError):  # O_NOFOLLOW
        Journal(tmp_path / "journal.jsonl")
    assert target.read_text() == "precious\n"

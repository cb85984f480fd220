"""grader.batch.layout: who handed in what. Real folders, LMS downloads and zips in tmp_path
become jobs and issues (missing, misnamed, duplicate, late, unreadable); zips are unpacked safely."""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from pathlib import Path

import pytest
from conftest import exercise_text, task

from grader.batch.layout import extract_zip, find_problems, plan, problem_of
from grader.errors import GradquizError

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

CANVAS_ROSTER = """\
Student,ID,SIS User ID,SIS Login ID,Section,Ex (4411)
    Points Possible,,,,,10.00
"Lovelace, Ada",101,S-1,ada,Sec A,
"Noether, Emmy",102,,emmy,Sec A,
"""


@pytest.fixture
def problems(tmp_path) -> Path:
    folder = tmp_path / "problems"
    folder.mkdir()
    tasks = [task("f", "function", "x**2"), task("g", "function", "x**3", points=2)]
    (folder / "ex.yaml").write_text(exercise_text(tasks, id="ex", title="Ex"))
    (folder / "other.yaml").write_text(exercise_text([task("h", "function", "x")], id="other", title="Other"))
    return folder


def put(path: Path, text: str = "def f(x):\n    return x**2\n", mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def planned(tmp_path, sources, problems, **options):
    return plan([Path(s) for s in sources], problems=[problems], unpack_dir=tmp_path / "unpack", here=False, **options)


def test_a_folder_per_student(tmp_path, problems):
    subs = tmp_path / "subs"
    ada = put(subs / "ada" / "ex.py")
    put(subs / "bo" / "answer.py")  # the one candidate: graded, as misnamed
    (subs / "cy").mkdir(parents=True)  # handed in nothing
    put(subs / "dee" / "ex.py", "old = 1\n", mtime=1_000_000)
    newest = put(subs / "dee" / "v2" / "ex.py", "new = 2\n", mtime=2_000_000)
    put(subs / "eve" / "ex.ipynb.txt")  # not a candidate at all
    result = planned(tmp_path, [subs], problems, exercises=["ex"])
    assert result.students == ["ada", "bo", "cy", "dee", "eve"]
    assert list(result.problems) == ["ex"] and result.problems["ex"][1] == "exercise"
    jobs = {j.student: j for j in result.jobs}
    assert jobs["ada"].status == "ok" and jobs["ada"].file == str(ada)
    assert jobs["ada"].sha256 == hashlib.sha256(ada.read_bytes()).hexdigest()
    assert (jobs["bo"].status, jobs["bo"].reason) == ("misnamed", "graded answer.py as ex (expected ex.py)")
    assert jobs["dee"].status == "duplicate" and jobs["dee"].file == str(newest)
    assert jobs["dee"].reason == "2 submissions for ex (dee/ex.py, v2/ex.py); graded the newest, v2/ex.py"
    issues = {(i.student, i.status, i.reason) for i in result.issues}
    assert issues == {("cy", "missing", "no submission for ex"), ("eve", "missing", "no submission for ex")}


def test_several_problems_each_get_a_job_or_an_issue(tmp_path, problems):
    subs = tmp_path / "subs"
    put(subs / "ada" / "ex.py")
    put(subs / "ada" / "other.py")
    put(subs / "bo" / "ex.py")
    put(subs / "bo" / "notes.py")
    result = planned(tmp_path, [subs], problems)  # no --exercise: every problem given
    assert sorted(result.problems) == ["ex", "other"]
    assert sorted(j.key for j in result.jobs) == [("ada", "ex"), ("ada", "other"), ("bo", "ex")]
    assert [(i.student, i.problem, i.status, i.reason) for i in result.issues] == [
        ("bo", "other", "misnamed", "no other.py; found notes.py")]


def test_a_file_per_student_needs_the_exercise_named(tmp_path, problems):
    subs = tmp_path / "subs"
    put(subs / "ada.py")
    result = planned(tmp_path, [subs], problems, exercises=["ex"])
    assert [(j.student, j.problem) for j in result.jobs] == [("ada", "ex")]
    with pytest.raises(GradquizError) as info:
        planned(tmp_path, [subs], problems)
    why = "a file per student needs --exercise ID (which problem the files answer)"
    assert str(info.value) == f"{subs / 'ada.py'}: {why}"


def test_unknown_problem_and_missing_submissions_are_one_line(tmp_path, problems):
    with pytest.raises(GradquizError, match=r"^no exercise or quiz with id 'nope' \(see `gradquiz list`\)$"):
        planned(tmp_path, [tmp_path], problems, exercises=["nope"])
    with pytest.raises(GradquizError) as info:
        planned(tmp_path, [tmp_path / "absent"], problems, exercises=["ex"])
    assert str(info.value) == f"{tmp_path / 'absent'}: no such file or folder (given as SUBMISSIONS)"


def test_unreadable_files_are_issues_that_say_why(tmp_path, problems):
    subs = tmp_path / "subs"
    put(subs / "ada" / "ex.py").write_bytes(b"\xff\xfe x = 1\n")
    (subs / "bo").mkdir()
    os.symlink("/etc/passwd", subs / "bo" / "ex.py")
    put(subs / "cy" / "ex.py", "x = 1\n" * 400_000)  # over 2 MiB
    result = planned(tmp_path, [subs], problems, exercises=["ex"])
    assert result.jobs == []
    reasons = {i.student: (i.status, i.reason) for i in result.issues}
    assert reasons["ada"] == ("unreadable", "ex.py is not UTF-8 text (byte 0)")
    assert reasons["bo"] == ("unreadable", "ex.py is a symbolic link (refused in grading mode)")
    assert reasons["cy"][0] == "unreadable" and reasons["cy"][1].startswith("ex.py is too large (2400000 bytes")


def test_a_canvas_download_is_matched_to_the_roster_by_user_id(tmp_path, problems):
    subs = tmp_path / "subs"
    put(subs / "lovelaceada_101_5001_ex.py")
    put(subs / "noetheremmy_LATE_102_5002_ex-1.py")  # a resubmission, late
    stranger = put(subs / "lovelaceada_777_5003_ex.py")  # the same name, another user: never matched by name
    roster = tmp_path / "roster.csv"
    roster.write_text(CANVAS_ROSTER)
    result = planned(tmp_path, [subs], problems, exercises=["ex"], roster=roster)
    assert result.students == ["101", "102"] and result.class_list.kind == "canvas"
    assert {(j.student, j.status) for j in result.jobs} == {("101", "ok"), ("102", "late")}
    assert result.unmatched == [(str(stranger), "Canvas user id 777 (lovelaceada) is not on the roster")]


def test_canvas_files_without_a_roster_keep_two_students_of_one_name_apart(tmp_path, problems):
    subs = tmp_path / "subs"
    put(subs / "smithjo_101_5001_ex.py")
    put(subs / "smithjo_202_5002_ex.py")
    result = planned(tmp_path, [subs], problems, exercises=["ex"])
    assert result.students == ["smithjo_101", "smithjo_202"]


def test_moodle_folders_and_gradescope_metadata_name_the_students(tmp_path, problems):
    moodle = tmp_path / "moodle"
    put(moodle / "Ada Lovelace_301_assignsubmission_file_" / "ex.py")
    result = planned(tmp_path, [moodle], problems, exercises=["ex"])
    assert [j.student for j in result.jobs] == ["Ada Lovelace"]
    gradescope = tmp_path / "gradescope"
    put(gradescope / "submission_9001" / "ex.py")
    put(gradescope / "submission_metadata.yml",
        "submission_9001:\n  :submitters:\n  - :name: Ada\n    :sid: s42\n    :email: ada@example.edu\n")
    result = planned(tmp_path, [gradescope], problems, exercises=["ex"])
    assert [j.student for j in result.jobs] == ["s42"]


def zip_of(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def test_a_zip_of_one_class_folder_is_unpacked_into_it(tmp_path):
    archive = zip_of(tmp_path / "class.zip", {"class/ada/ex.py": b"x = 1\n", "__MACOSX/class/._ada": b"junk"},
                     links={"class/bo/ex.py": "/etc/shadow"})
    root, bad = extract_zip(archive, tmp_path / "out")
    assert root == tmp_path / "out" / "class"
    assert (root / "ada" / "ex.py").read_bytes() == b"x = 1\n"
    assert not (tmp_path / "out" / "__MACOSX").exists()
    assert bad == {root / "bo" / "ex.py": "ex.py is a symbolic link in the zip (refused)"}
    assert not (root / "bo" / "ex.py").is_symlink()  # refused: never written as the link


@pytest.mark.parametrize("name", ["../evil.py", "/abs/evil.py", "a/../../evil.py", "C:/evil.py"])
def test_a_zip_member_outside_the_folder_is_refused_alone(tmp_path, name):
    archive = zip_of(tmp_path / "class.zip", {"ada/ex.py": b"x = 1\n", name: b"boom"})
    root, bad = extract_zip(archive, tmp_path / "out")
    assert [reason for reason in bad.values()] == [next(iter(bad.values()))]  # one member refused
    assert f"the zip member '{name}'" in next(iter(bad.values())) and "(refused)" in next(iter(bad.values()))
    assert (tmp_path / "out" / "ada" / "ex.py").read_bytes() == b"x = 1\n"  # the others are unpacked
    assert not (tmp_path / "evil.py").exists() and not list(tmp_path.rglob("evil.py"))


def test_a_zip_is_graded_like_its_folder(tmp_path, problems):
    archive = zip_of(tmp_path / "class.zip", {"ada/ex.py": b"def f(x):\n    return x\n", "bo/answer.py": b"y = 2\n"})
    result = planned(tmp_path, [archive], problems, exercises=["ex"])
    assert [(j.student, j.status) for j in result.jobs] == [("ada", "ok"), ("bo", "misnamed")]
    assert Path(result.jobs[0].file).is_relative_to(tmp_path / "unpack")


def test_a_broken_zip_is_one_line(tmp_path):
    path = tmp_path / "class.zip"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(GradquizError, match=r"cannot read the zip"):
        extract_zip(path, tmp_path / "out")


def test_the_problems_are_the_instructors_and_the_bundled_ones_are_known(tmp_path, problems):
    found = find_problems([problems])
    assert found.given == ["ex", "other"]
    assert found.index["ex"] == (problems / "ex.yaml", "exercise")
    assert "exercise1" in found.index  # bundled: gradable by name, never graded unasked
    with pytest.raises(GradquizError) as info:
        find_problems([tmp_path / "nowhere"])
    assert str(info.value) == f"{tmp_path / 'nowhere'}: no such file or folder (given with --problems)"


def test_problem_of_a_file_name():
    assert problem_of(Path("exercise1.py")) == "exercise1"
    assert problem_of(Path("signs.answers.yaml")) == "signs"
    assert problem_of(Path("lesson.ipynb")) == "lesson"

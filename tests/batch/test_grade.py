"""`gradquiz grade`: a class graded at once, end to end through the installed command.

The gradebook must equal one `gradquiz check --grading --student ID` per student; a run killed
with SIGKILL and restarted grades every submission exactly once; missing, misnamed, duplicate
and unreadable work is listed with its reason; zips are unpacked safely.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import GRADQUIZ, SOLUTIONS, clean_env, run_cli, run_cli_many

SECRET = "class-test-secret"

# An exercise of our own: a variant per student (params) and a hidden task.
SCALED = {
    "id": "scaled",
    "title": "A scaled parabola",
    "params": {"a": {"choice": [2, 3, 5]}},
    "tasks": [
        {"id": "derivative", "kind": "derivative", "function": "derivative", "f": "a*x**2",
         "domain": [-1, 1], "points": 2},
        {"id": "second", "kind": "derivative", "function": "second", "f": "a*x**2 + x", "domain": [-1, 1],
         "points": 1, "visibility": "hidden"},
    ],
}

RIGHT = (SOLUTIONS / "exercise1.py").read_text()
WRONG = (SOLUTIONS / "exercise1_wrong.py").read_text()


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def make_class(root: Path) -> tuple[Path, Path, Path]:
    """(submissions, problems folder, roster): eight students, each a different case."""
    subs, problems = root / "subs", root / "problems"
    _write(problems / "scaled.yaml", yaml.safe_dump(SCALED, sort_keys=False))
    _write(subs / "alice" / "exercise1.py", RIGHT)
    _write(subs / "alice" / "scaled.py", "def derivative(x):\n    return 6 * x\n\ndef second(x):\n    return 6 * x + 1\n")
    _write(subs / "alice" / "tangent.answers.yaml", (SOLUTIONS / "tangent.answers.yaml").read_text())
    _write(subs / "bob" / "exercise1.py", WRONG)
    _write(subs / "bob" / "scaled.py", "def derivative(x):\n    return 4 * x\n")
    _write(subs / "carol" / "exercise1.py",  # a header naming another exercise is not followed
           '# gradquiz: exercise2\nprint("hello from carol")\n\ndef derivative(x):\n    raise ValueError("no")\n')
    _write(subs / "carol" / "README.md", "not a submission\n")
    _write(subs / "dave" / "ex1.py", RIGHT)  # misnamed
    _write(subs / "erin" / "exercise1.py", WRONG)  # duplicate: the newer one is graded
    newer = _write(subs / "erin" / "old" / "exercise1.py", RIGHT)
    os.utime(newer, (time.time() + 60, time.time() + 60))
    _write(subs / "fay" / "exercise1.py", b"def derivative(x):\n    return 2 * x  # \xff\xfe\n")  # not UTF-8
    (subs / "gus").mkdir(parents=True)  # handed in nothing
    roster = _write(root / "roster.csv",
                    "student,github,name,section\n"
                    "s-alice,alice,Alice A,A1\ns-bob,bob,Bob B,A1\ncarol,,Carol C,A2\ndave,,Dave D,A2\n"
                    "erin,,Erin E,A2\nfay,,Fay F,A2\ngus,,Gus G,A1\nhal,,Hal H,A1\n")
    return subs, problems, roster


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    subs, problems, roster = make_class(root)
    out = root / "out"
    rc, stdout, stderr = run_cli("grade", subs, "--problems", problems, "--exercise", "exercise1,scaled", "--exercise", "tangent",
                                 "--output", out, "--roster", roster,
                                 "--lms", "canvas", "--jobs", "2", "--quiet",
                                 env=clean_env(GRADQUIZ_SECRET=SECRET), timeout=240)
    assert rc == 0, stderr
    return root, subs, problems, roster, out, stdout


def _gradebook(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


@pytest.mark.e2e
def test_gradebook_columns_and_statuses(graded):
    root, subs, problems, roster, out, stdout = graded
    with open(out / "gradebook.csv", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[0] == "student"
    assert {"exercise1:derivative", "scaled:derivative", "scaled:second", "tangent:estimate", "total",
            "percent", "status", "reason"} <= set(header)
    book = _gradebook(out)
    assert list(book) == ["s-alice", "s-bob", "carol", "dave", "erin", "fay", "gus", "hal"]
    status = {s: row["status"] for s, row in book.items()}
    assert status == {"s-alice": "ok", "s-bob": "missing", "carol": "missing", "dave": "misnamed",
                      "erin": "missing", "fay": "unreadable", "gus": "missing", "hal": "missing"}
    problems_status = {s["student"]: {p: e["status"] for p, e in s["problems"].items()}
                       for s in json.loads((out / "gradebook.json").read_text())["students"]}
    assert problems_status["erin"] == {"exercise1": "duplicate", "scaled": "missing", "tangent": "missing"}
    assert problems_status["s-alice"] == {"exercise1": "ok", "scaled": "ok", "tangent": "ok"}
    assert "exercise1: no exercise1.py; found ex1.py" in book["dave"]["reason"]
    assert "2 submissions for exercise1" in book["erin"]["reason"] and "graded the newest, old/exercise1.py" in book["erin"]["reason"]
    assert "exercise1: exercise1.py is not UTF-8 text" in book["fay"]["reason"]
    assert book["gus"]["reason"].startswith("exercise1: no submission")
    assert book["hal"]["total"] == "0" and "no submission" in book["hal"]["reason"]
    assert "tangent: no tangent.answers.yaml" in book["s-bob"]["reason"]
    assert float(book["erin"]["exercise1:derivative"]) == 3  # the newer file is the right one
    assert float(book["s-alice"]["total"]) == float(book["s-alice"]["max_score"]) or book["s-alice"]["status"] == "ok"
    assert "8 students" in stdout and "graded 7 submissions" in stdout


@pytest.mark.e2e
def test_gradebook_equals_check_per_student(graded):
    """Every graded (student, problem) scores what `gradquiz check --grading --student ID` scores."""
    root, subs, problems, roster, out, _ = graded
    journal = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()]
    graded_jobs = [(r["student"], r["problem"], r["file"]) for r in journal if r["status"] != "error"]
    assert len(graded_jobs) == 7
    env = clean_env(GRADQUIZ_SECRET=SECRET)
    runs = run_cli_many([(["check", file, "--grading", "--student", student, "--problems", problems,
                           "--exercise", problem, "--format", "json"], root, env)
                         for student, problem, file in graded_jobs], timeout=240)
    book = json.loads((out / "gradebook.json").read_text())
    by_student = {s["student"]: s for s in book["students"]}
    totals: dict[str, float] = {}
    for (student, problem, _), (rc, stdout, stderr) in zip(graded_jobs, runs):
        assert rc in (0, 1), stderr
        report = json.loads(stdout)
        entry = by_student[student]["problems"][problem]
        assert entry["score"] == report["score"], (student, problem)
        assert entry["tasks"] == {r["id"]: r["score"] for r in report["results"]}, (student, problem)
        totals[student] = totals.get(student, 0.0) + report["score"]
        released = json.loads((out / "reports" / student / f"{problem}.json").read_text())
        assert released["score"] == report["score"] and released["results"] == report["results"]
        assert released.get("notes") == report.get("notes") and released.get("isolation") == report.get("isolation")
    for student, total in totals.items():
        assert float(_gradebook(out)[student]["total"]) == pytest.approx(total)
    assert by_student["s-alice"]["problems"]["scaled"]["tasks"]["second"] in (0.0, 1.0)  # the hidden task ran


@pytest.mark.e2e
def test_variants_and_renamed_ids(graded):
    """The roster id is the --student: alice's `6*x` is right only in the variant with a = 3."""
    root, subs, problems, roster, out, _ = graded
    report = json.loads((out / "reports" / "s-alice" / "scaled.json").read_text())
    assert report["student"] == "s-alice"
    bob = json.loads((out / "reports" / "s-bob" / "scaled.json").read_text())
    assert bob["student"] == "s-bob"
    assert {r["id"] for r in bob["results"]} == {"derivative", "second"}
    missing = json.loads((out / "reports" / "hal" / "exercise1.json").read_text())
    assert missing["score"] == 0 and missing["error"] == "no submission"
    carol = (out / "reports" / "carol" / "exercise1.txt").read_text()
    assert "hello from carol" in carol and "`# gradquiz: exercise2` line was not followed" in carol


@pytest.mark.e2e
def test_canvas_export(graded):
    root, subs, problems, roster, out, _ = graded
    rows = list(csv.reader((out / "canvas.csv").read_text().splitlines()))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0] == "Points Possible"
    by_sis = {r[2]: r for r in rows[2:]}
    assert by_sis["s-alice"][0] == "Alice A" and by_sis["s-alice"][4] == "A1"
    assert float(by_sis["hal"][5]) == 0
    assert float(by_sis["s-alice"][5]) == float(_gradebook(out)["s-alice"]["total"])


@pytest.mark.e2e
def test_rerun_grades_nothing_and_regrade_one(graded, tmp_path):
    root, subs, problems, roster, out, _ = graded
    before = (out / "journal.jsonl").read_text().count("\n")
    rc, stdout, stderr = run_cli("grade", subs, "--problems", problems, "--exercise", "exercise1,scaled", "--exercise", "tangent",
                                 "--output", out, "--roster", roster,
                                 "--regrade", "s-bob", "--lms", "moodle", "--quiet",
                                 env=clean_env(GRADQUIZ_SECRET=SECRET), timeout=240)
    assert rc == 0, stderr
    assert "graded 2 submissions" in stdout and "5 already graded" in stdout  # s-bob: exercise1 and scaled
    lines = (out / "journal.jsonl").read_text().splitlines()
    assert len(lines) == before + 2
    assert {json.loads(line)["student"] for line in lines[before:]} == {"s-bob"}
    moodle = list(csv.reader((out / "moodle.csv").read_text().splitlines()))
    assert moodle[0][:4] == ["First name", "Last name", "ID number", "Email address"]
    rc, _, stderr = run_cli("grade", subs, "--problems", problems, "--exercise", "exercise1,scaled", "--exercise", "tangent",
                                 "--output", out, "--roster", roster,
                            "--regrade", "nobody", "--quiet", env=clean_env(GRADQUIZ_SECRET=SECRET))
    assert rc == 2 and stderr.strip() == "gradquiz: --regrade: no student 'nobody' in this class"


@pytest.mark.e2e
def test_reports_follow_the_journal_after_a_rerun(tmp_path):
    """Reports are written as results come in; a rerun that grades nothing writes again only the
    reports whose text is not the journal's: one edited by hand is restored, a symbolic link
    planted in its place is replaced (its target untouched), an untouched one keeps its file."""
    subs = tmp_path / "subs"
    _write(subs / "ann" / "exercise1.py", RIGHT)
    _write(subs / "ben" / "exercise1.py", WRONG)
    _write(subs / "cid" / "exercise1.py", RIGHT)
    out = tmp_path / "out"
    env = clean_env(GRADQUIZ_SECRET=SECRET)
    rc, stdout, stderr = run_cli("grade", subs, "--exercise", "exercise1", "--output", out, "--quiet", env=env, timeout=240)
    assert rc == 0, stderr
    reports = out / "reports"
    original = {name: (reports / name / "exercise1.txt").read_text() for name in ("ann", "ben", "cid")}
    assert "Score: 3 / 3" in original["ann"] and "Score: 0 / 3" in original["ben"]
    (reports / "ann" / "exercise1.txt").write_text("Score: 0 / 3\n")  # edited by hand
    target = tmp_path / "elsewhere.txt"
    target.write_text("not a report\n")
    (reports / "ben" / "exercise1.txt").unlink()
    (reports / "ben" / "exercise1.txt").symlink_to(target)
    kept = (reports / "cid" / "exercise1.txt").stat().st_ino
    rc, stdout, stderr = run_cli("grade", subs, "--exercise", "exercise1", "--output", out, "--quiet", env=env, timeout=240)
    assert rc == 0, stderr
    assert "graded 0 submissions" in stdout
    for name in ("ann", "ben", "cid"):
        assert (reports / name / "exercise1.txt").read_text() == original[name]
    assert not (reports / "ben" / "exercise1.txt").is_symlink()
    assert target.read_text() == "not a report\n"
    assert (reports / "cid" / "exercise1.txt").stat().st_ino == kept


@pytest.mark.e2e
def test_file_per_student_needs_exercise(tmp_path):
    _write(tmp_path / "subs" / "ann.py", RIGHT)
    _write(tmp_path / "two" / "scaled.yaml", yaml.safe_dump(SCALED, sort_keys=False))
    _write(tmp_path / "two" / "exercises" / "exercise1.yaml", (SOLUTIONS.parent / "exercises" / "exercise1.yaml").read_text())
    rc, stdout, stderr = run_cli("grade", tmp_path / "subs", "--problems", tmp_path / "two", "--output", tmp_path / "out")
    assert rc == 2
    assert stderr.strip() == (f"gradquiz: {tmp_path / 'subs' / 'ann.py'}: a file per student needs --exercise ID "
                              "(which problem the files answer)")


@pytest.mark.e2e
def test_zips_of_files_and_of_lms_exports(tmp_path):
    """Zips are unpacked safely (a symlink is listed, not followed), and the LMSs' own export
    names give the student ids: Canvas (flat, `login[_LATE]_uid_subid_file`, `-1` resubmissions),
    Moodle (`Full Name_id_assignsubmission_file_/`), Gradescope (`submission_metadata.yml`)."""
    plain = tmp_path / "class.zip"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("export/ann.py", RIGHT)
        z.writestr("export/ben.py", WRONG)
        link = zipfile.ZipInfo("export/cat.py")
        link.external_attr = (0o120777) << 16
        z.writestr(link, "/etc/passwd")
    canvas = tmp_path / "canvas.zip"
    with zipfile.ZipFile(canvas, "w") as z:
        z.writestr(zipfile.ZipInfo("doejane_1001_5001_exercise1.py", (2024, 5, 1, 10, 0, 0)), WRONG)
        z.writestr(zipfile.ZipInfo("doejane_1001_5002_exercise1-1.py", (2024, 5, 2, 10, 0, 0)), RIGHT)
        z.writestr(zipfile.ZipInfo("roerich_LATE_1002_5003_exercise1.py", (2024, 5, 3, 10, 0, 0)), RIGHT)
    moodle = tmp_path / "moodle.zip"
    with zipfile.ZipFile(moodle, "w") as z:
        z.writestr("Dana Dee_301_assignsubmission_file_/exercise1.py", RIGHT)
    gradescope = tmp_path / "gradescope.zip"
    with zipfile.ZipFile(gradescope, "w") as z:
        z.writestr("assignment_1_export/submission_metadata.yml",
                   "submission_77:\n  :submitters:\n  - :name: Eli E\n    :sid: '9077'\n    :email: eli@example.edu\n")
        z.writestr("assignment_1_export/submission_77/exercise1.py", WRONG)
    out = tmp_path / "out"
    rc, stdout, stderr = run_cli("grade", plain, canvas, moodle, gradescope, "--exercise", "exercise1", "--output", out,
                                 "--quiet", env=clean_env(GRADQUIZ_SECRET=SECRET), timeout=120)
    assert rc == 0, stderr
    book = _gradebook(out)
    assert set(book) == {"ann", "ben", "cat", "doejane", "roerich", "Dana Dee", "9077"}
    assert (book["ann"]["derivative"], book["ben"]["derivative"]) == ("3", "0")
    assert book["cat"]["status"] == "unreadable" and "symbolic link in the zip" in book["cat"]["reason"]
    assert book["doejane"]["status"] == "duplicate" and book["doejane"]["derivative"] == "3"  # the resubmission
    assert "graded the newest, doejane_1001_5002_exercise1-1.py" in book["doejane"]["reason"].replace("canvas/", "")
    assert (book["roerich"]["status"], book["roerich"]["reason"]) == ("late", "the LMS marked the submission late")
    assert (book["Dana Dee"]["derivative"], book["9077"]["derivative"]) == ("3", "0")


@pytest.mark.e2e
def test_zip_traversal_is_refused_for_that_member_only(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ann/exercise1.py", RIGHT)
        z.writestr("ben/../../exercise1.py", "x = 1\n")
    rc, out, stderr = run_cli("grade", archive, "--exercise", "exercise1", "--output", tmp_path / "out")
    assert rc == 0, stderr
    book = {row["student"]: row for row in csv.DictReader((tmp_path / "out" / "gradebook.csv").open())}
    assert (book["ann"]["status"], book["ann"]["derivative"]) == ("ok", "3")
    assert book["ben"]["status"] == "unreadable"
    assert book["ben"]["reason"] == "the zip member 'ben/../../exercise1.py': a '..' part points outside the folder (refused)"
    assert not (tmp_path / "exercise1.py").exists() and not (tmp_path / "out" / "exercise1.py").exists()


def test_zip_size_caps(tmp_path, monkeypatch):
    from grader.batch import layout, unzip

    monkeypatch.setattr(unzip, "ZIP_MAX_FILE", 1000)
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("ann/exercise1.py", "# " + "x" * 50_000 + "\n")  # compresses to little, unpacks to 50 kB
        z.writestr("ben/exercise1.py", RIGHT)
    root, bad = unzip.extract_zip(archive, tmp_path / "unpacked")
    big = root / "ann" / "exercise1.py"
    assert bad == {big: "exercise1.py: larger than 1000 bytes once unpacked"}
    assert big.stat().st_size == 0 and (root / "ben" / "exercise1.py").read_text() == RIGHT


def _descendants(pid: int) -> set[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    tree, frontier = set(), [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                frontier.append(child)
    return tree


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


SLOW = "import time\ntime.sleep(0.25)\n\ndef derivative(x):\n    return 2 * x\n"


@pytest.mark.e2e
def test_killed_run_resumes_and_grades_each_once(tmp_path):
    """SIGKILL half-way, plus a torn journal line; the restart grades only the rest, each once."""
    subs = tmp_path / "subs"
    names = [f"st{i:02d}" for i in range(6)]
    for i, name in enumerate(names):
        _write(subs / name / "exercise1.py", SLOW if i % 2 == 0 else SLOW.replace("2 * x", "x"))
    out, journal = tmp_path / "out", tmp_path / "out" / "journal.jsonl"
    env = clean_env(GRADQUIZ_SECRET=SECRET)
    args = [*GRADQUIZ, "grade", str(subs), "--exercise", "exercise1", "--output", str(out), "--jobs", "1", "--quiet"]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if journal.exists() and journal.read_text().count("\n") >= 2:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be killed"
        tree = _descendants(proc.pid)
        assert tree  # the pool's fork server and workers, the sandboxes' fork servers and children
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and [p for p in tree if _alive(p)]:
            time.sleep(0.1)
        assert [p for p in tree if _alive(p)] == []  # nothing survives a killed grader
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    done_before = journal.read_text().count("\n")
    assert 2 <= done_before < len(names)
    with open(journal, "a") as handle:
        handle.write('{"student": "st05", "problem": "exercise1", "sco')  # torn by a kill mid-write
    rc, stdout, stderr = run_cli("grade", subs, "--exercise", "exercise1", "--output", out, "--jobs", "2", "--quiet", env=env, timeout=240)
    assert rc == 0, stderr
    assert f"graded {len(names) - done_before} submissions" in stdout
    records = [json.loads(line) for line in journal.read_text().splitlines() if line.endswith("}")]
    assert sorted(r["student"] for r in records) == names  # every submission exactly once
    fresh = tmp_path / "fresh"
    rc, _, stderr = run_cli("grade", subs, "--exercise", "exercise1", "--output", fresh, "--jobs", "2", "--quiet", env=env, timeout=240)
    assert rc == 0, stderr
    assert (out / "gradebook.csv").read_text() == (fresh / "gradebook.csv").read_text()
    book = _gradebook(out)
    assert [book[n]["total"] for n in names] == ["3", "0"] * 3

"""Who handed in what: the submissions of a class, as grading jobs and listed problems.

Layouts (spec section 6): a folder per student (``subs/<student>/exercise1.py``,
``subs/<student>/signs.answers.yaml``), a file per student (``subs/<student>.py``,
``subs/<student>.answers.yaml``; the problem is ``--exercise``), or a zip of either (extracted
safely: no absolute or ``..`` paths, no symlinks, capped sizes). A roster CSV renames ids and
names who handed in nothing.

Every student ends with a job per expected problem, or an ``Issue`` that says why not
(missing, misnamed, duplicate, unreadable). Problems are looked up as in grading mode:
``--problems``, ``GRADQUIZ_PATH`` and the bundled set, never the current folder.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import stat
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from grader.errors import GradquizError
from grader.problems.catalogue import kind_of
from grader.problems.discovery import problem_files, search_path
from grader.problems.intake import id_from_name
from grader.problems.yamlio import load_yaml

SUFFIXES = {"exercise": (".py", ".ipynb"), "quiz": (".yaml", ".yml")}
MAX_FILE = 2 << 20  # bytes of one submission file
ZIP_MAX_FILE = 16 << 20  # bytes of one extracted member
ZIP_MAX_TOTAL = 512 << 20  # bytes extracted from one zip
ZIP_MAX_MEMBERS = 50_000
IGNORED = {"submission_metadata.yml", "submission_metadata.yaml", "__MACOSX"}


@dataclass
class Job:
    """One submission to grade: a student's file for one problem."""

    student: str
    problem: str
    problem_path: str
    kind: str  # exercise | quiz
    file: str
    sha256: str
    status: str = "ok"  # ok | late | misnamed | duplicate: how the file was found
    reason: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.student, self.problem)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Issue:
    """A student's problem that has no gradable file, and why."""

    student: str
    problem: str
    status: str  # missing | misnamed | unreadable
    reason: str


@dataclass
class Plan:
    jobs: list[Job]
    issues: list[Issue]
    problems: dict[str, tuple[Path, str]]  # id -> (file, kind) of the expected problems
    students: list[str]  # gradebook order
    roster: dict[str, dict] = field(default_factory=dict)  # id -> its roster row
    notes: dict[str, list[str]] = field(default_factory=dict)  # id -> remarks (not on the roster, ...)


@dataclass
class _File:
    owner: str  # the name in the submissions (folder or file name)
    path: Path
    layout: str  # folder | file
    bad: str = ""  # why it cannot be read, if so
    name: str = ""  # the file's name as the student gave it, when the LMS renamed it
    late: bool = False  # the LMS marked it late

    @property
    def given(self) -> Path:
        return Path(self.name) if self.name else Path(self.path.name)

    @property
    def pid(self) -> str:
        return problem_of(self.given)

    @property
    def suffix(self) -> str:
        return self.given.suffix


# -- problems -----------------------------------------------------------------------------------
def problem_index(problems=()) -> dict[str, tuple[Path, str]]:
    """Every problem id -> (file, kind), searched as grading mode does (never the current folder)."""
    index: dict[str, tuple[Path, str]] = {}
    for file in problem_files(search_path(problems, here=False)):
        try:
            data, _ = load_yaml(file)
        except GradquizError:
            continue
        if not isinstance(data, dict):
            continue
        kind = kind_of(data)
        for key in (file.stem, str(data.get("id", ""))):
            if key and key not in index:
                index[key] = (file, kind)
    return index


# -- reading the submissions --------------------------------------------------------------------
def problem_of(path: Path) -> str:
    """The problem id a file's name gives: ``exercise1.py`` -> exercise1, ``signs.answers.yaml`` -> signs."""
    return id_from_name(path)


def _candidate(path: Path) -> bool:
    return path.suffix in (".py", ".ipynb", ".yaml", ".yml") and path.name not in IGNORED


def _walk_student(folder: Path, bad: dict[Path, str]) -> list[Path]:
    out = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")) and d not in IGNORED)
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(".") and (_candidate(path) or path in bad):
                out.append(path)
    return out


def collect(sources, unpack_dir: Path, exclude=()) -> list[_File]:
    """Every candidate file in SUBMISSIONS with its owner's name (never in ``exclude``: the output folder)."""
    found: list[_File] = []
    skip = {Path(p).resolve() for p in exclude}
    for source in map(Path, sources):
        if not source.exists() and not source.is_symlink():
            raise GradquizError("no such file or folder (given as SUBMISSIONS)", source)
        if source.is_file() and zipfile.is_zipfile(source):
            root, bad = extract_zip(source, unpack_dir / _safe(source.stem))
            found += _scan_dir(root, bad)
        elif source.is_dir():
            found += _scan_dir(source, {}, skip)
        else:
            found.append(_File(problem_of(source), source, "file"))
    for item in found:
        if not item.bad and item.path.is_file():
            item.bad = _unreadable(item.path)
    return found


# Names the LMSs give what they export:
# Canvas "Download submissions": a flat folder of `<login>[_LATE]_<user id>_<submission id>_<file>`,
# the file's name with `-N` before its extension for a resubmission;
# Moodle "Download all submissions": a folder per student, `<Full Name>_<participant id>_assignsubmission_file_`;
# Gradescope "Export submissions": `submission_<id>/` folders and `submission_metadata.yml` naming the submitters.
CANVAS = re.compile(r"^(?P<login>[^_]+)_(?P<late>LATE_)?(?P<uid>\d+)_(?P<sub>\d+)_(?P<name>.+)$")
MOODLE = re.compile(r"^(?P<name>.+)_(?P<pid>\d+)_assignsubmission_[a-z]+_?$")


def _scan_dir(folder: Path, bad: dict[Path, str], skip=frozenset()) -> list[_File]:
    out = []
    submitters = _gradescope_submitters(folder)
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith((".", "__")) or entry.name in IGNORED or (skip and entry.resolve() in skip):
            continue
        if entry.is_dir() and not entry.is_symlink():
            moodle = MOODLE.match(entry.name)
            owner = submitters.get(entry.name) or (moodle.group("name") if moodle else entry.name)
            files = [_File(owner, p, "folder", bad.get(p, "")) for p in _walk_student(entry, bad)]
            out += files or [_File(owner, entry, "folder", "empty")]  # a student who handed in nothing
        elif _candidate(entry) or entry in bad:
            canvas = CANVAS.match(entry.name)
            if canvas:
                given = re.sub(r"-\d+(?=\.[A-Za-z]+$)", "", canvas.group("name"))
                out.append(_File(canvas.group("login"), entry, "folder", bad.get(entry, ""), given, bool(canvas.group("late"))))
            else:
                out.append(_File(problem_of(entry), entry, "file", bad.get(entry, "")))
    return out


def _gradescope_submitters(folder: Path) -> dict[str, str]:
    """Gradescope's export: folder name -> the submitter's sid (else email, else name)."""
    meta = folder / "submission_metadata.yml"
    if not meta.is_file() or meta.is_symlink():
        return {}
    try:
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    out = {}
    for key, value in (data or {}).items() if isinstance(data, dict) else ():
        people = value.get(":submitters") or value.get("submitters") if isinstance(value, dict) else None
        if isinstance(people, list) and people and isinstance(people[0], dict):
            who = people[0]
            ident = next((str(who.get(k)) for k in (":sid", "sid", ":email", "email", ":name", "name") if who.get(k)), "")
            if ident:
                out[str(key)] = ident
    return out


def _unreadable(path: Path) -> str:
    """Why the file cannot be graded, or ''."""
    if path.is_symlink():
        return f"{path.name} is a symbolic link (refused in grading mode)"
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError as exc:
        return f"{path.name}: {exc.strerror}"
    if not stat.S_ISREG(info.st_mode):
        return f"{path.name} is not a regular file"
    if info.st_size > MAX_FILE:
        return f"{path.name} is too large ({info.st_size} bytes; the limit is {MAX_FILE})"
    try:
        path.read_bytes().decode("utf-8")
    except OSError as exc:
        return f"{path.name}: {exc.strerror}"
    except UnicodeDecodeError as exc:
        return f"{path.name} is not UTF-8 text (byte {exc.start})"
    return ""


def extract_zip(path: Path, dest: Path) -> tuple[Path, dict[Path, str]]:
    """Unpack a class zip into ``dest``; returns the folder to read and the members refused, with why.

    Refused: absolute paths and ``..`` (path traversal), symlinks, members over ZIP_MAX_FILE bytes
    once decompressed (counted as read, not as declared), anything past ZIP_MAX_TOTAL bytes."""
    dest.mkdir(parents=True, exist_ok=True)
    bad: dict[Path, str] = {}
    total = 0
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise GradquizError(f"cannot read the zip ({exc})", path) from None
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise GradquizError(f"the zip has {len(members)} members (the limit is {ZIP_MAX_MEMBERS})", path)
        for info in members:
            name = info.filename.replace("\\", "/")
            parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                raise GradquizError(f"the zip member '{info.filename}' points outside the folder (refused)", path)
            if not parts or info.is_dir() or parts[0] in IGNORED:
                continue
            target = dest.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            if stat.S_ISLNK(info.external_attr >> 16):
                target.touch()
                bad[target] = f"{parts[-1]} is a symbolic link in the zip (refused)"
                continue
            written, reason = _copy_member(archive, info, target, ZIP_MAX_TOTAL - total)
            total += written
            if reason:
                target.write_bytes(b"")
                bad[target] = f"{parts[-1]}: {reason}"
            try:  # keep the zip's times: the newest of two submissions is the one graded
                stamp = time.mktime(info.date_time + (0, 0, -1))
                os.utime(target, (stamp, stamp), follow_symlinks=False)
            except (OverflowError, ValueError, OSError):
                pass
    entries = [e for e in dest.iterdir() if not e.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and not MOODLE.match(entries[0].name):
        return entries[0], bad  # a zip of one folder that holds the class
    return dest, bad


def _copy_member(archive, info, target: Path, room: int) -> tuple[int, str]:
    limit = min(ZIP_MAX_FILE, room)
    written = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, archive.open(info) as src:
            while chunk := src.read(1 << 16):
                written += len(chunk)
                if written > limit:
                    return written, ("larger than %d bytes once unpacked" % ZIP_MAX_FILE if limit == ZIP_MAX_FILE
                                     else "the zip unpacks to more than %d bytes" % ZIP_MAX_TOTAL)
                out.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return written, f"cannot be unpacked ({exc})"
    return written, ""


# -- the roster ---------------------------------------------------------------------------------
ID_COLUMNS = ("student", "id", "student_id", "login", "username")
NAME_COLUMNS = ("submission", "github", "github_username", "folder")


def read_roster(path: Path) -> tuple[list[str], dict[str, str], dict[str, dict]]:
    """(ids in order, submission name -> id, id -> row) from a roster CSV with a header row.

    The id column is the first of student/id/student_id/login/username (else the first column);
    an optional submission/github/folder column gives the name used in SUBMISSIONS."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise GradquizError(f"cannot read the roster ({exc})", path) from None
    if not rows:
        raise GradquizError("the roster has no students (a header row, then one row per student)", path)
    columns = {c.strip().lower(): c for c in rows[0] if c}
    id_col = next((columns[c] for c in ID_COLUMNS if c in columns), next(iter(rows[0])))
    name_col = next((columns[c] for c in NAME_COLUMNS if c in columns), None)
    ids, rename, info = [], {}, {}
    for line, row in enumerate(rows, start=2):
        sid = (row.get(id_col) or "").strip()
        if not sid:
            raise GradquizError(f"no student id in column '{id_col}'", path, line)
        if sid in info:
            raise GradquizError(f"student '{sid}' is listed twice", path, line)
        ids.append(sid)
        info[sid] = {k: (v or "").strip() for k, v in row.items() if k}
        name = (row.get(name_col) or "").strip() if name_col else ""
        rename[name or sid] = sid
    return ids, rename, info


# -- the plan -----------------------------------------------------------------------------------
def plan(sources, *, problems=(), exercise: str | None = None, roster: Path | None = None,
         unpack_dir: Path, exclude=()) -> Plan:
    index = problem_index(problems)
    if exercise and exercise not in index:
        raise GradquizError(f"no exercise or quiz with id '{exercise}' (see `gradquiz list`)")
    files = collect(sources, unpack_dir, exclude)
    if not exercise and any(f.layout == "file" for f in files):
        first = next(f for f in files if f.layout == "file")
        raise GradquizError("a file per student needs --exercise ID (which problem the files answer)", first.path)
    order, rename, rows = read_roster(roster) if roster else ([], {}, {})
    by_student: dict[str, list[_File]] = {}
    notes: dict[str, list[str]] = {}
    for f in files:
        sid = rename.get(f.owner, f.owner)
        mine = by_student.setdefault(sid, [])
        if f.bad != "empty":
            mine.append(f)
        if roster and f.owner not in rename:
            notes.setdefault(sid, []).append("not on the roster")
    if exercise:
        expected = [exercise]
    else:
        seen = {f.pid for f in files if f.bad != "empty" and f.pid in index}
        expected = sorted(seen)
    students = order + sorted(s for s in by_student if s not in rows)
    jobs, issues = [], []
    for sid in students:
        mine = by_student.get(sid, [])
        for pid in expected:
            job, issue = _choose(sid, pid, index[pid], mine, exercise, index)
            if job:
                jobs.append(job)
            if issue:
                issues.append(issue)
    return Plan(jobs, issues, {p: index[p] for p in expected}, students, rows, notes)


def _choose(sid: str, pid: str, problem: tuple[Path, str], mine: list[_File], exercise,
            index: dict) -> tuple[Job | None, Issue | None]:
    path, kind = problem
    suffixes = SUFFIXES.get(kind, (".py",))
    named = [f for f in mine if f.layout == "file" or f.pid == pid]
    if not mine:
        return None, Issue(sid, pid, "missing", "no submission" if not exercise else f"no submission for {pid}")
    wrong_type = [f for f in named if f.suffix not in suffixes]
    named = [f for f in named if f.suffix in suffixes]
    status, reason = "ok", ""
    if not named:
        others = [f for f in mine if f.suffix in suffixes and f.pid != pid and f.pid not in index]  # another problem's file is not a misnamed one
        want = f"{pid}{'.py' if kind == 'exercise' else '.answers.yaml'}"
        if wrong_type:
            return None, Issue(sid, pid, "misnamed", f"{wrong_type[0].given.name} is not a {kind} submission; expected {want}")
        if exercise and len(others) == 1:  # --exercise names the problem: grade the one candidate
            named, status = others, "misnamed"
            reason = f"graded {others[0].given.name} as {pid} (expected {want})"
        elif others:
            names = ", ".join(sorted(f.given.name for f in others))
            return None, Issue(sid, pid, "misnamed", f"no {want}; found {names}")
        else:
            return None, Issue(sid, pid, "missing", f"no {want}")
    readable = [f for f in named if not f.bad]
    if not readable:
        return None, Issue(sid, pid, "unreadable", named[0].bad)
    if len(named) > 1:
        chosen = max(readable, key=lambda f: (f.path.stat().st_mtime, str(f.path)))
        status = "duplicate"
        reason = (f"{len(named)} submissions for {pid} ({', '.join(_short(f.path) for f in named)}); "
                  f"graded the newest, {_short(chosen.path)}")
        readable = [chosen]
    if status == "ok" and readable[0].late:
        status, reason = "late", "the LMS marked the submission late"
    file = readable[0].path
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    return Job(sid, pid, str(path), kind, str(file), digest, status, reason), None


def _short(path: Path) -> str:
    return "/".join(path.parts[-2:])


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._@-" else "_" for c in name) or "_"

"""Who handed in what: the submissions of a class, as grading jobs and listed problems.

Layouts (spec section 6): a folder per student (``subs/<student>/exercise1.py``,
``subs/<student>/signs.answers.yaml``), a file per student (``subs/<student>.py``,
``subs/<student>.answers.yaml``; the problem is ``--exercise``), the LMSs' downloads (Canvas's
flat ``name_[LATE_]USERID_FILEID_file``, Moodle's ``Full Name_PID_assignsubmission_file_/``,
Gradescope's ``submission_metadata.yml``), or a zip of any of them (extracted safely: no absolute
or ``..`` paths, no symlinks, capped sizes). A roster (``roster.py``) names the class: files are
matched to it by the LMS's number (never by a name), and a file that matches nobody is listed in
``Plan.unmatched``, never given a row.

The problems graded are the instructor's: those named with ``--exercise``, else every problem
given (``--problems``, ``GRADQUIZ_PATH``, the current folder's ``exercises/`` and ``quizzes/``
unless they lie inside SUBMISSIONS), never what the students' files suggest. Every student ends
with a job per problem, or an ``Issue`` that says why not (missing, misnamed, duplicate,
unreadable).
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from grader.batch import unzip
from grader.batch.files import read_text
from grader.batch.roster import Roster, read_roster
from grader.errors import GradquizError
from grader.problems import bundled, id_from_name, kind_of, load_yaml, problem_files
from grader.reports import shown_name

SUFFIXES = {"exercise": (".py", ".ipynb"), "quiz": (".yaml", ".yml")}
MAX_FILE = 2 << 20  # bytes of one submission file
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
    notes: dict[str, list[str]] = field(default_factory=dict)  # id -> remarks
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (file, why) of files given to nobody
    class_list: Roster | None = None  # the roster as read (its kind, header and rows, for the LMS files)


@dataclass
class _File:
    owner: str  # the name in the submissions (folder or file name)
    path: Path
    layout: str  # folder | file
    bad: str = ""  # why it cannot be read, if so
    name: str = ""  # the file's name as the student gave it, when the LMS renamed it
    late: bool = False  # the LMS marked it late
    number: str = ""  # the LMS's number for the student (Canvas user id, Moodle participant id)
    platform: str = ""  # canvas | moodle | gradescope, when the LMS named the file
    sha256: str = ""  # of the bytes read when the file was checked

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
@dataclass
class Problems:
    """Where the problems come from: every id -> (file, kind), and the instructor's own files."""

    index: dict[str, tuple[Path, str]]
    given: list[str]  # ids of the problems the instructor gave (not the bundled set), each once, in order
    looked: list[str]  # where they were looked for, for the message of a run that finds none


def _index(files) -> tuple[dict[str, tuple[Path, str]], list[str]]:
    index: dict[str, tuple[Path, str]] = {}
    order = []
    for file in files:
        try:
            data, _ = load_yaml(file)
        except GradquizError:
            continue
        if not isinstance(data, dict) or not ("tasks" in data or "questions" in data):
            continue  # answers to a quiz, a course's own settings: no problem
        kind = kind_of(data)
        declared = str(data.get("id", "") or "")
        order.append(declared or file.stem)
        for key in (file.stem, declared):
            if key and key not in index:
                index[key] = (file, kind)
    return index, order


def find_problems(problems=(), *, here: bool = False, avoid=()) -> Problems:
    """``--problems``, ``GRADQUIZ_PATH``, the current folder's ``exercises/`` and ``quizzes/``
    (``here``; not when they lie inside one of ``avoid``, the submissions) and the bundled set."""
    paths = [Path(p) for p in problems]
    for p in paths:
        if not p.exists():
            raise GradquizError("no such file or folder (given with --problems)", p)
    env = [Path(p) for p in os.environ.get("GRADQUIZ_PATH", "").split(":") if p]
    looked = [f"--problems {', '.join(map(str, paths))}" if paths else "no --problems",
              f"GRADQUIZ_PATH={':'.join(map(str, env))}" if env else "GRADQUIZ_PATH unset"]
    own = paths + env
    if here:
        inside = [Path(a).resolve() for a in avoid if Path(a).is_dir()]
        shipped = {b.resolve() for b in bundled()}
        folders = [Path.cwd() / "exercises", Path.cwd() / "quizzes"]
        skipped = [f for f in folders if any(f.resolve() == a or a in f.resolve().parents for a in inside)]
        used = [f for f in folders if f not in skipped and f.resolve() not in shipped]  # not gradquiz's own source
        own += used
        if used:
            looked.append(" and ".join(map(str, used)))
        if skipped:
            looked.append(f"not {' or '.join(map(str, skipped))} (inside the submissions)")
    given_index, given = _index(problem_files(own))
    index, _ = _index(problem_files(own + bundled()))
    seen: set[Path] = set()
    unique = []
    for pid in given:  # one id per file (a file is known by its stem and its `id:`)
        file = given_index[pid][0]
        if file not in seen:
            seen.add(file)
            unique.append(pid)
    return Problems(index, unique, looked)


def problem_index(problems=()) -> dict[str, tuple[Path, str]]:
    """Every problem id -> (file, kind), searched as grading mode does (never the current folder)."""
    return find_problems(problems).index


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
        if source.is_file() and not source.is_symlink() and _is_zip(source):
            root, bad = extract_zip(source, unpack_dir / _safe(source.stem))
            files = _scan_dir(root, bad)
            seen = {f.path for f in files}
            refused = [_refused(root, path, why) for path, why in bad.items() if path not in seen]
            found += files + [f for f in refused if f is not None]
        elif source.is_dir() and not source.is_symlink():
            found += _scan_dir(source, {}, skip)
        else:
            found.append(_File(shown_name(problem_of(source)), source, "file"))
    for item in found:
        if not item.bad:
            item.bad, item.sha256 = _unreadable(item.path)
    return found


def _is_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


def _refused(root: Path, path: Path, why: str) -> _File | None:
    """A refused zip member that is not on disk (a clash, a name too long, a '..' part): listed
    under the student its first part names, so that student's problem is ``unreadable``."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None  # outside the folder that holds the class (a zip of one folder)
    if not parts or parts[0].startswith((".", "__")) or parts[0] in IGNORED:
        return None
    if len(parts) == 1:
        return _lms_file(path, why)
    owner, number, platform = _owner(parts[0], _gradescope_submitters(root))
    return _File(owner, path, "folder", why, number=number, platform=platform)


# Names the LMSs give what they export:
# Canvas "Download submissions" (canvas-lms lib/content_zipper.rb): a flat folder of
# `<sortable name, lowercased, only word characters>[_LATE]_<user id>_<file id>_<file name>`, or
# `[LATE_]anon_<anonymous id>_...` when the assignment is anonymous; a resubmitted file's name has
# `-N` before its extension. Moodle "Download all submissions" (mod/assign): a folder per student,
# `<Full Name>_<participant id>_assignsubmission_file_` (`_file` since Moodle 4.x; blind marking:
# `Participant_<id>_...`), or flat files `<Full Name>_<id>_assignsubmission_file_<file name>`.
# Gradescope "Export submissions": `submission_<id>/` folders and `submission_metadata.yml`.
CANVAS = re.compile(r"^(?P<sortable>.*?)_(?P<late>LATE_)?(?P<uid>\d+)_(?P<file_id>\d+)_(?P<file>.+)$")
CANVAS_ANONYMOUS = re.compile(r"^(?P<late>LATE_)?anon_(?P<uid>[A-Za-z0-9]+)_(?P<file_id>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>.+)_(?P<pid>\d+)_assignsubmission_[a-z]+_?$")
MOODLE_FILE = re.compile(r"^(?P<name>.+)_(?P<pid>\d+)_assignsubmission_file_(?P<file>.+)$")


def _scan_dir(folder: Path, bad: dict[Path, str], skip=frozenset()) -> list[_File]:
    out = []
    submitters = _gradescope_submitters(folder)
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith((".", "__")) or entry.name in IGNORED or (skip and _resolved(entry) in skip):
            continue
        if entry.is_dir() and not entry.is_symlink():
            owner, number, platform = _owner(entry.name, submitters)
            files = [_File(owner, p, "folder", bad.get(p, ""), number=number, platform=platform)
                     for p in _walk_student(entry, bad)]
            # a student who handed in nothing
            out += files or [_File(owner, entry, "folder", "empty", number=number, platform=platform)]
        elif _candidate(entry) or entry in bad:
            out.append(_lms_file(entry, bad.get(entry, "")))
    return out


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None


def _owner(name: str, submitters: dict[str, str]) -> tuple[str, str, str]:
    """(student, LMS number, platform) of a folder of the submissions; a name that is not UTF-8,
    or holds control characters, escaped (it is written in the gradebook and seeds the variant)."""
    moodle = MOODLE.match(name)
    owner = submitters.get(name) or (moodle.group("name") if moodle else name)
    platform = "moodle" if moodle else "gradescope" if name in submitters else ""
    return shown_name(owner), moodle.group("pid") if moodle else "", platform


def _lms_file(entry: Path, bad: str) -> _File:
    """A file of a flat folder: an LMS's renamed file (the student's number and file name in it), or a file per student."""
    moodle = MOODLE_FILE.match(entry.name)
    if moodle:
        return _File(shown_name(moodle.group("name")), entry, "folder", bad, moodle.group("file"),
                     number=moodle.group("pid"), platform="moodle")
    canvas = CANVAS_ANONYMOUS.match(entry.name) or CANVAS.match(entry.name)
    if canvas:
        given = re.sub(r"-\d+(?=\.[A-Za-z]+$)", "", canvas.group("file"))
        anonymous = "sortable" not in canvas.groupdict()
        owner = f"anon_{canvas.group('uid')}" if anonymous else canvas.group("sortable") or canvas.group("uid")
        return _File(shown_name(owner), entry, "folder", bad, given, bool(canvas.group("late")),
                     number="" if anonymous else canvas.group("uid"), platform="canvas")
    return _File(shown_name(problem_of(entry)), entry, "file", bad)


def _gradescope_submitters(folder: Path) -> dict[str, str]:
    """Gradescope's export: folder name -> the submitter's sid (else email, else name)."""
    text, _, _ = read_text(folder / "submission_metadata.yml", unzip.ZIP_MAX_FILE)
    if text is None:
        return {}
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError):
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


def _unreadable(path: Path) -> tuple[str, str]:
    """(why the file cannot be graded, or ''; the SHA-256 of what was read), read as hostile
    (``files.read_limited``: never a link, a FIFO or a device, at most MAX_FILE bytes)."""
    text, data, why = read_text(path, MAX_FILE)
    if text is None:
        return why, ""
    return "", hashlib.sha256(data).hexdigest()


def extract_zip(path: Path, dest: Path) -> tuple[Path, dict[Path, str]]:
    """Unpack a class zip into ``dest`` (``unzip.extract_zip``: every member on its own); returns the
    folder to read (the one folder a zip may hold the class in) and the members refused, with why."""
    dest, bad = unzip.extract_zip(path, dest, IGNORED)
    tops = {e.name for e in dest.iterdir() if not e.name.startswith(".")}
    tops |= {p.relative_to(dest).parts[0] for p in bad}  # a refused member may not be on disk
    only = dest / next(iter(tops)) if len(tops) == 1 else None
    if only is not None and only.is_dir() and not only.is_symlink() and not MOODLE.match(only.name):
        return only, bad  # a zip of one folder that holds the class
    return dest, bad


# -- the plan -----------------------------------------------------------------------------------
def plan(sources, *, problems=(), exercises=(), roster: Path | None = None, unpack_dir: Path, exclude=(),
         here: bool = True) -> Plan:
    """Who is graded on what: the jobs, the issues, and the files that match nobody on the roster."""
    found = find_problems(problems, here=here, avoid=sources)
    index = found.index
    for pid in exercises:
        if pid not in index:
            raise GradquizError(f"no exercise or quiz with id '{pid}' (see `gradquiz list`)")
    expected = list(dict.fromkeys(exercises)) or found.given
    if not expected:
        raise GradquizError("no problems to grade: name them with --exercise ID, or give their files with "
                            f"--problems DIR (looked in: {'; '.join(found.looked)})")
    files = collect(sources, unpack_dir, exclude)
    if len(expected) > 1 and any(f.layout == "file" and not f.bad for f in files):
        first = next(f for f in files if f.layout == "file" and not f.bad)
        raise GradquizError("a file per student needs --exercise ID (which problem the files answer)", first.path)
    class_list = read_roster(roster) if roster else None
    by_student, unmatched = _owners(files, class_list)
    students = class_list.ids if class_list else sorted(by_student)
    jobs, issues = [], []
    single = len(expected) == 1
    for sid in students:
        mine = [f for f in by_student.get(sid, []) if f.bad != "empty"]
        for pid in expected:
            job, issue = _choose(sid, pid, index[pid], mine, single, index)
            if job:
                jobs.append(job)
            if issue:
                issues.append(issue)
    rows = class_list.rows if class_list else {}
    return Plan(jobs, issues, {p: index[p] for p in expected}, students, rows, {}, unmatched, class_list)


def _owners(files: list[_File], roster: Roster | None) -> tuple[dict[str, list[_File]], list[tuple[str, str]]]:
    """Student id -> their files; and the files that match nobody on the roster, with why.

    With a roster, a file the LMS named is matched by the LMS's number only (two students with
    the same name are two); other files by the roster's submission name or id. Without one, the
    owner's name is the id, and the number is added when two numbers share a name."""
    by_student: dict[str, list[_File]] = {}
    unmatched: list[tuple[str, str]] = []
    if roster is None:
        numbers: dict[str, set[str]] = {}
        for f in files:
            if f.number:
                numbers.setdefault(f.owner, set()).add(f.number)
        for f in files:
            name = f"{f.owner}_{f.number}" if f.number and len(numbers[f.owner]) > 1 else f.owner
            by_student.setdefault(name, []).append(f)
        return by_student, unmatched
    for f in files:
        sid: str | None
        if f.number and roster.numbers:  # the LMS's own key: never a name
            sid = roster.numbers.get(f.number)
            what = {"canvas": "Canvas user id", "moodle": "participant id"}.get(f.platform, "number")
            if sid is None and f.number in roster.left_out:
                unmatched.append((str(f.path), roster.left_out[f.number]))
                continue
            if sid is None:
                unmatched.append((str(f.path), f"{what} {f.number} ({f.owner}) is not on the roster"))
                continue
        else:
            sid = roster.names.get(f.owner)
            if sid is None:
                if f.platform == "canvas":
                    why = "an anonymous Canvas submission (its user id is not in the name)"
                else:
                    why = f"'{f.owner}' is not on the roster"
                unmatched.append((str(f.path), why))
                continue
        by_student.setdefault(sid, []).append(f)
    return by_student, unmatched


def _choose(sid: str, pid: str, problem: tuple[Path, str], mine: list[_File], single: bool,
            index: dict) -> tuple[Job | None, Issue | None]:
    path, kind = problem
    suffixes = SUFFIXES.get(kind, (".py",))
    named = [f for f in mine if f.layout == "file" or f.pid == pid]
    if not mine:
        return None, Issue(sid, pid, "missing", f"no submission for {pid}" if single else "no submission")
    wrong_type = [f for f in named if f.suffix not in suffixes]
    named = [f for f in named if f.suffix in suffixes]
    status, reason = "ok", ""
    if not named:
        others = [f for f in mine if f.suffix in suffixes and f.pid != pid and f.pid not in index]  # another problem's file is not a misnamed one
        want = f"{pid}{'.py' if kind == 'exercise' else '.answers.yaml'}"
        if wrong_type:
            return None, Issue(sid, pid, "misnamed", f"{shown_name(wrong_type[0].given.name)} is not a {kind} submission; expected {want}")
        if single and len(others) == 1:  # the one problem of the class: grade the one candidate
            named, status = others, "misnamed"
            reason = f"graded {shown_name(others[0].given.name)} as {pid} (expected {want})"
        elif others:
            names = ", ".join(sorted(shown_name(f.given.name) for f in others))
            return None, Issue(sid, pid, "misnamed", f"no {want}; found {names}")
        else:
            return None, Issue(sid, pid, "missing", f"no {want}")
    readable = [f for f in named if not f.bad]
    if not readable:
        return None, Issue(sid, pid, "unreadable", named[0].bad)
    if len(named) > 1:
        chosen = max(readable, key=lambda f: (os.lstat(f.path).st_mtime, str(f.path)))
        status = "duplicate"
        reason = (f"{len(named)} submissions for {pid} ({', '.join(_short(f.path) for f in named)}); "
                  f"graded the newest, {_short(chosen.path)}")
        readable = [chosen]
    if status == "ok" and readable[0].late:
        status, reason = "late", "the LMS marked the submission late"
    file = readable[0].path
    digest = readable[0].sha256
    return Job(sid, pid, str(path), kind, str(file), digest, status, reason), None


def _short(path: Path) -> str:
    return shown_name("/".join(path.parts[-2:]))


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._@-" else "_" for c in name) or "_"

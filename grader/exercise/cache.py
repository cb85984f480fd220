"""The cache of compiled exercises: one JSON file per problem file (and variant), per user.

``GRADQUIZ_CACHE`` names the folder, or ``off``; by default the platform's user cache folder
(``$XDG_CACHE_HOME/gradquiz``, else ``~/.cache/gradquiz`` on Linux). An entry is keyed by the
sha256 of the problem file's bytes, the student whose variant it holds (only for a file with
``params:``, where the id picks the parameters, which the entry records), the gradquiz version and
the entry format and a digest of the compiling code; in grading mode also by the grading secret.

The folder is the student's (on their machine, in their CI job), so an entry is data, never
code (``grader.exercise.compiled``; programs of ``grader.maths.program``), and never trusted:
it is read without following a symbolic link, size-limited, parsed as strict JSON, its header
must repeat the key it was looked up by, and ``compiled.restore`` validates every field and
program; anything else is ignored and rebuilt. An entry holds only what the problem file holds
(no check points of grading mode, no submission). In grading mode, where a planted entry could
change a score, entries are sealed with an HMAC keyed by ``GRADQUIZ_SECRET`` and only a sealed
entry is read; without a secret, grading mode compiles in memory. Entries are written
atomically (a fresh temporary file in the folder, renamed over the entry: never through a link).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import sys
from pathlib import Path

from grader.exercise import compiled

FORMAT = 2  # bump when the compiled form changes (2: the methods' kinds and array tasks)
MAX_BYTES = 16 << 20
MAGIC = "gradquiz-compiled"


def folder() -> Path | None:
    """The cache folder, or None when ``GRADQUIZ_CACHE=off``."""
    value = os.environ.get("GRADQUIZ_CACHE", "").strip()
    if value.lower() == "off":
        return None
    if value:
        return Path(value).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "gradquiz"
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "gradquiz" / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gradquiz"


# the modules whose code makes an entry (and __init__.py, which holds the version): an entry made by
# other code is stale, even at the same version
COMPILER = ("__init__.py", "maths/program.py", "maths/mistakes.py", "maths/numerics.py", "maths/arrays.py",
            "exercise/compiled.py", "exercise/compiled_formulas.py", "exercise/compiled_methods.py",
            "exercise/kinds.py", "exercise/problem.py", "exercise/feedback.py", "exercise/methods.py",
            "exercise/arraytasks.py", "exercise/callables.py")
_code: list = []


def _version() -> str:
    """A digest of gradquiz's version and of the compiling code."""
    if not _code:
        digest = hashlib.sha256()
        root = Path(__file__).resolve().parent.parent
        for name in COMPILER:
            try:
                digest.update((root / name).read_bytes())
            except OSError:
                digest.update(name.encode())
        _code.append(digest.hexdigest()[:24])
    return _code[0]


def _seal(grading: bool) -> bytes | None:
    """The HMAC key of grading mode's entries (from GRADQUIZ_SECRET); b"" in the student's mode."""
    if not grading:
        return b""
    secret = os.environ.get("GRADQUIZ_SECRET", "")
    if not secret:
        return None
    return hashlib.sha256(b"gradquiz cache\x1f" + secret.encode("utf-8", "surrogateescape")).digest()


class Lookup:
    """One problem file's place in the cache: its key parts, then ``get`` and ``put``."""

    def __init__(self, problem_path: Path, student: str, grading: bool):
        self.path, self.student = Path(problem_path), student
        self.root, self.seal = folder(), _seal(grading)
        self.source = self._digest() if self.usable else None
        if self.source is None:
            self.root = None

    def _digest(self) -> str | None:
        try:
            return hashlib.sha256(self.path.read_bytes()).hexdigest()
        except OSError:
            return None

    @property
    def usable(self) -> bool:
        return self.root is not None and self.seal is not None

    def header(self, variant: str | None) -> dict:
        return {"format": MAGIC, "version": FORMAT, "gradquiz": _version(), "source": self.source,
                "variant": variant, "sealed": bool(self.seal)}

    def name(self, variant: str | None) -> str:
        key = json.dumps(self.header(variant), sort_keys=True) + hashlib.sha256(self.seal or b"").hexdigest()
        return hashlib.sha256(key.encode()).hexdigest()[:40] + ".json"

    def read(self) -> dict | None:
        """A valid entry's compiled data (validated in pure Python: NumPy is not imported yet, so
        the sandbox's child can start first), else None."""
        if not self.usable:
            return None
        body, per_student = self._read(None), False
        if body == {"per_student": True}:  # a file with params: the entry of this student's variant
            body, per_student = self._read(self.student), True
        if body is None:
            return None
        try:
            compiled.validate(body)
        except compiled.EntryError:
            return None
        return body if body["exercise"]["per_student"] is per_student else None

    def restore(self, body: dict, student: str | None = None) -> compiled.CompiledExercise:
        """The exercise of ``read``'s data (for ``student``, by default the one it was looked up
        for: the same variant); a mistake compiled later is stored with it."""
        exercise = compiled.restore(body, self.path, self.student if student is None else student)
        exercise.on_change = lambda ex: self.put(ex.data)
        return exercise

    def get(self):
        """(compiled exercise, forbid, allow) from a valid entry, else None."""
        body = self.read()
        if body is None:
            return None
        exercise = self.restore(body)
        return exercise, exercise.forbid, exercise.allow

    def put(self, body: dict | None) -> None:
        """Store a compiled exercise (``compiled.dump``'s data); failures are ignored (no cache)."""
        if not self.usable or body is None or self._digest() != self.source:
            return  # (a file edited meanwhile: what was compiled may be of the new text)
        if body["exercise"]["per_student"]:
            self._write(None, {"per_student": True})
            self._write(self.student, body)
        else:
            self._write(None, body)

    def _read(self, variant: str | None) -> dict | None:
        path = self.root / self.name(variant)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                return None
            with os.fdopen(fd, "rb", closefd=False) as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        try:
            entry = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        if not isinstance(entry, dict) or set(entry) != {"header", "body", "mac"}:
            return None
        if entry["header"] != self.header(variant) or not isinstance(entry["body"], dict):
            return None
        if not isinstance(entry["mac"], str) or not hmac.compare_digest(entry["mac"], self._mac(entry)):
            return None
        return entry["body"]

    def _mac(self, entry: dict) -> str:
        text = json.dumps([entry["header"], entry["body"]], sort_keys=True, allow_nan=False)
        return hmac.new(self.seal or b"unsealed", text.encode(), hashlib.sha256).hexdigest()

    def _write(self, variant: str | None, body: dict) -> None:
        import tempfile  # only to write: a warm check reads

        entry = {"header": self.header(variant), "body": body}
        try:
            entry["mac"] = self._mac(entry)
            text = json.dumps(entry, allow_nan=False, separators=(",", ":"))
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.root)
        except (OSError, ValueError, TypeError):
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            target = self.root / self.name(variant)
            try:
                os.replace(temp, target)  # a rename replaces a link, never follows it
            except IsADirectoryError:  # an empty folder planted in the entry's place
                os.rmdir(target)
                os.replace(temp, target)
        except OSError:
            try:
                os.unlink(temp)
            except OSError:
                pass


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def compiled_form(lookup: Lookup | None, exercise, forbid: list, allow: list):
    """A freshly loaded (SymPy) exercise in its compiled form, graded as a cached one is (what a
    wrong answer compiles is kept for ``store``), with the SymPy exercise as its ``full``; the
    exercise itself when there is no cache or no compiled form."""
    if lookup is None or not lookup.usable:
        return exercise
    data = compiled.dump(exercise, forbid, allow)
    if data is None:
        return exercise
    restored = compiled.restore(data, lookup.path, lookup.student)
    restored.__dict__["full"] = exercise  # the cached_property's value: no second SymPy load
    restored.on_change = lambda ex: None  # stored by ``store``
    return restored


def store(lookup: Lookup | None, exercise) -> None:
    """Put an exercise made by ``compiled_form`` in the cache (nothing for one kept in SymPy);
    later additions to it (what a wrong answer compiles) are stored as they are made."""
    if lookup is None or not isinstance(exercise, compiled.CompiledExercise):
        return
    lookup.put(exercise.data)
    exercise.on_change = lambda ex: lookup.put(ex.data)

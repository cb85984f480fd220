"""Shared helpers for the grading-core tests.

``run_cli`` runs the real command as ``python -m grader`` (the same ``main`` as the installed
``gradquiz`` script, which tests/cli/test_console_script.py runs itself), so the suite needs no
venv on PATH; only tests marked ``e2e`` may call it (the unit core is ``pytest -m "not e2e"``).
The ``ws`` fixture writes
exercise YAMLs and submissions into a scratch folder and grades them, in process
through ``grader.api.check`` (the student's code still runs in a sandboxed child)
or end to end through the command.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions"
# The command as an argv prefix: this interpreter, so the suite needs no venv on PATH.
GRADQUIZ = [sys.executable, "-m", "grader"]
# The installed console script, next to the interpreter (tests/cli/test_console_script.py).
CONSOLE_SCRIPT = shutil.which("gradquiz", path=os.path.dirname(sys.executable))

_current: list[pytest.Item] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Remember the running test (before its fixtures), for the e2e guard of ``run_cli``."""
    _current[:] = [item]


def _require_e2e() -> None:
    """Running the command is end to end: a test that does it must carry the ``e2e`` marker."""
    if _current and _current[0].get_closest_marker("e2e") is None:
        pytest.fail(f"{_current[0].nodeid} runs the gradquiz command: mark it @pytest.mark.e2e")


# The compiled problems' cache of the whole run: GRADQUIZ_CACHE as the suite was started with
# (`GRADQUIZ_CACHE=off python -m pytest` runs it without a cache), else a folder of its own, never
# the user's cache (one per process: each pytest-xdist worker has its own). Tests and the commands
# they run keep it, but for a test marked ``exercise_free`` (below).
CACHE = os.environ.get("GRADQUIZ_CACHE") or tempfile.mkdtemp(prefix="gradquiz-test-cache-")
if not os.environ.get("GRADQUIZ_CACHE"):
    atexit.register(shutil.rmtree, CACHE, True)
CACHE_OFF = CACHE.strip().lower() == "off"


def clean_env(**extra) -> dict:
    """The environment minus any GRADQUIZ_* setting of the caller (but the test's GRADQUIZ_CACHE),
    plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADQUIZ_")}
    env["GRADQUIZ_CACHE"] = _cache_now[0]
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_cli(*args, cwd=None, env=None, timeout=60) -> tuple[int, str, str]:
    """Run the ``gradquiz`` command (as ``python -m grader``): (exit code, stdout, stderr)."""
    _require_e2e()
    proc = subprocess.run(
        [*GRADQUIZ, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=env if env is not None else clean_env(),
    )
    return proc.returncode, proc.stdout, proc.stderr


def run_cli_many(jobs, timeout=120) -> list[tuple[int, str, str]]:
    """Run several commands at once (each is mostly a second of start-up CPU).

    ``jobs``: a list of (args, cwd, env or None); returns (rc, stdout, stderr) in order.
    """
    _require_e2e()
    procs = [
        subprocess.Popen(
            [*GRADQUIZ, *map(str, args)],
            cwd=cwd,
            env=env if env is not None else clean_env(),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for args, cwd, env in jobs
    ]
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=timeout)
        out.append((proc.returncode, stdout, stderr))
    return out


def exercise_text(tasks, *, id="tq", title="Test exercise", forbid=None, **top) -> str:
    """An exercise YAML from task dicts (keys as in the spec)."""
    data = {"id": id, "title": title}
    if forbid is not None:
        data["forbid"] = list(forbid)
    data.update(top)
    data["tasks"] = list(tasks)
    return yaml.safe_dump(data, sort_keys=False)


class Workspace:
    """A scratch folder with exercise files and submissions, and ways to grade them."""

    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def exercise(self, tasks, *, id="tq", name=None, **top) -> Path:
        return self.write(name or f"{id}.yaml", exercise_text(tasks, id=id, **top))

    def submission(self, code: str, *, name="submission.py", exercise="tq") -> Path:
        header = f"# gradquiz: {exercise}\n" if exercise else ""
        return self.write(name, header + textwrap.dedent(code).lstrip("\n"))

    def check(self, submission: Path, problems: Path | None = None, **options) -> dict:
        """Grade in process with grader.api.check; the report as the JSON dict."""
        from grader.api import check
        from grader.problems.discovery import header_id

        if options.get("grading") and not options.get("exercise"):  # grading mode ignores the header:
            options["exercise"] = header_id(submission.read_text())  # the instructor names the exercise
        report = check(submission, problems=[problems or self.root], **options)
        return report.to_dict()

    def cli(self, *args, **kwargs) -> tuple[int, str, str]:
        kwargs.setdefault("cwd", self.root)
        return run_cli(*args, **kwargs)

    def cli_json(self, submission: Path, problems: Path | None = None, *extra, **kwargs):
        """``gradquiz check SUB --problems P --format json``: (rc, parsed report, stderr)."""
        rc, out, err = self.cli(
            "check", submission, "--problems", problems or self.root, "--format", "json", *extra, **kwargs
        )
        assert rc in (0, 1), f"exit {rc}; stderr: {err}"
        return rc, json.loads(out), err


# -- the second pass (`GRADQUIZ_CACHE=off`) and the tests that never compile an exercise ----------
#
# The cache holds compiled exercises only, so a test that never compiles one gives the same
# verdicts with the cache on and off: marked ``exercise_free`` (a module's ``pytestmark`` or one
# test), it is left out of the second pass (`.ci/run`: `-m "not exercise_free"`). The marker is
# checked, not trusted: in the first pass such a test (or module, with its module-scoped fixtures)
# gets an empty cache folder of its own, in process and in every command it runs, and fails if
# anything was written there. The cache can change a verdict only through an entry it reads, and in
# a folder of its own a test can read only the entries it wrote. (A command run with an environment
# of its own making, without GRADQUIZ_CACHE, would use the user's cache: use ``clean_env``.)
_cache_now = [CACHE]  # the GRADQUIZ_CACHE of the running test


@contextlib.contextmanager
def _probe(node: pytest.Item | pytest.Module, factory: pytest.TempPathFactory) -> Iterator[None]:
    """An empty cache folder of its own for an ``exercise_free`` test or module, then its check."""
    if CACHE_OFF or node.get_closest_marker("exercise_free") is None or _cache_now[0] != CACHE:
        yield  # not marked, or its module's probe is already in place
        return
    probe = factory.mktemp("exercise-free-cache") / "cache"
    _cache_now[0] = str(probe)
    try:
        yield
    finally:
        _cache_now[0] = CACHE
    written = sorted(p.name for p in probe.iterdir()) if probe.is_dir() else []
    if written:
        pytest.fail(f"{node.nodeid} is marked exercise_free but compiled an exercise through the cache "
                    f"(wrote {written[:2]}): drop the marker")


@pytest.fixture(scope="module", autouse=True)
def _exercise_free_module(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A module marked ``exercise_free``: probed with its module-scoped fixtures (autouse: set up first)."""
    patch = pytest.MonkeyPatch()
    with _probe(request.node, tmp_path_factory):
        patch.setenv("GRADQUIZ_CACHE", _cache_now[0])
        yield
        patch.undo()


@pytest.fixture(autouse=True)
def _no_gradquiz_settings(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest,
                          tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests start from a clean slate: no GRADQUIZ_PATH, GRADQUIZ_STUDENT or GRADQUIZ_GRADING (and
    the test's GRADQUIZ_CACHE: the run's, or an ``exercise_free`` test's own)."""
    for name in [k for k in os.environ if k.startswith("GRADQUIZ_")]:
        monkeypatch.delenv(name)
    with _probe(request.node, tmp_path_factory):
        monkeypatch.setenv("GRADQUIZ_CACHE", _cache_now[0])
        yield


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace(tmp_path / "ws")


def by_id(report: dict) -> dict:
    """The report's results keyed by task id."""
    return {r["id"]: r for r in report["results"]}


def task(id, kind, f, domain=(-2, 2), **keys) -> dict:
    """A task dict; ``function`` defaults to the id."""
    out = {"id": id, "kind": kind, "function": keys.pop("function", id), "f": f, "domain": list(domain)}
    out.update(keys)
    return out


# A submission's first lines that print what the child may do as root: its uid, capability
# sets (capget), securebits, bounding set, and whether setuid and chown are refused.
CAPABILITY_PROBE = """
import ctypes, os

libc = ctypes.CDLL(None, use_errno=True)
data = (ctypes.c_uint32 * 6)()
libc.capget(ctypes.byref((ctypes.c_uint32 * 2)(0x20080522, 0)), data)
print("UID", os.getuid(), os.geteuid(), "CAPS", list(data), "SECUREBITS", libc.prctl(27, 0, 0, 0, 0))
print("BOUNDING", [c for c in range(64) if libc.prctl(23, c, 0, 0, 0) == 1])
for name, attempt in (("setuid", lambda: os.setuid(1000)), ("chown", lambda: os.chown(".", 1000, 1000))):
    try:
        attempt()
        print("ALLOWED", name)
    except OSError as exc:
        print("DENIED", name, exc.errno)
"""

PYTHON = sys.executable


# -- pictures, read back as images (tests/plots, tests/notebook) -------------------------------

RED = (0xD6, 0x27, 0x28)  # grader.plots.draw.RED


def _image(png: bytes):
    import io

    from matplotlib.image import imread

    return imread(io.BytesIO(png), format="png")


def png_size(png: bytes) -> tuple[int, int]:
    height, width = _image(png).shape[:2]
    return width, height


def red_pixels(png: bytes) -> int:
    """Pixels within a shade of the red that marks failing points, wrong arrows and entries."""
    import numpy as np

    rgb = (_image(png)[..., :3] * 255).round()
    return int(np.sum(np.all(np.abs(rgb - RED) <= 12, axis=-1)))

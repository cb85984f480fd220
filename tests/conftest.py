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

import json
import os
import shutil
import subprocess
import sys
import textwrap
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


def clean_env(**extra) -> dict:
    """The environment minus any GRADQUIZ_* setting of the caller, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADQUIZ_")}
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


@pytest.fixture(autouse=True)
def _no_gradquiz_settings(monkeypatch):
    """Tests start from a clean slate: no GRADQUIZ_PATH, GRADQUIZ_STUDENT or GRADQUIZ_GRADING."""
    for name in [k for k in os.environ if k.startswith("GRADQUIZ_")]:
        monkeypatch.delenv(name)


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

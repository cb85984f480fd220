"""`gradquiz grade --executor dask`: the same class on a real local Dask cluster (a `dask scheduler`
and a `dask worker` started here, on 127.0.0.1 only) gives the same gradebook as a local run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SOLUTIONS, clean_env, run_cli

pytestmark = pytest.mark.e2e  # every test here runs the command

pytest.importorskip("distributed", reason="the Dask executor needs the extra: pip install 'gradquiz[dask]'")

SECRET = "dask-test-secret"


def _dask() -> str:
    exe = shutil.which("dask") or str(Path(sys.executable).with_name("dask"))
    if not Path(exe).exists():
        pytest.skip("no `dask` command next to this Python (pip install 'gradquiz[dask]')")
    return exe


@pytest.fixture
def cluster(tmp_path):
    exe = _dask()
    info = tmp_path / "scheduler.json"
    env = clean_env(DASK_DISTRIBUTED__WORKER__DAEMON="False")
    procs = [subprocess.Popen([exe, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(info)], env=env, cwd=tmp_path, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip():
            assert time.monotonic() < deadline, "the Dask scheduler did not start"
            assert procs[0].poll() is None, "the Dask scheduler exited"
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        procs.append(subprocess.Popen([exe, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard",
                                       "--host", "127.0.0.1", "--local-directory", str(tmp_path / "dask-worker")],
                                      env=env, cwd=tmp_path, start_new_session=True,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield address
    finally:
        for proc in reversed(procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()


def _class(root: Path) -> Path:
    subs = root / "subs"
    cases = {
        "ann": (SOLUTIONS / "exercise1.py").read_text(),
        "ben": (SOLUTIONS / "exercise1_wrong.py").read_text(),
        "cid": "def derivative(x):\n    raise ZeroDivisionError('oops')\n",
        "dot": "print('hi')\ndef derivative(x):\n    return 2 * x\n",
        "eve": "def derivative(x):\n    return -2 * x\n",
    }
    for name, code in cases.items():
        (subs / name).mkdir(parents=True)
        (subs / name / "exercise1.py").write_text(code)
    (subs / "ann" / "signs.answers.yaml").write_text((SOLUTIONS / "signs.answers.yaml").read_text())
    (subs / "ben" / "signs.answers.yaml").write_text((SOLUTIONS / "signs_wrong.answers.yaml").read_text())
    return subs


def test_dask_cluster_gives_the_local_gradebook(tmp_path, cluster):
    subs = _class(tmp_path)
    env = clean_env(GRADQUIZ_SECRET=SECRET)
    rc, out, err = run_cli("grade", subs, "--exercise", "exercise1,signs", "--output", tmp_path / "local", "--quiet", env=env, timeout=180)
    assert rc == 0, err
    rc, out, err = run_cli("grade", subs, "--exercise", "exercise1", "--exercise", "signs", "--output", tmp_path / "remote", "--executor", "dask",
                           "--scheduler", cluster, "--quiet", env=env, timeout=240)
    assert rc == 0, err
    assert "graded 7 submissions" in out
    local = (tmp_path / "local" / "gradebook.csv").read_text()
    assert (tmp_path / "remote" / "gradebook.csv").read_text() == local
    assert "ann,3,1,1,1,1,7,7,100,ok," in local
    records = [json.loads(line) for line in (tmp_path / "remote" / "journal.jsonl").read_text().splitlines()]
    assert len(records) == 7
    assert all(r["file"].startswith(str(subs)) for r in records)  # the paths of the submissions, not the workers'
    assert len({r["worker"] for r in records}) >= 1
    report = json.loads((tmp_path / "remote" / "reports" / "dot" / "exercise1.json").read_text())
    assert report["output"] == "hi" and report["file"] == str(subs / "dot" / "exercise1.py")


def test_dask_without_scheduler_is_one_line(tmp_path):
    subs = _class(tmp_path)
    rc, out, err = run_cli("grade", subs, "--exercise", "exercise1", "--output", tmp_path / "out", "--executor", "dask")
    assert rc == 2
    assert err.strip() == "gradquiz: --executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)"

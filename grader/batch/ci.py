"""Ready-made CI for a course: a GitHub Classroom autograding workflow (``gradquiz ci github``)
and a Gradescope autograder bundle (``gradquiz ci gradescope``).

Both install the exact grader the instructor ran: a wheel of the running gradquiz
(``grader.batch.wheel``), put in the template repository (``.github/gradquiz/``) or the zip;
``--package SPEC`` installs something else. Both grade in grading mode, each problem pinned by
id, with problems the instructor supplies, never the student's files.

The workflow checks the student's repository out into ``submission/`` and, with
``--problems-repo``, the private problems repository into ``gradquiz-problems/`` (on
``GRADQUIZ_PATH``); without it, only the wheel's bundled problems can be graded. A step per
problem runs ``gradquiz ci github-result --exercise ID`` (``grader.batch.classroom``): text,
annotations and summary once, and the Classroom reporter's result format (a test per task or
question, partial credit included) as the step's ``result`` output; the Classroom reporter adds
them up. The Classroom command grader is not used: it gives all or nothing per command, passes
only PATH and HOME to it (no secret) and reads ``max-score`` with ``parseInt``.

The bundle holds ``setup.sh`` (installs the wheel into ``/autograder/venv``), ``run_autograder``
(grades ``/autograder/submission`` into ``/autograder/results/results.json``; the root is
``$GRADQUIZ_AUTOGRADER_ROOT`` when set), ``grade.py`` and the problem files.
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import zipfile
from pathlib import Path

import yaml

from grader.batch.layout import problem_index
from grader.errors import GradquizError
from grader.problems import load_yaml


def _problems(ids, problems) -> list[tuple[str, Path, str, float]]:
    """(id, file, kind, max points) of each chosen problem; with no id, all of ``--problems``, or
    with neither, every problem grading mode finds (``GRADQUIZ_PATH`` and the bundled course)."""
    index = problem_index(problems)
    if not ids:
        given = {f.resolve() for p in problems for f in (Path(p), Path(p) / "exercises", Path(p) / "quizzes")}
        chosen = []
        for file in sorted({index[k][0] for k in index}):
            if not problems or given & {file.resolve(), file.resolve().parent}:
                chosen.append(file.stem)
        ids = chosen
    out = []
    for pid in ids:
        if pid not in index:
            raise GradquizError(f"no exercise or quiz with id '{pid}' (see `gradquiz list`)")
        path, kind = index[pid]
        data, _ = load_yaml(path)
        items = data.get("questions" if kind == "quiz" else "tasks") or []
        points = sum(float(t.get("points", 1)) for t in items if isinstance(t, dict))
        out.append((pid, path, kind, points))
    return out


def submission_name(pid: str, kind: str) -> str:
    return f"{pid}.py" if kind == "exercise" else f"{pid}.answers.yaml"


def step_ids(pids) -> list[str]:
    """A step id per problem that GitHub accepts (a letter or ``_`` first; letters, digits, ``_``
    and ``-``) and the reporter finds: it reads ``<ID UPPERCASED>_RESULTS``, so the workflow's env
    names are exactly that (``mlc_ex``: ``MLC_EX_RESULTS``). Unique regardless of case."""
    out: list[str] = []
    used: set[str] = set()
    for pid in pids:
        base = re.sub(r"[^A-Za-z0-9_-]", "-", pid)
        if not re.match(r"[A-Za-z_]", base):
            base = "p" + base
        sid, n = base, 2
        while sid.lower() in used:
            sid, n = f"{base}-{n}", n + 1
        used.add(sid.lower())
        out.append(sid)
    return out


def results_env(step_id: str) -> str:
    """The env name the Classroom reporter reads for a runner (``process.env[ID.toUpperCase() + "_RESULTS"]``)."""
    return f"{step_id.strip().upper()}_RESULTS"


PROBLEMS_DIR = "gradquiz-problems"  # where the workflow checks out --problems-repo, beside the submission
SUBMISSION_DIR = "submission"  # where it checks out the student's repository


def install_script(package: str | None, wheel: str | None) -> str:
    """The install step: a fresh venv on the runner, gradquiz (the wheel, or ``package``) in it, on PATH."""
    spec = f"{SUBMISSION_DIR}/.github/gradquiz/{wheel}" if package is None else package
    return ('python -m venv "$RUNNER_TEMP/gradquiz"\n'
            f'"$RUNNER_TEMP/gradquiz/bin/python" -m pip install --quiet {shlex.quote(spec)}\n'
            'echo "$RUNNER_TEMP/gradquiz/bin" >> "$GITHUB_PATH"\n')


def github_workflow(ids=(), problems=(), problems_repo: str | None = None, package: str | None = None,
                    wheel: str | None = None) -> str:
    """The text of ``.github/workflows/classroom.yml``: grade each problem in grading mode with
    ``gradquiz ci github-result`` (a step of ours whose ``result`` output is the Classroom
    reporter's format, a test per task), then the Classroom reporter."""
    chosen = _problems(ids, problems)
    if package is None and wheel is None:
        raise GradquizError("the workflow installs a wheel (ci github writes it) or --package SPEC")
    if problems_repo is None and package is None:
        _bundled_only(chosen)
    steps: list[dict] = [{"name": "Checkout the submission", "uses": "actions/checkout@v4",
                          "with": {"path": SUBMISSION_DIR}}]
    env = {"GRADQUIZ_SECRET": "${{ secrets.GRADQUIZ_SECRET }}", "GRADQUIZ_STUDENT": "${{ github.actor }}"}
    if problems_repo:
        steps.append({
            "name": "Checkout the problem files",
            "uses": "actions/checkout@v4",
            "with": {"repository": problems_repo, "path": PROBLEMS_DIR,
                     "token": "${{ secrets.GRADQUIZ_PROBLEMS_TOKEN || github.token }}"},
        })
        env["GRADQUIZ_PATH"] = ":".join(f"../{PROBLEMS_DIR}{sub}" for sub in ("", "/exercises", "/quizzes"))
    steps += [
        {"uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}},
        {"name": "Install gradquiz", "run": install_script(package, wheel)},
    ]
    runners = step_ids([pid for pid, _, _, _ in chosen])
    for (pid, _, _, _), step_id in zip(chosen, runners, strict=False):
        steps.append({
            "name": f"Grade {pid}",
            "id": step_id,
            "working-directory": SUBMISSION_DIR,
            "env": dict(env),
            "run": f"gradquiz ci github-result --exercise {shlex.quote(pid)}",
        })
    steps.append({
        "name": "Autograding Reporter",
        "uses": "classroom-resources/autograding-grading-reporter@v1",
        "env": {results_env(r): "${{ steps." + r + ".outputs.result }}" for r in runners},
        "with": {"runners": ",".join(runners)},
    })
    workflow = {
        "name": "Autograding Tests",
        "on": ["push", "workflow_dispatch", "repository_dispatch"],
        "permissions": {"checks": "write", "actions": "read", "contents": "read"},
        "jobs": {"run-autograding-tests": {
            "runs-on": "ubuntu-latest",
            "if": "github.actor != 'github-classroom[bot]'",
            "steps": steps,
        }},
    }
    header = ("# GitHub Classroom autograding for gradquiz problems (written by `gradquiz ci github`).\n"
              "# Secrets: GRADQUIZ_SECRET (grading mode's check points)"
              + (", GRADQUIZ_PROBLEMS_TOKEN (reads the problems repository)" if problems_repo else "") + ".\n")
    return header + yaml.dump(workflow, Dumper=_Dumper, sort_keys=False, width=1000)


def write_github(ids=(), problems=(), problems_repo: str | None = None, package: str | None = None,
                 output: Path | None = None, force: bool = False) -> list[Path]:
    """Write the workflow (default ``.github/workflows/classroom.yml``) and, unless ``package``,
    the wheel into the repository's ``.github/gradquiz/`` (older gradquiz wheels there removed)."""
    from grader.authoring import write_new
    from grader.batch.wheel import build_wheel

    path = output or Path(".github/workflows/classroom.yml")
    if os.path.lexists(path) and not force:  # before the wheel is built: nothing written
        raise GradquizError("already exists; choose another --output (or add --force to overwrite it)", path)
    wheel = build_wheel() if package is None else None
    text = github_workflow(ids, problems, problems_repo, package, wheel[0] if wheel else None)
    written = []
    if wheel:
        in_repo = path.parent.name == "workflows" and path.parent.parent.name == ".github"
        folder = (path.parent.parent if in_repo else Path(".github")) / "gradquiz"
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("gradquiz-*.whl"):
            if old.name != wheel[0]:
                old.unlink()
        (folder / wheel[0]).write_bytes(wheel[1])
        written.append(folder / wheel[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    write_new(path, text, force)
    return [path, *written]


def _bundled_only(chosen) -> None:
    """Without --problems-repo the runner has only the wheel's bundled problems: refuse others
    rather than grade against files in the student's repository (which would hold the keys)."""
    from grader.problems import bundled

    homes = {folder.resolve() for folder in bundled()}
    for pid, path, _, _ in chosen:
        if path.resolve().parent not in homes:
            raise GradquizError(
                f"'{pid}' ({path}) is not one of gradquiz's bundled problems, and the workflow never reads problems "
                "from the student's repository: keep your problem files in a private repository and pass "
                "--problems-repo OWNER/REPO"
            )


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (a step's script) as literal blocks, as people write workflows."""


def _text(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


SETUP = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (Ubuntu, as root).
# GRADQUIZ_AUTOGRADER_ROOT moves /autograder (for tests).
set -euo pipefail
ROOT="${{GRADQUIZ_AUTOGRADER_ROOT:-/autograder}}"
if ! python3 -m venv "$ROOT/venv" >/dev/null 2>&1; then
    apt-get update -q && apt-get install -y -q python3 python3-pip python3-venv
    python3 -m venv "$ROOT/venv"
fi
"$ROOT/venv/bin/python" -m pip install --quiet {spec}
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission in grading mode and
# write /autograder/results/results.json. GRADQUIZ_AUTOGRADER_ROOT moves the root (for tests).
ROOT="${GRADQUIZ_AUTOGRADER_ROOT:-/autograder}"
PYTHON="${GRADQUIZ_PYTHON:-$ROOT/venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
exec "$PYTHON" "$ROOT/source/grade.py" "$ROOT"
"""

GRADE = '''"""Grade one Gradescope submission with gradquiz (written by `gradquiz ci gradescope`)."""
import json, os, shutil, subprocess, sys, tempfile
from pathlib import Path

root = Path(sys.argv[1])
source, submission, results = root / "source", root / "submission", root / "results"
results.mkdir(parents=True, exist_ok=True)
problems = json.loads((source / "problems.json").read_text())
command = os.environ.get("GRADQUIZ_COMMAND") or shutil.which("gradquiz", path=os.pathsep.join(
    [str(Path(sys.executable).parent), os.environ.get("PATH", "")])) or "gradquiz"
student = ""
try:
    meta = json.loads((root / "submission_metadata.json").read_text())
    user = (meta.get("users") or [{}])[0]
    student = str(user.get("sid") or user.get("email") or user.get("name") or "")
except (OSError, ValueError, AttributeError, IndexError):
    pass
total = {"score": 0.0, "max_score": 0.0, "tests": [], "output": ""}
lines = []
env = dict(os.environ, GRADQUIZ_GRADING="1")
for item in problems:
    found = [p for name in item["files"] for p in sorted(submission.rglob(name)) if p.is_file() and not p.is_symlink()]
    if not found:
        total["max_score"] += item["points"]
        total["tests"].append({"name": item["id"], "score": 0, "max_score": item["points"], "status": "failed",
                               "output": "No %s in the submission: name your file %s."
                                         % (" or ".join(item["files"]), item["file"])})
        lines.append("%s: missing %s" % (item["id"], item["file"]))
        continue
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.json"
        args = [command, "check", str(found[0]), "--grading", "--exercise", item["id"],
                "--problems", str(source / "problems"), "--format", "gradescope", "--output", str(out)]
        if student:
            args += ["--student", student]
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=item.get("timeout", 600))
        try:
            part = json.loads(out.read_text())
        except (OSError, ValueError):
            reason = (proc.stderr.strip().splitlines() or ["the grader failed"])[-1]
            part = {"score": 0, "max_score": item["points"], "output": reason,
                    "tests": [{"name": item["id"], "score": 0, "max_score": item["points"], "status": "failed", "output": reason}]}
    total["score"] += float(part.get("score") or 0)
    total["max_score"] += float(part.get("max_score") or item["points"])
    for test in part.get("tests", []):
        if len(problems) > 1:
            test["name"] = "%s: %s" % (item["id"], test.get("name"))
        total["tests"].append(test)
    lines.append(str(part.get("output", "")))
total["output"] = "\\n".join(line for line in lines if line)
(results / "results.json").write_text(json.dumps(total, indent=2))
'''


def gradescope_bundle(ids=(), problems=(), package: str | None = None) -> bytes:
    """The autograder zip: setup.sh (installs the wheel of the running gradquiz that the zip holds,
    or ``package``), run_autograder, grade.py, problems.json and problems/."""
    from grader.batch.classroom import submission_names
    from grader.batch.wheel import build_wheel

    chosen = _problems(ids, problems)
    manifest = [{"id": pid, "kind": kind, "points": points, "file": submission_name(pid, kind),
                 "files": submission_names(pid, kind)} for pid, _, kind, points in chosen]
    wheel = build_wheel() if package is None else None
    spec = f'"$ROOT/source/{wheel[0]}"' if wheel else shlex.quote(package or "gradquiz")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        def add(name, text, mode=0o644):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)

        add("setup.sh", SETUP.format(spec=spec), 0o755)
        if wheel:
            add(wheel[0], wheel[1])
        add("run_autograder", RUN, 0o755)
        add("grade.py", GRADE)
        add("problems.json", json.dumps(manifest, indent=2) + "\n")
        for _pid, path, _, _ in chosen:
            add(f"problems/{path.name}", path.read_text(encoding="utf-8"))
    return buffer.getvalue()

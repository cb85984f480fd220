"""Ready-made CI for a course: a GitHub Classroom autograding workflow (``gradquiz ci github``)
and a Gradescope autograder bundle (``gradquiz ci gradescope``).

The workflow gives each problem a GitHub Classroom ``autograding-command-grader`` step (its
points when ``gradquiz check`` exits 0) and a feedback step whose ``gradquiz check`` runs under
``GITHUB_ACTIONS=true``: annotations on the student's lines and a summary table with every
task's points. The bundle holds ``setup.sh`` (installs gradquiz), ``run_autograder`` (grades
``/autograder/submission`` in grading mode into ``/autograder/results/results.json``; the root is
``$GRADQUIZ_AUTOGRADER_ROOT`` when set) and the problem files.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import yaml

from grader.batch.layout import problem_index
from grader.errors import GradquizError
from grader.problems.yamlio import load_yaml


def _problems(ids, problems) -> list[tuple[str, Path, str, float]]:
    """(id, file, kind, max points) of each chosen problem; with no id, all of ``--problems``, or
    with neither, every problem grading mode finds (``GRADQUIZ_PATH`` and the bundled course)."""
    index = problem_index(problems)
    if not ids:
        chosen = []
        for file in sorted({index[k][0] for k in index}):
            if not problems or any(Path(p).resolve() in (file.resolve(), file.resolve().parent) for p in problems):
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


def github_workflow(ids=(), problems=(), problems_repo: str | None = None, package: str = "gradquiz") -> str:
    """The text of ``.github/workflows/classroom.yml``."""
    chosen = _problems(ids, problems)
    flags = " --problems .gradquiz-problems" if problems_repo else ""
    setup = f"pip install '{package}'"
    steps: list[dict] = [{"name": "Checkout code", "uses": "actions/checkout@v4"}]
    if problems_repo:
        steps.append({
            "name": "Checkout the problem files",
            "uses": "actions/checkout@v4",
            "with": {"repository": problems_repo, "path": ".gradquiz-problems",
                     "token": "${{ secrets.GRADQUIZ_PROBLEMS_TOKEN || github.token }}"},
        })
    steps += [
        {"uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}},
        {"name": "Install gradquiz", "run": setup},
    ]
    runners = []
    for pid, _, kind, points in chosen:
        step_id = "".join(c if c.isalnum() else "-" for c in pid).lower()
        runners.append(step_id)
        steps.append({
            "name": pid,
            "id": step_id,
            "uses": "classroom-resources/autograding-command-grader@v1",
            "with": {"test-name": pid, "setup-command": "", "timeout": 10, "max-score": int(points) if points == int(points) else points,
                     "command": f"gradquiz check {submission_name(pid, kind)}{flags}"},
        })
    feedback = "".join(f"gradquiz check {submission_name(pid, kind)}{flags} --output gradquiz-{pid}.xml || true\n"
                       for pid, _, kind, _ in chosen)
    steps.append({"name": "Feedback (annotations and summary)", "if": "always()", "run": feedback})
    steps.append({
        "name": "Autograding Reporter",
        "uses": "classroom-resources/autograding-grading-reporter@v1",
        "env": {f"{r.upper().replace('-', '_')}_RESULTS": "${{steps.%s.outputs.result}}" % r for r in runners},
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
    header = "# GitHub Classroom autograding for gradquiz problems (written by `gradquiz ci github`).\n"
    return header + yaml.dump(workflow, Dumper=_Dumper, sort_keys=False, width=1000)


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (a step's script) as literal blocks, as people write workflows."""


def _text(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


SETUP = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (Ubuntu, as root).
set -euo pipefail
apt-get update -q && apt-get install -y -q python3 python3-pip python3-venv
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet {package}
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
    found = [p for p in sorted(submission.rglob(item["file"])) if p.is_file() and not p.is_symlink()]
    if not found:
        total["max_score"] += item["points"]
        total["tests"].append({"name": item["id"], "score": 0, "max_score": item["points"], "status": "failed",
                               "output": "No %s in the submission: name your file %s." % (item["file"], item["file"])})
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


def gradescope_bundle(ids=(), problems=(), package: str = "gradquiz") -> bytes:
    """The autograder zip: setup.sh, run_autograder, grade.py, problems.json and problems/."""
    chosen = _problems(ids, problems)
    manifest = [{"id": pid, "kind": kind, "points": points, "file": submission_name(pid, kind)}
                for pid, _, kind, points in chosen]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        def add(name, text, mode=0o644):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)

        add("setup.sh", SETUP.format(package=package), 0o755)
        add("run_autograder", RUN, 0o755)
        add("grade.py", GRADE)
        add("problems.json", json.dumps(manifest, indent=2) + "\n")
        for pid, path, _, _ in chosen:
            add(f"problems/{path.name}", path.read_text(encoding="utf-8"))
    return buffer.getvalue()

"""Run a GitHub Actions workflow's job the way a runner does, on this machine, for the tests.

Its steps run in order: ``run:`` steps with ``bash --noprofile --norc -eo pipefail`` in the step's
``working-directory``; ``uses:`` steps of the GitHub Classroom actions by running their own
``src/main.js`` with node, inputs as ``INPUT_<NAME>``; ``actions/checkout`` by copying a folder
(the student's repository, or the repository the step names) and ``actions/setup-python`` by
using this Python. Each step gets ``GITHUB_OUTPUT``, ``GITHUB_ENV``, ``GITHUB_PATH`` and
``GITHUB_STEP_SUMMARY`` files, read back as the runner reads them (outputs, environment and
PATH for later steps, the summary), and ``${{ }}`` expressions of the forms the workflows use
(``secrets.X``, ``github.X``, ``steps.ID.outputs.X``, ``a || b``, string literals).

The Classroom actions' code is not ours and is never copied into the repository: it is read
from a checkout (``GRADQUIZ_CLASSROOM_ACTIONS``: a folder holding ``autograding-grading-reporter``
and ``autograding-command-grader``) or this machine's mirror, and their npm dependencies are
installed once into a cache folder with ``npm ci --omit=dev``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ACTIONS = ("autograding-grading-reporter", "autograding-command-grader")
MIRROR = Path("/work/.mirror")
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "gradquiz-tests" / "classroom-actions"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _source(name: str) -> tuple[str, object] | None:
    """('dir', path) of a checkout, or ('git', git dir) of the mirror, of one Classroom action."""
    given = os.environ.get("GRADQUIZ_CLASSROOM_ACTIONS")
    if given and (Path(given) / name / "src" / "main.js").is_file():
        return "dir", Path(given) / name
    git = MIRROR / f"classroom-resources+{name}" / "repo"
    if git.is_dir():
        return "git", git
    return None


def missing() -> str | None:
    """Why the workflow cannot be run here (one line), or None."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm are not installed (the Classroom actions run on node 20)"
    version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    if not version.startswith("v") or int(version[1:].split(".")[0]) < 20:
        return f"node {version} is too old: the Classroom actions run on node 20"
    for name in ACTIONS:
        if _source(name) is None:
            return (f"the Classroom action {name} is not on this machine: git clone "
                    f"https://github.com/classroom-resources/{name} into a folder DIR/{name} and set "
                    "GRADQUIZ_CLASSROOM_ACTIONS=DIR")
    return None


def prepare() -> dict[str, Path]:
    """Each action's folder with its npm dependencies (installed once, cached by commit)."""
    out = {}
    for name in ACTIONS:
        kind, where = _source(name)
        if kind == "dir":
            folder = Path(where)
            if not (folder / "node_modules").is_dir():
                _npm(folder)
            out[name] = folder
            continue
        commit = subprocess.run(["git", "-C", str(where), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
        folder = CACHE / f"{name}-{commit[:12]}"
        if not (folder / "node_modules" / ".package-lock.json").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            archive = subprocess.run(["git", "-C", str(where), "archive", "HEAD"], capture_output=True,
                                     check=True).stdout
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(folder, filter="data")
                else:  # Python < 3.10.12: a git archive of a public repository we read anyway
                    tar.extractall(folder)
            _npm(folder)
        out[name] = folder
    return out


def _npm(folder: Path) -> None:
    subprocess.run(["npm", "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=folder, check=True, capture_output=True, timeout=600)


@dataclass
class Step:
    name: str
    output: str  # stdout and stderr, as the log shows them
    code: int
    outputs: dict = field(default_factory=dict)
    summary: str = ""


@dataclass
class Run:
    steps: list[Step]

    @property
    def log(self) -> str:
        return "".join(s.output for s in self.steps)

    @property
    def summary(self) -> str:
        return "".join(s.summary for s in self.steps)

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)

    def points(self) -> tuple[float, float]:
        """The reporter's ``Points X/Y`` notice, as GitHub Classroom reads it."""
        found = re.findall(r"^::notice title=Autograding complete::Points ([0-9.e+-]+)/([0-9.e+-]+)$", self.log, re.M)
        assert len(found) == 1, self.log[-3000:]
        return float(found[0][0]), float(found[0][1])


def _file_commands(path: Path) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as @actions/core and scripts write them."""
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").split("\n") if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            out[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


class Runner:
    """One job of a workflow, run in ``root`` (the runner's work folder)."""

    def __init__(self, root: Path, actions: dict[str, Path], *, repositories: dict[str, Path], secrets: dict[str, str],
                 actor: str, temp: Path | None = None, env: dict[str, str] | None = None):
        self.root, self.actions, self.repositories, self.secrets = root, actions, repositories, secrets
        self.machine_env = dict(env or {})  # the runner machine's own settings, under every step's
        self.workspace = root / "workspace"
        self.temp = temp or root / "temp"
        self.github = {"actor": actor, "token": "ghs_fake_token", "workspace": str(self.workspace),
                       "repository": f"classroom/assignment-{actor}"}
        self.outputs: dict[str, dict] = {}
        self.env: dict[str, str] = {}
        self.path: list[str] = []

    def expand(self, value) -> str:
        if not isinstance(value, str):
            return "true" if value is True else "false" if value is False else str(value)
        return EXPRESSION.sub(lambda m: self._evaluate(m.group(1)), value)

    def _evaluate(self, expression: str) -> str:
        for part in (p.strip() for p in expression.split("||")):
            value = self._operand(part)
            if value:
                return value
        return ""

    def _operand(self, text: str) -> str:
        if text[:1] == "'" and text[-1:] == "'":
            return text[1:-1]
        head, _, rest = text.partition(".")
        if head == "secrets":
            return self.secrets.get(rest, "")
        if head == "github":
            return self.github[rest]
        if head == "steps":
            step_id, kind, name = rest.split(".")
            assert kind == "outputs", text
            return self.outputs.get(step_id, {}).get(name, "")
        raise AssertionError(f"expression not understood by the test runner: {text}")

    def run(self, workflow_file: Path, student_repo: Path) -> Run:
        workflow = yaml.safe_load(workflow_file.read_text())
        (job,) = workflow["jobs"].values()
        assert job["if"] == "github.actor != 'github-classroom[bot]'"
        assert self.github["actor"] != "github-classroom[bot]"
        self.workspace.mkdir(parents=True)
        self.temp.mkdir(parents=True, exist_ok=True)
        steps = []
        for number, spec in enumerate(job["steps"]):
            assert "if" not in spec, f"step {spec.get('name')}: `if` is not simulated"
            step = self._step(number, spec, student_repo)
            steps.append(step)
            if step.code != 0:
                break  # a failed step ends the job (no step asks to run always)
        return Run(steps)

    def _base_env(self, number: int) -> tuple[dict, dict[str, Path]]:
        files = {kind: self.root / "files" / f"{number}_{kind.lower()}" for kind in
                 ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY")}
        for path in files.values():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
        system = os.environ.get("PATH", "")
        python_bin = str(Path(sys.executable).parent)  # setup-python: this Python first on PATH
        env = {"PATH": os.pathsep.join([*reversed(self.path), python_bin, system]),
               "HOME": os.environ.get("HOME", "/root"),
               "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(self.workspace),
               "GITHUB_ACTOR": self.github["actor"], "GITHUB_REPOSITORY": self.github["repository"],
               "RUNNER_TEMP": str(self.temp), "RUNNER_OS": "Linux", "LANG": "C.UTF-8", **self.machine_env}
        env.update(self.env)
        env.update({k: str(v) for k, v in files.items()})
        return env, files

    def _step(self, number: int, spec: dict, student_repo: Path) -> Step:
        name = spec.get("name") or spec.get("uses") or spec.get("run", "").split("\n")[0]
        env, files = self._base_env(number)
        env.update({k: self.expand(v) for k, v in (spec.get("env") or {}).items()})
        inputs = {k: self.expand(v) for k, v in (spec.get("with") or {}).items()}
        if "run" in spec:
            cwd = self.workspace / spec.get("working-directory", ".")
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", spec["run"]], cwd=cwd,
                                  env=env, capture_output=True, text=True, timeout=900)
            code, output = proc.returncode, proc.stdout + proc.stderr
        else:
            code, output = self._uses(spec["uses"], inputs, env, student_repo)
        step = Step(name, output, code, _file_commands(files["GITHUB_OUTPUT"]),
                    files["GITHUB_STEP_SUMMARY"].read_text())
        if spec.get("id"):
            self.outputs[spec["id"]] = step.outputs
        self.env.update(_file_commands(files["GITHUB_ENV"]))
        self.path += [line for line in files["GITHUB_PATH"].read_text().splitlines() if line.strip()]
        return step

    def _uses(self, uses: str, inputs: dict, env: dict, student_repo: Path) -> tuple[int, str]:
        action = uses.split("@")[0]
        if action == "actions/checkout":
            repository = inputs.get("repository")
            source = student_repo if repository is None else self.repositories[repository]
            if repository is not None:
                assert inputs.get("token") == self.secrets.get("GRADQUIZ_PROBLEMS_TOKEN"), inputs
            shutil.copytree(source, self.workspace / inputs.get("path", "."), dirs_exist_ok=True, symlinks=True)
            return 0, f"checked out {repository or 'the student repository'}\n"
        if action == "actions/setup-python":
            assert inputs.get("python-version"), inputs
            return 0, f"using {sys.executable} for Python {inputs['python-version']}\n"
        owner, _, name = action.partition("/")
        assert owner == "classroom-resources" and name in self.actions, f"action not simulated: {uses}"
        folder = self.actions[name]
        defaults = yaml.safe_load((folder / "action.yml").read_text()).get("inputs", {})
        for key, spec in defaults.items():
            if key not in inputs and isinstance(spec, dict) and "default" in spec:
                inputs[key] = self.expand(str(spec["default"]))
        env = dict(env, **{f"INPUT_{k.replace(' ', '_').upper()}": v for k, v in inputs.items()})
        proc = subprocess.run(["node", str(folder / "src" / "main.js")], cwd=self.workspace, env=env,
                              capture_output=True, text=True, timeout=900)
        # @actions/core's setFailed sets process.exitCode = 1
        return proc.returncode, proc.stdout + proc.stderr

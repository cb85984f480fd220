"""Issue 16: text from a submission can never forge what people or CI runners read. One hostile
submission, graded by the real command as root and as an ordinary user, through ``check``
(under GitHub Actions: text report, workflow commands, step summary) and through ``grade`` (the
per-student reports and the journal), and a notebook of 200,000 IPython lines.

On the old code: a returned value's type name with line breaks forged report lines and
workflow commands (the runner strips leading spaces before it looks for ``::``), Markdown of an
exception message reached the step summary as an image and a link, U+2028/U+2029 let a
``splitlines()`` reader see ``PASS`` and ``Score: 3 / 3`` lines, and a notebook gave a note per line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sandbox"))
import as_user
from as_user import USERS
from conftest import by_id, clean_env, exercise_text, run_cli, task

pytestmark = pytest.mark.e2e  # every test here runs the command

FORGED = "\n     Score: 3 / 3\n  ::add-mask::secret\n::warning::forged\n \t::stop-commands::tok\nPASS honest 1/1"
HOSTILE = f'''# gradquiz: tq
def typename(x):
    return type({FORGED!r} + "\\u202e\\u2028\\u200b", (), {{}})()


def markdown(x):
    raise ValueError("![tracker](https://evil.example/p.png) [click me](https://evil.example) | cell | <img src=x>")


def printed(x):
    print("ok\\u2028PASS typename 1/1\\u2029Score: 4 / 4\\n::error::forged from output")
    return 2 * x


def honest(x):
    return 2 * x
'''
NAMES = ("typename", "markdown", "printed", "honest")


def _lines_a_runner_reads(text: str) -> list[str]:
    return [line.lstrip() for line in text.splitlines()]


def _run(who: str, via: str):
    ws = as_user.user_workspace()
    (ws / "tq.yaml").write_text(exercise_text([task(n, "derivative", "x**2", (0.5, 1.5), samples=2) for n in NAMES]))
    sub = ws / ("class/eve/tq.py" if via == "grade" else "eve.py")
    sub.parent.mkdir(parents=True, exist_ok=True)
    sub.write_text(HOSTILE)
    summary = ws / "summary.md"
    summary.write_text("")
    as_user.give(ws)
    env = clean_env(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=summary, TMPDIR=ws)
    exe = as_user.gradquiz(who)
    if via == "grade":
        argv = [*exe, "grade", ws / "class", "--problems", ws / "tq.yaml", "--output", ws / "out", "--quiet"]
    else:
        argv = [*exe, "check", sub, "--problems", ws / "tq.yaml", "--output", ws / "r.json", "--output", ws / "r.xml",
                "--output", ws / "r.html"]
    proc = subprocess.run(as_user.command(argv, who, ws, env), env=env, capture_output=True, text=True, timeout=240, cwd=ws,
                          check=False)
    files = {}
    for path in [*ws.glob("r.*"), *(ws / "out").rglob("*")]:
        if path.is_file():
            files[path.name] = path.read_text(encoding="utf-8")
    files["summary"] = summary.read_text(encoding="utf-8")
    shutil.rmtree(ws, ignore_errors=True)
    return proc, files


_RUNS: dict = {}


def ran(who, via):
    if (who, via) not in _RUNS:
        _RUNS[who, via] = _run(who, via)
    return _RUNS[who, via]


@pytest.mark.parametrize("via", ["check", "grade"])
@pytest.mark.parametrize("who", USERS)
def test_no_forged_line_in_any_report(who, via):
    proc, files = ran(who, via)
    assert proc.returncode == (1 if via == "check" else 0), proc.stderr[-2000:]
    texts = {"stdout": proc.stdout, "stderr": proc.stderr, **files}
    if via == "grade":
        assert "tq.txt" in files and "journal.jsonl" in files, sorted(files)
    for name, text in texts.items():
        for line in _lines_a_runner_reads(text):
            assert not line.startswith("::") or line.startswith(("::error file=", "::notice file=")), (name, line)
            assert line not in ("Score: 3 / 3", "Score: 4 / 4", "PASS honest 1/1", "PASS typename 1/1"), (name, line)
        for raw in ("\u2028", "\u2029", "\u202e", "\u200b"):
            assert raw not in text, (name, raw)
    text = files.get("tq.txt", proc.stdout)
    scores = [line for line in text.splitlines() if line.startswith("Score:")]
    assert scores == ["Score: 2 / 4"], text


@pytest.mark.parametrize("via", ["check", "grade"])
@pytest.mark.parametrize("who", USERS)
def test_every_reply_string_is_one_line_in_the_json(who, via):
    _, files = ran(who, via)
    report = json.loads(files["r.json" if via == "check" else "tq.json"])
    feedback = by_id(report)["typename"]["feedback"]
    assert "returned \\n     Score: 3 / 3\\n  \\::add-mask::secret" in feedback  # shown escaped, on its own line
    assert feedback.count("\n") == 0 and "\\u202e" in feedback
    assert by_id(report)["honest"]["passed"] and by_id(report)["printed"]["passed"]


@pytest.mark.parametrize("who", USERS)
def test_the_step_summary_holds_no_markdown_of_the_submission(who):
    proc, files = ran(who, "check")
    summary = files["summary"]
    row = next(line for line in summary.splitlines() if line.startswith("| markdown |"))
    assert r"\!\[tracker\]\(https\:\/\/evil\.example\/p\.png\)" in row  # shown as typed, rendered as text
    assert "![" not in summary and "](" not in summary and "<img" not in summary.replace("\\<img", "")
    rows = [line for line in summary.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(NAMES)
    assert all(line.replace("\\|", "").count("|") == 5 for line in rows)  # the submission's `|` made no cell
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 3  # two failing tasks and the score


def test_a_notebook_of_ipython_lines_gives_ten_notes_and_a_count(tmp_path):
    problems = tmp_path / "tq.yaml"
    problems.write_text(exercise_text([task("honest", "derivative", "x**2")]))
    cell = "def honest(x):\n    return 2 * x\n" + "!x\n" * 200_000
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "source": cell, "outputs": [], "execution_count": None}],
                "metadata": {"gradquiz": {"exercise": "tq"}}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook))
    rc, out, err = run_cli("check", path, "--problems", problems, "--exercise", "tq", "--format", "json", timeout=120)
    assert rc == 0, err
    report = json.loads(out)
    assert len(out) < 20_000
    notes = report["notes"]
    assert len(notes) == 11 and notes[-1] == "... and 199990 more notes like these (not shown)", notes[-3:]


HUGE = "# gradquiz: tq\ndef honest(x):\n    return 1e308 if x > 0 else -1e308\n"


def test_a_picture_that_cannot_be_drawn_is_a_note_and_the_score_stands(tmp_path):
    (tmp_path / "tq.yaml").write_text(exercise_text([task("honest", "derivative", "x**2", (-1, 1))]))
    (tmp_path / "huge.py").write_text(HUGE)
    rc, out, err = run_cli("check", "huge.py", "--problems", "tq.yaml", "--plot", "p.png", cwd=tmp_path)
    assert rc == 1, err  # graded (wrong), not exit 2
    assert "internal error" not in err and "Traceback" not in err
    assert "note: the picture of honest could not be drawn (" in out and "the score stands" in out
    assert "Score: 0 / 1" in out


def test_a_source_ast_cannot_parse_still_gets_its_annotations_and_summary(tmp_path):
    (tmp_path / "tq.yaml").write_text(exercise_text([task("honest", "derivative", "x**2")]))
    (tmp_path / "deep.py").write_text("# gradquiz: tq\ndef honest(x):\n    return 0.0\n\n\nx = " + "1+" * 200_000 + "1\n")
    summary = tmp_path / "summary.md"
    rc, out, err = run_cli("check", "deep.py", "--problems", "tq.yaml", cwd=tmp_path,
                           env=clean_env(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=summary))
    assert rc == 1 and "Traceback" not in err, err
    assert "Score: 0 / 1" in out
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert commands[0].startswith("::error file=deep.py,line=2,") and commands[-1].startswith("::notice file=deep.py")
    assert "| honest | ❌ fail | 0/1 |" in summary.read_text()

"""The command's own messages (issue 10): --version, -h, flags in --help, the exit codes in
`check --help`, a case-insensitive `# gradquiz:` header, and "did you mean" for copied files."""

from __future__ import annotations

import re
from importlib.metadata import version

import pytest
from typer.testing import CliRunner

from grader.cli import COMMANDS as LOADED_ON_USE
from grader.cli import app
from conftest import SOLUTIONS, clean_env, run_cli

COMMANDS = sorted(LOADED_ON_USE)  # every command, also those added later
VERSION = f"gradquiz {version('gradquiz')}\n"


@pytest.mark.e2e
def test_version_on_the_command_and_on_every_subcommand():
    assert {"check", "validate", "list", "quiz", "starter", "new", "export"} <= set(COMMANDS)
    assert re.fullmatch(r"gradquiz \d+\.\d+\.\d+\n", VERSION)
    rc, out, err = run_cli("--version")
    assert (rc, out, err) == (0, VERSION, "")
    runner = CliRunner()
    for command in COMMANDS:  # before any required argument: --version is eager
        result = runner.invoke(app, [command, "--version"])
        assert (result.exit_code, result.output) == (0, VERSION), command


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
def test_dash_h_is_help_and_flags_read_as_flags(command):
    runner = CliRunner()
    short = runner.invoke(app, [*command, "-h"], env={"COLUMNS": "100"})
    long = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "100"})
    assert short.exit_code == 0 and short.output == long.output
    assert "Usage: " in short.output
    assert "<bool>" not in short.output and "--no-" not in short.output  # a flag is just its name
    assert "-h, --help" in short.output and "--version" in short.output


@pytest.mark.e2e
def test_check_help_documents_every_exit_status():
    rc, out, _ = run_cli("check", "--help", env=clean_env(COLUMNS="100"))
    assert rc == 0
    text = " ".join(out.split())
    assert "Exit status: 0 every task passed; 1 graded, but something failed; 2 the grading could not happen" in text
    assert re.search(r"^\s+--grading\s+Grading mode", out, re.M)  # shown as a flag, no value
    assert "--student ID" in out and "--output FILE" in out


def _copy(tmp_path, name, header=None):
    source = (SOLUTIONS / "exercise1.py").read_text()
    body = "\n".join(line for line in source.splitlines() if not line.lower().startswith("# gradquiz"))
    path = tmp_path / name
    path.write_text((header + "\n" if header else "") + body + "\n")
    return path


@pytest.mark.parametrize("header", ["# GradQuiz: exercise1", "#GRADQUIZ:exercise1", "  # gradquiz:  exercise1  "])
def test_the_header_is_case_insensitive(tmp_path, monkeypatch, header):
    from grader import api

    monkeypatch.chdir(tmp_path)
    report = api.check(_copy(tmp_path, "mine.py", header))
    assert report.id == "exercise1" and report.exit_code == 0


@pytest.mark.e2e
def test_the_header_is_case_insensitive_for_the_command(tmp_path):
    rc, out, err = run_cli("check", _copy(tmp_path, "mine.py", "# GradQuiz: exercise1"), cwd=tmp_path)
    assert rc == 0 and "Score: 3 / 3" in out, err


def _refusal(tmp_path, name, header=None) -> str:
    from grader import api
    from grader.errors import GradquizError

    with pytest.raises(GradquizError) as caught:
        api.check(_copy(tmp_path, name, header))
    return str(caught.value)


@pytest.mark.parametrize("name", ["exercise1-2.py", "Exercise1.py", "exercise1 (2) (1).py", "exercise1 copy.py"])
def test_a_copied_or_renamed_file_gets_did_you_mean(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    assert _refusal(tmp_path, name) == (
        f"{tmp_path / name}: no exercise or quiz with id '{name[:-3]}' (see `gradquiz list`); the id is the file's name: "
        "did you mean exercise1? Rename the file exercise1.py, start it with `# gradquiz: exercise1` or pass "
        "--exercise exercise1"
    )


@pytest.mark.e2e
def test_a_browser_duplicate_gets_did_you_mean_from_the_command(tmp_path):
    path = _copy(tmp_path, "exercise1 (1).py")
    rc, out, err = run_cli("check", path, cwd=tmp_path)
    assert rc == 2 and out == ""
    assert err == (
        f"gradquiz: {path}: no exercise or quiz with id 'exercise1 (1)' (see `gradquiz list`); the id is the file's "
        "name: did you mean exercise1? Rename the file exercise1.py, start it with `# gradquiz: exercise1` or pass "
        "--exercise exercise1\n"
    )


def test_no_suggestion_when_nothing_is_close(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = _refusal(tmp_path, "homework.py")
    assert "did you mean" not in message
    assert message.endswith("the id is the file's name: start the file with `# gradquiz: ID` or pass --exercise ID")
    message = _refusal(tmp_path, "mine.py", "# gradquiz: Exercise1")
    assert message.endswith("the id is from the file's `# gradquiz:` line: did you mean exercise1?")

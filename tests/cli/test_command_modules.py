"""The command wing's modules, in process (typer's CliRunner on each module's own app, capsys
for the Typer-free paths): grader.cli.check, authoring, classes and quiz, the shared options
(one line and exit 2 for a user's mistake), version and listing."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from conftest import EXERCISES, SOLUTIONS
from grader.cli import authoring, check, classes, quiz
from grader.cli.listing import ANSI, echo, print_catalogue
from grader.cli.options import emit, typer_app, user_errors
from grader.cli.version import _dist_info_version, version
from grader.errors import GradquizError

runner = CliRunner()


def test_check_grades_and_exits_by_the_score():
    args = ["--problems", str(EXERCISES), "--format", "json"]
    right = runner.invoke(check.app, [str(SOLUTIONS / "exercise1.py"), *args])
    assert right.exit_code == 0, right.output
    report = json.loads(right.stdout)
    assert report["id"] == "exercise1" and report["score"] == report["max_score"] > 0
    wrong = runner.invoke(check.app, [str(SOLUTIONS / "exercise1_wrong.py"), "--problems", str(EXERCISES)])
    assert wrong.exit_code == 1 and "Score:" in wrong.stdout


def test_check_of_a_missing_file_is_one_line_and_exit_2(tmp_path):
    result = runner.invoke(check.app, [str(tmp_path / "nowhere.py")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("gradquiz: ")
    assert "nowhere.py" in result.stderr


def test_authoring_lists_and_validates(tmp_path):
    broken = "  - {id: f, kind: function, function: f, f: 'x +* 2', domain: [-1, 1]}\n"
    (tmp_path / "broken.yaml").write_text("id: b\ntitle: B\ntasks:\n" + broken)
    listed = runner.invoke(authoring.app, ["list", "--problems", str(EXERCISES)])
    assert listed.exit_code == 0 and re.search(r"^exercise1\s+exercise\s+", listed.stdout, re.M)
    checked = runner.invoke(authoring.app, ["validate", str(tmp_path / "broken.yaml")])
    assert checked.exit_code == 2 and "cannot read formula" in checked.stderr and checked.stdout == ""
    good = runner.invoke(authoring.app, ["validate", str(EXERCISES / "exercise1.yaml")])
    assert good.exit_code == 0 and good.stdout.startswith(f"{EXERCISES / 'exercise1.yaml'}: ok (")


def test_classes_refuse_bad_options_in_one_line(tmp_path):
    (tmp_path / "subs").mkdir()
    result = runner.invoke(classes.app, ["grade", str(tmp_path / "subs"), "--output", str(tmp_path / "out"),
                                         "--executor", "gpu"])
    assert result.exit_code == 2
    assert "gpu" in result.stderr and "Traceback" not in result.output


def test_quiz_of_an_unknown_id_is_exit_2():
    result = runner.invoke(quiz.app, ["no-such-quiz"])
    assert result.exit_code == 2 and result.stderr.startswith("gradquiz: ") and "no-such-quiz" in result.stderr


def test_user_errors_is_one_line_and_exit_2_and_bugs_keep_their_traceback():
    app = typer_app()

    @app.command()
    @user_errors
    def run(what: str) -> None:
        if what == "mistake":
            raise GradquizError("bad value", "f.yaml", 3)
        raise RuntimeError("a bug")

    mistake = runner.invoke(app, ["mistake"])
    assert (mistake.exit_code, mistake.stderr) == (2, "gradquiz: f.yaml:3: bad value\n")
    bug = runner.invoke(app, ["bug"])
    assert bug.exit_code == 1 and isinstance(bug.exception, RuntimeError)
    assert runner.invoke(app, ["-h"]).exit_code == 0


def test_emit_prints_or_writes_a_new_file_only(tmp_path, capsys):
    emit("text\n", None, False)
    assert capsys.readouterr().out == "text\n"
    emit("one\n", tmp_path / "t.yaml", False)
    assert (tmp_path / "t.yaml").read_text() == "one\n" and "wrote" in capsys.readouterr().err
    with pytest.raises(GradquizError, match="exists"):
        emit("two\n", tmp_path / "t.yaml", False)
    emit("two\n", tmp_path / "t.yaml", True)
    assert (tmp_path / "t.yaml").read_text() == "two\n"


def test_the_version_is_the_installed_distributions():
    found = _dist_info_version()
    assert found and re.fullmatch(r"\d+\.\d+(\.\d+)?\S*", found)
    assert version() == f"gradquiz {found}"


def test_listing_without_typer(tmp_path, capsys):
    (tmp_path / "ex.yaml").write_text("id: mine\ntitle: Mine\ntasks: []\n")
    (tmp_path / "notes.yaml").write_text("- a list\n")
    print_catalogue([tmp_path])
    out, err = capsys.readouterr()
    assert re.search(r"^mine\s+exercise\s+Mine\s+\(", out, re.M)
    assert f"gradquiz: warning: {tmp_path / 'notes.yaml'}: not an exercise or quiz file" in err
    echo("\033[31mred\033[0m")  # not a terminal: no escape codes
    assert capsys.readouterr().out == "red\n"
    assert ANSI.sub("", "\033[1;31mx\033[0m") == "x"

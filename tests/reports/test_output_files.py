"""Reports (and saved answers) are written safely, and written even when grading cannot happen:
never through a symbolic link, never into a FIFO or device, atomically, with a sane mode; on
exit 2 a report of score 0 carries the one-line reason."""

from __future__ import annotations

import json
import os
import shlex
import stat
import xml.etree.ElementTree as ET

import pytest

from conftest import SOLUTIONS, run_cli, run_cli_many

FORMATS = ["text", "json", "junit", "gradescope"]


@pytest.fixture
def repo(tmp_path):
    """A student's repository holding their submission."""
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "exercise1.py").write_text((SOLUTIONS / "exercise1.py").read_text())
    return folder


@pytest.mark.e2e
@pytest.mark.skipif(os.geteuid() != 0, reason="the case from the issue: root overwriting another user's 0600 file")
@pytest.mark.parametrize("format", FORMATS)
def test_a_planted_symlink_never_lets_root_overwrite_a_private_file(repo, tmp_path, format):
    private = tmp_path / "secret.txt"
    private.write_text("the instructor's private file\n")
    os.chmod(private, 0o600)
    os.chown(private, 12345, 12345)  # another user's file, which root can write
    (repo / "report.out").symlink_to(private)
    rc, out, err = run_cli("check", "exercise1.py", "--format", format, "--output", "report.out", cwd=repo)
    assert (rc, out) == (2, "")
    assert err == "gradquiz: report.out: is a symbolic link; refusing to write the report through it\n"
    assert private.read_text() == "the instructor's private file\n"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and os.path.islink(repo / "report.out")


@pytest.mark.e2e
def test_a_symlink_at_the_target_is_refused_for_any_user(repo, tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text("untouched")
    (repo / "r.json").symlink_to(target)
    dangling = repo / "d.json"
    dangling.symlink_to(tmp_path / "nothing-here.json")
    for name in ("r.json", "d.json"):
        rc, out, err = run_cli("check", "exercise1.py", "--format", "json", "--output", name, cwd=repo)
        assert (rc, err) == (2, f"gradquiz: {name}: is a symbolic link; refusing to write the report through it\n")
    assert target.read_text() == "untouched"
    assert not (tmp_path / "nothing-here.json").exists()


@pytest.mark.e2e
def test_a_fifo_at_the_target_is_refused_without_opening_it(repo):
    os.mkfifo(repo / "pipe.json")
    # the timeout only bounds a regression (a writer blocked on the FIFO forever)
    rc, out, err = run_cli("check", "exercise1.py", "--format", "json", "--output", "pipe.json", cwd=repo, timeout=60)
    assert (rc, out) == (2, "")
    assert err == (
        "gradquiz: pipe.json: is not a regular file (a FIFO, device or socket); refusing to write the report to it\n"
    )


@pytest.mark.e2e
def test_a_device_at_the_target_is_refused(repo):
    rc, out, err = run_cli("check", "exercise1.py", "--output", "/dev/null", cwd=repo)
    assert (rc, err) == (2, "gradquiz: /dev/null: is not a regular file (a FIFO, device or socket); "
                            "refusing to write the report to it\n")


@pytest.mark.e2e
def test_a_symlinked_folder_inside_the_students_folder_is_refused(repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "results").symlink_to(outside, target_is_directory=True)
    rc, out, err = run_cli("check", "exercise1.py", "--format", "json", "--output", "results/r.json", cwd=repo)
    assert rc == 2
    assert err == (
        f"gradquiz: {repo / 'results'}: is a symbolic link to a folder; refusing to write the report through it\n"
    )
    assert list(outside.iterdir()) == []


@pytest.mark.e2e
def test_a_linked_folder_outside_the_current_folder_is_the_machines_and_is_followed(repo, tmp_path):
    real = tmp_path / "real-results"
    real.mkdir()
    (tmp_path / "results").symlink_to(real, target_is_directory=True)
    rc, out, err = run_cli("check", "exercise1.py", "--format", "json", "--output", tmp_path / "results" / "r.json", cwd=repo)
    assert rc == 0, err
    assert json.loads((real / "r.json").read_text())["passed"] is True


@pytest.mark.e2e
def test_a_report_replaces_the_old_one_atomically_with_a_sane_mode(repo, tmp_path):
    target = repo / "report.json"
    target.write_text("old")
    other = tmp_path / "hardlink.json"
    os.link(target, other)  # a hard link planted to the old report keeps the old text
    rc, out, err = run_cli("check", "exercise1.py", "--format", "json", "--output", "report.json", cwd=repo)
    assert (rc, out) == (0, ""), err
    assert json.loads(target.read_text())["score"] == 3
    assert other.read_text() == "old"
    mode = stat.S_IMODE(target.stat().st_mode)
    assert mode & 0o002 == 0 and mode & 0o600 == 0o600
    assert sorted(p.name for p in repo.iterdir()) == ["exercise1.py", "report.json"]  # no temp file left


@pytest.mark.e2e
def test_the_mode_follows_the_umask_and_is_never_world_writable(repo):
    import subprocess

    from conftest import GRADQUIZ, clean_env

    command = shlex.join(GRADQUIZ)
    for umask, expected in ((0o022, 0o644), (0o077, 0o600), (0o000, 0o664)):
        name = f"r{umask:03o}.json"
        proc = subprocess.run(
            ["sh", "-c", f"umask {umask:03o} && exec {command} check exercise1.py --format json --output {name}"],
            cwd=repo, env=clean_env(), capture_output=True, text=True, timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        assert stat.S_IMODE((repo / name).stat().st_mode) == expected


# -- a report even when grading cannot happen --------------------------------------------------------


@pytest.mark.e2e
def test_exit_2_still_writes_each_format_with_the_reason(repo):
    reason = "exercise1.py: no exercise or quiz with id 'nope' (see `gradquiz list`)"
    runs = run_cli_many(
        [(("check", "exercise1.py", "--exercise", "nope", "--format", f, "--output", f"out.{f}"), repo, None) for f in FORMATS]
    )
    for rc, out, err in runs:
        assert (rc, out, err) == (2, "", f"gradquiz: {reason}\n")
    report = json.loads((repo / "out.json").read_text())
    assert report["error"] == reason
    assert (report["score"], report["max_score"], report["passed"], report["results"]) == (0, 0, False, [])
    gradescope = json.loads((repo / "out.gradescope").read_text())
    assert gradescope == {"score": 0.0, "output": f"Could not grade: {reason}", "tests": []}
    suite = ET.parse(repo / "out.junit").getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("1", "1", "0")
    error = suite.find("testcase").find("error")
    assert error.get("message") == reason and error.text == reason
    assert (repo / "out.text").read_text() == f"Could not grade: {reason}\nScore: 0\n"


@pytest.mark.e2e
def test_exit_2_with_a_machine_format_on_stdout_prints_the_failed_report(repo):
    rc, out, err = run_cli("check", "missing.py", "--format", "json", cwd=repo)
    assert rc == 2 and err == "gradquiz: missing.py: no such file\n"
    assert json.loads(out)["error"] == "missing.py: no such file"
    rc, out, err = run_cli("check", "missing.py", cwd=repo)  # text to a terminal: the line on stderr only
    assert (rc, out) == (2, "")


def test_a_bug_exits_2_with_one_line_and_still_writes_the_report(repo, monkeypatch):
    """The last line of defence in `check`. A bug cannot be provoked through the real command
    (that would be a bug to fix), so one is planted in process."""
    from typer.testing import CliRunner

    from grader import api
    from grader.cli import app

    def broken(*args, **kwargs):
        raise KeyError("an internal slip\nwith a second line")

    monkeypatch.setattr(api, "check", broken)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(app, ["check", "exercise1.py", "--format", "junit", "--output", "r.xml"])
    assert result.exit_code == 2
    line = "internal error, please report it: KeyError: 'an internal slip\\nwith a second line'"
    assert result.output == f"gradquiz: {line}\n"
    error = ET.parse(repo / "r.xml").getroot().find("testsuite/testcase/error")
    assert error.get("message") == line


def test_quiz_answers_are_saved_safely_too(tmp_path):
    target = tmp_path / "elsewhere.yaml"
    target.write_text("untouched")
    link = tmp_path / "mine.yaml"
    link.symlink_to(target)
    from typer.testing import CliRunner

    from grader.cli import app

    result = CliRunner().invoke(app, ["quiz", "signs", "--output", str(link)], input="\n" * 20)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"gradquiz: {link}: is a symbolic link; refusing to write the answers through it"
    assert target.read_text() == "untouched"


@pytest.mark.e2e
def test_starter_output_never_writes_through_a_dangling_link(tmp_path):
    target = tmp_path / "planted.py"
    link = tmp_path / "starter.py"
    link.symlink_to(target)
    rc, out, err = run_cli("starter", "exercise1", "--output", link, cwd=tmp_path)
    assert rc == 2 and err == f"gradquiz: {link}: already exists; choose another --output (or add --force to overwrite it)\n"
    rc, out, err = run_cli("starter", "exercise1", "--output", link, "--force", cwd=tmp_path)
    assert rc == 2 and err == f"gradquiz: {link}: is a symbolic link; refusing to write the file through it\n"
    assert not target.exists()

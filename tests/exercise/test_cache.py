"""The compiled-problem cache (GRADQUIZ_CACHE): a warm check needs no SymPy, and no entry, whatever
it holds (stale, corrupt, truncated, planted, a link), changes a report: a bad one is rebuilt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXERCISES, SOLUTIONS, clean_env, run_cli

from grader.api import check
from grader.reports import render_json

BUNDLED = sorted(p.stem for p in EXERCISES.glob("*.yaml"))


def report(path, **options) -> str:
    return render_json(check(path, **options))


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json"))


def bodies(folder: Path) -> list[dict]:
    return [json.loads(p.read_text())["body"] for p in entries(folder)]


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GRADQUIZ_CACHE", str(folder))
    return folder


def uncached(path, monkeypatch, **options) -> str:
    with monkeypatch.context() as m:
        m.setenv("GRADQUIZ_CACHE", "off")
        return report(path, **options)


@pytest.mark.parametrize("name", BUNDLED)
def test_a_warm_check_gives_the_report_of_no_cache_right_and_wrong(name, cache, monkeypatch):
    from grader.exercise.compiled import compilable
    from grader.exercise.problem import load_exercise

    stored = compilable(load_exercise(EXERCISES / f"{name}.yaml"))  # else graded from SymPy each time
    for solution in (SOLUTIONS / f"{name}.py", SOLUTIONS / f"{name}_wrong.py"):
        expected = uncached(solution, monkeypatch)
        assert report(solution) == expected  # cold: compiles and stores
        assert bool(entries(cache)) is stored
        assert report(solution) == expected  # warm: from the entry
    forms = {task["form"] for body in bodies(cache) for task in body.get("tasks", ())}
    if "expressions" in forms:  # (the methods' kinds compile everything a wrong answer needs at once)
        assert "mistakes" in json.dumps(bodies(cache))  # the wrong answer's data was stored with the rest
    assert report(SOLUTIONS / f"{name}_wrong.py") == uncached(SOLUTIONS / f"{name}_wrong.py", monkeypatch)


def test_a_warm_check_in_grading_mode_with_a_secret_uses_sealed_entries(cache, monkeypatch):
    monkeypatch.setenv("GRADQUIZ_SECRET", "s3cret")
    wrong = SOLUTIONS / "exercise3_wrong.py"
    expected = uncached(wrong, monkeypatch, grading=True, exercise="exercise3")
    assert report(wrong, grading=True, exercise="exercise3") == expected
    (entry,) = entries(cache)
    data = json.loads(entry.read_text())
    assert data["header"]["sealed"] is True
    text = entry.read_text()
    assert "s3cret" not in text and "grading-secret" not in text  # no secret, no secret points
    assert report(wrong, grading=True, exercise="exercise3") == expected
    # the student's mode never reads a sealed entry, nor grading mode an unsealed one
    assert report(wrong) == uncached(wrong, monkeypatch)
    assert len(entries(cache)) == 2


def test_grading_mode_without_a_secret_does_not_use_the_cache(cache, monkeypatch):
    report(SOLUTIONS / "exercise1.py")
    before = {p: p.read_bytes() for p in entries(cache)}
    assert report(SOLUTIONS / "exercise1.py", grading=True)
    assert {p: p.read_bytes() for p in entries(cache)} == before


def plant(entry: Path, change) -> None:
    data = json.loads(entry.read_text())
    change(data)
    entry.write_text(json.dumps(data))


def forged(entry: Path, change) -> None:
    """An entry whose body is changed and whose (unsealed) mac is made right again."""
    import hashlib
    import hmac

    data = json.loads(entry.read_text())
    change(data["body"])
    text = json.dumps([data["header"], data["body"]], sort_keys=True)
    data["mac"] = hmac.new(b"unsealed", text.encode(), hashlib.sha256).hexdigest()
    entry.write_text(json.dumps(data))


def _other_problem(cache: Path, entry: Path) -> None:
    with pytest.MonkeyPatch.context() as m:
        m.setenv("GRADQUIZ_CACHE", str(cache / "other"))
        report(SOLUTIONS / "exercise2.py")
    (other,) = entries(cache / "other")
    shutil.copy(other, entry)


def _link(cache: Path, entry: Path) -> None:
    target = cache / "elsewhere.json"
    shutil.copy(entry, target)
    entry.unlink()
    entry.symlink_to(target)


def _bad_program(body: dict) -> None:
    body["tasks"][0]["reference"] = [["f", "system", ["n", 1]]]


def _deep_program(body: dict) -> None:
    node = ["v", 0]
    for _ in range(300):
        node = ["neg", node]
    body["tasks"][0]["reference"] = [node]


def _huge_power(body: dict) -> None:
    body["tasks"][0]["reference"] = [["**", ["n", 10], ["n", 10**30]]]


def _wrong_variable(body: dict) -> None:
    body["tasks"][0]["f"] = [["v", 7]]


BAD = {
    "corrupt": lambda cache, entry: entry.write_bytes(b"\x00garbage{"),
    "truncated": lambda cache, entry: entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2]),
    "empty": lambda cache, entry: entry.write_bytes(b""),
    "another problem's": _other_problem,
    "another version's": lambda cache, entry: plant(entry, lambda d: d["header"].update(gradquiz="0" * 24)),
    "another file's": lambda cache, entry: plant(entry, lambda d: d["header"].update(source="0" * 64)),
    "a symbolic link": _link,
    "a folder": lambda cache, entry: (entry.unlink(), entry.mkdir()),
    "a wrong mac": lambda cache, entry: plant(entry, lambda d: d.update(mac="0" * 64)),
    "a function off the whitelist": lambda cache, entry: forged(entry, _bad_program),
    "a program too deep": lambda cache, entry: forged(entry, _deep_program),
    "an integer too large": lambda cache, entry: forged(entry, _huge_power),
    "a variable out of range": lambda cache, entry: forged(entry, _wrong_variable),
    "a missing task field": lambda cache, entry: forged(entry, lambda b: b["tasks"][0].pop("at")),
    "a string for a number": lambda cache, entry: forged(entry, lambda b: b["tasks"][0]["spec"].update(rtol="1")),
    "a path in allow": lambda cache, entry: forged(entry, lambda b: b["exercise"].update(allow=["../../etc"])),
    "NaN": lambda cache, entry: entry.write_text(entry.read_text().replace('"atol":', '"atol":NaN,"x":', 1)),
}


@pytest.mark.parametrize("how", list(BAD))
def test_a_bad_entry_is_ignored_and_rebuilt(how, cache, monkeypatch):
    right, wrong = SOLUTIONS / "exercise1.py", SOLUTIONS / "exercise1_wrong.py"
    expected = {p: uncached(p, monkeypatch) for p in (right, wrong)}
    report(right)
    (entry,) = entries(cache)
    good = entry.read_bytes()
    BAD[how](cache, entry)
    assert report(right) == expected[right]
    assert entry.is_file() and not entry.is_symlink() and entry.read_bytes() == good  # rebuilt
    BAD[how](cache, entry)
    assert report(wrong) == expected[wrong]


def test_a_link_is_replaced_never_written_through(cache, tmp_path):
    report(SOLUTIONS / "exercise1.py")
    (entry,) = entries(cache)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    entry.unlink()
    entry.symlink_to(victim)
    report(SOLUTIONS / "exercise1.py")
    assert victim.read_text() == "keep me"
    assert not entry.is_symlink()


def test_a_forged_entry_in_the_students_mode_changes_only_its_own_check(cache):
    """What docs/security.md says a planted entry can do: in the student's mode, a well-formed entry
    with the right key is believed (the student fools only their own check); it is data, so it
    runs nothing; grading mode, sealed by the secret, never reads it."""
    wrong = SOLUTIONS / "exercise1_wrong.py"
    report(wrong)
    (entry,) = entries(cache)
    forged(entry, lambda b: b["tasks"][0].update(f=[["n", 0.0]], reference=[["n", 0.0]]))
    assert json.loads(report(wrong))["results"][0]["passed"] is False  # 0 is wrong at the shown points
    fooled = json.loads(report(SOLUTIONS / "exercise1.py"))
    assert fooled["results"][0]["passed"] is False  # the right answer now fails: only its own check


def test_a_problem_file_edited_gets_a_new_entry(tmp_path, cache, ws, monkeypatch):
    problem = ws.exercise([{"id": "d", "kind": "derivative", "function": "d", "f": "x**2", "domain": [-1, 1]}])
    sub = ws.submission("def d(x):\n    return 2 * x\n")
    assert json.loads(report(sub, problems=[ws.root]))["passed"] is True
    problem.write_text(problem.read_text().replace("x**2", "x**3"))
    assert json.loads(report(sub, problems=[ws.root]))["passed"] is False
    assert len(entries(cache)) == 2


def test_each_variant_has_its_own_entry(ws, cache, monkeypatch):
    ws.write("pv.yaml", """
        id: pv
        title: Scale by {a}
        params:
          a: {choice: [2, 3, 5, 7]}
        tasks:
          - {id: d, kind: derivative, function: d, f: a*x**2, domain: [-1, 1], at: [0.5]}
    """)
    sub = ws.submission("def d(x):\n    return 2 * 3 * x\n", exercise="pv")
    for student in ("ann", "bob", "cyd", "dee", "eve"):
        expected = uncached(sub, monkeypatch, problems=[ws.root], student=student)
        assert report(sub, problems=[ws.root], student=student) == expected
        assert report(sub, problems=[ws.root], student=student) == expected
    assert len(entries(cache)) == 6  # one per student and the marker of a file with variants
    assert "3" in {b["exercise"]["params"].get("a") for b in bodies(cache) if "exercise" in b}


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADQUIZ_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    report(SOLUTIONS / "exercise1.py")
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_the_default_folder_is_the_users_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("GRADQUIZ_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    report(SOLUTIONS / "exercise1.py")
    assert entries(tmp_path / "xdg" / "gradquiz")


def test_an_unwritable_folder_only_loses_the_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("GRADQUIZ_CACHE", str(blocker / "cache"))
    assert json.loads(report(SOLUTIONS / "exercise1.py"))["passed"] is True


def test_a_kind_without_a_compiled_form_is_graded_with_sympy(cache, monkeypatch):
    import dataclasses

    from grader.exercise import kinds

    monkeypatch.setitem(kinds.KINDS, "derivative", dataclasses.replace(kinds.KINDS["derivative"], compiled=None))
    expected = uncached(SOLUTIONS / "exercise1_wrong.py", monkeypatch)
    assert report(SOLUTIONS / "exercise1_wrong.py") == expected
    assert not entries(cache)


WARM_RIGHT = """
import json, sys
from grader.api import check
report = check(sys.argv[1])
print(json.dumps({"passed": report.passed, "sympy": sorted(m for m in sys.modules if m.split(".")[0] == "sympy")}))
"""


@pytest.mark.parametrize("name", BUNDLED)
def test_a_warm_check_of_a_right_answer_imports_no_sympy(name, tmp_path):
    """Every bundled exercise, the ML kinds' (exercise9) and the gradients over data (exercise10) too."""
    env = clean_env(GRADQUIZ_CACHE=tmp_path / "cache")
    right = str(SOLUTIONS / f"{name}.py")
    runs = [subprocess.run([sys.executable, "-c", WARM_RIGHT, right], env=env, capture_output=True, text=True,
                           check=False, timeout=120) for _ in range(2)]
    cold, warm = (json.loads(r.stdout) for r in runs)
    assert cold["passed"] and warm["passed"]
    assert cold["sympy"]  # compiling needs SymPy
    assert warm["sympy"] == []


@pytest.mark.e2e
def test_the_command_imports_no_sympy_on_a_warm_check_right_or_wrong(tmp_path):
    """The whole command, `python -X importtime -m grader check`: every module it imports is listed."""
    env = clean_env(GRADQUIZ_CACHE=tmp_path / "cache")
    for name in ("exercise2.py", "exercise2_wrong.py"):
        assert run_cli("check", SOLUTIONS / name, env=env)[0] in (0, 1)  # cold, then a wrong one's data
        proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "grader", "check", str(SOLUTIONS / name)],
                              env=env, capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
        assert "numpy" in imported and "grader.exercise.grading" in imported
        assert not {m for m in imported if m.split(".")[0] == "sympy"}, name


@pytest.mark.e2e
def test_the_command_reports_the_same_with_the_cache_on_and_off(tmp_path):
    for name in ("exercise6.py", "exercise6_wrong.py", "exercise1.ipynb", "exercise1_wrong.ipynb"):
        args = ("check", SOLUTIONS / name, "--format", "json")
        off = run_cli(*args, env=clean_env(GRADQUIZ_CACHE="off"))
        cold = run_cli(*args, env=clean_env(GRADQUIZ_CACHE=tmp_path / "c"))
        warm = run_cli(*args, env=clean_env(GRADQUIZ_CACHE=tmp_path / "c"))
        assert off[0] in (0, 1) and off == cold == warm, name
    assert os.listdir(tmp_path / "c")


@pytest.mark.e2e
def test_grade_workers_use_sealed_entries_and_report_the_same(tmp_path):
    subs = tmp_path / "subs"
    for student, name in (("ann", "exercise1.py"), ("ben", "exercise1_wrong.py"), ("cid", "exercise3_wrong.py"),
                          ("dee", "exercise10_wrong.py"), ("eli", "exercise9_wrong.py")):
        target = subs / student / name.replace("_wrong", "")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SOLUTIONS / name, target)
    texts = []
    for run, cache in (("off", "off"), ("cold", tmp_path / "c"), ("warm", tmp_path / "c")):
        out = tmp_path / run
        env = clean_env(GRADQUIZ_SECRET="s3cret", GRADQUIZ_CACHE=cache)
        rc, _, stderr = run_cli("grade", subs, "--exercise", "exercise1,exercise3,exercise9,exercise10", "--output",
                                out, "--quiet", env=env, timeout=240)
        assert rc == 0, stderr
        texts.append({p.relative_to(out): p.read_text() for p in sorted((out / "reports").rglob("*.txt"))})
        if run == "cold":
            stored = entries(tmp_path / "c")
            assert stored and all(json.loads(p.read_text())["header"]["sealed"] for p in stored)
    assert len(texts[0]) == 20 and texts[0] == texts[1] == texts[2]  # 5 students x 4 exercises (the ML kinds too)

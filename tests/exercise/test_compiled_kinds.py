"""The compiled forms of the ML kinds (``methods``: numerical_derivative, numerical_gradient,
autodiff, gradient_descent) and of tasks over array parameters and data (``arrays``): every
bundled exercise is compiled; a report is the same, text and JSON, with the cache off, cold and
warm, right and wrong, in the student's mode and in grading mode; a warm check needs no SymPy;
an entry of the new forms that is not what ``dump`` writes (a planted autodiff text, a program
off the whitelist, data of the wrong size...) is ignored and rebuilt with the same report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXERCISES, SOLUTIONS, clean_env, run_cli

from grader.api import check
from grader.exercise import arraycalls, callables, compiled, compiled_formulas, compiled_methods
from grader.maths import program
from grader.reports import render_json
from grader.reports.text import plain_text

DATA = Path(__file__).resolve().parents[1] / "data"
BUNDLED = sorted(p.stem for p in EXERCISES.glob("*.yaml"))
ML = {  # submission: check's options (the array-parameter tasks of tests/data as well)
    "exercise9.py": {}, "exercise9_wrong.py": {}, "exercise10.py": {}, "exercise10_wrong.py": {},
    "arrays_right.py": {"exercise": "ml"}, "arrays_wrong.py": {"exercise": "ml"},
    "arrays_softmax_wrong.py": {"exercise": "soft"},
}


@pytest.fixture(scope="module")
def problems(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("problems")
    (root / "ml.yaml").write_text((DATA / "arrays_exercise.yaml").read_text())
    (root / "soft.yaml").write_text((DATA / "arrays_softmax.yaml").read_text())
    return root


def path_of(name: str) -> Path:
    return SOLUTIONS / name if name.startswith("exercise") else DATA / name


def report(name: str, problems: Path, **options) -> str:
    """The JSON report, then the text report (as a file gets it): both compared cache off and on."""
    graded = check(path_of(name), problems=[problems], **{**ML[name], **options})
    return render_json(graded) + "\n" + plain_text(graded)


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


def test_every_bundled_exercise_has_a_compiled_form():
    from grader.exercise.problem import load_exercise

    for name in BUNDLED:
        exercise = load_exercise(EXERCISES / f"{name}.yaml")
        data = compiled.dump(exercise, [], [])
        assert data is not None, name
        compiled.validate(json.loads(json.dumps(data)))
    forms = {t["form"] for name in ("exercise9", "exercise10")
             for t in compiled.dump(load_exercise(EXERCISES / f"{name}.yaml"), [], [])["tasks"]}
    assert forms == {"methods", "arrays"}


@pytest.mark.parametrize("name", list(ML))
def test_the_report_is_the_same_with_the_cache_off_cold_and_warm(name, problems, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADQUIZ_CACHE", "off")
    off = report(name, problems)
    monkeypatch.setenv("GRADQUIZ_CACHE", str(tmp_path / "cache"))
    assert report(name, problems) == off  # cold: compiled with SymPy, graded in its compiled form, stored
    assert entries(tmp_path / "cache")
    assert report(name, problems) == off  # warm: from the entry
    assert report(name, problems) == off  # and with what the wrong answer compiled, stored


@pytest.mark.parametrize("name", ["exercise9_wrong.py", "exercise10_wrong.py", "arrays_wrong.py"])
def test_grading_mode_reports_the_same_from_sealed_entries(name, problems, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADQUIZ_SECRET", "s3cret")
    monkeypatch.setenv("GRADQUIZ_CACHE", "off")
    graded = {"grading": True, "exercise": ML[name].get("exercise") or name.split("_")[0]}
    off = report(name, problems, **graded)
    if name.startswith("exercise9"):
        assert '"id": "descent_one"' in off  # the hidden task runs in grading mode
    monkeypatch.setenv("GRADQUIZ_CACHE", str(tmp_path / "cache"))
    assert report(name, problems, **graded) == off
    assert report(name, problems, **graded) == off
    stored = entries(tmp_path / "cache")
    assert stored and all(json.loads(p.read_text())["header"]["sealed"] for p in stored)
    text = "".join(p.read_text() for p in stored)
    assert "s3cret" not in text  # no secret (nor secret points: drawn per run), nothing of the submission
    assert not [line for line in path_of(name).read_text().splitlines() if len(line.strip()) > 12 and line.strip() in text]


@pytest.mark.e2e
def test_the_command_prints_the_same_text_and_json_with_the_cache_off_and_on(tmp_path):
    for name in ("exercise9.py", "exercise9_wrong.py", "exercise10.py", "exercise10_wrong.py"):
        for fmt in ("text", "json"):
            args = ("check", SOLUTIONS / name, "--format", fmt)
            off = run_cli(*args, env=clean_env(GRADQUIZ_CACHE="off"))
            cold = run_cli(*args, env=clean_env(GRADQUIZ_CACHE=tmp_path / "c"))
            warm = run_cli(*args, env=clean_env(GRADQUIZ_CACHE=tmp_path / "c"))
            assert off[0] == (1 if "wrong" in name else 0) and off == cold == warm, (name, fmt)


WARM = """
import json, sys
from grader.api import check
report = check(sys.argv[1])
print(json.dumps({"passed": report.passed, "sympy": sorted(m for m in sys.modules if m.split(".")[0] == "sympy")}))
"""


@pytest.mark.parametrize("name", ["exercise9_wrong.py", "exercise10_wrong.py"])
def test_a_warm_check_of_a_wrong_answer_imports_no_sympy_once_its_mistakes_are_stored(name, tmp_path):
    env = clean_env(GRADQUIZ_CACHE=tmp_path / "cache")
    runs = [json.loads(subprocess.run([sys.executable, "-c", WARM, str(SOLUTIONS / name)], env=env,
                                      capture_output=True, text=True, check=True, timeout=180).stdout)
            for _ in range(2)]
    assert [r["passed"] for r in runs] == [False, False]
    assert runs[0]["sympy"] and runs[1]["sympy"] == []


# ------------------------------------------------------------------------ planted entries
def forged(entry: Path, change) -> None:
    """An entry whose body is changed and whose (unsealed) mac is made right again."""
    import hashlib
    import hmac

    data = json.loads(entry.read_text())
    change(data["body"])
    text = json.dumps([data["header"], data["body"]], sort_keys=True)
    data["mac"] = hmac.new(b"unsealed", text.encode(), hashlib.sha256).hexdigest()
    entry.write_text(json.dumps(data))


def task_of(body: dict, kind: str) -> dict:
    return next(t for t in body["tasks"] if t["spec"]["kind"] == kind)


def _import_in_autodiff(body: dict) -> None:
    task_of(body, "autodiff")["texts"][0] = "__import__('os').system('touch /tmp/planted')"


def _off_whitelist_source(body: dict) -> None:
    task_of(body, "numerical_derivative")["sources"][0] = ["f", "system", ["v", 0]]


def _keyword_variable(body: dict) -> None:
    task = task_of(body, "autodiff")
    task["variables"] = ["lambda"]


def _descent_sources(body: dict) -> None:
    task_of(body, "gradient_descent")["sources"].pop()


def _methods_form_on_a_formula_kind(body: dict) -> None:
    task_of(body, "gradient")["form"] = "methods"


def _entries_renamed(body: dict) -> None:
    task_of(body, "gradient")["variables"][0] = "w[7]"


def _data_too_large(body: dict) -> None:
    task_of(body, "gradient")["data"][0][1:] = [[50, 50], [0.0] * 2500]


def _data_wrong_size(body: dict) -> None:
    task_of(body, "gradient")["data"][0][2].append(1.0)


def _too_many_calls(body: dict) -> None:
    task_of(body, "numerical_derivative")["at"] = [[0.1]] * 3000


def _zero_step(body: dict) -> None:
    task_of(body, "numerical_derivative")["h"][0] = 0.0


BAD = {
    "a step of 0": ("exercise9", _zero_step),
    "an autodiff text that imports": ("exercise9", _import_in_autodiff),
    "a callable's program off the whitelist": ("exercise9", _off_whitelist_source),
    "a keyword as the variable": ("exercise9", _keyword_variable),
    "a descent's gradient of the wrong size": ("exercise9", _descent_sources),
    "the methods' form on a gradient task": ("exercise10", _methods_form_on_a_formula_kind),
    "parameter entries that are not the arrays'": ("exercise10", _entries_renamed),
    "data over the size limit": ("exercise10", _data_too_large),
    "data of the wrong size": ("exercise10", _data_wrong_size),
    "more calls than a task may make": ("exercise9", _too_many_calls),
}


@pytest.mark.parametrize("how", list(BAD))
def test_a_bad_entry_of_the_new_forms_is_ignored_and_rebuilt(how, problems, tmp_path, monkeypatch):
    exercise, change = BAD[how]
    right, wrong = f"{exercise}.py", f"{exercise}_wrong.py"
    monkeypatch.setenv("GRADQUIZ_CACHE", "off")
    expected = {name: report(name, problems) for name in (right, wrong)}
    monkeypatch.setenv("GRADQUIZ_CACHE", str(tmp_path / "cache"))
    assert report(right, problems) == expected[right]
    (entry,) = entries(tmp_path / "cache")
    good = entry.read_bytes()
    with pytest.raises(compiled.EntryError):
        body = json.loads(good)["body"]
        change(body)
        compiled.validate(body)
    forged(entry, change)
    assert report(right, problems) == expected[right]
    assert entry.read_bytes() == good  # rebuilt
    forged(entry, change)
    assert report(wrong, problems) == expected[wrong]
    assert not Path("/tmp/planted").exists()


# ------------------------------------------------------------------------------- the parts
@pytest.mark.parametrize("text", ["-2 ** x", "(-2) ** x", "x - (y - 2.5)", "-(x ** 2) / 3 * y", "1 / 2 * x",
                                  "numpy.sin(-x) ** -1", "abs(x - y) ** 0.5", "x ** y ** 2", "-x ** -y"])
def test_a_program_printed_back_to_python_is_the_same_program(text):
    names = {"x": 0, "y": 1}
    made = program.compile_text(text, names)
    assert program.compile_text(program.source(made, ["x", "y"]), names) == made
    for planted in (["**", ["n", -2], ["v", 0]], ["**", ["n", -0.0], ["n", 2]], ["neg", ["n", -1.5]]):
        assert eval(program.source(planted, ["x"]), {"numpy": __import__("numpy")}, {"x": 3.0}) == program.evaluate(
            planted, [3.0])


def test_lambdify_names_array_entries_by_place_whatever_ran_before():
    """lambdify names a symbol that is not a Python name (W[0, 1]) by a Dummy, whose numbering
    orders a printed sum: its last bit then depended on what ran before in the process."""
    import inspect

    import sympy

    from grader.maths.numerics import lambdify

    entries = [sympy.Symbol(f"W[0, {i}]") for i in range(4)]
    expr = sum(sympy.exp(s * (i + 0.3)) for i, s in enumerate(entries)) + sympy.log(1 + entries[0] ** 2)
    first = lambdify(entries, [expr])
    assert "Dummy" not in inspect.getsource(first) and "_entry0003" in inspect.getsource(first)
    sympy.symbols("_a:300", cls=sympy.Dummy)
    assert program.compile_function(lambdify(entries, [expr]), 4) == program.compile_function(first, 4)


def test_the_callables_are_the_same_text_from_sympy_and_from_the_entry():
    from grader.exercise.problem import load_exercise

    exercise = load_exercise(EXERCISES / "exercise9.yaml")
    data = json.loads(json.dumps(compiled.dump(exercise, [], [])))
    restored = compiled.restore(data, EXERCISES / "exercise9.yaml", "")
    for loaded, task in zip(exercise.tasks, restored.tasks, strict=True):
        assert isinstance(task, compiled_methods.CompiledMethodTask)
        assert task.sources == loaded.sources and task.texts == loaded.texts
    assert callables.autodiff_problem("x*open(x)", "x", ("sin",)) == "'x*open(x)' calls open, which `uses` does not list"
    assert callables.autodiff_problem("x.real", "x", ()) is not None


def test_an_array_task_restored_has_the_loaded_tasks_arguments_and_data():
    from grader.exercise.problem import load_exercise

    exercise = load_exercise(EXERCISES / "exercise10.yaml")
    restored = compiled.restore(json.loads(json.dumps(compiled.dump(exercise, [], []))), EXERCISES / "exercise10.yaml",
                                "")
    for loaded, task in zip(exercise.tasks, restored.tasks, strict=True):
        assert isinstance(task, compiled_formulas.ArrayTask) and task.arrays == loaded.arrays
        assert task.arguments == loaded.arguments and task.spec.f == loaded.spec.f
        x = [float(v) for v in range(len(task.variables))]
        assert arraycalls.arguments(task, x) == arraycalls.arguments(loaded, x)


def test_each_variant_of_an_array_task_has_its_entry_and_its_report(ws, tmp_path, monkeypatch):
    """params in the data (a variant per student): the entry of each student's variant."""
    ws.write("pdata.yaml", """
        id: pdata
        title: Regression scaled by {a}
        params:
          a: {choice: [2, 3, 5]}
        tasks:
          - id: g
            kind: gradient
            function: g
            variables: {w: [2]}
            data:
              X: [[1.0, a], [0.5, -1.0], [2.0, 1.0]]
              y: [1.0, a, 0.0]
            f: mean((X @ w - y)**2)
            domain: [-1, 1]
    """)
    sub = ws.submission("""
        import numpy as np

        def g(w, X, y):
            return 2 * X.T @ (X @ w - y) / len(y)
    """, exercise="pdata")
    wrong = ws.submission("""
        import numpy as np

        def g(w, X, y):
            return 2 * X.T @ (X @ w - y)
    """, exercise="pdata", name="wrong.py")
    for student in ("ann", "bob", "cyd"):
        for path in (sub, wrong):
            monkeypatch.setenv("GRADQUIZ_CACHE", "off")
            off = render_json(check(path, problems=[ws.root], student=student))
            monkeypatch.setenv("GRADQUIZ_CACHE", str(tmp_path / "cache"))
            assert render_json(check(path, problems=[ws.root], student=student)) == off
            assert render_json(check(path, problems=[ws.root], student=student)) == off
        assert json.loads(off)["results"][0]["mistake"] == "missing_mean"
    assert len(entries(tmp_path / "cache")) == 4  # one per student and the marker of a file with variants

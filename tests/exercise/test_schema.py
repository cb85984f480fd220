"""A bad exercise file, or a check that cannot happen, exits 2 with ONE line on stderr
naming the file (and the line, where there is one) and saying what is wrong: the exact
text, through the installed command, no traceback."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from conftest import run_cli, run_cli_many

BASE = """\
id: bad
title: Bad
tasks:
  - id: t
    kind: derivative
    function: derivative
    f: x**2
    domain: [-1, 1]
"""
# line:  1 id, 2 title, 3 tasks, 4 "- id", 5 kind, 6 function, 7 f, 8 domain
KINDS = ("function, derivative, second_derivative, partial, gradient, hessian, jacobian, numerical_derivative, "
         "numerical_gradient, autodiff, gradient_descent")
SUBMISSION = "def derivative(x):\n    return 2 * x\n"
CHECK = ("check", "sub.py", "--problems", "bad.yaml", "--exercise", "bad")


def edit(*pairs: str, text: str = BASE) -> str:
    """BASE with each (old, new) replacement applied once; every `old` must be there."""
    for old, new in zip(pairs[::2], pairs[1::2]):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@dataclass
class Case:
    message: str  # the whole of stderr, minus "gradquiz: " and the newline
    yaml: str | None = BASE
    args: tuple = CHECK
    files: dict = field(default_factory=lambda: {"sub.py": SUBMISSION})


PARTIAL_XY = ("kind: derivative", "kind: partial\n    wrt: x", "f: x**2", "f: x**2*y")  # 9 lines: domain on 9
GRADIENT_XY = ("kind: derivative", "kind: gradient", "f: x**2", "f: x**2*y")

CASES = {
    # -- the schema: keys and kinds
    "unknown kind": Case(
        f"bad.yaml:5: tasks[0].kind: expected one of {KINDS} but got 'derivitive'",
        edit("kind: derivative", "kind: derivitive"),
    ),
    "misspelt key": Case(
        "bad.yaml:6: tasks[0].fucntion: unknown key 'fucntion' (did you mean 'function'?)",
        edit("function: derivative", "fucntion: derivative"),
    ),
    "misspelt top-level key": Case(
        "bad.yaml:2: titel: unknown key 'titel' (did you mean 'title'?)", edit("title: Bad", "titel: Bad")
    ),
    "missing key": Case("bad.yaml:4: tasks[0].f: missing required key 'f'", edit("    f: x**2\n", "")),
    "missing tasks": Case("bad.yaml:1: tasks: missing required key 'tasks'", "id: bad\ntitle: Bad\n"),
    "no tasks": Case("bad.yaml:3: tasks: expected at least 1 item, got []", "id: bad\ntitle: Bad\ntasks: []\n"),
    "function not a name": Case(
        "bad.yaml:6: tasks[0].function: expected a Python name (letters, digits and _, not starting with a digit), got '2d'",
        edit("function: derivative", "function: 2d"),
    ),
    "samples not a number": Case(
        "bad.yaml:9: tasks[0].samples: input should be a valid integer, unable to parse string as an integer, got 'many'",
        edit("domain: [-1, 1]", "domain: [-1, 1]\n    samples: many"),
    ),
    "f not a formula": Case(
        "bad.yaml:7: tasks[0].f: expected a formula such as x**2 (a list of them for a jacobian), got {'a': 1}",
        edit("f: x**2", "f: {a: 1}"),
    ),
    # -- formulas
    "unparsable formula": Case(
        "bad.yaml:7: tasks[0].f: cannot read formula 'x +* 2': '+' needs something on its right",
        edit("f: x**2", "f: x +* 2"),
    ),
    "unclosed bracket in formula": Case(
        "bad.yaml:7: tasks[0].f: cannot read formula 'x**(2': '(' at column 4 is never closed (missing ')')",
        edit("f: x**2", "f: x**(2"),
    ),
    "unknown function": Case(
        "bad.yaml:7: tasks[0].f: cannot read formula 'foo(x)': unknown function 'foo'", edit("f: x**2", "f: foo(x)")
    ),
    "code in a formula": Case(
        "bad.yaml:7: tasks[0].f: cannot read formula 'x.real': attribute access ('.') is not allowed in a formula",
        edit("f: x**2", "f: x.real"),
    ),
    "name not among the variables": Case(
        "bad.yaml:7: tasks[0].f: cannot read formula 'x*y': unknown name 'y' (this formula can use x)",
        edit("f: x**2", "f: x*y\n    variables: [x]"),
    ),
    "two variables for a derivative": Case(
        "bad.yaml:7: tasks[0].f: a derivative task needs one variable, f has x, y", edit("f: x**2", "f: x**2*y")
    ),
    # -- domains and points
    "domain reversed": Case(
        "bad.yaml:8: tasks[0].domain: expected an interval [low, high] with low < high, got [1, -1]",
        edit("domain: [-1, 1]", "domain: [1, -1]"),
    ),
    "domain of one number": Case(
        "bad.yaml:8: tasks[0].domain: expected an interval [low, high], or one per variable such as "
        "{x: [-1, 1], y: [0, 2]}, got [0]",
        edit("domain: [-1, 1]", "domain: [0]"),
    ),
    "domain of one number per variable": Case(
        "bad.yaml:8: tasks[0].domain: expected an interval [low, high] for x, got [0]",
        edit("domain: [-1, 1]", "domain: {x: [0]}"),
    ),
    "domain missing a variable": Case(
        "bad.yaml:9: tasks[0].domain: no interval for y", edit(*PARTIAL_XY, "domain: [-1, 1]", "domain: {x: [0, 1]}")
    ),
    "domain of a stranger": Case(
        "bad.yaml:8: tasks[0].domain.z: 'z' is not a variable of f",
        edit("domain: [-1, 1]", "domain: {x: [0, 1], z: [0, 1]}"),
    ),
    "domain end not a number": Case(
        "bad.yaml:8: tasks[0].domain: cannot read formula 'a': unknown name 'a' (this formula cannot use any variables)",
        edit("domain: [-1, 1]", "domain: [a, 1]"),
    ),
    "at point of the wrong dimension": Case(
        "bad.yaml:9: tasks[0].at[1]: expected a list of 2 numbers (one per variable), got [0.5]",
        edit(*GRADIENT_XY, "domain: [-1, 1]", "domain: [-1, 1]\n    at: [[0.5, 0.5], [0.5]]"),
    ),
    "at vector for one variable": Case(
        "bad.yaml:9: tasks[0].at[0]: expected a number (one per variable), got [0.5, 0.5]",
        edit("domain: [-1, 1]", "domain: [-1, 1]\n    at: [[0.5, 0.5]]"),
    ),
    # -- kinds' own keys
    "wrt not a variable": Case(
        "bad.yaml:6: tasks[0].wrt: wrt 'z' is not one of the variables x, y",
        edit("kind: derivative", "kind: partial\n    wrt: z", "f: x**2", "f: x**2*y"),
    ),
    "wrt missing": Case(
        "bad.yaml:4: tasks[0]: missing required key 'wrt' (the variable to differentiate by)",
        edit("kind: derivative", "kind: partial", "f: x**2", "f: x**2*y"),
    ),
    "jacobian f not a list": Case(
        "bad.yaml:7: tasks[0].f: a jacobian needs f as a list of expressions, one per output",
        edit("kind: derivative", "kind: jacobian", "f: x**2", "f: x**2*y"),
    ),
    "reference too short": Case(
        "bad.yaml:8: tasks[0].reference: expected a list of 2 formulas (one per variable), got a list of 1",
        edit(*GRADIENT_XY, "f: x**2*y", "f: x**2*y\n    reference: [2*x*y]"),
    ),
    "reference transposed": Case(
        "bad.yaml:8: tasks[0].reference: expected a 3x2 list of lists of formulas (3 rows of 2), got 2 rows of 3, 3",
        edit("kind: derivative", "kind: jacobian", "f: x**2", "f: [x*y, x, y]\n    reference: [[y, 1, 0], [x, 0, 1]]"),
    ),
    "reference a list for a number": Case(
        "bad.yaml:8: tasks[0].reference: expected one formula, got a list of 2",
        edit("f: x**2", "f: x**2\n    reference: [2*x, 1]"),
    ),
    "duplicate task id": Case(
        "bad.yaml:9: tasks[1].id: duplicate id 't'", BASE + BASE[BASE.index("  - id") :]
    ),
    # -- YAML itself
    "duplicate YAML key": Case("bad.yaml:8: duplicate key 'f'", edit("f: x**2", "f: x**2\n    f: x**3")),
    "invalid YAML": Case(
        "bad.yaml:9: invalid YAML: expected ',' or ']', but got ':'",
        edit("domain: [-1, 1]", "domain: [-1, 1\n    at: [0.5]"),
    ),
    "bad indentation": Case(
        "bad.yaml:6: invalid YAML: mapping values are not allowed here",
        edit("    function: derivative", "     function: derivative"),
    ),
    "a tab": Case(
        "bad.yaml:7: invalid YAML: found character '\\t' that cannot start any token", edit("    f: x**2", "\tf: x**2")
    ),
    "empty file": Case("bad.yaml:1: the file is empty; expected a mapping of keys (id:, title:, ...)", ""),
    "a list at the top": Case("bad.yaml:1: expected a mapping of keys (id:, title:, ...) at the top", "- a\n- b\n"),
    # -- the check itself
    "no such submission": Case("nope.py: no such file", args=("check", "nope.py", "--problems", "bad.yaml")),
    "no such exercise": Case(
        "sub.py: no exercise or quiz with id 'nosuch' (see `gradquiz list`)",
        args=("check", "sub.py", "--problems", "bad.yaml", "--exercise", "nosuch"),
    ),
    "no exercise named like the file": Case(
        "homework.py: no exercise or quiz with id 'homework' (see `gradquiz list`); the id is the file's name: "
        "start the file with `# gradquiz: ID` or pass --exercise ID",
        args=("check", "homework.py", "--problems", "bad.yaml"),
        files={"homework.py": SUBMISSION},
    ),
    "no exercise named in the header": Case(
        "sub.py: no exercise or quiz with id 'nosuch' (see `gradquiz list`); the id is from the file's "
        "`# gradquiz:` line",
        args=("check", "sub.py", "--problems", "bad.yaml"),
        files={"sub.py": "# gradquiz: nosuch\n" + SUBMISSION},
    ),
    "answers in a .txt file": Case(
        "answers.txt: expected a .py or .ipynb submission or a .yaml answers file",
        args=("check", "answers.txt", "--problems", "bad.yaml"),
        files={"answers.txt": "q1: 1\n"},
    ),
    "no such problems folder": Case(
        "missing: no such file or folder (given with --problems)", args=("check", "sub.py", "--problems", "missing")
    ),
}


def write_case(folder, case: Case) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if case.yaml is not None:
        (folder / "bad.yaml").write_text(case.yaml, encoding="utf-8")
    for file, text in case.files.items():
        (folder / file).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("name", list(CASES))
def test_exit_2_with_one_exact_line(tmp_path, monkeypatch, name):
    """Every case through the command's own code (Typer's runner, in process: fast)."""
    from typer.testing import CliRunner

    from grader.cli import app

    case = CASES[name]
    write_case(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, [str(a) for a in case.args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"gradquiz: {CASES[name].message}\n"


# The installed command, in its own process, says exactly the same.
THROUGH_THE_COMMAND = [
    "unknown kind", "misspelt key", "unparsable formula", "domain of one number", "reference transposed",
    "duplicate YAML key", "invalid YAML", "empty file", "no such submission", "no such exercise",
    "answers in a .txt file",
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Run the chosen cases' commands at once: name -> (rc, stdout, stderr)."""
    root = tmp_path_factory.mktemp("schema")
    jobs = []
    for i, name in enumerate(THROUGH_THE_COMMAND):
        write_case(root / f"case{i}", CASES[name])
        jobs.append((CASES[name].args, root / f"case{i}", None))
    return dict(zip(THROUGH_THE_COMMAND, run_cli_many(jobs)))


@pytest.mark.e2e
@pytest.mark.parametrize("name", THROUGH_THE_COMMAND)
def test_the_installed_command_prints_the_same_line(outcomes, name):
    rc, out, err = outcomes[name]
    assert "Traceback" not in err
    assert (rc, out) == (2, "")
    assert err == f"gradquiz: {CASES[name].message}\n"


@pytest.mark.e2e
def test_the_base_exercise_is_valid(tmp_path):
    """The cases above are bad only for their one edit: BASE itself grades (exit 0)."""
    (tmp_path / "bad.yaml").write_text(BASE)
    (tmp_path / "sub.py").write_text(SUBMISSION)
    rc, out, err = run_cli(*CHECK, cwd=tmp_path)
    assert (rc, err) == (0, "")
    assert "PASS t" in out


@pytest.mark.parametrize("name", ["unknown kind", "domain of one number", "reference transposed", "empty file"])
def test_the_library_raises_the_same_message(tmp_path, name):
    """`grader.api.check` raises GradquizError with the text the command prints."""
    from grader.api import check
    from grader.errors import GradquizError

    (tmp_path / "bad.yaml").write_text(CASES[name].yaml)
    (tmp_path / "sub.py").write_text(SUBMISSION)
    with pytest.raises(GradquizError) as info:
        check(tmp_path / "sub.py", problems=[tmp_path / "bad.yaml"], exercise="bad")
    assert info.value.exit_code == 2
    assert str(info.value) == CASES[name].message.replace("bad.yaml", str(tmp_path / "bad.yaml"), 1)

"""Notebooks as submissions (`gradquiz check X.ipynb`, starter --notebook), the in-kernel
`check("exercise1")` through a real Jupyter kernel, and that a plain check never loads
matplotlib or nbformat."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import ROOT, SOLUTIONS, clean_env, png_size, red_pixels, run_cli, run_cli_many
from grader.errors import GradquizError
from grader.notebook.source import cells_source

TUTORIAL = "def derivative(x):\n    return x * 2.0"


def notebook(path, *cells, markdown="# f(x) = x^2\nThe lesson's worked example."):
    """A notebook file: one Markdown cell, then the code cells."""
    nb = new_notebook(cells=[new_markdown_cell(markdown)] + [new_code_cell(c) for c in cells])
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The command on several notebooks at once: {name: (rc, stdout, stderr)} and the folder."""
    root = tmp_path_factory.mktemp("nb")
    (root / "right").mkdir()
    (root / "wrong").mkdir()
    (root / "broken").mkdir()
    (root / "starter").mkdir()
    notebook(root / "right" / "exercise1.ipynb", "%matplotlib inline\nimport numpy as np", "!pip install numpy",
             "%%time\n" + TUTORIAL, "print(derivative(-0.5), derivative(0.5), derivative(0.0))",
             "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2], [3, 4])\nplt.show()")
    notebook(root / "wrong" / "exercise1.ipynb", "import numpy as np", "def derivative(x):\n    return x ** 2")
    notebook(root / "broken" / "exercise1.ipynb", "import numpy as np", "x = 1\ny = undefined_name + 1", TUTORIAL)
    (root / "bad.ipynb").write_text("{not json", encoding="utf-8")
    for student, name in (("alice", "exercise1.ipynb"), ("bob", "exercise1_wrong.ipynb")):
        (root / "class" / student).mkdir(parents=True)
        (root / "class" / student / "exercise1.ipynb").write_bytes((SOLUTIONS / name).read_bytes())
    jobs = [
        (("check", "right/exercise1.ipynb", "--format", "json"), root, None),
        (("check", "wrong/exercise1.ipynb", "--format", "json", "--plot", "wrong.png"), root, None),
        (("check", "broken/exercise1.ipynb", "--format", "json"), root, None),
        (("check", "bad.ipynb", "--exercise", "exercise1"), root, None),
        (("starter", "exercise1", "--notebook", "--output", "starter/exercise1.ipynb"), root, None),
        (("starter", "signs", "--notebook"), root, None),
        (("show", "exercise1"), root, None),
        (("show", "exercise4", "--output", "e4.svg"), root, None),
        (("check", SOLUTIONS / "exercise1.ipynb", "--format", "json"), root, None),
        (("check", SOLUTIONS / "exercise1_wrong.ipynb", "--format", "json", "--plot", "lesson_wrong.svg"), root, None),
    ]
    jobs += [(("show", "signs", "--output", "signs.svg"), root, None), (("show", "exercise6"), root, None)]
    jobs += [(("grade", "class", "--exercise", "exercise1", "--output", "graded", "--quiet"), root, None)]
    names = ["right", "wrong", "broken", "bad", "starter", "starter_quiz", "show", "show_svg", "lesson", "lesson_wrong",
             "show_quiz", "show_none", "grade"]
    return root, dict(zip(names, run_cli_many(jobs)))


@pytest.mark.e2e
def test_the_tutorials_notebook_gets_full_marks(runs):
    root, out = runs
    rc, stdout, stderr = out["right"]
    assert (rc, stderr) == (0, "")
    report = json.loads(stdout)
    assert report["score"] == report["max_score"] == 3.0
    assert report["output"] == "-1.0 1.0 0.0"
    assert report["notes"] == [
        "cell 2, line 1: `%matplotlib inline` is IPython, not Python: left out.",
        "cell 3, line 1: `!pip install numpy` is IPython, not Python: left out.",
        "cell 4: the cell magic `%%time` was left out; its code was run.",
        "Plots are not drawn while grading: matplotlib calls in your cells do nothing.",
    ]


@pytest.mark.e2e
def test_the_lessons_notebook_full_marks_and_its_wrong_twin(runs):
    """solutions/exercise1.ipynb: the lesson's own cells (a pyplot figure, `def derivative(x):
    return x * 2.0`, the printout f(-0.500) = -1.000 ...); the wrong one slips on the power rule."""
    root, out = runs
    rc, stdout, stderr = out["lesson"]
    assert (rc, stderr) == (0, "")
    report = json.loads(stdout)
    assert report["score"] == report["max_score"] == 3.0
    assert report["output"] == "f(-0.500) = -1.000\nf(0.500) = 1.000\nf(0.000) = 0.000"
    rc, stdout, stderr = out["lesson_wrong"]
    assert (rc, stderr) == (1, "")
    (result,) = json.loads(stdout)["results"]
    assert result["mistake"] == "power_rule" and "lower the power by one" in result["feedback"]
    svg = (root / "lesson_wrong.svg").read_text(encoding="utf-8")
    assert svg.count("#d62728") >= 1 and "your function" in svg


@pytest.mark.e2e
def test_a_wrong_notebook_fails_with_the_rule_and_its_picture(runs):
    root, out = runs
    rc, stdout, stderr = out["wrong"]
    assert (rc, stderr) == (1, "")
    (result,) = json.loads(stdout)["results"]
    assert result["mistake"] == "returned_f"
    assert "You returned f itself, not its derivative." in result["feedback"]
    picture = (root / "wrong.png").read_bytes()
    assert png_size(picture) == (640, 360)
    assert red_pixels(picture) > 200  # 22 of the 23 check points are wrong: red dots


@pytest.mark.e2e
def test_a_failing_cell_is_named_by_cell_and_line(runs):
    _, out = runs
    rc, stdout, _ = out["broken"]
    assert rc == 1
    (result,) = json.loads(stdout)["results"]
    assert result["error"] == "import"
    assert "cell 3, line 2: NameError: name 'undefined_name' is not defined\n    y = undefined_name + 1" in result["feedback"]


@pytest.mark.e2e
def test_a_file_that_is_not_a_notebook_is_one_line_exit_2(runs):
    _, out = runs
    rc, stdout, stderr = out["bad"]
    assert rc == 2 and stdout == ""
    assert stderr.startswith("gradquiz: bad.ipynb:1: not a notebook: invalid JSON (")
    assert len(stderr.strip().splitlines()) == 1


@pytest.mark.e2e
def test_the_starter_notebook_runs_and_its_check_cell_is_left_out(runs):
    root, out = runs
    rc, _, stderr = out["starter"]
    assert rc == 0 and "wrote starter/exercise1.ipynb" in stderr
    nb = nbformat.read(str(root / "starter" / "exercise1.ipynb"), as_version=4)
    nbformat.validate(nb)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["markdown", "code", "markdown", "code", "code"]
    assert "f(x) = x**2" in nb.cells[0].source
    assert nb.cells[1].source.startswith("# gradquiz: exercise1\n")
    assert nb.cells[2].source == "**`derivative(x)`** returns:\n\n- f'(x), a number, for $f(x) = x^{2}$ (task `derivative`)"
    assert nb.cells[3].source.startswith("def derivative(x):") and "raise NotImplementedError" in nb.cells[3].source
    assert nb.cells[4].source == "from grader import check\n\ncheck('exercise1')"
    rc, stdout, _ = run_cli("check", "starter/exercise1.ipynb", "--format", "json", cwd=root)
    report = json.loads(stdout)
    assert rc == 1 and "is not written yet" in report["results"][0]["feedback"]
    assert report["notes"] == ["cell 5 was not run: it uses the grader itself (`from grader import ...`)."]


@pytest.mark.e2e
def test_a_quiz_has_no_starter_notebook(runs):
    _, out = runs
    rc, _, stderr = out["starter_quiz"]
    assert rc == 2 and "'signs' is a quiz: its starter is an answers file" in stderr


@pytest.mark.e2e
def test_show_writes_the_lessons_picture(runs):
    root, out = runs
    assert out["show"][0] == 0 and out["show"][1].strip() == "wrote exercise1.png"
    picture = (root / "exercise1.png").read_bytes()
    assert png_size(picture) == (640, 360) and red_pixels(picture) > 50  # the three tangent lines
    assert out["show_svg"][0] == 0
    assert "contours of f and the gradient" in (root / "e4.svg").read_text(encoding="utf-8")
    assert out["show_quiz"][0] == 0, out["show_quiz"]
    assert "f, f' and tangent lines" in (root / "signs.svg").read_text(encoding="utf-8")
    rc, stdout, stderr = out["show_none"]
    assert (rc, stdout) == (2, "") and stderr.endswith("exercise6.yaml: this exercise has no task with one function f to draw\n")


# -- the source of a notebook -----------------------------------------------------------------


def test_magics_become_pass_and_lines_map_back_to_cells():
    nb = cells_source([
        ("cell 1", "%matplotlib inline\nimport numpy as np\nx = 3\nx %= 2\nfiles = !ls\nnp.sum?"),
        ("cell 2", "%%time\ndef f(x):\n    !echo hi\n    return 2*x"),
        ("cell 3", "%%bash\nls"),
        ("cell 4", "from grader import check\ncheck('e')"),
    ])
    assert nb.source == "pass\nimport numpy as np\nx = 3\nx %= 2\npass\npass\npass\ndef f(x):\n    pass\n    return 2*x\n"
    compile(nb.source, "nb", "exec")
    source, lines, notes = nb  # what `gradquiz grade` takes from grader.notebook.notebook_source(path)
    assert (source, lines[9], notes) == (nb.source, ("cell 2", 4), nb.notes)
    assert nb.where(10) == "cell 2, line 4"
    assert nb.where(1) == "cell 1, line 1" and nb.where(11) is None and nb.where(None) is None
    assert nb.notes[-2:] == [
        "cell 3 was not run: `%%bash` makes it a cell that is not Python.",
        "cell 4 was not run: it uses the grader itself (`from grader import ...`).",
    ]


def test_a_bare_id_outside_a_kernel_says_how_to_check_a_file():
    import grader

    with pytest.raises(GradquizError) as caught:
        grader.check("exercise1")
    assert str(caught.value) == (
        "check('exercise1') grades the functions of a running Jupyter notebook; "
        "outside one, pass the file: check('exercise1.py') or check('exercise1.ipynb')"
    )
    report = grader.check(str(SOLUTIONS / "exercise1.py"))  # a path still grades the file
    assert report.passed and "PASS" in report._repr_html_()


def test_a_plain_check_loads_neither_matplotlib_nor_nbformat():
    code = (
        "import sys\nfrom grader.api import check\n"
        f"r = check({str(SOLUTIONS / 'exercise1_wrong.py')!r})\n"
        "print(r.passed, 'matplotlib' in sys.modules, 'nbformat' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(), cwd=ROOT)
    assert out.stdout.split() == ["False", "False", "False"], out.stderr


# -- check() inside a real Jupyter kernel -----------------------------------------------------

KERNEL_CELLS = [
    "%matplotlib inline\nimport numpy as np\ncalls = []",
    "def derivative(x):\n    calls.append(x)  # were it called in this kernel, calls would fill\n    return x * 2.0",
    "from grader import check\nr = check('exercise1')\nr",
    "print('right', r.score, r.max_score, len(calls), [t for t, _ in r.figures])",
    "def derivative(x):\n    return np.sin(3 * x) * 0 + 2 * x ** 2",
    "r2 = check('exercise1')\nr2",
    "print('wrong', r2.score, r2.results[0].extra.get('mistake'))",
    "q = check('signs', answers={'q1': 'decreasing', 'q2': 1, 'q3': '6x^2'})\n"
    "print('quiz', q.score, q.max_score, [r.extra.get('mistake') for r in q.results])",
]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """One notebook executed by a real kernel (nbclient + ipykernel): its cells' outputs."""
    from nbclient import NotebookClient

    nb = new_notebook(cells=[new_code_cell(c) for c in KERNEL_CELLS],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    folder = tmp_path_factory.mktemp("kernel")
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return [c.outputs for c in nb.cells]


def _text(outputs) -> str:
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream")


def _html(outputs) -> str:
    return "".join(o.data.get("text/html", "") for o in outputs if o.output_type == "execute_result")


def test_in_kernel_check_grades_the_kernels_functions_in_the_sandbox(kernel):
    assert _text(kernel[3]).split() == ["right", "3.0", "3.0", "0", "['derivative']"]  # never called here
    page = _html(kernel[2])
    assert '<span class="pass">PASS</span>' in page and "Score: 3 / 3" in page
    assert "<svg" in page  # the picture below the report
    assert "Graded your notebook&#x27;s 2 code cells as run so far (1 IPython line such as %magics left out); not In [3]: it calls check()." in page


def test_in_kernel_check_of_a_wrong_function_names_the_rule_with_its_picture(kernel):
    assert _text(kernel[6]).split() == ["wrong", "0.0", "power_rule"]
    page = _html(kernel[5])
    assert '<span class="fail">FAIL</span>' in page and "The power rule" in page
    assert "#d62728" in page  # the failing check points, drawn in red


def test_in_kernel_quiz_answers(kernel):
    # q3 asks for f' of x^3 (3x^2): 6x^2 is twice it; q4 is unanswered
    assert _text(kernel[7]).split() == ["quiz", "2.0", "4.0", "[None,", "None,", "'factor',", "None]"]


@pytest.mark.parametrize(
    "body, message",
    [
        ("[]", 'not a notebook: expected a JSON object with a list of "cells"'),
        ('{"cells": "x", "nbformat": 4}', 'not a notebook: expected a JSON object with a list of "cells"'),
        ('{"cells": [1], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "not a notebook: every cell must be a JSON object"),
        ("[" * 100_000, "not a notebook: JSON nested too deeply"),
        ('{"cells": [], "nbformat": 4}', "not a notebook (ValidationError: The notebook is invalid and is missing an expected key: metadata)"),
    ],
    ids=["list", "cells-not-list", "cell-not-object", "deep", "no-metadata"],
)
def test_hostile_notebooks_are_one_clear_error(tmp_path, body, message):
    from grader.api import check

    path = tmp_path / "exercise1.ipynb"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(GradquizError) as caught:
        check(path)
    assert str(caught.value) == f"{path}: {message}"


@pytest.mark.e2e
def test_a_class_of_notebooks_is_graded(runs):
    """`gradquiz grade` takes `<student>/exercise1.ipynb` like `.py` files."""
    root, out = runs
    rc, _, stderr = out["grade"]
    assert rc == 0, stderr
    rows = (root / "graded" / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1:] == ["alice,3,3,3,100,ok,", "bob,0,0,3,0,ok,"]
    bob = json.loads((root / "graded" / "reports" / "bob" / "exercise1.json").read_text(encoding="utf-8"))
    assert bob["results"][0]["mistake"] == "power_rule"
    assert "Plots are not drawn while grading: matplotlib calls in your cells do nothing." in bob["notes"]

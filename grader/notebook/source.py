"""A notebook as the Python source the sandbox runs, and a map back to its cells.

Code cells are joined in order. What is IPython rather than Python is left out, and
each leaving-out is noted for the report:

* line magics and shell lines (``%matplotlib inline``, ``!pip install ...``,
  ``files = !ls``, ``np.sum?``) become ``pass`` at the same indentation, so the line
  numbers and blocks stay as they were;
* a cell magic (``%%time``, ``%%timeit``, ``%%capture``) keeps its Python body; any other
  (``%%bash``, ``%%writefile``, ``%%html``) drops the cell;
* a cell that uses the grader itself (``from grader import check``) is not run: in the
  sandbox it would start a grading of its own;
* a cell that is not valid Python is left in, so the report shows its syntax error
  with the cell and line.

``NotebookSource.where(line)`` turns a line of the joined source into "cell 3, line 2"
(cells counted from 1 as they appear in the notebook, Markdown included).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import GradquizError

PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "memit"}
_LINE_MAGIC = re.compile(r"^(\s*)(?:[%!]|[A-Za-z_][\w, ]*=\s*[%!](?!=))")
_HELP = re.compile(r"^(\s*)(?:\?\??[\w.]+|[\w.]+\?\??)\s*$")
_GRADER = re.compile(r"^\s*(?:from\s+grader(?:\.|\s)|import\s+grader\b)", re.M)


@dataclass
class NotebookSource:
    source: str
    lines: list[tuple[str, int]] = field(default_factory=list)  # joined line i+1 -> (cell label, line in cell)
    notes: list[str] = field(default_factory=list)

    def __iter__(self):
        """``source, lines, notes = notebook_source(path)``."""
        return iter((self.source, self.lines, self.notes))

    def where(self, line) -> str | None:
        """'cell 3, line 2' for a line of the joined source; None when there is no such line."""
        if not isinstance(line, int) or not 1 <= line <= len(self.lines):
            return None
        label, inner = self.lines[line - 1]
        return f"{label}, line {inner}"


def read_notebook(path: Path) -> dict:
    """The notebook's JSON, validated by nbformat; a GradquizError naming the file if it is not one."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GradquizError("no such file", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GradquizError(f"cannot read the notebook ({getattr(exc, 'strerror', None) or exc})", path) from None
    return parse_notebook(text, path)


def parse_notebook(text: str, path) -> dict:
    """A notebook from its text (``path`` names it in errors)."""
    import nbformat

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GradquizError(f"not a notebook: invalid JSON ({exc.msg})", path, exc.lineno) from None
    except RecursionError:
        raise GradquizError("not a notebook: JSON nested too deeply", path) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells", data.get("worksheets")), list):
        raise GradquizError("not a notebook: expected a JSON object with a list of \"cells\"", path)
    if not all(isinstance(c, dict) for c in data.get("cells") or ()):
        raise GradquizError("not a notebook: every cell must be a JSON object", path)
    try:
        with warnings.catch_warnings():  # a notebook without cell ids (nbformat 4.5) is fine to grade:
            warnings.simplefilter("ignore")  # no MissingIDFieldWarning on the student's terminal
            notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises many kinds for a file that is not a notebook
        raise GradquizError(f"not a notebook ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})", path) from None
    if not isinstance(notebook.get("cells"), list):
        raise GradquizError("not a notebook: no list of cells", path)
    return notebook


def notebook_source(path, text: str | None = None) -> NotebookSource:
    """The Python source of a notebook file's code cells, with its line map and notes
    (``text``: the file's contents when the caller has read them already).

    ``check`` and ``gradquiz grade`` call it for a ``.ipynb``.
    """
    notebook = read_notebook(Path(path)) if text is None else parse_notebook(text, path)
    cells = []
    for number, cell in enumerate(notebook["cells"], 1):
        if cell.get("cell_type") == "code":
            text = cell.get("source", "")
            cells.append((f"cell {number}", "".join(map(str, text)) if isinstance(text, list) else str(text)))
    return without_plots(cells_source(cells))


def cells_source(cells) -> NotebookSource:
    """``cells``: (label, code) pairs in order; the joined source, its map and notes."""
    out = NotebookSource("")
    parts = []
    for label, code in cells:
        code = code.replace("\r\n", "\n")
        if _GRADER.search(code):
            out.notes.append(f"{label} was not run: it uses the grader itself (`from grader import ...`).")
            continue
        code = _cell_magic(label, code, out.notes)
        if code is None:
            continue
        lines = code.split("\n")
        kept = [_line(label, i + 1, line, out.notes) for i, line in enumerate(lines)]
        parts.extend(kept)
        out.lines.extend((label, i + 1) for i in range(len(kept)))
    out.source = "\n".join(parts) + "\n"
    return out


def _cell_magic(label: str, code: str, notes: list) -> str | None:
    first, _, body = code.lstrip("\n").partition("\n")
    if not first.startswith("%%"):
        return code
    lead = code[: len(code) - len(code.lstrip("\n"))]
    name = first[2:].split()[0] if first[2:].split() else ""
    if name in PYTHON_CELL_MAGICS:
        notes.append(f"{label}: the cell magic `{first.strip()}` was left out; its code was run.")
        return lead + "pass\n" + body
    notes.append(f"{label} was not run: `{first.strip()}` makes it a cell that is not Python.")
    return None


def _line(label: str, number: int, line: str, notes: list) -> str:
    match = _LINE_MAGIC.match(line) or _HELP.match(line)
    if not match or _is_python(line):
        return line
    notes.append(f"{label}, line {number}: `{line.strip()[:60]}` is IPython, not Python: left out.")
    return match.group(1) + "pass"


def _is_python(line: str) -> bool:
    """A line the magic patterns catch that is still plain Python (`x = !y` is not; `x %= 2` is)."""
    stripped = line.strip()
    if stripped.startswith(("%", "!", "?")) or stripped.endswith("?"):
        return False
    try:
        compile(stripped, "<line>", "exec")
    except SyntaxError:
        return False
    return True


_PLOTTING = re.compile(r"^\s*(?:import|from)\s+(?:matplotlib|pylab)\b", re.M)
NO_PLOTS = """\
import sys as _gq_sys, types as _gq_types
class _GradquizNoPlot:  # plots are not drawn while grading: every matplotlib call does nothing
    def __getattr__(self, name):
        if name.startswith("__"): raise AttributeError(name)
        return self
    def __call__(self, *args, **kwargs): return self
    def __iter__(self): return iter((self, self))
    def __getitem__(self, key): return self
    def __enter__(self): return self
    def __exit__(self, *exc): return False
for _gq_name in ("matplotlib", "matplotlib.pyplot", "matplotlib.cm", "matplotlib.colors", "matplotlib.animation", "matplotlib.ticker", "matplotlib.patches", "matplotlib.figure", "matplotlib.gridspec", "matplotlib.style", "pylab", "mpl_toolkits", "mpl_toolkits.mplot3d"):
    _gq_module = _gq_types.ModuleType(_gq_name); _gq_module.__getattr__ = lambda attr, _n=_GradquizNoPlot(): _n; _gq_module.__path__ = []
    _gq_sys.modules[_gq_name] = _gq_module
del _gq_sys, _gq_types, _gq_name, _gq_module, _GradquizNoPlot
"""


def without_plots(notebook: NotebookSource) -> NotebookSource:
    """A notebook that plots (``import matplotlib`` / ``pylab``) gets a stand-in first: its
    calls do nothing, so pictures are not drawn while grading (and the sandbox, which may
    not load matplotlib, need not). Line numbers after it still map to the cells."""
    if not _PLOTTING.search(notebook.source):
        return notebook
    line = f"exec(compile({NO_PLOTS!r}, '<no plots while grading>', 'exec'))\n"  # one line: a header below stays in the first lines
    note = "Plots are not drawn while grading: matplotlib calls in your cells do nothing."
    where = [("the grader's stand-in for matplotlib", 1)]
    return NotebookSource(line + notebook.source, where + notebook.lines, notebook.notes + [note])


class MappedSandbox:
    """A Sandbox whose error descriptions also say where in the notebook (``"where"``:
    "cell 3, line 2") beside the line of the joined source; everything else is the Sandbox's."""

    def __init__(self, sandbox, notebook: NotebookSource):
        self._sandbox, self._notebook = sandbox, notebook

    def __getattr__(self, name):
        return getattr(self._sandbox, name)

    def __enter__(self):
        self._sandbox.__enter__()
        return self

    def __exit__(self, *exc):
        return self._sandbox.__exit__(*exc)

    def run(self, *args, **kwargs):
        return self._marked(self._sandbox.run(*args, **kwargs))

    def run_each(self, *args, **kwargs):
        return self._marked(self._sandbox.run_each(*args, **kwargs))

    def _marked(self, run):
        self._mark(run.detail)
        for item in run.results or ():
            if isinstance(item, dict):
                self._mark(item.get("error"))
        return run

    def _mark(self, error) -> None:
        """Set (never keep the child's) ``where``: the cell and line of the joined source's line."""
        if isinstance(error, dict):
            error.pop("where", None)
            where = self._notebook.where(error.get("line"))
            if where:
                error["where"] = where

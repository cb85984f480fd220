"""``gradquiz starter ID --notebook``: an exercise's starter as a Jupyter notebook.

The intro as Markdown, a code cell for the imports (with the ``# gradquiz: ID`` header,
so a renamed notebook is still graded against its exercise), one code cell per function
(the same stub as the ``.py`` starter) after a Markdown cell that states its task with the
maths in LaTeX (``$f(x) = x^{2}$``), and a last cell that runs the check inside the
kernel. ``gradquiz check`` of the notebook leaves that last cell out. Without ``--output`` it
is written to ``ID.ipynb`` (never over existing work without ``--force``).
"""

from __future__ import annotations

from pathlib import Path

from grader.errors import GradquizError


def notebook_output(problem_id: str, output: Path | None) -> Path:
    """Where ``starter --notebook`` writes: ``--output``, else ``ID.ipynb`` in the current folder
    (a notebook's JSON printed to a terminal is of no use to anyone)."""
    return output if output is not None else Path(f"{problem_id}.ipynb")


def starter_notebook(problem_id: str, problems=(), student: str | None = None) -> str:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from grader.authoring.starters import fill, stub, uses_stubs
    from grader.exercise import load_exercise
    from grader.problems import describe, find_problem, kind_of, load_yaml

    path = find_problem(problem_id, problems)
    data, positions = load_yaml(path)
    if kind_of(data) == "quiz":
        raise GradquizError(
            f"'{problem_id}' is a quiz: its starter is an answers file (`gradquiz starter {problem_id}`); "
            "--notebook is for exercises",
            path,
        )
    exercise = load_exercise(path, student, data, positions)
    spec = exercise.spec
    title, intro = fill(spec.title, exercise.params), fill(spec.intro, exercise.params)
    text = ([] if intro.lstrip().startswith("#") else [f"# {title}", ""]) + [intro.rstrip(), ""]
    if exercise.params:
        who = f" (student {exercise.student})" if exercise.student else ""
        text.append(f"*Your variant{who}: {describe(exercise.params)}.*\n")
    text.append("Write each function in its cell and run the cells; the last cell checks your work.")
    if spec.forbid:
        text.append(f"Work the derivatives out by hand: {', '.join(spec.forbid)} cannot be imported here.")
    hidden = sum(t.spec.visibility == "hidden" for t in exercise.tasks) + spec.hidden_checks
    if hidden:
        text.append(f"{hidden} hidden check{'s' if hidden > 1 else ''} will also run when your work is graded.")
    cells = [new_markdown_cell("\n".join(text)), new_code_cell(f"# gradquiz: {spec.id}\nimport numpy as np")]
    groups: dict[str, list] = {}
    for task in exercise.tasks:
        if task.spec.visibility == "visible":
            groups.setdefault(task.spec.function, []).append(task)
    for group in groups.values():
        code = stub(group, exercise.params)
        cells.append(new_markdown_cell(task_latex(group, code)))
        cells.append(new_code_cell(code))
    uses = "\n".join(uses_stubs(exercise, set(groups))).strip()
    if uses:  # autodiff: the functions the student writes for their own numbers
        cells.append(new_code_cell(uses))
    arguments = repr(spec.id) + (f", student={exercise.student!r}" if exercise.student else "")
    cells.append(new_code_cell(f"from grader import check\n\ncheck({arguments})"))
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    return nbformat.writes(notebook) + "\n"


def task_latex(tasks, code: str) -> str:
    """A function's tasks in Markdown with LaTeX maths, as a notebook shows them:
    ``**`derivative(x)`** returns: f'(x), a number, for $f(x) = x^{2}$ (task `derivative`)``.
    ``code``: the function's stub, whose first line gives its call; tasks without one formula
    f (the methods: a function passed in) are listed by what they return."""
    import sympy

    call = code.split("\n", 1)[0].removeprefix("def ").rstrip(":")
    lines = [f"**`{call}`** returns:", ""]
    for task in tasks:
        f, symbols = getattr(task, "f", None), getattr(task, "symbols", None)
        what = getattr(task.kind, "describe", task.kind.name)
        if not isinstance(f, sympy.MatrixBase) or symbols is None:
            lines.append(f"- {what} (task `{task.id}`)")
            continue
        names = ", ".join(sympy.latex(s) for s in symbols)
        shown = sympy.latex(f[0]) if f.shape == (1, 1) else sympy.latex(sympy.Matrix(f))
        lines.append(f"- {what}, for $f({names}) = {shown}$ (task `{task.id}`)")
    return "\n".join(lines)

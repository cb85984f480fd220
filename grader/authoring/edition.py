"""`gradquiz export`: the student edition, without references, answer keys or hidden tasks and
questions, recording ``hidden_checks`` and ``student_edition: true``."""

from __future__ import annotations

from pathlib import Path

import yaml

from grader.errors import GradquizError

EDITION_NOTE = {
    "exercise": "# Student edition made by `gradquiz export` from {source}: given answers and hidden tasks\n"
    "# are left out. Regenerate it rather than editing it.\n",
    "quiz": "# Student edition made by `gradquiz export` from {source}: answer keys and hints are left\n"
    "# out; answers are recorded and graded later. Regenerate it rather than editing it.\n",
}


def export(paths, output: Path) -> list[Path]:
    """Write the student edition of every problem file under ``paths`` into ``output``."""
    from grader.problems import expand, kind_of, load_yaml

    output = Path(output)
    sources = expand(paths)
    planned: dict[Path, Path] = {}
    editions = []
    for source in sources:
        data, positions = load_yaml(source)
        kind = kind_of(data)
        edition = student_edition(source, data, positions, kind)
        target = output / ("quizzes" if kind == "quiz" else "exercises") / source.name
        if target in planned:
            raise GradquizError(f"two problem files would both be written to {target}", source)
        planned[target] = source
        editions.append((source, target, edition, kind))
    for source, target, edition, kind in editions:
        _guard(target, set(s.resolve() for s in sources))
        note = EDITION_NOTE[kind].format(source=source.name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(note + dump(edition), encoding="utf-8")
        except OSError as exc:
            raise GradquizError(f"cannot write ({exc.strerror})", target) from None
    return [target for _, target, _, _ in editions]


def _guard(target: Path, sources: set) -> None:
    """Never overwrite the instructor's files: only earlier student editions."""
    if not target.exists():
        return
    if target.resolve() in sources:
        raise GradquizError("would overwrite the instructor's own file; choose another --output", target)
    from grader.problems import load_yaml

    try:
        data, _ = load_yaml(target)
    except GradquizError:
        data = None
    if not (isinstance(data, dict) and data.get("student_edition") is True):
        raise GradquizError("exists and is not a student edition; choose another --output", target)


def student_edition(path: Path, data, positions, kind: str) -> dict:
    """The data of one problem file without its keys and hidden parts (validated first)."""
    if kind == "quiz":
        from grader.authoring.quiz_files import quiz_edition

        return quiz_edition(path, data, positions)
    from grader.exercise import load_exercise

    load_exercise(path, data=data, positions=positions)  # refuse to export a broken file
    kept = [dict(t) for t in data["tasks"] if t.get("visibility", "visible") != "hidden"]
    if not kept:
        raise GradquizError("every task is hidden, so the student edition would be empty", path)
    for task in kept:
        task.pop("reference", None)
        task.pop("visibility", None)
    hidden = len(data["tasks"]) - len(kept) + int(data.get("hidden_checks", 0))
    return _with_edition_keys(data, "tasks", kept, hidden)


def _with_edition_keys(data: dict, section: str, kept: list, hidden: int) -> dict:
    out = {}
    for key, value in data.items():
        if key in ("hidden_checks", "student_edition"):
            continue
        if key == section:
            out["student_edition"] = True
            if hidden:
                out["hidden_checks"] = hidden
            out[key] = kept
        else:
            out[key] = value
    return out


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # every value written out in full: no anchors
        return True


def _text(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)

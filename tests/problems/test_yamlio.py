"""grader.problems.yamlio: SafeLoader only, the line of every key and item, and one-line errors
(file and line) for broken, hostile or oversized YAML."""

from __future__ import annotations

import pytest

from grader.errors import GradquizError
from grader.problems.yamlio import MAX_DEPTH, load_yaml

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


def load(tmp_path, text: str):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path, load_yaml(path)


def refusal(tmp_path, text: str) -> str:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GradquizError) as info:
        load_yaml(path)
    return str(info.value).replace(str(path), "FILE")


def test_data_and_the_line_of_every_key_and_item(tmp_path):
    _, (data, positions) = load(tmp_path, "id: ex\ntasks:\n  - id: a\n    kind: value\n\n  - id: b\n")
    assert data == {"id": "ex", "tasks": [{"id": "a", "kind": "value"}, {"id": "b"}]}
    assert positions[("id",)] == 1 and positions[("tasks", 0, "kind")] == 4 and positions[("tasks", 1, "id")] == 6
    assert positions.line_of(("tasks", 1, "missing", 3)) == 6  # the nearest parent's line
    assert positions.line_of(("nowhere",)) == 1


def test_an_empty_file_is_none(tmp_path):
    assert load(tmp_path, "")[1][0] is None


def test_no_python_objects_only_plain_data(tmp_path):
    no_constructor = "FILE:1: invalid value: could not determine a constructor for the tag"
    assert refusal(tmp_path, "x: !!python/name:os.system\n") == (
        f"{no_constructor} 'tag:yaml.org,2002:python/name:os.system'")
    assert refusal(tmp_path, "a: 1\nz: !foo bar\n") == (  # one line: PyYAML's own mark is not appended
        "FILE:2: invalid value: could not determine a constructor for the tag '!foo'")
    planted = tmp_path / "planted"
    assert refusal(tmp_path, f"x: !!python/object/apply:os.system ['touch {planted}']\n") == (
        f"{no_constructor} 'tag:yaml.org,2002:python/object/apply:os.system'")
    assert not planted.exists()


def test_a_tag_on_a_list_or_mapping_is_refused_not_ignored(tmp_path):
    no_constructor = "invalid value: could not determine a constructor for the tag"
    assert refusal(tmp_path, "a: 1\nb: !foo [1, 2]\n") == f"FILE:2: {no_constructor} '!foo'"
    assert refusal(tmp_path, "a:\n  - 1\n  - !bar {c: 1}\n") == f"FILE:3: {no_constructor} '!bar'"
    assert refusal(tmp_path, "a: !!set {x, y}\n") == (
        "FILE:1: invalid value: the tag '!!set' is not read here (write a plain list or mapping)")
    assert refusal(tmp_path, "a:\n  b: !!omap [x: 1]\n").startswith("FILE:2: invalid value: the tag '!!omap'")
    assert refusal(tmp_path, "!foo\na: 1\n") == f"FILE:1: {no_constructor} '!foo'"
    _, (data, _) = load(tmp_path, "a: !!map {x: 1}\nb: !!seq [1]\n")  # the plain tags, spelled out, are fine
    assert data == {"a": {"x": 1}, "b": [1]}


def test_broken_yaml_names_the_line(tmp_path):
    assert refusal(tmp_path, "id: ex\ntasks: [a, b\n") == (
        "FILE:3: invalid YAML: expected ',' or ']', but got '<stream end>'")
    assert refusal(tmp_path, "id: ex\nid: again\n") == "FILE:2: duplicate key 'id'"
    assert refusal(tmp_path, "? [a, b]\n: 1\n") == "FILE:1: a key must be a plain name"


def test_hostile_yaml_is_refused(tmp_path):
    levels = zip("abcdef", "bcdefg", strict=True)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    bomb += "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in levels)  # 10^7 items
    assert refusal(tmp_path, bomb) == "FILE: the YAML is too large (too many items)"
    deep = "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    assert refusal(tmp_path, deep).endswith(f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)")
    assert refusal(tmp_path, "n: " + "9" * 5000 + "\n") == (
        "FILE:1: invalid value: a number too long to read (more than 4300 digits)")


def test_a_file_that_cannot_be_read_is_one_line(tmp_path):
    with pytest.raises(GradquizError, match=r"no such file$"):
        load_yaml(tmp_path / "none.yaml")
    with pytest.raises(GradquizError, match=r"is a folder, expected a file$"):
        load_yaml(tmp_path)
    (tmp_path / "latin1.yaml").write_bytes(b"title: caf\xe9\n")
    with pytest.raises(GradquizError, match=r"not UTF-8 text \(invalid continuation byte\)$"):
        load_yaml(tmp_path / "latin1.yaml")

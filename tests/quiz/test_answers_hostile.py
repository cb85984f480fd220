"""Hostile answers files through the installed command: each gets a score (the answer fails
with a reason) or one exit-2 line naming the file, never a traceback, and the JSON report
is strict JSON. (Speed: benchmarks/, no timed assertions here.)"""

from __future__ import annotations

import json

import pytest
import sympy
from conftest import run_cli_many

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

QUIZ = """\
id: hq
title: Hostile answers
questions:
  - {id: num, kind: number, prompt: two, answer: 2}
  - {id: expr, kind: expression, f: x**2}
  - {id: rises, kind: interval, prompt: where, answer: "(0, oo)"}
  - {id: positive, kind: interval, prompt: where, answer: "(0, oo)"}
  - {id: stat, kind: stationary_points, prompt: where, answer: [-1, 1]}
  - {id: pick, kind: choice, prompt: pick, choices: [a, b], answer: 0}
  - {id: sign, kind: sign, f: x**2, at: 1}
"""
IDS = ["num", "expr", "rises", "positive", "stat", "pick", "sign"]
DIGITS = "9" * 5000

LAUGHS = "\n".join(
    [f"l0: &l0 [{', '.join(['x'] * 9)}]"]
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
)

SCORED = {  # an answers file's text -> the feedback each answered question starts with
    "nan_and_inf": (
        "quiz: hq\nanswers: {num: .nan, expr: .inf, rises: -.inf, positive: .NaN, stat: .nan, pick: .inf, sign: .nan}\n",
        {q: "could not read your answer: NaN and infinities are not answers: give a number" for q in IDS},
    ),
    "long_integer_strings": (
        f"quiz: hq\nanswers: {{num: '{DIGITS}', expr: '{DIGITS}', stat: '{DIGITS}', pick: '{DIGITS}'}}\n",
        {q: "could not read your answer: the answer is too long" for q in ("num", "expr", "stat", "pick")},
    ),
    "thousands_of_items": (
        "quiz: hq\nanswers: {num: [%s], stat: '%s', rises: '%s'}\n"
        % (", ".join(["1"] * 5000), ", ".join(["1"] * 2000), " U ".join(["(0, 1)"] * 1000)),
        {
            "num": "could not read your answer: expected one answer, got [1, 1, 1",
            "stat": "could not read your answer: the answer is too long",
            "rises": "could not read your answer: the answer is too long",
        },
    ),
    "undecidable_order": (
        "quiz: hq\nanswers: {positive: '(cos(1)^2 + sin(1)^2, 1]', rises: '-1 < x < cos(1)^2 + sin(1)^2 - 1'}\n",
        {
            "positive": "could not read your answer: cannot tell whether cos(1)^2 + sin(1)^2 is below 1: write "
            "the ends as plain numbers",
            "rises": "could not read your answer: cannot tell how the ends of this set are ordered",
        },
    ),
    "huge_interval_ends": (
        "quiz: hq\nanswers: {positive: '(0, 10^16]', rises: '(0, 10^20)'}\n",
        {
            "positive": "Your answer leaves out x = 15000000000000000. The expected answer is (0, oo).",
            "rises": "Your answer leaves out x = 150000000000000000000.",
        },
    ),
    "thousands_of_unknown_ids": (
        "quiz: hq\nanswers: {%s}\n" % ", ".join(f"k{i}: 1" for i in range(5000)),
        {},
    ),
    "odd_yaml_types": (
        "quiz: hq\nanswers: {num: !!binary aGVsbG8=, expr: 2001-12-14, pick: {a: 1}}\n",
        {
            "num": "could not read your answer: expected one answer, got b'hello'",
            "expr": "could not read your answer: expected one answer, got datetime",
            "pick": "could not read your answer: expected one answer, got {'a': 1}",
        },
    ),
}

REFUSED = {  # an answers file's text -> the one line on stderr ({path} is the file)
    "an_integer_of_5000_digits": (f"quiz: hq\nanswers: {{num: {DIGITS}}}\n",
                                  "{path}:2: invalid value: a number too long to read (more than 4300 digits)"),
    "nested_5000_deep": ("quiz: hq\nanswers: {num: " + "[" * 5000 + "]" * 5000 + "}\n",
                         "{path}:2: the YAML is nested too deeply (more than 64 levels)"),
    "nested_80_deep_mappings": ("quiz: hq\nanswers: {num: " + "{a: " * 80 + "1" + "}" * 80 + "}\n",
                                "{path}:2: the YAML is nested too deeply (more than 64 levels)"),
    "aliases_nested_deeper_than_the_text": (
        "quiz: hq\n" + "\n".join(["a0: &a0 [1]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 80)])
        + "\nanswers: {num: 1}\n",
        "{path}:2: the YAML is nested too deeply (more than 64 levels)",
    ),
    "billion_laughs": (f"quiz: hq\n{LAUGHS}\nanswers: {{num: *l8}}\n", "{path}: the YAML is too large (too many items)"),
    "a_self_referential_alias": ("quiz: hq\nanswers: &loop {num: *loop}\n",
                                 "{path}:2: an alias refers to an item that contains it (a loop)"),
    "a_list_that_contains_itself": ("quiz: hq\nanswers: {num: &l [1, *l]}\n",
                                    "{path}:2: an alias refers to an item that contains it (a loop)"),
    "a_set_for_an_answer": ("quiz: hq\nanswers: {num: 1, rises: !!set {a, b}}\n",
                            "{path}:2: invalid value: the tag '!!set' is not read here (write a plain list or mapping)"),
    "an_unknown_tag": ("quiz: hq\nanswers:\n  num: !foo 3\n",
                       "{path}:3: invalid value: could not determine a constructor for the tag '!foo'"),
    "a_python_object_in_a_list": ("quiz: hq\nanswers: {num: !!python/object/apply:os.system [echo]}\n",
                                  "{path}:2: invalid value: could not determine a constructor for the tag "
                                  "'tag:yaml.org,2002:python/object/apply:os.system'"),
    "a_file_over_1_mb": ("quiz: hq\nanswers: {num: '" + "1" * (1 << 20) + "'}\n",
                         "{path}: the answers file is too large (1024 KB; at most 1024 KB)"),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-answers")
    (folder / "hq.yaml").write_text(QUIZ)
    cases = {**SCORED, **REFUSED}
    paths = {}
    for name, (text, _) in cases.items():
        paths[name] = folder / f"{name}.answers.yaml"
        paths[name].write_text(text)
    jobs = [(("check", paths[n], "--problems", folder / "hq.yaml", "--format", "json"), folder, None) for n in cases]
    return dict(zip(cases, run_cli_many(jobs, timeout=300), strict=False)), paths


@pytest.mark.e2e
@pytest.mark.parametrize("name", SCORED)
def test_hostile_answers_get_a_score(runs, name):
    results, paths = runs
    rc, out, err = results[name]
    assert rc == 1, err
    assert err == ""
    report = json.loads(out)  # strict JSON: no NaN or Infinity literals
    json.loads(out, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    got = {r["id"]: r for r in report["results"]}
    assert report["score"] == 0 or name == "thousands_of_unknown_ids"
    for qid, start in SCORED[name][1].items():
        assert got[qid]["passed"] is False
        assert got[qid]["feedback"].startswith(start), got[qid]["feedback"]
    if name == "nan_and_inf":
        assert got["num"]["answer"] == "nan" and got["expr"]["answer"] == "inf" and got["rises"]["answer"] == "-inf"
    if name == "thousands_of_unknown_ids":
        assert len(report["notes"]) == 11
        assert report["notes"][-1] == f"{paths[name]}: 4990 more answers to questions quiz 'hq' does not have; not graded"


@pytest.mark.e2e
@pytest.mark.parametrize("name", REFUSED)
def test_hostile_answers_are_refused_with_one_line(runs, name):
    results, paths = runs
    rc, out, err = results[name]
    line = REFUSED[name][1].format(path=paths[name])
    assert (rc, err) == (2, f"gradquiz: {line}\n")
    assert json.loads(out)["error"] == line  # the report of score 0 that carries the reason


def test_an_interval_up_to_a_huge_end_is_not_up_to_infinity():
    from grader.quiz.sets import read_interval, set_difference_witness

    def witness(a, b):
        return set_difference_witness(read_interval(a), read_interval(b), 1e-6)

    assert witness("(0, 10^16]", "(0, oo)") == sympy.Integer(15 * 10**15)
    assert witness("(0, 10^16]", "(0, 10^16 + 2]") == 10**16 + 1  # floats cannot tell these apart
    assert witness("(-10^16, 0)", "(-oo, 0)") == -15 * 10**15
    assert witness("(0, 1]", "[0, 1)") is None  # the same up to endpoints
    assert witness("x < -1 or x > 1", "(-oo, -1) U (1, oo)") is None

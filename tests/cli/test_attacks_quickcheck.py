"""Red team of the fast `gradquiz check` (issue 19): the hand-made argument parse
(``grader.cli.quickcheck``) and the plain-text report on a pipe (``grader.reports.text``).

* Argument tricks (a file named ``--output``, ``-``, ``--`` or ``=``, options repeated, empty or
  dash values, prefixes Typer would refuse, unicode and non-UTF-8 names, ``--grading`` with a
  secret, a report path through ``..``) give exactly what Typer gives: the same exit status, the
  same stdout and stderr, the same files written. The fast path is the installed script; Typer is
  the same app called directly (``TYPER``), whatever the arguments. The plain cases are checked to
  be really taken by the fast parse (else the comparison would test Typer against itself).
* A wrong submission whose file name, printed text and exception message carry rich markup,
  terminal escapes, bidi controls, backslashes and tabs: the plain text on a pipe is byte for byte
  the Typer command's, the coloured text (``FORCE_COLOR=1``) is the same once its colour codes are
  removed, and nothing of it is taken as markup or reaches the terminal raw.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONSOLE_SCRIPT, SOLUTIONS, clean_env

from grader.cli.listing import ANSI
from grader.cli.quickcheck import parse

pytestmark = pytest.mark.e2e

TYPER = [sys.executable, "-c", "import sys; from grader.cli import app; sys.argv[0] = 'gradquiz'; app()"]
NOT_UTF8 = os.fsdecode(b"w\xff\xfe.py")  # a name that is not UTF-8 (kept as lone surrogates)

# arguments after `check`, run in a folder holding right.py, wrong.py and the odd names below
FAST = [  # what the fast parse takes (asserted below)
    ["wrong.py", "--exercise", "exercise1", "--format=json"],
    ["--format", "json", "--exercise", "exercise1", "wrong.py"],  # options before the file
    ["=", "--exercise", "exercise1"],  # a file named "="
    ["ü漢 name.py", "--exercise", "exercise1"],
    [NOT_UTF8, "--exercise", "exercise1"],
    ["right.py", "--student", "-"], ["right.py", "--exercise=-"], ["right.py", "--plot", "-"],
    ["right.py", "--problems", "-"], ["right.py", "--output", "-", "--output=-"],
    ["right.py", "--output", "json:sub/../r1.json", "--output", "junit:r2.xml"],
    ["right.py", "--output", "json:no/such/folder/r.json"],
    ["right.py", "--student", "a=b \x1b[31m\u202e"],
    ["right.py", "--grading", "--exercise", "exercise1"],
    ["right.py", "--format=github"],
    ["nowhere.py", "--format", "junit"],
]
TYPER_ONLY = [  # what it leaves to Typer (asserted below): Typer's own messages either way
    ["--output", "right.py"], ["right.py", "--output"], ["-"], ["--"], ["--", "right.py"], ["right.py", "--"],
    ["right.py", "--exercise", "exercise1", "--exercise", "exercise1"], ["right.py", "--format", "json", "--format=text"],
    ["right.py", "--grading", "--grading"], ["right.py", "--grading=yes"], ["right.py", "--no-grading"],
    ["right.py", "--format=JSON"], ["right.py", "--outp", "x"], ["right.py", "--output="], ["right.py", "--exercise", "--grading"],
    ["right.py", "-h"], ["right.py", "--version"], ["right.py", "wrong.py"], ["right.py", "--student", "-x"],
]


def _folder(root: Path) -> Path:
    root.mkdir()
    for name, source in (("right.py", "exercise1.py"), ("wrong.py", "exercise1_wrong.py"), ("=", "exercise1_wrong.py"),
                         ("ü漢 name.py", "exercise1_wrong.py"), (NOT_UTF8, "exercise1_wrong.py")):
        shutil.copyfile(SOLUTIONS / source, root / name)
    return root


def _files(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _both(cases: list[list[str]], tmp_path: Path, **env: str) -> list[tuple[tuple, tuple]]:
    """(fast, typer) per case: (exit status, stdout, stderr, files of its folder), run side by side."""
    assert CONSOLE_SCRIPT is not None, "no `gradquiz` next to the interpreter: run `pip install -e .`"
    runs = []
    for i, args in enumerate(cases):
        for kind, prefix in (("fast", [CONSOLE_SCRIPT]), ("typer", TYPER)):
            cwd = _folder(tmp_path / f"{kind}{i}")
            proc = subprocess.Popen([*prefix, "check", *args], cwd=cwd, env=clean_env(**env), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            runs.append((proc, cwd))
    got = []
    for proc, cwd in runs:
        out, err = proc.communicate(timeout=300)
        got.append((proc.returncode, out, err, _files(cwd)))
    return list(zip(got[::2], got[1::2], strict=True))


def test_the_cases_are_on_the_path_they_are_meant_for():
    """Else the comparisons below would compare Typer with itself (or miss the fast path)."""
    assert all(parse(args) is not None for args in FAST), [a for a in FAST if parse(a) is None]
    assert all(parse(args) is None for args in TYPER_ONLY), [a for a in TYPER_ONLY if parse(a) is not None]


def test_argument_tricks_on_the_fast_path_give_what_typer_gives(tmp_path):
    """Exit status, stdout, stderr and the files written, byte for byte (a file named "=", a
    non-UTF-8 name, dash values, a report path through ``..``, escapes in a student id, ...)."""
    pairs = _both(FAST, tmp_path, GRADQUIZ_SECRET="s3cret-h16")
    for args, (fast, typed) in zip(FAST, pairs, strict=True):
        assert fast == typed, (args, fast[:3], typed[:3])
    codes = [fast[0] for fast, _ in pairs]
    assert codes[0] == codes[1] == 1 and codes[-1] == 2 and 0 in codes, codes
    assert all(b"Traceback" not in fast[2] for fast, _ in pairs)
    assert all(b"s3cret-h16" not in fast[1] + fast[2] for fast, _ in pairs)


def test_what_the_fast_parse_leaves_gets_typers_answer(tmp_path):
    pairs = _both(TYPER_ONLY, tmp_path)
    for args, (fast, typed) in zip(TYPER_ONLY, pairs, strict=True):
        assert fast == typed, (args, fast[:3], typed[:3])
    assert all(fast[0] in (0, 2) for fast, _ in pairs), [fast[:3] for fast, _ in pairs]


HOSTILE = '''# gradquiz: exercise1
BAD = ("[bold]B[/bold] [link=https://evil.example]L[/link] \\\\[x] back\\\\ mid \\x1b[31mRED\\x1b[0m "
       "\\u202eevil\\u202c \\x07 tab\\there\\r end")
print(BAD)
print("[red]a whole line[/red]")
print("::error::forged")


def derivative(x):
    raise ValueError(BAD)
'''
HOSTILE_NAME = "hostile [bold]x[_bold] [link=https:__e.example]y.py"  # no "/" in a file name


def test_hostile_text_reaches_the_plain_report_as_text(tmp_path):
    """Markup, escapes and bidi controls from the submission's name, output and exception: the fast
    plain text is the Typer command's and the coloured text's without its colours; none is markup."""
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / HOSTILE_NAME).write_text(HOSTILE)
    name = HOSTILE_NAME
    procs = [subprocess.Popen([*prefix, "check", name], cwd=folder, env=clean_env(**env), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for prefix, env in (([CONSOLE_SCRIPT], {}), (TYPER, {}), ([CONSOLE_SCRIPT], {"FORCE_COLOR": "1"}))]
    (plain, plain_err), (typed, _), (coloured, _) = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [1, 1, 1], plain_err
    assert plain == typed
    assert "\x1b" in coloured and ANSI.sub("", coloured) == plain
    assert not any(c in plain for c in "\x1b\x07\r\u202e\u202c")
    assert "\\x1b[31mRED\\x1b[0m" in plain and "\\u202eevil\\u202c" in plain and "\\x07" in plain
    for shown in ("[bold]B[/bold]", "[link=https://evil.example]L[/link]", "\\[x] back\\ mid", "[red]a whole line[/red]",
                  "[bold]x[_bold] [link=https:__e.example]y.py"):
        assert shown in plain, shown
    assert "  | \\::error::forged" in plain  # a workflow command cannot start a line
    assert "]8;" not in coloured  # no hyperlink escape (OSC 8) from [link=...]


@pytest.mark.xfail(strict=True, reason="rich replaces emoji codes in the submission's text (main did too): "
                   "render_text's console.print calls and _PlainConsole need emoji=False")
def test_an_emoji_code_a_submission_prints_is_shown_as_printed(tmp_path):
    """``:smile:`` printed (or in the file's name) shows as ``:smile:``, as "shown as printed" says."""
    (tmp_path / "s.py").write_text("# gradquiz: exercise1\nprint(':smile: :thumbs_up:')\n"
                                   "def derivative(x):\n    raise ValueError(':smile:')\n")
    proc = subprocess.run([CONSOLE_SCRIPT or "gradquiz", "check", "s.py"], cwd=tmp_path, env=clean_env(),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "  | :smile: :thumbs_up:" in proc.stdout and "ValueError: :smile:" in proc.stdout

"""The class report (`report.html`): self-contained, escaped, and clean in a real browser.

The browser test opens the page in headless Chromium (Debian's `chromium`, which `.ci/run`
installs), fails on any console message (a script error, a blocked or failed load) and takes a
screenshot; it is skipped, with the reason shown, where no browser exists.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SOLUTIONS, clean_env, run_cli

pytestmark = pytest.mark.e2e  # every test here runs the command

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
HOSTILE = "<script>console.error('escaped?')</script>"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("html")
    subs = root / "subs"
    cases = {
        "ann": (SOLUTIONS / "exercise1.py").read_text(),
        "ben": (SOLUTIONS / "exercise1_wrong.py").read_text(),
        "cy": "def derivative(x):\n    return x**2\n",  # returned f: a named mistake
        "dee": "def derivative(x):\n    return x**2\n",
        "<eve>": f"def derivative(x):\n    raise ValueError({HOSTILE!r})\n",
        "fox": "def derivative(x)\n    return 2 * x\n",  # does not import
    }
    for name, code in cases.items():
        (subs / name).mkdir(parents=True)
        (subs / name / "exercise1.py").write_text(code)
    (subs / "gil").mkdir()
    rc, out, err = run_cli("grade", subs, "--exercise", "exercise1", "--output", root / "out", "--quiet", env=clean_env(GRADQUIZ_SECRET="x"),
                           timeout=180)
    assert rc == 0, err
    return root / "out" / "report.html"


def test_report_is_self_contained_and_escaped(report):
    html = report.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 2  # the score distribution and the pass rate per task
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)  # nothing fetched
    assert "@import" not in html and not re.search(r"url\((?!#)", html)  # only in-page references
    assert "&lt;eve&gt;" in html and "<eve>" not in html
    assert "&lt;script&gt;console.error(" in html
    # what the page says
    assert "Score distribution" in html and "Pass rate per task" in html
    assert re.search(r"<td>exercise1:derivative</td><td>returned_f</td><td class='num'>2</td>", html)
    assert re.search(r"<td>fox</td><td>exercise1</td><td>derivative: import</td>", html)
    assert re.search(r"<td>gil</td><td class='status-missing'>missing</td>", html)


def _chromium(page: Path, shot: Path, profile: Path) -> tuple[int, list[str]]:
    profile.mkdir()
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", f"--screenshot={shot}",
         "--window-size=1200,2000", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    return proc.returncode, [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (CI installs Debian's `chromium`)")
def test_report_in_a_real_browser(report, tmp_path):
    # the console capture works: a page that logs an error is caught
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><body><script>console.error('boom-42')</script></body></html>")
    rc, console = _chromium(bad, tmp_path / "bad.png", tmp_path / "profile-bad")
    assert rc == 0 and any("boom-42" in line for line in console)

    shot = tmp_path / "report.png"
    rc, console = _chromium(report, shot, tmp_path / "profile")
    assert rc == 0
    assert console == []  # no script error, no blocked or failed load
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000

"""The HTML report of one submission: what Jupyter shows for ``check(...)`` (``Report._repr_html_``).

Self-contained (inline styles, pictures as inline SVG); every text from the submission is
escaped. Imports nothing of grader but ``grader.reports``.
"""

from __future__ import annotations

import html

from grader.reports.safe import shown_notes
from grader.reports.text import Report, fmt, load_error_repeats, printable

STYLE = (
    "<style>.gq{font-family:system-ui,sans-serif;max-width:60em}.gq table{border-collapse:collapse}"
    ".gq td,.gq th{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}"
    ".gq .pass{color:#1a7f37;font-weight:bold}.gq .fail{color:#cf222e;font-weight:bold}"
    ".gq .rec{color:#0969da;font-weight:bold}.gq pre{white-space:pre-wrap;margin:0;font-size:90%}"
    ".gq .note{color:#9a6700}.gq figure{margin:.5em 0}</style>"
)


def _e(text: object) -> str:
    return html.escape(printable(text))


def render_html(report: Report) -> str:
    colour = "pass" if report.passed else "fail"
    rows = []
    repeats = load_error_repeats(report.results)  # a file that cannot be loaded: said once
    for r in report.results:
        recorded = r.extra.get("status") == "recorded"
        mark = '<span class="rec">RECORDED</span>' if recorded else (
            '<span class="pass">PASS</span>' if r.passed else '<span class="fail">FAIL</span>'
        )
        hidden = " <small>(hidden)</small>" if r.hidden else ""
        mistake = f'<br><small>mistake: <code>{_e(r.extra["mistake"])}</code></small>' if r.extra.get("mistake") else ""
        rows.append(
            f"<tr><td>{mark}</td><td><code>{_e(r.id)}</code>{hidden}{mistake}</td>"
            f"<td>{fmt(r.score)}/{fmt(r.max_score)}</td><td><pre>{_e(repeats.get(r.id, r.feedback))}</pre></td></tr>"
        )
    parts = [
        STYLE,
        '<div class="gq">',
        f"<h3>{_e(report.title)} <small>({_e(report.id)})</small></h3>",
        f'<p class="{colour}">Score: {fmt(report.score)} / {fmt(report.max_score)}</p>',
        "<table><tr><th></th><th>task</th><th>score</th><th>feedback</th></tr>",
        *rows,
        "</table>",
    ]
    parts += [f'<p class="note">note: {_e(note)}</p>' for note in shown_notes(report.notes)]
    if report.output.strip():
        parts.append(f"<details><summary>Your code printed</summary><pre>{_e(report.output.rstrip())}</pre></details>")
    for task_id, svg in report.figures:
        parts.append(f"<figure>{svg}<figcaption>{_e(task_id)}</figcaption></figure>")
    parts.append("</div>")
    return "\n".join(parts)

"""The JSON report (spec section 4, plus the keys of section 6)."""

from __future__ import annotations

import json

from grader.reports.model import Report


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, allow_nan=False, default=str) + "\n"

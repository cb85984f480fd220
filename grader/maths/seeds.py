"""Reproducible randomness: one seed from any parts (problem id, task id, student id, ...),
and ``grading_salt``: the extra parts that make grading mode's check points secret."""

from __future__ import annotations

import hashlib
import os
import secrets

import numpy as np


def seed(*parts: object) -> int:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def rng(*parts: object) -> np.random.Generator:
    return np.random.default_rng(seed(*parts))


def grading_salt() -> tuple[str, str]:
    """Seed parts for grading mode's random check points, added after the usual ones.

    From ``GRADQUIZ_SECRET`` when set (the same secret gives the same points, so a regrade
    reproduces them), else from fresh OS randomness (a new set on every run). A student's
    run adds no parts, so its points (shown in feedback, reproducible) are never these: a
    table of answers at the student-mode points does not pass.
    """
    secret = os.environ.get("GRADQUIZ_SECRET", "")
    key = secret.encode("utf-8", "surrogateescape") if secret else secrets.token_bytes(32)
    return ("grading-secret", hashlib.sha256(b"gradquiz check points\x1f" + key).hexdigest())

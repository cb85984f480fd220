"""A wheel of the running gradquiz, for CI to install the exact grader the instructor used.

``gradquiz ci github`` puts it in the template repository (``.github/gradquiz/``) and
``gradquiz ci gradescope`` in the autograder zip: no package index has to hold gradquiz. The
wheel is made from what runs (the ``grader`` package's files and the bundled problems, the
installed distribution's metadata), so an editable install from a source tree and an
installed wheel give the same result. Its dependencies stay requirements, installed from the
package index as usual. Reproducible: fixed timestamps and sorted entries (the same code, the
same bytes).
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path

from grader.errors import GradquizError
from grader.problems import PACKAGE, bundled

DIST = "gradquiz"
SKIP_DIRS = {"__pycache__", "_bundled"}
SKIP_SUFFIXES = {".pyc", ".pyo", ".so", ".pyd"}
STAMP = (2024, 1, 1, 0, 0, 0)
WHEEL = "Wheel-Version: 1.0\nGenerator: gradquiz ci\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _metadata() -> tuple[str, str, str]:
    """(version, METADATA text, entry_points.txt text) of the installed distribution."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution(DIST)
    except PackageNotFoundError:
        raise GradquizError("gradquiz is not installed (pip install -e .): its metadata are needed to build "
                            "the wheel for CI; or pass --package SPEC") from None
    metadata = dist.read_text("METADATA") or ""
    entry_points = dist.read_text("entry_points.txt") or "[console_scripts]\ngradquiz = grader.cli:main\n"
    return dist.version, metadata, entry_points


def _package_files() -> list[tuple[str, Path]]:
    """(name in the wheel, file) for every file of the running package and of the bundled set."""
    out = []
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(PACKAGE)
        if not path.is_file() or SKIP_DIRS & set(relative.parts) or path.suffix in SKIP_SUFFIXES:
            continue
        out.append((f"grader/{relative.as_posix()}", path))
    for folder in bundled():
        for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else ():
            if path.is_file():
                out.append((f"grader/_bundled/{folder.name}/{path.name}", path))
    return out


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def wheel_name() -> str:
    return f"{DIST}-{_metadata()[0]}-py3-none-any.whl"


def build_wheel() -> tuple[str, bytes]:
    """(file name, bytes) of a wheel of the running gradquiz."""
    version, metadata, entry_points = _metadata()
    info = f"{DIST}-{version}.dist-info"
    entries = [(name, path.read_bytes()) for name, path in _package_files()]
    entries += [(f"{info}/METADATA", metadata.encode()), (f"{info}/WHEEL", WHEEL.encode()),
                (f"{info}/entry_points.txt", entry_points.encode())]
    record = [_record_line(name, data) for name, data in entries] + [f"{info}/RECORD,,"]
    entries.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            item = zipfile.ZipInfo(name, date_time=STAMP)
            item.external_attr = 0o100644 << 16
            item.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(item, data)
    return f"{DIST}-{version}-py3-none-any.whl", buffer.getvalue()

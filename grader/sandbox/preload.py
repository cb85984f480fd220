"""What a sandbox child loads before it reads its config, and so before it knows the submission.

Every child loads numpy first (an exercise cannot forbid it; it loads ``math``, ``re``, ``typing``
and a few more standard modules itself). A child alone (``Sandbox``, or one started early by
``spare.prestart``) loads nothing more: the standard modules and the parts of numpy students use
(``numpy.random``, ``numpy.fft``, ...) import as well once it is confined (the standard library
and numpy stay readable), for the submissions that use them, and a module never loaded is never
in the memory of a child whose exercise forbids it. The fork server's zygote loads ``PRELOAD``
once for all its children (it names them on the zygote's command line, ``child.py --zygote``).
"""

from __future__ import annotations

PRELOAD = (
    "math", "cmath", "random", "statistics", "functools", "itertools", "operator", "fractions", "decimal", "heapq",
    "bisect", "string", "array", "struct", "textwrap", "collections", "numbers", "copy", "re", "typing", "dataclasses",
    "warnings", "numpy", "numpy.linalg", "numpy.random", "numpy.polynomial", "numpy.fft",
)

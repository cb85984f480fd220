"""Running untrusted code: the parent side (``parent``, ``forkserver``) starts and talks to
the child side (``child.py`` and ``confine.py``, standalone scripts) and gets plain values back.

May import nothing of the rest of grader, so the child's side can never reach grading code.

Interface (stable; other wings rely on it):

- ``Sandbox(source, filename, forbid=(), limits=Limits(), allow=())``: one submission in one
  confined child. ``run(function, call, points, timeout) -> Run``, ``output() -> (stdout,
  stderr)``, ``isolation -> dict``, ``close()`` (or use it as a context manager).
- ``ForkServer(allow=(), limits=Limits())``: a warm start for batch grading; ``with
  ForkServer(...) as zygote: with zygote.sandbox(source, filename, forbid=, allow=) as sb``:
  ``sb`` has the same methods and the same isolation as a ``Sandbox``.
- ``prestart(limits=Limits())``: start the next ``Sandbox``'s child now, before its submission
  is known (it loads Python and NumPy meanwhile; it is confined only once a ``Sandbox`` of the same
  limits, in the same process and thread, takes it and sends its config); ``discard_spare()``
  kills it if none did.
- ``Run.failure``: None, or "import" | "missing" | "timeout" | "crash" | "garbled" (the child
  sent something that is not a valid reply: treat as a failed task).
- ``isolation`` (what was enforced on this machine, for this child), keys:
  ``landlock`` (int: the kernel's Landlock ABI, 0 = none);
  ``filesystem``: "landlock" (reads limited to the interpreter, numpy, allowed packages and
  shared libraries; writes to the scratch folder only) | "uid" (root without Landlock: a uid of
  its own) | "none";
  ``network``: "seccomp+landlock-tcp" | "seccomp" (no sockets at all) | "landlock-tcp" (no
  seccomp: TCP only) | "none";
  ``signals``: "landlock-scoped" (ABI 6: nothing outside its own sandbox; seccomp too) |
  "seccomp" (only itself) | "none";
  ``processes``: "seccomp" (no fork, clone, exec) | "rlimit-nproc" | "none";
  ``user``: "root-without-capabilities" | "fresh-uid" | "same-user";
  ``memory``: "rlimit-as" | "rlimit-as+cgroup-v1" | "rlimit-as+cgroup-v2";
  ``missing``: list of one-line descriptions of what this platform could not enforce (empty
  when nothing is missing). ``{"error": ...}`` when the child never started. Reading it
  waits for the child to have confined itself (a fraction of a second after ``Sandbox()``):
  read it after the first ``run`` to keep the child's start-up parallel to the grader's.

Use a sandbox from the thread that created it: the child dies with that thread
(``PR_SET_PDEATHSIG``), and the signal handlers are installed only from the main thread.
"""

# The names other wings may use ({name: the module that defines it}), each imported on first use
# (PEP 562): importing the wing, or one name of it, never imports the rest. Same-wing code imports
# module to module. A new name goes here, then `python tools/surfaces.py --sync .` writes the block.
# (No `from __future__ import annotations` in this file: it would bind the name `annotations`.)
_SURFACE = {
    "ForkServer": "grader.sandbox.forkserver",
    "Limits": "grader.sandbox.parent",
    "Run": "grader.sandbox.parent",
    "Sandbox": "grader.sandbox.parent",
    "discard_spare": "grader.sandbox.spare",
    "prestart": "grader.sandbox.spare",
}

TYPE_CHECKING = False
if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)
    from grader.sandbox.forkserver import ForkServer as ForkServer
    from grader.sandbox.parent import Limits as Limits
    from grader.sandbox.parent import Run as Run
    from grader.sandbox.parent import Sandbox as Sandbox
    from grader.sandbox.spare import discard_spare as discard_spare
    from grader.sandbox.spare import prestart as prestart

__all__ = sorted(_SURFACE)


def __getattr__(name: str) -> object:
    """A name of the surface, imported from its module on first use (by ``__import__``, which
    ``python -X importtime`` reports, where ``importlib.import_module`` would hide the import)."""
    module = _SURFACE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(module, fromlist=[name]), name)
    globals()[name] = value
    return value

"""The sandbox child: runs one student submission and returns plain values.

Started by ``grader.sandbox`` as ``python -I _child.py`` in a new session. It is
standalone (stdlib and numpy only, no grader imports). Protocol, one JSON object per
line: the parent writes the config on fd 0 and then requests
``{"function": name, "call": "scalars"|"vector", "points": [[...], ...]}``; the child
answers on fd ``RESULT_FD`` with ``{"ready": true}`` or ``{"import_error": {...}}``,
then ``{"results": [...]}`` per request. Student output goes to fds 1 and 2 only.
"""

import json
import linecache
import os
import resource
import sys
import traceback

_loads, _dumps, _write, _read = json.loads, json.dumps, os.write, os.read
_PRELOAD = (
    "math cmath random statistics functools itertools operator fractions decimal heapq bisect "
    "string array struct textwrap "
    "collections numbers copy re typing dataclasses warnings numpy numpy.linalg numpy.random "
    "numpy.polynomial numpy.fft"
)


_STREAMS = []  # the real stdout and stderr, flushed before each reply
_dropped = False  # running as an unprivileged user
_np = None  # numpy, bound before the submission runs (it may forbid or patch the name)


class ForbiddenModule(ImportError):
    pass


def _forbidden_proxy(name):
    """A stand-in for a forbidden module: importing works, using it fails the task."""
    message = f"module '{name}' is not allowed in this exercise"

    class Proxy:
        def __getattr__(self, attr):
            if attr.startswith("__") and attr.endswith("__"):
                raise AttributeError(attr)
            return Proxy()

        def __call__(self, *args, **kwargs):
            raise ForbiddenModule(message)

        def __getitem__(self, key):
            raise ForbiddenModule(message)

        def __iter__(self):
            raise ForbiddenModule(message)

        def __repr__(self):
            return f"<forbidden module {name}>"

        for _op in ("add sub mul truediv pow neg radd rsub rmul rtruediv rpow float int bool".split()):
            locals()[f"__{_op}__"] = __call__
        del _op

    import types

    module = types.ModuleType(name, message)
    module.__getattr__ = lambda attr: Proxy()
    module.__path__ = []  # a package, so `import sympy.abc` works too
    module.__forbidden__ = True
    return module


class _ForbidFinder:
    def __init__(self, forbid):
        self.forbid = set(forbid)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] not in self.forbid:
            return None
        import importlib.machinery

        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        return _forbidden_proxy(spec.name)

    def exec_module(self, module):
        pass


def _limits(cfg):
    mem = cfg.get("memory_mb")
    if mem:
        resource.setrlimit(resource.RLIMIT_AS, (mem << 20, mem << 20))
    cpu = cfg.get("cpu_seconds")
    if cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    fsize = cfg.get("fsize_mb", 16) << 20
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))


def _drop_privileges(cfg):
    os.chdir(cfg["scratch"])
    uid = cfg.get("uid")
    if uid is None or os.geteuid() != 0:
        return
    os.setgroups([])
    os.setgid(cfg["gid"])
    os.setuid(uid)
    global _dropped
    _dropped = True
    # No new processes or threads at all: a child that calls os.setsid() would leave the
    # process group that the parent kills, and outlive the check.
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))


def _student_frame(exc, filename):
    """(line, source text) of the deepest frame in the student's file, or (None, '')."""
    found = (None, "")
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            found = (frame.lineno, (frame.line or "").strip())
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        found = (exc.lineno, (exc.text or "").strip())
    return found


def _describe(exc, filename):
    line, text = _student_frame(exc, filename)
    name = type(exc).__name__
    try:
        detail = str(exc)
    except BaseException:
        detail = ""
    if isinstance(exc, SyntaxError):
        detail = exc.msg
    if isinstance(exc, SystemExit):
        detail = f"your code called sys.exit({exc.code!r})"
    if _dropped and isinstance(exc, ImportError) and not isinstance(exc, ForbiddenModule):
        detail += " (the grader runs your code as an unprivileged user: the standard maths modules and numpy are available, others may not be)"
    return {"type": name, "message": detail[:500], "line": line, "text": text[:200]}


def _to_plain(value):
    """A returned value as {"shape": [...], "data": [...]} of floats, or an error dict."""
    numpy = _np
    if value is None or isinstance(value, (str, bytes, dict, set)):
        return {"ok": False, "returned": type(value).__name__}
    try:
        array = numpy.asarray(value, dtype=float)
    except BaseException:
        return {"ok": False, "returned": type(value).__name__}
    if array.size > 100_000:
        return {"ok": False, "returned": f"an array of {array.size} numbers"}
    return {"ok": True, "shape": list(array.shape), "data": [float(v) for v in array.ravel()]}


def _call_all(function, request, filename):
    numpy = _np
    out = []
    for point in request["points"]:
        try:
            if request["call"] == "vector":
                value = function(numpy.array(point, dtype=float))
            else:
                value = function(*[float(v) for v in point])
            out.append(_to_plain(value))
        except BaseException as exc:  # SystemExit and KeyboardInterrupt too: they fail this call only
            out.append({"ok": False, "error": _describe(exc, filename)})
    return out


def _send(fd, message):
    _flush()  # the parent may SIGKILL us after this reply: what was printed must be in the file
    data = (_dumps(message) + "\n").encode()
    while data:
        data = data[_write(fd, data):]


def _flush():
    for stream in _STREAMS:
        try:
            stream.flush()
        except BaseException:
            pass


def _lines(fd):
    buffer = b""
    while True:
        chunk = _read(fd, 1 << 16)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            yield _loads(line)


def main():
    result_fd = int(sys.argv[1])
    requests = _lines(0)
    cfg = next(requests)
    os.environ.clear()
    os.environ.update({"PATH": "/usr/bin:/bin", "HOME": cfg["scratch"], "TMPDIR": cfg["scratch"], "OPENBLAS_NUM_THREADS": "1"})
    for name in _PRELOAD.split():
        try:
            __import__(name)
        except ImportError:
            pass
    global _np
    import numpy as _np

    _limits(cfg)
    _drop_privileges(cfg)
    forbid = set(cfg.get("forbid", ()))
    for name in list(sys.modules):
        if name.split(".")[0] in forbid:
            sys.modules[name] = _forbidden_proxy(name)
    sys.meta_path.insert(0, _ForbidFinder(forbid))
    sys.stdin = open(os.devnull)
    sys.stdout.reconfigure(write_through=True)
    sys.stderr.reconfigure(write_through=True)
    _STREAMS[:] = [sys.stdout, sys.stderr]
    filename = cfg["filename"]
    module = type(sys)(cfg["module"])
    module.__file__ = filename
    sys.modules[cfg["module"]] = module
    sys.path[:] = [p for p in sys.path if p] + [cfg["scratch"]]
    # Feedback quotes the student's line from this cache: the file itself may be a relative
    # path (the child runs in a scratch folder) or unreadable to the sandbox user.
    linecache.cache[filename] = (len(cfg["source"]), None, cfg["source"].splitlines(True), filename)
    try:
        code = compile(cfg["source"], filename, "exec")
        exec(code, module.__dict__)
    except BaseException as exc:
        _send(result_fd, {"import_error": _describe(exc, filename)})
        return
    _send(result_fd, {"ready": True})
    for request in requests:
        function = module.__dict__.get(request["function"])
        if not callable(function):
            _send(result_fd, {"missing": True})
            continue
        _send(result_fd, {"results": _call_all(function, request, filename)})


if __name__ == "__main__":
    main()

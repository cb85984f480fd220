"""The sandbox child: runs one student submission and returns plain values.

Started by ``grader.sandbox`` as ``python -I child.py RESULT_FD PARENT_PID [MODULE...]`` in a
new session, or as the fork server (``child.py --zygote PARENT_PID [MODULE...]``, see
``forkserver.py``) that forks one per submission. It loads numpy and the MODULEs (the
zygote's, ``preload.py``) before it reads its config: a child may be started before the grader
knows the submission (``spare.py``). It is standalone (stdlib and numpy, plus ``confine.py`` beside it, no
grader imports). Protocol, one JSON object per line: the parent writes the config on fd 0
and then requests ``{"function": name, "call": "scalars"|"vector"|"args", "points": [[...], ...]}``
(``"args"``: each point a list of arguments, see ``_argument``);
the child answers on fd ``RESULT_FD`` with ``{"isolation": {...}}`` once confined (before
the submission runs), then ``{"ready": true}`` or ``{"import_error": {...}}``, then
``{"results": [...]}`` or ``{"missing": true}`` per request (a request with ``"each": true``
gets one ``{"results": [one]}`` per point, as each call returns). Student output goes to fds 1
and 2 only. Everything the child sends after ``isolation`` may be forged by the submission:
the parent validates it.
"""

import json
import linecache
import os
import sys
import traceback  # before the submission runs: it may forbid or plant the name

_loads, _dumps, _write, _read = json.loads, json.dumps, os.write, os.read

_STREAMS = []  # the real stdout and stderr, flushed before each reply
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

        for _op in (["add", "sub", "mul", "truediv", "pow", "neg", "radd", "rsub", "rmul", "rtruediv", "rpow", "float", "int", "bool"]):
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


class _UnreadableFinder:
    """An installed module the sandbox may not read fails to import with ModuleNotFoundError,
    as if it were not installed, instead of PermissionError: optional imports in allowed
    packages (``try: import charset_normalizer except ImportError``, as numpy.f2py does) keep
    working. Only the kind of error changes: the kernel refuses the read either way."""

    def find_spec(self, fullname, path=None, target=None):
        import importlib.machinery

        try:
            spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        except PermissionError:
            spec = None
            origin = fullname
        else:
            origin = getattr(spec, "origin", None) if spec is not None and spec.has_location else None
            if not origin:
                return None
            try:
                os.close(os.open(origin, os.O_RDONLY | os.O_CLOEXEC))
                return None  # readable: the usual finders import it
            except PermissionError:
                pass
            except OSError:
                return None
        raise ModuleNotFoundError(f"No module named {fullname!r} (not readable in the sandbox)", name=fullname)


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
    if isinstance(exc, (ImportError, PermissionError)) and not isinstance(exc, ForbiddenModule):
        detail += (" (the grader lets submissions read only the standard library, numpy and the packages the exercise "
                   "allows, and write only in their working folder)")
    if not isinstance(line, int) or isinstance(line, bool) or not 0 <= line <= 10**7:
        line = None
    return {"type": str(name)[:100], "message": str(detail)[:500], "line": line, "text": str(text)[:200]}


def _to_plain(value):
    """A returned value as {"shape": [...], "data": [...]} of floats, or an error dict."""
    numpy = _np
    if value is None or isinstance(value, (str, bytes, dict, set)):
        return {"ok": False, "returned": str(type(value).__name__)[:100]}
    try:
        array = numpy.asarray(value, dtype=float)
    except BaseException:
        return {"ok": False, "returned": str(type(value).__name__)[:100]}
    if array.size > 100_000 or array.ndim > 8 or max(array.shape, default=0) > 100_000:
        return {"ok": False, "returned": f"an array of {array.size} numbers"}
    return {"ok": True, "shape": list(array.shape), "data": [float(v) for v in array.ravel()]}


def _argument(spec, module):
    """One argument of an ``"args"`` call: a number, an integer, an array, or a function built
    from the grader's source text (NumPy code, or Python over names the student's file defines,
    ``uses``) in a namespace of its own: the callable reaches numpy and those names, nothing of
    this script. A fresh one per call, so nothing a call leaves in it reaches the next."""
    if "number" in spec:
        return float(spec["number"])
    if "int" in spec:
        return int(spec["int"])
    if "array" in spec:
        return _np.array(spec["array"], dtype=float)
    names = {"__builtins__": {}, "numpy": _np, "abs": abs}
    for name in spec.get("uses", ()):
        if name not in module.__dict__:
            raise NameError(f"your file does not define `{name}`, which the functions you are given use")
        names[name] = module.__dict__[name]
    return eval(spec["source"], names)


def _to_parts(value, count):
    """Several returned arrays (a tuple or list of ``count``), flattened into one value whose
    ``parts`` holds each one's shape."""
    if not isinstance(value, (tuple, list)) or len(value) != count:
        what = f"a {type(value).__name__} of {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
        return {"ok": False, "returned": str(what)[:100]}
    items = [_to_plain(v) for v in value]
    for item in items:
        if not item["ok"]:
            return item
    data = [v for item in items for v in item["data"]]
    if len(data) > 100_000:
        return {"ok": False, "returned": f"arrays of {len(data)} numbers"}
    return {"ok": True, "shape": [len(data)], "data": data, "parts": [item["shape"] for item in items]}


def _call_args(function, request, filename, module):
    """Calls whose points are lists of arguments (``_argument``); ``parts``: how many arrays
    each call returns (0: one value)."""
    out = []
    parts = request.get("parts", 0)
    for point in request["points"]:
        try:
            value = function(*[_argument(a, module) for a in point])
            out.append(_to_parts(value, parts) if parts else _to_plain(value))
        except BaseException as exc:  # SystemExit and KeyboardInterrupt too: they fail this call only
            out.append({"ok": False, "error": _describe(exc, filename)})
    return out


def _call_all(function, request, filename, module=None):
    numpy = _np
    if request["call"] == "args":
        return _call_args(function, request, filename, module)
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



def _load_confine():
    """``confine.py`` (and the ``seccomp.py`` it imports) from beside this file, read before the
    child loses access to them."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    try:
        import confine
    finally:
        sys.path.remove(here)
        sys.modules.pop("confine", None)
        sys.modules.pop("seccomp", None)
    return confine


def _load_numpy():
    """The environment every child runs in, and numpy, which every child loads (an exercise cannot
    forbid it): done before the config is read, so a child started early (``prestart``) loads it
    while the grader is still finding the exercise."""
    global _np
    os.environ.clear()
    os.environ.update({"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "TMPDIR": "/nonexistent", "OPENBLAS_NUM_THREADS": "1"})
    import numpy as _np


def _preload(names):
    """The modules the grader names (a fork server's zygote: ``preload.PRELOAD``, for all its
    children), loaded while the child can still read them all."""
    for name in names:
        try:
            __import__(name)
        except ImportError:
            pass


def _prepare(cfg):
    """What the config adds before the child is confined: the packages it preloads (a fork
    server's allowed ones), the import system's folder caches of the allowed ones."""
    _preload(cfg.get("preload", ()))
    import importlib.util

    for name in cfg.get("allow", ()):  # fill the import system's folder caches while it can read them
        try:
            importlib.util.find_spec(name)
        except (ImportError, ValueError):
            pass


def _stand_in(module):
    return module is None or bool(getattr(module, "__dict__", {}).get("__forbidden__"))


def _loaded_tops():
    """The top-level names of every module really in memory (not a forbidden stand-in)."""
    return {name.split(".")[0] for name, module in list(sys.modules.items()) if not _stand_in(module)}


def _serve(cfg, result_fd, requests, confine, read_fds=None):
    """Confine this process, report how, run the submission, answer requests."""
    os.chdir(cfg["scratch"])
    os.environ.update({"HOME": cfg["scratch"], "TMPDIR": cfg["scratch"]})
    sys.stdin = open(os.devnull)  # noqa: SIM115 - the child's stdin for its life
    try:
        isolation = confine.confine(cfg, read_fds)
    except BaseException as exc:  # fail closed: nothing of the submission runs unconfined
        _send(result_fd, {"import_error": {"type": "SandboxError", "message": f"the sandbox could not be set up: {exc}"[:500], "line": None, "text": ""}})
        return
    forbid = set(cfg.get("forbid", ()))
    loaded = sorted(n for n in forbid if n in sys.modules and not _stand_in(sys.modules[n]))  # a package's
    # submodule is never loaded without the package itself: the top-level names are enough
    if loaded:  # fail closed: a module in memory can be reached whatever sys.modules says
        _send(result_fd, {"import_error": {"type": "SandboxError", "message": (
            f"the sandbox could not be set up: {', '.join(loaded)} cannot be forbidden here (the sandbox itself "
            "loads it with numpy)")[:500], "line": None, "text": ""}})
        return
    _send(result_fd, {"isolation": isolation})
    for name in list(sys.modules):
        if name.split(".")[0] in forbid:
            sys.modules[name] = _forbidden_proxy(name)
    sys.meta_path.insert(0, _UnreadableFinder())
    sys.meta_path.insert(0, _ForbidFinder(forbid))
    sys.stdout.reconfigure(write_through=True)
    sys.stderr.reconfigure(write_through=True)
    _STREAMS[:] = [sys.stdout, sys.stderr]
    filename = cfg["filename"]
    module = type(sys)(cfg["module"])
    module.__file__ = filename
    sys.modules[cfg["module"]] = module
    sys.path[:] = [p for p in sys.path if p] + [cfg["scratch"]]
    # Feedback quotes the student's line from this cache: the file itself may be a relative
    # path (the child runs in a scratch folder) and is unreadable to the sandbox.
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
        if request.get("each"):  # one reply per call, so the parent knows how far a slow task got
            for point in request["points"]:
                _send(result_fd, {"results": _call_all(function, {**request, "points": [point]}, filename, module)})
        else:
            _send(result_fd, {"results": _call_all(function, request, filename, module)})


def _zygote(parent, confine):
    """The fork server: preload once, then fork one confined child per submission.

    Fd 0 is a unix socket to the parent. First line: the server config (``allow``, also
    preloaded; ``scratch_root``, the folder that will hold every child's folder: the server
    confines itself with a first Landlock layer for all its children, ``confine.py``); then
    per submission a message ``{}`` with four fds attached (requests, stdout, stderr,
    results); the forked child reads its config from the first of them, as a child started by
    ``Sandbox`` does. The zygote answers ``{"ready": true, "layered": bool}`` once, then
    ``{"pid": N}`` (or ``{"error": ...}``) per submission. It never runs student code.
    """
    import signal
    import socket

    control = socket.socket(fileno=0)
    stream = control.makefile("rb")
    _load_numpy()
    _preload(sys.argv[3:])
    server = _loads(stream.readline())
    _prepare(server)
    base = confine.open_paths(confine.read_paths(server.get("allow", ())))
    confine.warm(drop_capabilities=True)
    layered = bool(server.get("scratch_root")) and confine.restrict_fork_server(base, server["scratch_root"])
    if layered:  # its children add their few rules (or reopen these paths where they forbid one)
        confine._close([fd for fd, *_ in base])
        base = None
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    control.sendall((_dumps({"ready": True, "layered": layered, "loaded": sorted(_loaded_tops())}) + "\n").encode())
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(control, 1 << 20, 4)
        except OSError:
            return
        if not message:
            return
        try:
            if len(fds) != 4:
                raise ValueError("expected 4 descriptors")
            pid = os.fork()
        except (ValueError, OSError) as exc:
            for fd in fds:
                os.close(fd)
            control.sendall((_dumps({"error": str(exc)}) + "\n").encode())
            continue
        if pid == 0:
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.setsid()
                confine.die_with_parent(os.getppid())  # the zygote; it dies with the grader
                control.detach()  # fd 0 is about to become the request pipe
                for target, fd in zip((0, 1, 2), fds[:3], strict=False):
                    os.dup2(fd, target)
                result_fd = fds[3]
                for fd in fds[:3]:
                    os.close(fd)
                requests = _lines(0)
                cfg = next(requests)
                cfg["parent"] = os.getppid()
                cfg["extra_allow"] = [m for m in cfg.get("allow", ()) if m not in server.get("allow", ())]
                _serve(cfg, result_fd, requests, confine, base)
            finally:
                _flush()
                os._exit(0)
        for fd in fds:
            os.close(fd)
        control.sendall((_dumps({"pid": pid}) + "\n").encode())


def main():
    confine = _load_confine()
    if sys.argv[1] == "--zygote":
        parent = int(sys.argv[2])
        confine.die_with_parent(parent)
        _zygote(parent, confine)
        return
    result_fd, parent = int(sys.argv[1]), int(sys.argv[2])
    confine.die_with_parent(parent)
    _load_numpy()
    _preload(sys.argv[3:])
    requests = _lines(0)
    cfg = next(requests)
    cfg["parent"] = parent
    _prepare(cfg)
    _serve(cfg, result_fd, requests, confine)


if __name__ == "__main__":
    main()

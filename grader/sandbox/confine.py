"""Kernel-enforced confinement of the sandbox child (standalone: stdlib and ctypes only).

Loaded by ``child.py`` before the submission runs; imports nothing of grader. ``confine``
applies, in this order and for the rest of the process's life:

- resource limits (address space, CPU, file size, open files, no core files);
- as root: every capability dropped (bounding, effective, permitted, inheritable and ambient
  sets) and the securebits locked so none can come back; the uid stays 0, so the
  interpreter's own files (under a 0700 ``/root`` too) stay readable;
- ``no_new_privs``;
- Landlock (when the kernel has it): read-only access to the standard library, numpy and the
  allowed packages, the shared libraries; read/write to the scratch folder only; no TCP
  (ABI 4), no signals or abstract unix sockets outside the sandbox (ABI 6);
- a seccomp filter (x86_64, ``seccomp.py`` beside this file): no new processes or threads, no
  exec, no sockets, no ptrace or other processes' memory, no shared memory or IPC objects that
  outlive the process, no signals except to itself, no namespaces or mounts;
- ``PR_SET_PDEATHSIG``: the child dies with the process that started it.

``confine`` returns what it enforced (see ``grader.sandbox`` for the keys).
"""

import ctypes
import errno
import os
import platform
import resource
import stat
import struct
import sys

TYPE_CHECKING = False  # typing is not imported at run time: this file loads before the submission
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any, Literal, TypedDict

    OpenPath = tuple[int, bool, str, int]  # (O_PATH descriptor, is a folder, path, rights)

    class Isolation(TypedDict, total=False):
        """What ``confine`` enforced: the child's first line, the report's ``isolation`` (see ``grader.sandbox``)."""

        landlock: int  # the kernel's Landlock ABI, 0 for none
        filesystem: Literal["landlock", "uid", "none"]
        network: Literal["seccomp+landlock-tcp", "seccomp", "landlock-tcp", "none"]
        signals: Literal["landlock-scoped", "seccomp", "none"]
        processes: Literal["seccomp", "rlimit-nproc", "none"]
        user: Literal["root-without-capabilities", "fresh-uid", "same-user"]
        memory: str  # "rlimit-as", or with "+cgroup-v2" / "+cgroup-v1" (cgroups.CgroupKind)
        missing: list[str]  # what could not be enforced here, one line each

LINUX = sys.platform.startswith("linux")
if __name__ == "confine":  # loaded by child.py from beside this file, as it loads seccomp.py
    import seccomp as _filter
else:
    from grader.sandbox import seccomp as _filter

_libc = ctypes.CDLL(None, use_errno=True)
if LINUX:
    _libc.syscall.restype = ctypes.c_long
    _libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 28, 38, 47, 4
SECUREBITS_LOCKED_NOROOT = 0xEF  # NOROOT, NO_SETUID_FIXUP, NO_CAP_AMBIENT_RAISE, all locked, KEEP_CAPS locked off

# -- Landlock ----------------------------------------------------------------------------------
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
SYS_CLOSE_RANGE = 436  # the same number on every architecture (Linux 5.9)
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1, 2, 4, 8
FS_REMOVE_DIR, FS_REMOVE_FILE, FS_MAKE_CHAR, FS_MAKE_DIR = 16, 32, 64, 128
FS_MAKE_REG, FS_MAKE_SOCK, FS_MAKE_FIFO, FS_MAKE_BLOCK, FS_MAKE_SYM = 256, 512, 1024, 2048, 4096
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2
READ = FS_READ_FILE | FS_READ_DIR
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
SCRATCH = (READ | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_DIR | FS_MAKE_REG
           | FS_MAKE_SYM | FS_REFER | FS_TRUNCATE)
LIB_ROOTS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/local/lib64")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/usr/share/zoneinfo", "/dev/urandom")


_probed: "dict[str, Any]" = {}  # what never changes in a process's life, probed once (a fork server's children inherit it)


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when it has none (or it is disabled)."""
    if not LINUX:
        return 0
    if "abi" not in _probed:
        abi = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
        _probed["abi"] = max(int(abi), 0)
    return int(_probed["abi"])


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def _python_entries(name: str) -> bool:
    return name.startswith("python") or name in ("site-packages", "dist-packages")


def read_paths(packages: "Iterable[str]" = (), forbid: "Iterable[str]" = (),  # noqa: C901 - ratchet: split when next changed
               base: bool = True) -> list[tuple[str, int]]:
    """(path, rights) of everything the child may read, computed from the running interpreter:
    the standard library (without its site-packages), numpy and ``packages`` with their
    ``.libs`` folders, the shared libraries (without any Python packages living beside them),
    a few system files. A folder that would expose more is granted entry by entry; the
    folders the import system searches may also be listed (names only, no contents), so that
    it still finds modules after ``importlib.invalidate_caches()``."""
    import importlib.util

    paths: list[str] = []
    listed: list[str] = []
    forbidden_names = set(forbid)

    def entries(folder: str, skip: "Callable[[str], bool]") -> None:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return
        for name in names:
            if not skip(name):
                paths.append(os.path.join(folder, name))

    def forbidden(name: str) -> bool:
        return _python_entries(name) or name.split(".")[0] in forbidden_names

    if base:
        stdlib = {os.path.dirname(os.__file__)}  # and the folder above lib-dynload, if elsewhere
        for module in list(sys.modules.values()):
            where = getattr(module, "__file__", None) or ""
            if os.path.basename(os.path.dirname(where)) == "lib-dynload":
                stdlib.add(os.path.dirname(os.path.dirname(where)))
        roots = set()
        for root in LIB_ROOTS + (os.path.join(sys.base_prefix, "lib"),):
            if os.path.isdir(root):
                roots.add(os.path.realpath(root))
        for folder in sorted(stdlib):
            entries(folder, forbidden)
            listed.append(folder)
        for root in sorted(roots - stdlib):
            entries(root, _python_entries)
    for name in (("numpy",) if base else ()) + tuple(packages):
        if name in forbidden_names and name != "numpy":
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            continue
        places: list[str | None] = list(spec.submodule_search_locations or []) or [spec.origin]
        for place in places:
            if not place or not os.path.exists(place):
                continue
            paths.append(place)
            parent = os.path.dirname(place)
            listed.append(parent)
            for sibling in (name + ".libs", name.replace("_", "-") + ".libs"):
                if os.path.isdir(os.path.join(parent, sibling)):
                    paths.append(os.path.join(parent, sibling))
    if base:
        paths += [p for p in SYSTEM_FILES if os.path.exists(p)]
        paths += [p for p in sys.path if p.endswith(".zip") and os.path.isfile(p)]  # a zipped stdlib
    out = [(p, READ) for p in dict.fromkeys(paths)] + [(p, FS_READ_DIR) for p in dict.fromkeys(listed)]
    return out


def open_paths(entries: "Iterable[tuple[str, int]]") -> "list[OpenPath]":
    """(O_PATH descriptor, is a folder, path, rights) of each (path, rights), so that rules can
    be added later, e.g. after a fork."""
    out: list[OpenPath] = []
    if not LINUX:
        return out
    for path, rights in entries:
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue
        out.append((fd, stat.S_ISDIR(os.fstat(fd).st_mode), path, rights))
    return out


def _top_name(path: str) -> str:
    return os.path.basename(path).split(".")[0].split("-")[0]


def _landlock(abi: int, read_fds: "Iterable[OpenPath]", scratch: str,
              forbid: "set[str] | frozenset[str]" = frozenset()) -> "Isolation":
    rules = [(fd, is_dir, rights) for fd, is_dir, path, rights in read_fds
             if rights == FS_READ_DIR or _top_name(path) not in forbid]
    opened = [os.open(path, os.O_PATH | os.O_CLOEXEC) for path in (scratch, "/dev/null")]
    try:
        _restrict(abi, rules + [(opened[0], True, SCRATCH), (opened[1], False, FS_READ_FILE | FS_WRITE_FILE)])
    finally:
        for fd in opened:
            os.close(fd)
    return {
        "filesystem": "landlock",
        "network": "seccomp+landlock-tcp" if abi >= 4 else "seccomp",
        "signals": "landlock-scoped" if abi >= 6 else "seccomp",
    }


def _restrict(abi: int, rules: "Iterable[tuple[int, bool, int]]") -> None:
    """One Landlock layer on this thread: every file right, TCP and (ABI 6) the scopes handled;
    ``rules``: (O_PATH descriptor, is a folder, rights) of what stays allowed."""
    fs = _fs_rights(abi)
    attr = struct.pack("QQQ", fs, NET_BIND_TCP | NET_CONNECT_TCP, SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    buf = ctypes.create_string_buffer(attr[:size], size)
    ruleset = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, buf, ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset")
    try:
        # one rule structure and one set of C arguments for all (up to a few hundred) rules
        rule = _PathBeneath(0, -1)
        call = (ctypes.c_long(SYS_LANDLOCK_ADD_RULE), ctypes.c_int(ruleset), ctypes.c_int(1), ctypes.byref(rule),
                ctypes.c_uint32(0))
        syscall = _libc.syscall
        for fd, is_dir, rights in rules:
            rights &= fs if is_dir else fs & FILE_RIGHTS
            if not rights:
                continue
            rule.allowed_access, rule.parent_fd = rights, fd
            if syscall(*call) < 0:
                raise OSError(ctypes.get_errno(), "landlock_add_rule")
        if _libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self")
    finally:
        os.close(ruleset)


# -- a fork server's first layer ---------------------------------------------------------------
def restrict_fork_server(read_fds: "list[OpenPath]", scratch_root: str) -> bool:
    """Confine a fork server with a first Landlock layer that every child inherits: read the
    paths of ``read_fds``, read and write under ``scratch_root`` (where each child's scratch
    folder will be). A child then adds a second layer of a few rules: broad folders that hold
    all of those paths but never ``scratch_root`` nor a folder above it (the first layer keeps
    them to the paths), and its own scratch folder. Landlock allows what every layer allows,
    so the child reads exactly what a child confined alone reads, writes only its own scratch
    folder, and the hundreds of rules are added once per server instead of once per child
    (the server then closes ``read_fds``: its children neither copy nor close them).

    False (nothing done) without Landlock, or when no such folders exist (``scratch_root``
    inside a folder the child reads): children then add every rule themselves."""
    abi = landlock_abi()
    if not (LINUX and abi) or len(os.listdir("/proc/self/task")) != 1:
        return False
    cover = _cover([path for _fd, _is_dir, path, _rights in read_fds] + ["/dev/null"], scratch_root)
    if cover is None:
        return False
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:  # needed without CAP_SYS_ADMIN; it never execs
        raise OSError(ctypes.get_errno(), "no_new_privs")
    _landlock(abi, read_fds, scratch_root)  # the first layer: a child's rules, its scratch the root
    _probed["cover"] = open_paths([(path, READ) for path in cover])
    _probed["first_layer"] = [(path, rights) for _fd, _is_dir, path, rights in read_fds]
    return True


def _cover(paths: "Iterable[str]", avoid: str) -> list[str] | None:
    """The fewest folders (and files) holding every one of ``paths``, none of them ``avoid`` or
    a folder above it: for each path its highest folder not on ``avoid``'s way from ``/``.
    None when a path is ``avoid``, above it or inside it (nothing can hold it)."""
    inside = os.path.realpath(avoid)
    above = {inside}
    folder = inside
    while os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
        above.add(folder)
    out: set[str] = set()
    for path in paths:
        real = os.path.realpath(path)
        if real.startswith(inside + "/"):
            return None
        parts = real.split("/")
        for i in range(2, len(parts) + 1):
            prefix = "/".join(parts[:i])
            if prefix not in above:
                out.add(prefix)
                break
        else:
            return None
    return sorted(p for p in out if not any(p.startswith(q + "/") for q in out))


# -- capabilities ------------------------------------------------------------------------------
def _drop_capabilities() -> list[str]:
    """Uid 0 without any capability, for good: file permissions then work as for the owner of
    root's files (the interpreter stays importable) and nothing else. Locking the securebits
    and emptying the bounding set need CAP_SETPCAP, which some containers withhold: what could
    not be done is returned (no_new_privs and the refused exec keep capabilities from coming
    back through a program anyway); emptying the process's own sets must succeed."""
    missing: list[str] = []
    if _libc.prctl(PR_SET_SECUREBITS, SECUREBITS_LOCKED_NOROOT, 0, 0, 0) != 0:
        missing.append("securebits (no CAP_SETPCAP): root's capability rules are not locked off")
    last = _cap_last()
    for cap in range(last + 1):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EINVAL:
            missing.append("capability bounding set (no CAP_SETPCAP): not emptied")
            break
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = struct.pack("Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = ctypes.create_string_buffer(24)  # two zeroed {effective, permitted, inheritable}
    if _libc.capset(ctypes.create_string_buffer(header, 8), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")
    return missing


def _cap_last() -> int:
    if "cap_last" not in _probed:
        try:
            with open("/proc/sys/kernel/cap_last_cap") as handle:
                _probed["cap_last"] = int(handle.read())
        except (OSError, ValueError):
            _probed["cap_last"] = 63
    return int(_probed["cap_last"])


def _switch_user(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


# -- all together ------------------------------------------------------------------------------
def set_limits(cfg: "dict[str, Any]") -> None:
    mem = cfg.get("memory_mb")
    if mem:
        resource.setrlimit(resource.RLIMIT_AS, (mem << 20, mem << 20))
    cpu = cfg.get("cpu_seconds")
    if cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # no real-time scheduling or raised priority (sched_setscheduler/sched_setattr on itself
    # stay allowed), whatever limits the grader was started with: a SCHED_FIFO loop starves
    # the grader and every other process on the machine until the task's deadline
    resource.setrlimit(resource.RLIMIT_RTPRIO, (0, 0))
    resource.setrlimit(resource.RLIMIT_NICE, (0, 0))
    fsize = cfg.get("fsize_mb", 16) << 20
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))


def die_with_parent(parent: int) -> None:
    """SIGKILL when the parent goes; and if it has gone already (the race), go now."""
    if LINUX:
        _libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(70)


def _close(fds: list[int]) -> None:
    """Close ``fds``, one ``close_range`` per run of consecutive numbers (a fork server's ~280
    come in a few runs: a few system calls instead of one each)."""
    fds = sorted(fds)
    while fds:
        run = 1
        while run < len(fds) and fds[run] == fds[0] + run:
            run += 1
        first, last, fds = fds[0], fds[run - 1], fds[run:]
        if not (LINUX and _libc.syscall(SYS_CLOSE_RANGE, ctypes.c_uint(first), ctypes.c_uint(last), ctypes.c_uint(0)) == 0):
            os.closerange(first, last + 1)


def warm(drop_capabilities: bool = False) -> None:
    """Probe and build, before a fork server forks, what every child would otherwise redo;
    ``drop_capabilities``: as root with Landlock, drop them here, once, for every child (the
    fork server never runs student code and needs none: it only forks)."""
    landlock_abi()
    _cap_last()
    _filter.program()
    if drop_capabilities and LINUX and os.geteuid() == 0 and landlock_abi():
        _probed["capabilities"] = _drop_capabilities()


def confine(cfg: "dict[str, Any]",  # noqa: C901 - ratchet: split when next changed
            read_fds: "list[OpenPath] | None" = None) -> "Isolation":
    """Apply everything; ``read_fds`` from ``open_paths`` (computed here when None)."""
    missing: list[str] = []
    if not LINUX:  # no kernel confinement here: limits only, and say so
        set_limits(cfg)
        if os.geteuid() != 0:
            resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
        return {"landlock": 0, "filesystem": "none", "network": "none", "signals": "none",
                "processes": "none" if os.geteuid() == 0 else "rlimit-nproc", "user": "same-user",
                "memory": "rlimit-as", "missing": [f"not Linux ({sys.platform}): files, network, signals "
                                                   "and processes are not confined; grade on Linux"]}
    # Landlock and seccomp confine the calling thread (a fork server's child, under its server's
    # first layer, may not list /proc: it is single-threaded, as forked from a server that was)
    if "cover" not in _probed and len(os.listdir("/proc/self/task")) != 1:
        raise RuntimeError("the child has more than one thread (set OPENBLAS_NUM_THREADS=1)")
    abi = landlock_abi()
    root = os.geteuid() == 0
    layered = "cover" in _probed  # forked by a server under its first Landlock layer
    if layered:
        if cfg.get("extra_allow"):
            raise RuntimeError("this fork server's first Landlock layer cannot allow more packages")
        read_fds = []
    elif read_fds is None:
        read_fds = open_paths(read_paths(cfg.get("allow", ()), cfg.get("forbid", ())))
    elif cfg.get("extra_allow"):  # a fork server's: add the packages only this child may use
        read_fds = read_fds + open_paths(read_paths(cfg["extra_allow"], cfg.get("forbid", ()), base=False))
    set_limits(cfg)
    info: Isolation = {"landlock": abi, "filesystem": "none", "network": "none", "signals": "none",
            "processes": "none", "user": "same-user", "memory": "rlimit-as"}
    if root and abi:
        missing += _probed["capabilities"] if "capabilities" in _probed else _drop_capabilities()
        info["user"] = "root-without-capabilities"
    elif root and cfg.get("uid") is not None:  # no Landlock: root's files need another uid
        _switch_user(cfg["uid"])
        info["user"] = "fresh-uid"
        info["filesystem"] = "uid"
        missing.append("landlock: the submission can read every world-readable file")
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "no_new_privs")
    if abi:
        forbid = set(cfg.get("forbid", ())) - {"numpy"}
        first = _probed.get("first_layer", ())
        if layered and not any(_top_name(path) in forbid for path, rights in first if rights != FS_READ_DIR):
            info.update(_landlock(abi, _probed["cover"], cfg["scratch"]))  # the second layer over the server's
        else:  # the whole list: a child alone, or one that may not read some of what its server may
            read_fds = read_fds or open_paths(first)
            info.update(_landlock(abi, read_fds, cfg["scratch"], forbid))
        if abi < 6:
            missing.append("landlock scopes (ABI 6): abstract unix sockets rely on seccomp")
    elif not root:
        missing.append("landlock: the submission can read and write what the grader's user can")
    _close([fd for fd, *_ in read_fds + (_probed.pop("cover", None) or [])])
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    filtered = False
    if platform.machine() == "x86_64" and sys.maxsize > 2**32:
        try:
            _filter.install(os.getpid())
            filtered = True
        except OSError as exc:  # a kernel without seccomp filters
            missing.append(f"seccomp ({exc}): processes, sockets and signals are not filtered")
    else:
        missing.append("seccomp (x86_64 only): processes, sockets and signals are not filtered")
    if filtered:
        info["processes"] = "seccomp"
        info["network"] = info["network"] if abi >= 4 else "seccomp"
        if not abi:
            info["signals"] = "seccomp"
    else:
        info["network"] = "landlock-tcp" if abi >= 4 else "none"
        info["signals"] = "landlock-scoped" if abi >= 6 else "none"
        if not root:
            resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
            info["processes"] = "rlimit-nproc"
    die_with_parent(cfg["parent"])
    memory = cfg.get("memory_cgroup")
    if memory:
        info["memory"] = "rlimit-as+" + memory
    else:
        missing.append("cgroup memory: shared memory and files in a tmpfs scratch folder are not counted")
    info["missing"] = missing
    return info

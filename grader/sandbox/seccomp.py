"""The seccomp filter of the sandbox child (standalone: stdlib and ctypes only, x86_64).

Loaded by ``confine.py`` beside it. ``install(pid)`` allows every system call except those
below: no new processes or threads, no exec, no sockets, no ptrace or other processes'
memory, no shared memory or IPC objects that outlive the process, no signals except to
itself, no namespaces or mounts, no changes to files' metadata. The program is built once
per process (``program``): a fork server's children inherit it and fill in their pid.
"""

import ctypes
import errno
import struct

_libc = ctypes.CDLL(None, use_errno=True)
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
PR_SET_PDEATHSIG, PR_SET_SECCOMP = 1, 22
_Instruction = bytes | tuple[int, int]  # an instruction, or (sign, jump) of one comparing with the pid
_made: list[_Instruction] = []  # the program's instructions, once made

AUDIT_ARCH_X86_64 = 0xC000003E
DENIED = {  # x86_64 numbers; errno EPERM unless named (EAGAIN: "can't start new thread")
    # new processes and threads, programs
    "clone": 56, "fork": 57, "vfork": 58, "clone3": 435, "execve": 59, "execveat": 322,
    # other processes: memory, tracing, descriptors, priorities
    "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312,
    "pidfd_open": 434, "pidfd_getfd": 438, "pidfd_send_signal": 424, "process_madvise": 440,
    "process_mrelease": 448, "setpriority": 141, "ioprio_set": 251, "migrate_pages": 256,
    "move_pages": 279,
    # the network and sockets of any kind; io_uring (it can open sockets past this filter)
    "socket": 41, "socketpair": 53, "io_uring_setup": 425, "io_uring_enter": 426,
    "io_uring_register": 427,
    # memory and objects that outlive the process or escape RLIMIT_AS
    "memfd_create": 319, "memfd_secret": 447, "shmget": 29, "msgget": 68, "semget": 64,
    "mq_open": 240, "userfaultfd": 323,
    # and the objects other processes made: attaching root's SysV segments (uid 0 owns them, no
    # capability needed), sending to their queues, removing them (by id or, for mq, by name)
    "shmat": 30, "shmctl": 31, "shmdt": 67, "msgsnd": 69, "msgrcv": 70, "msgctl": 71, "semop": 65,
    "semctl": 66, "semtimedop": 220, "mq_unlink": 241, "mq_timedsend": 242, "mq_timedreceive": 243,
    "mq_notify": 244, "mq_getsetattr": 245,
    # files' metadata, which Landlock does not cover (a file's owner may chmod it)
    "chmod": 90, "fchmod": 91, "fchmodat": 268, "fchmodat2": 452, "chown": 92, "fchown": 93,
    "lchown": 94, "fchownat": 260, "utime": 132, "utimes": 235, "utimensat": 280,
    "futimesat": 261, "setxattr": 188, "lsetxattr": 189, "fsetxattr": 190, "removexattr": 197,
    "lremovexattr": 198, "fremovexattr": 199, "setxattrat": 463, "removexattrat": 466,
    "inotify_init": 253, "inotify_init1": 294, "inotify_add_watch": 254, "fanotify_init": 300,
    "name_to_handle_at": 303, "open_by_handle_at": 304,
    # namespaces, mounts, keys, kernel interfaces
    "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
    "chroot": 161, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
    "fsmount": 432, "fspick": 433, "mount_setattr": 442, "perf_event_open": 298, "bpf": 321,
    "keyctl": 250, "add_key": 248, "request_key": 249,
    "syslog": 103,  # the kernel's log, readable by anyone where kernel.dmesg_restrict is 0
}
AGAIN = {"clone", "fork", "vfork", "clone3"}
SELF_ONLY = {  # allowed only when the first argument names this process (values: also allowed)
    "kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
    "prlimit64": 302, "sched_setaffinity": 203, "sched_setscheduler": 144,
    "sched_setparam": 142, "sched_setattr": 314,
}
ALSO = {"kill": "group", "prlimit64": "zero", "sched_setaffinity": "zero", "sched_setscheduler": "zero",
        "sched_setparam": "zero", "sched_setattr": "zero"}
# Commands refused by argument: (syscall number, offset of the argument in seccomp_data, values).
# F_SETOWN / F_SETOWN_EX (fcntl) and FIOSETOWN / SIOCSPGRP (ioctl) would make the kernel send
# SIGIO (or the F_SETSIG signal) to any process of the same user, e.g. the grader, when the
# result pipe becomes writable: a signal that passes seccomp's kill rules (Landlock's signal
# scope, ABI 6, stops it too; older kernels have only this).
ARG_DENIED = {"fcntl": (72, 24, (8, 15)), "ioctl": (16, 24, (0x8901, 0x8902))}
PR_SET_PDEATHSIG_NR, SIGKILL = 157, 9  # prctl: the death signal may only be set to SIGKILL


def _bpf(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k & 0xFFFFFFFF)


LD_ABS, JEQ, JGE, RET = 0x20, 0x15, 0x35, 0x06
ALLOW, KILL = 0x7FFF0000, 0x80000000


def _errno(value: int) -> int:
    return 0x00050000 | value


def seccomp_program(pid: int) -> bytes:
    """The filter: allow everything except the calls above; signals, limits and scheduling
    only for ``pid`` itself (``kill`` also to its own group, 0 or -pid)."""
    return b"".join(part if isinstance(part, bytes) else _bpf(JEQ, part[0] * pid, part[1], 0) for part in program())


def program() -> list[_Instruction]:
    """The filter's instructions, those comparing with the pid as (sign, jump) to fill in: made
    once per process (a fork server's children inherit them) instead of once per child."""
    if _made:
        return _made
    pid = _PID
    prog: list[_Instruction] = [_bpf(LD_ABS, 4), _bpf(JEQ, AUDIT_ARCH_X86_64, 1, 0), _bpf(RET, KILL), _bpf(LD_ABS, 0),
            _bpf(JGE, 0x40000000, 0, 1), _bpf(RET, _errno(errno.EPERM))]  # no x32 calls
    for name, nr in DENIED.items():
        prog += [_bpf(JEQ, nr, 0, 1), _bpf(RET, _errno(errno.EAGAIN if name in AGAIN else errno.EPERM))]
    for name, nr in SELF_ONLY.items():
        also: dict[str, list[int | _Pid]] = {"group": [0, -pid], "zero": [0]}
        values: list[int | _Pid] = [pid, *also.get(ALSO.get(name, ""), [])]
        checks = [_bpf(JEQ, v, len(values) - i, 0) if not isinstance(v, _Pid) else (v.sign, len(values) - i)
                  for i, v in enumerate(values)]
        block = [_bpf(LD_ABS, 16), *checks, _bpf(RET, _errno(errno.EPERM)), _bpf(RET, ALLOW)]
        prog += [_bpf(JEQ, nr, 0, len(block)), *block]
    for _name, (nr, offset, allowed) in ARG_DENIED.items():
        arg_checks = [_bpf(JEQ, v, len(allowed) - i, 0) for i, v in enumerate(allowed)]
        block = [_bpf(LD_ABS, offset), *arg_checks, _bpf(RET, ALLOW), _bpf(RET, _errno(errno.EPERM))]
        prog += [_bpf(JEQ, nr, 0, len(block)), *block]
    # prctl(PR_SET_PDEATHSIG, sig): only SIGKILL, so the child cannot outlive a killed grader
    block = [_bpf(LD_ABS, 16), _bpf(JEQ, PR_SET_PDEATHSIG, 0, 2), _bpf(LD_ABS, 24),
             _bpf(JEQ, SIGKILL, 0, 1), _bpf(RET, ALLOW), _bpf(RET, _errno(errno.EPERM))]
    prog += [_bpf(JEQ, PR_SET_PDEATHSIG_NR, 0, len(block)), *block]
    prog.append(_bpf(RET, ALLOW))
    _made[:] = prog
    return _made


class _Pid:
    """The pid, or minus it, in the filter's template."""

    def __init__(self, sign: int) -> None:
        self.sign = sign

    def __neg__(self) -> "_Pid":
        return _Pid(-self.sign)


_PID = _Pid(1)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install(pid: int) -> None:
    program = seccomp_program(pid)
    buf = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if _libc.prctl(PR_SET_SECCOMP, 2, ctypes.addressof(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp")

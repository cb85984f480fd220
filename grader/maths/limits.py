"""Time limits for symbolic work: ``time_limit`` (SIGPROF, main thread) and ``attempt``
(a step that gives ``default`` on timeout or on any SymPy failure, never a hang).

The limits count the process's CPU time, not the clock: they cap work, and a busy machine
(a class graded on every core, a loaded CI runner) must not turn a right answer into an
undecided one."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NoReturn, TypeVar

T = TypeVar("T")
D = TypeVar("D")

STEP_SECONDS = 1.0  # one symbolic step


class TimeLimit(BaseException):
    """Raised inside a step that ran out of time (BaseException: SymPy's ``except Exception`` won't eat it)."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` of CPU time with TimeLimit (main thread, POSIX); else no limit."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable or seconds is None:
        yield
        return
    outer_delay, _ = signal.getitimer(signal.ITIMER_PROF)

    def expire(signum: int, frame: FrameType | None) -> NoReturn:
        raise TimeLimit()

    previous = signal.signal(signal.SIGPROF, expire)
    started = _clock()
    signal.setitimer(signal.ITIMER_PROF, min(seconds, outer_delay) if outer_delay else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        if outer_delay:  # give an enclosing limit its remaining time back
            signal.setitimer(signal.ITIMER_PROF, max(1e-4, outer_delay - (_clock() - started)))


def _clock() -> float:
    import time

    return time.process_time()


def attempt(compute: Callable[[], T], seconds: float = STEP_SECONDS, default: D = None) -> T | D:  # type: ignore[assignment]  # D is None when not given
    """``compute()`` under a time limit; ``default`` on timeout or any SymPy failure."""
    try:
        with time_limit(seconds):
            return compute()
    except TimeLimit:
        return default
    except (ArithmeticError, ValueError, TypeError, AttributeError, RecursionError, NotImplementedError):
        return default

"""Grade a generated class of `exercise1` with `gradquiz grade` and print what it costs.

    python benchmarks/grade_bench.py [--students 1000] [--jobs N] [--sample 20] [--loopers 4]

1. A class of STUDENTS submissions (right, wrong, crashing, printing) graded with full isolation:
   wall time, throughput (with and without the start-up), per-submission time, peak memory of
   the whole process tree (grader, workers, fork servers, sandbox children; summed RSS sampled
   every 20 ms) and of its largest process.
2. The same, the way an instructor does it without `grade`: a loop of `gradquiz check
   --grading --student ID`, timed on a sample and extrapolated to the class; the ratio.
3. Looping submissions measured apart: a small class with LOOPERS infinite loops among 100
   ordinary submissions; each looper costs its task's timeout, and the others do not wait for it.

Figures only, no pass/fail: speed depends on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = shutil.which("gradquiz") or str(Path(sys.executable).with_name("gradquiz"))
KINDS = {
    "right": "def derivative(x):\n    return 2 * x\n",
    "wrong": "def derivative(x):\n    return x ** 2\n",
    "crashing": "def derivative(x):\n    return 1 / 0\n",
    "printing": "print('working on it')\n\ndef derivative(x):\n    print(x)\n    return 2.0 * x\n",
}
LOOPING = "def derivative(x):\n    while True:\n        pass\n"
PAGE = os.sysconf("SC_PAGE_SIZE")


def make_class(folder: Path, n: int, loopers: int = 0) -> list[str]:
    names = []
    kinds = list(KINDS)
    for i in range(n):
        name = f"s{i:04d}"
        (folder / name).mkdir(parents=True)
        (folder / name / "exercise1.py").write_text(KINDS[kinds[i % len(kinds)]] + f"# {name}\n")
        names.append(name)
    for i in range(loopers):
        name = f"loop{i}"
        (folder / name).mkdir(parents=True)
        (folder / name / "exercise1.py").write_text(LOOPING)
    return names


class TreeMemory(threading.Thread):
    """Peak summed RSS of a process and all its descendants, sampled from /proc."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.largest, self.stop = pid, 0, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            parents, rss = {}, {}
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry}/stat") as handle:
                        fields = handle.read().rsplit(")", 1)[1].split()
                    parents[int(entry)] = int(fields[1])
                    rss[int(entry)] = int(fields[21]) * PAGE
                except (OSError, IndexError, ValueError):
                    continue
            tree, frontier = {self.pid}, [self.pid]
            while frontier:
                parent = frontier.pop()
                for child, ppid in parents.items():
                    if ppid == parent and child not in tree:
                        tree.add(child)
                        frontier.append(child)
            self.peak = max(self.peak, sum(rss.get(p, 0) for p in tree))
            self.largest = max([self.largest] + [rss.get(p, 0) for p in tree])
            time.sleep(0.02)


class CpuAccount:
    """CPU time of a command and everything it starts, from a cgroup of its own (cgroup v2
    ``cpu.stat`` or v1 ``cpuacct``; root only); None where there is none. Unlike wall time, it
    does not depend on what else the machine is doing."""

    def __init__(self):
        self.path, self.read = None, None
        name = f"gradquiz-bench-{os.getpid()}"
        for base, reader in ((Path("/sys/fs/cgroup/cpuacct"), self._v1), (Path("/sys/fs/cgroup"), self._v2)):
            if base.joinpath("cgroup.procs").exists() and (base / "cpuacct.usage").exists() == (reader == self._v1):
                try:
                    (base / name).mkdir(exist_ok=True)
                    self.path, self.read = base / name, reader
                    break
                except OSError:
                    continue

    def _v1(self) -> float:
        return int((self.path / "cpuacct.usage").read_text()) / 1e9

    def _v2(self) -> float:
        stat = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
        return int(stat["usage_usec"]) / 1e6

    def wrap(self, cmd: list[str]) -> list[str]:
        if self.path is None:
            return cmd
        return ["sh", "-c", f'echo $$ > "{self.path}/cgroup.procs" && exec "$@"', "sh", *cmd]

    def close(self):
        if self.path is not None:
            try:
                self.path.rmdir()
            except OSError:
                pass


CPU = CpuAccount()


def grade(subs: Path, out: Path, jobs: int | None, env: dict) -> tuple[float, TreeMemory, str]:
    cmd = [EXE, "grade", str(subs), "--exercise", "exercise1", "--output", str(out), "--quiet"] + (["--jobs", str(jobs)] if jobs else [])
    start = time.perf_counter()
    proc = subprocess.Popen(CPU.wrap(cmd), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(proc.pid)
    memory.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    memory.stop.set()
    memory.join()
    if proc.returncode != 0:
        sys.exit(f"gradquiz grade failed ({proc.returncode}): {stderr}")
    return wall, memory, stdout.strip()


def records(out: Path, last: bool = False) -> list[dict]:
    """The journal's lines (``last``: only the last per student, as the gradebook reads it)."""
    lines = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines() if line.strip()]
    return list({r["student"]: r for r in lines}.values()) if last else lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--loopers", type=int, default=4)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADQUIZ_")}
    env["GRADQUIZ_SECRET"] = "benchmark"
    with tempfile.TemporaryDirectory(prefix="gradquiz-bench-") as tmp:
        tmp = Path(tmp)
        names = make_class(tmp / "subs", args.students)
        make_class(tmp / "one", 1)
        cpu0 = CPU.read() if CPU.read else None
        grade(tmp / "one", tmp / "out-one", args.jobs, env)
        cpu1 = CPU.read() if CPU.read else None
        wall, memory, summary = grade(tmp / "subs", tmp / "out", args.jobs, env)
        cpu2 = CPU.read() if CPU.read else None
        recs = records(tmp / "out")
        finished = sorted(r["finished"] for r in recs if "finished" in r)
        steady = (len(finished) - 1) / (finished[-1] - finished[0]) if len(finished) > 1 and finished[-1] > finished[0] else float("nan")
        per = statistics.median(r["seconds"] for r in recs)
        statuses = {}
        for r in recs:
            key = "passed" if r.get("passed") else "failed"
            statuses[key] = statuses.get(key, 0) + 1
        print(f"class of {len(names)} submissions of exercise1 ({', '.join(KINDS)}), full isolation, "
              f"{args.jobs or os.cpu_count()} workers on {os.cpu_count()} cores")
        print(f"  {summary}")
        print(f"  wall time            {wall:8.2f} s   (start-up included)")
        print(f"  throughput           {len(recs) / wall:8.1f} submissions/s overall, {steady:.1f}/s once warm")
        print(f"  per submission       {per * 1000:8.1f} ms median on a worker (sandbox + checks)")
        print(f"  peak memory          {memory.peak / 2**20:8.0f} MiB summed over the process tree, "
              f"largest process {memory.largest / 2**20:.0f} MiB")
        print(f"  results              {statuses}")
        if cpu0 is not None:
            startup = cpu1 - cpu0
            per_cpu = (cpu2 - cpu1 - startup) / len(recs)
            cores = len(os.sched_getaffinity(0))
            print(f"  CPU time             {cpu2 - cpu1:8.2f} s in all (start-up {startup:.2f} s), {per_cpu * 1000:.1f} ms per "
                  f"submission over every process: an idle {cores}-core machine grades ~{cores / per_cpu:.0f}/s once warm")
        print(f"  machine load         {os.getloadavg()[0]:8.1f} (1-min load average at the end; wall times grow with it)")

        sample = names[: args.sample]
        start = time.perf_counter()
        for name in sample:
            subprocess.run([EXE, "check", str(tmp / "subs" / name / "exercise1.py"), "--grading", "--student", name,
                            "--format", "json"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        loop = (time.perf_counter() - start) / len(sample)
        print(f"a loop of `gradquiz check --grading` ({len(sample)} timed): {loop:.2f} s each, "
              f"{1 / loop:.1f}/s; {len(names)} would take {loop * len(names):.0f} s")
        print(f"  ratio                {loop * len(names) / wall:8.1f}x faster with `gradquiz grade`")

        if args.loopers:
            make_class(tmp / "loops", 100, args.loopers)
            make_class(tmp / "plain", 100)
            wall_plain, _, _ = grade(tmp / "plain", tmp / "out-plain", args.jobs, env)
            began = time.time()
            wall_loops, _, _ = grade(tmp / "loops", tmp / "out-loops", args.jobs, env)
            lines = records(tmp / "out-loops")
            recs = records(tmp / "out-loops", last=True)
            loopers = [r for r in recs if r["student"].startswith("loop")]
            tries = sum(r["student"].startswith("loop") for r in lines)
            others = [r for r in recs if not r["student"].startswith("loop")]
            print(f"looping submissions, measured apart: {len(loopers)} infinite loops among {len(others)} others")
            print(f"  each looper          {statistics.median(r['seconds'] for r in loopers):8.2f} s a try (its task's timeout, then "
                  f"killed); {tries} tries for {len(loopers)}: a timeout is graded once more, alone, at the end")
            last_other = max(r["finished"] for r in others) - began
            print(f"  the 100 others       {wall_plain:8.2f} s alone, {wall_loops:.2f} s with the loopers "
                  f"(the loopers hold {len(loopers)} worker-slots for their timeout; the rest go on: the others' "
                  f"last result came {last_other:.2f} s after the start)")


if __name__ == "__main__":
    try:
        main()
    finally:
        CPU.close()

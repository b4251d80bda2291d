"""How fast is vnstats, next to what it is measured against?

    python bench/run.py [--articles 2000] [--repeat 3] [--runs 7] [--jobs N]

On the first 2,000 articles (by name) of ../shared/eval/bulk, side by side:

  (a) ``vnstats extract`` as a user runs it (a subprocess, output to /dev/null),
      with ``-j 1`` and with every CPU;
  (b) underthesea's ``word_tokenize`` over every article, in one process: what
      segmenting whole articles would cost;
  (c) a plain regex scan of the same files (a number and the word after it):
      the floor for anything that reads every article.

Then the start-up of a one-file run (``vnstats extract samples/quang-yen-2017.txt``)
against importing underthesea and segmenting one word, as medians of several runs.

Every figure is wall time of a fresh process, start-up included, so nothing is
hidden in a warm cache of this one. Peak memory is the peak resident set of each
process (for -j runs: the main process and the busiest worker). The machine's
load counts: close other heavy programs first. Timing never goes into tests/.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BULK = ROOT.parent / "shared" / "eval" / "bulk"
DEV = ROOT.parent / "shared" / "eval" / "dev"
SAMPLE = ROOT / "samples" / "quang-yen-2017.txt"

# (b): the tokenizer over whole articles, as a pipeline built on it would run.
TOKENIZE = """
import sys
from underthesea import word_tokenize
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(path, encoding="utf-8") as f:
        word_tokenize(f.read())
"""

# (c): a careful regex baseline: read every file, find every number and the word after it.
REGEX_SCAN = r"""
import re, sys
NUMBER_WORD = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)*)\s*(%|[^\W\d_]+)")
found = 0
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(path, encoding="utf-8") as f:
        found += len(NUMBER_WORD.findall(f.read()))
print(found)
"""

STARTUP_REFERENCE = "from underthesea import word_tokenize; word_tokenize('a')"

# vnstats exits 1 when some input could not be read: the run still counts.
EXTRACT_OK = (0, 1)

# The targets this benchmark checks.
MAX_SHARE_OF_TOKENIZE = 0.07       # all-CPU extraction vs (b)
MAX_TIMES_REGEX = 10               # all-CPU extraction vs (c)
MAX_WORKER_MB = 200
MAX_STARTUP_RATIO = 1.1


@dataclass
class Run:
    seconds: float
    main_mb: float                 # peak resident set of the process started
    worker_mb: float | None        # of its busiest child process, if it started any
    workers: int

    @property
    def peak_mb(self) -> float:
        """What one worker needs: a worker's peak, or the main process's without workers."""
        return self.worker_mb if self.worker_mb is not None else self.main_mb


def peak_of(pid: int) -> float | None:
    """The peak resident set (VmHWM) of a live process, in MB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def children_of(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def run(cmd: list[str], ok: tuple[int, ...] = (0,)) -> Run:
    """Wall time of ``cmd``, and the peak memory of it and of each process it starts.
    Exits when its status is not in ``ok``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    main_peak, peaks = 0.0, {}
    done = threading.Event()

    def watch():                   # VmHWM of the process and its children, while they live
        nonlocal main_peak
        while not done.is_set():
            main_peak = max(main_peak, peak_of(proc.pid) or 0.0)
            for child in children_of(proc.pid):
                peaks[child] = max(peaks.get(child, 0.0), peak_of(child) or 0.0)
            done.wait(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    err = proc.stderr.read()           # drained, so a chatty process cannot block
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    done.set()
    watcher.join()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        sys.exit(f"bench: {' '.join(cmd[:4])} … failed ({code}):\n"
                 f"{err.decode('utf-8', 'replace')[-2000:]}")
    # ru_maxrss of wait4 is the largest of the process and the children it reaped
    largest = usage.ru_maxrss / 1024
    workers = {pid: mb for pid, mb in peaks.items() if mb > 0}
    if not workers:
        return Run(seconds, largest, None, 0)
    return Run(seconds, main_peak, max(workers.values()), len(workers))


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.seconds)


def extract_help() -> str:
    out = subprocess.run([sys.executable, "-m", "vnstats", "extract", "--help"], cwd=ROOT,
                         capture_output=True, text=True)
    return out.stdout


def extract_cmd(jobs: int | None, listing: Path, files: list[Path], help_text: str) -> list[str]:
    cmd = [sys.executable, "-m", "vnstats", "extract"]
    if jobs is not None:
        cmd += ["-j", str(jobs)]
    if "--files-from" in help_text:
        return cmd + ["--files-from", str(listing)]
    return cmd + [str(f) for f in files]


def row(name: str, r: Run, articles: int, extra: str = "") -> str:
    return (f"{name:<34} {r.seconds:8.2f} s {articles / r.seconds:9.0f} art/s "
            f"{r.peak_mb:8.0f} MB  {extra}")


def verdict(ok: bool) -> str:
    return "ok  " if ok else "MISS"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=2000, help="articles of the bulk set (default 2000)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of the extraction and of the regex scan; the fastest counts (default 3)")
    ap.add_argument("--runs", type=int, default=7, help="runs of each start-up measurement (default 7)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="workers of the all-CPU run (default: every CPU)")
    args = ap.parse_args()

    if not BULK.is_dir():
        print(f"bench: skipped: the bulk articles are not at {BULK} "
              f"(the shared evaluation data lives beside the checkout)")
        return 0
    files = sorted(BULK.glob("*.txt"))[:args.articles]
    if not files:
        print(f"bench: skipped: no *.txt in {BULK}")
        return 0
    n = len(files)
    size = sum(f.stat().st_size for f in files)
    help_text = extract_help()
    has_jobs = "--jobs" in help_text

    print(f"vnstats benchmark: {n} articles ({size / 1e6:.1f} MB) of {BULK}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}; best of {args.repeat} for (a) and (c)\n")

    # a first run builds the rule cache (vnstats.rulecache) if the rules or the
    # code changed; every run measured below starts from it, as a user's would
    run([sys.executable, "-m", "vnstats", "extract", str(SAMPLE)], EXTRACT_OK)

    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "files.txt"
        listing.write_text("".join(f"{f}\n" for f in files), encoding="utf-8")

        one = best([run(extract_cmd(1 if has_jobs else None, listing, files, help_text), EXTRACT_OK)
                     for _ in range(args.repeat)])
        all_cpu = None
        if has_jobs and args.jobs > 1:
            all_cpu = best([run(extract_cmd(args.jobs, listing, files, help_text), EXTRACT_OK)
                            for _ in range(args.repeat)])
        regex_scan = best([run([sys.executable, "-c", REGEX_SCAN, str(listing)])
                           for _ in range(args.repeat)])
        tokenize = run([sys.executable, "-c", TOKENIZE, str(listing)])

    print(f"{'':<34} {'wall':>10} {'speed':>15} {'peak RSS':>11}")
    print(row("(a) vnstats extract -j 1", one, n))
    if all_cpu is not None:
        print(row(f"(a) vnstats extract -j {args.jobs}", all_cpu, n,
                  f"(busiest of {all_cpu.workers} workers; main {all_cpu.main_mb:.0f} MB)"
                  if all_cpu.workers else ""))
    elif not has_jobs:
        print("(a) vnstats extract -j N            not measured: extract has no -j/--jobs yet")
    print(row("(b) underthesea word_tokenize", tokenize, n))
    print(row("(c) regex scan (number + word)", regex_scan, n))

    fastest = all_cpu or one
    label = f"-j {args.jobs}" if all_cpu else "-j 1"
    print("\nratios (lower is faster)")
    print(f"  a/b  -j 1 {one.seconds / tokenize.seconds:7.3f}", end="")
    print(f"   {label} {fastest.seconds / tokenize.seconds:7.3f}" if all_cpu else "")
    print(f"  a/c  -j 1 {one.seconds / regex_scan.seconds:7.2f}", end="")
    print(f"   {label} {fastest.seconds / regex_scan.seconds:7.2f}" if all_cpu else "")

    # start-up: one small file, against loading the tokenizer
    ref = [run([sys.executable, "-c", STARTUP_REFERENCE]).seconds for _ in range(args.runs)]
    single = [run([sys.executable, "-m", "vnstats", "extract", str(SAMPLE)], EXTRACT_OK).seconds
              for _ in range(args.runs)]
    ref_s, single_s = statistics.median(ref), statistics.median(single)
    print(f"\nstart-up (median of {args.runs})")
    print(f"  vnstats extract {SAMPLE.relative_to(ROOT)}  {single_s:6.3f} s")
    print(f"  import underthesea + word_tokenize('a')   {ref_s:6.3f} s")
    print(f"  ratio                                      {single_s / ref_s:6.2f}")

    worker_mb = all_cpu.peak_mb if all_cpu else one.peak_mb
    print("\ntargets")
    print(f"  {verdict(fastest.seconds <= tokenize.seconds * MAX_SHARE_OF_TOKENIZE)} "
          f"all-CPU extraction <= 0.07 of tokenizing: {fastest.seconds:.2f} s vs "
          f"{tokenize.seconds * MAX_SHARE_OF_TOKENIZE:.2f} s")
    print(f"  {verdict(fastest.seconds <= regex_scan.seconds * MAX_TIMES_REGEX)} "
          f"all-CPU extraction <= 10x the regex scan: {fastest.seconds:.2f} s vs "
          f"{regex_scan.seconds * MAX_TIMES_REGEX:.2f} s")
    print(f"  {verdict(worker_mb < MAX_WORKER_MB)} peak memory per process < {MAX_WORKER_MB} MB: "
          f"{worker_mb:.0f} MB")
    print(f"  {verdict(single_s <= ref_s * MAX_STARTUP_RATIO)} one-file run <= "
          f"{MAX_STARTUP_RATIO}x the start-up reference: {single_s:.3f} s vs "
          f"{ref_s * MAX_STARTUP_RATIO:.3f} s")
    if not has_jobs:
        print("  (the all-CPU figures are -j 1 until extract has -j)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Does the cost of one document grow with its size, and no faster?

    python bench/doc_size.py [--sizes 1,8] [--repeat 3]

Builds one document of each size (in MB) from the articles of
../shared/eval/bulk, taken in name order and joined by blank lines, and times
``vnstats extract --max-bytes 0 --timeout 0 DOC`` on it as a fresh process
(the median of ``--repeat`` runs), with the peak resident memory of that
process. The target: the largest document (8 MB) takes at most 10× the
smallest (1 MB), in under 400 MB: a cost that grows with the size of a
document and no faster. Timing never goes into tests/.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BULK = ROOT.parent / "shared" / "eval" / "bulk"
MAX_RATIO = 10          # the 8 MB run against the 1 MB run
MAX_MB = 400


def build(size_mb: float, folder: Path) -> Path:
    """A document of about ``size_mb`` MB of bulk articles (UTF-8)."""
    want = int(size_mb * 1_000_000)
    parts, total = [], 0
    articles = sorted(BULK.glob("*.txt"))
    while total < want:
        for path in articles:
            text = path.read_text(encoding="utf-8")
            parts.append(text)
            total += len(text.encode("utf-8")) + 2
            if total >= want:
                break
    out = folder / f"doc-{size_mb:g}MB.txt"
    out.write_text("\n\n".join(parts), encoding="utf-8")
    return out


def timed(doc: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one extraction of ``doc``."""
    cmd = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "vnstats", "extract",
           "--max-bytes", "0", "--timeout", "0", str(doc)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"doc_size: {doc}: vnstats exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return seconds, int(proc.stderr.strip().splitlines()[-1]) / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,8", help="document sizes in MB, smallest first (default 1,8)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each size; the median counts (default 3)")
    args = ap.parse_args()
    if not BULK.is_dir():
        print(f"doc_size: {BULK} is absent; nothing to measure")
        return 0
    if not Path("/usr/bin/time").exists():
        print("doc_size: /usr/bin/time is needed to read peak memory")
        return 1
    sizes = [float(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            doc = build(size, Path(tmp))
            runs = [timed(doc) for _ in range(args.repeat)]
            seconds = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            rows.append((size, seconds, peak))
            print(f"{size:g} MB: {seconds:.2f} s (runs {', '.join(f'{r[0]:.2f}' for r in runs)}), "
                  f"peak {peak:.0f} MB", flush=True)
    (small, t_small, _), (large, t_large, peak_large) = rows[0], rows[-1]
    ratio = t_large / t_small
    ok = ratio <= MAX_RATIO and all(peak < MAX_MB for _, _, peak in rows)
    print(f"{large:g} MB / {small:g} MB: {ratio:.2f}× (target ≤ {MAX_RATIO}×), "
          f"peak {peak_large:.0f} MB (target < {MAX_MB} MB): {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

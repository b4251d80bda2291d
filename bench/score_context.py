"""Score what vnstats says a figure is about against the hand-made gold.

    python bench/score_context.py PRED.jsonl [--gold DIR_OR_FILE ...] [--errors] [--json]

The gold (default: tests/data/context_gold/*.jsonl; see docs/context-annotation.md) has
one line per gold figure: source, start, end, kind and the four keys of the README's field reference,
"What a figure is about": change, compared_to, period, subject. PRED is vnstats output,
one document per line, whose figures may carry those keys (a missing key reads as null).

Each gold figure is paired with a predicted figure of the same source (paired by base
name) and kind whose span overlaps it, the largest overlaps first; each predicted figure
serves one gold figure.
Then, per key:
  - change, period from/to: equal values match;
  - compared_to, period, subject: overlapping spans match;
  - a non-null gold with a null, unmatched or different prediction is a miss; a non-null
    prediction that does not match is a false positive (so a wrong span is both);
  - from/to are scored only where the gold has them;
  - an optional gold figure that no prediction pairs with is left out, as in score.py;
  - only the gold sources the prediction has a document for are scored (the others are
    counted and named as left out).
Figures vnstats finds that the gold does not have are scored by ../shared/eval/score.py,
not here.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "context_gold"

SPAN_KEYS = ("compared_to", "period", "subject")
KEYS = ("change", "compared_to", "period", "period_from", "period_to", "subject")


class InputError(Exception):
    """Input that cannot be scored: the message names the file and the problem."""


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def _read_jsonl(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read: {e}") from None
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{n}: not JSON: {e}") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}:{n}: not a JSON object")
        rows.append(row)
    return rows


def gold_files(paths: list[Path]) -> list[Path]:
    """The gold files named, a folder standing for its *.jsonl."""
    files = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(p.glob("*.jsonl")))
        elif p.is_file():
            files.append(p)
        else:
            raise InputError(f"{p}: no such gold file or folder")
    if not files:
        raise InputError(f"{', '.join(map(str, paths))}: no gold *.jsonl found")
    return files


def load_gold(paths: list[Path]) -> dict[str, list[dict]]:
    """Gold figures by source base name, in file order."""
    gold: dict[str, list[dict]] = {}
    for path in gold_files(paths):
        for n, row in enumerate(_read_jsonl(path), 1):
            missing = [k for k in ("source", "start", "end", "kind") if k not in row]
            if missing:
                raise InputError(f"{path}: line {n} lacks {', '.join(missing)}")
            gold.setdefault(os.path.basename(row["source"]), []).append(row)
    return gold


def load_pred(path: Path) -> dict[str, list[dict]]:
    """Predicted figures by source base name, from vnstats JSON Lines."""
    pred: dict[str, list[dict]] = {}
    for n, doc in enumerate(_read_jsonl(path), 1):
        if "source" not in doc or not isinstance(doc.get("figures"), list):
            raise InputError(f"{path}: line {n} is not a vnstats document (source, figures)")
        pred.setdefault(os.path.basename(doc["source"]), []).extend(doc["figures"])
    return pred


def _overlap(a: dict | None, b: dict | None) -> int:
    if not a or not b:
        return 0
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def pair(gold_figs: list[dict], pred_figs: list[dict]) -> list[dict | None]:
    """For each gold figure its predicted figure: same kind, overlapping, the largest
    overlaps paired first, each predicted figure used once."""
    candidates = sorted(
        ((_overlap(g, p), gi, pi) for gi, g in enumerate(gold_figs)
         for pi, p in enumerate(pred_figs) if p.get("kind") == g["kind"]),
        key=lambda c: (-c[0], c[1], c[2]))
    paired: list[dict | None] = [None] * len(gold_figs)
    used: set[int] = set()
    for n, gi, pi in candidates:
        if n > 0 and paired[gi] is None and pi not in used:
            paired[gi] = pred_figs[pi]
            used.add(pi)
    return paired


def _values(g: dict, p: dict | None, key: str):
    """Gold and predicted value of one scored key, and whether they match."""
    pk = p or {}
    if key in ("period_from", "period_to"):
        sub = key.split("_", 1)[1]
        gv = (g.get("period") or {}).get(sub)
        pv = (pk.get("period") or {}).get(sub)
        return gv, pv, gv is not None and gv == pv
    gv, pv = g.get(key), pk.get(key)
    if key in SPAN_KEYS:
        return gv, pv, _overlap(gv, pv) > 0
    return gv, pv, gv is not None and gv == pv


def score(gold: dict[str, list[dict]], pred: dict[str, list[dict]]) -> dict:
    tallies = {k: Tally() for k in KEYS}
    figures = paired_count = 0
    absent = sorted(set(gold) - set(pred))
    for source, gold_figs in gold.items():
        if source not in pred:
            continue
        for g, p in zip(gold_figs, pair(gold_figs, pred.get(source, []))):
            if p is None and g.get("optional"):
                continue
            figures += 1
            paired_count += p is not None
            for key in KEYS:
                gv, pv, match = _values(g, p, key)
                if gv is None and (pv is None or key in ("period_from", "period_to")):
                    continue
                t = tallies[key]
                if match:
                    t.tp += 1
                    continue
                if gv is not None:
                    t.fn += 1
                if pv is not None:
                    t.fp += 1
                t.errors.append((source, g["start"], g["end"], g["kind"], key, gv, pv,
                                 p is not None))
    return {"figures": figures, "paired": paired_count, "tallies": tallies, "absent": absent}


def _show(v) -> str:
    if isinstance(v, dict):
        return repr(v.get("text"))
    return "null" if v is None else str(v)


def report(result: dict, errors: bool) -> str:
    out = [f"gold figures {result['figures']}, paired with a predicted figure "
           f"{result['paired']}",
           *([f"gold sources left out, not in the prediction: {len(result['absent'])}"]
             if result["absent"] else []),
           f"{'key':<12} {'tp':>5} {'fp':>5} {'fn':>5} {'precision':>10} {'recall':>8}"]
    fmt = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
    for key, t in result["tallies"].items():
        out.append(f"{key:<12} {t.tp:>5} {t.fp:>5} {t.fn:>5} {fmt(t.precision):>10} "
                   f"{fmt(t.recall):>8}")
    if errors:
        for key, t in result["tallies"].items():
            for source, start, end, kind, _, gv, pv, found in t.errors:
                where = "" if found else " (no predicted figure)"
                out.append(f"{key}\t{source}:{start}-{end} {kind}\tgold {_show(gv)}"
                           f"\tpred {_show(pv)}{where}")
    return "\n".join(out)


def as_json(result: dict) -> dict:
    return {"figures": result["figures"], "paired": result["paired"],
            "absent": result["absent"],
            "keys": {k: {"tp": t.tp, "fp": t.fp, "fn": t.fn, "precision": t.precision,
                         "recall": t.recall} for k, t in result["tallies"].items()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pred", type=Path, help="vnstats output, JSON Lines")
    ap.add_argument("--gold", type=Path, nargs="+", default=[GOLD],
                    help="gold files or folders (default: tests/data/context_gold)")
    ap.add_argument("--errors", action="store_true", help="list every mismatch")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    try:
        result = score(load_gold(args.gold), load_pred(args.pred))
    except InputError as e:
        print(f"score_context: {e}", file=sys.stderr)
        return 2
    print(json.dumps(as_json(result), indent=1) if args.json else report(result, args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())

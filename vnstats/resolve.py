"""The one place where overlapping matches are settled.

1. A not-a-figure match (date, period, identifier …) that touches a candidate's
   number wins: the candidate goes.
2. Of candidates that read the very same number, the rule with the higher
   priority wins (multiplier > fraction > money > percent > quantity > count
   by default): ``42.300 tỷ thu`` is money, not a count of "thu".
3. Of candidates that still overlap, the longest reading wins (a list or a
   range as a whole), then the higher priority, then the earlier one.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from .candidates import Candidate


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def resolve(candidates: list[Candidate], excluded: list[tuple[int, int]]) -> list[Candidate]:
    excluded = sorted(excluded)
    starts = [s for s, _ in excluded]
    longest = max((e - s for s, e in excluded), default=0)

    def is_excluded(core: tuple[int, int]) -> bool:
        i = bisect_left(starts, core[0] - longest)
        while i < len(excluded) and excluded[i][0] < core[1]:
            if _overlaps(excluded[i], core):
                return True
            i += 1
        return False

    alive = [c for c in candidates if not is_excluded(c.core)]
    best: dict[tuple[int, int], Candidate] = {}
    for c in alive:
        held = best.get(c.core)
        if held is None or (c.rule.priority, c.length) > (held.rule.priority, held.length):
            best[c.core] = c
    alive = list(best.values())
    alive.sort(key=lambda c: (-c.length, -c.rule.priority, c.start))
    taken: list[Candidate] = []
    taken_starts: list[int] = []        # the taken spans, which never overlap: sorted
    taken_ends: list[int] = []
    for c in alive:
        i = bisect_right(taken_starts, c.start)
        if (i and taken_ends[i - 1] > c.start) or (i < len(taken_starts) and taken_starts[i] < c.end):
            continue
        taken_starts.insert(i, c.start)
        taken_ends.insert(i, c.end)
        taken.append(c)
    taken.sort(key=lambda c: c.start)
    return taken

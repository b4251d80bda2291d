"""Quicker ways to find all matches of the context stage's big patterns, each
giving exactly what ``pattern.finditer(text, lo, hi)`` gives.

A search with the ``regex`` module tries a pattern at every character; for the
period pattern (some 24,000 characters of alternatives) that is most of what the
context stage costs. So a pattern is tried only where it can match: where its
own leading lookarounds hold (``about_period_start``), found first by a scan
that is cheap, or not at all in a sentence without a string every match of it
holds (``literals.required``).
"""
from __future__ import annotations

import regex

from .literals import EDGE, required
from .tries import trie_regex


def finditer_at(starts, pattern, text: str, lo: int, hi: int, timeout=None) -> list:
    """``pattern.finditer(text, lo, hi)`` as a list, for a pattern that begins
    with the zero-width ``starts``: the pattern is matched only where ``starts``
    holds, since a search would find no match anywhere else. (A time limit
    holds for each call, not for the whole.)"""
    out, pos = [], lo
    match = pattern.match
    for c in starts.finditer(text, lo, hi, timeout=timeout):
        p = c.start()
        if p < pos:
            continue
        m = match(text, p, hi, timeout=timeout)
        if m is not None:
            if m.end() == p:              # an empty match: the search's own rules
                return list(pattern.finditer(text, lo, hi, timeout=timeout))
            out.append(m)
            pos = m.end()
    return out


def gate(pattern: str):
    """A quick search for what every match of ``pattern`` holds (None: it holds
    nothing ``literals.required`` can tell)."""
    strings = required(pattern)
    if not strings:
        return None
    return regex.compile(trie_regex(sorted({s.replace(EDGE, "") for s in strings})), regex.IGNORECASE)

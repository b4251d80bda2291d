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

import re

import regex

from .follow import DIGIT, LETTER
from .literals import EDGE, required
from .openings import opener_source, openings
from .tries import trie_regex


def finditer_at(starts, pattern, text: str, lo: int, hi: int, timeout=None, quick=None) -> list:
    """``pattern.finditer(text, lo, hi)`` as a list, for a pattern that begins
    with the zero-width ``starts``: the pattern is matched only where ``starts``
    holds, since a search would find no match anywhere else, and (``quick``,
    from ``gate_of_alternatives``) where what the text holds there may start
    a match. (A time limit holds for each call, not for the whole.)"""
    out, pos = [], lo
    match = pattern.match
    if quick is not None:
        folded = text[lo:hi].casefold()
        quick = quick.match if len(folded) == hi - lo else None     # (a letter that folds to two)
    for c in starts.finditer(text, lo, hi, timeout=timeout):
        p = c.start()
        if p < pos or (quick is not None and quick(folded, p - lo) is None):
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


def gate_of_alternatives(rules, lead: str, core: str, prepare) -> str | None:
    """A ``re`` pattern over the case-folded text that finds, at the place it
    is tried, whatever ``{lead}{core}`` starts with there: what the block
    ``lead`` starts with when it reads something, or what one of the
    alternatives of the block ``core`` (``(?:{a}|{b}|…)``) starts with,
    followed as that alternative's follow set says (``openings.opener``).
    The period pattern's twenty kinds of time expression are some 27,000
    characters; this finds in a few thousand that most places where it is
    tried (a number, a word such as trong) start none of them. None when the
    blocks are not of that shape, or cannot be read. ``prepare``: what is
    done to a pattern before it is compiled (``rules.single_line``)."""
    names = _ALTERNATION.fullmatch(str(rules.blocks.get(core, ("",))[0]))
    if lead not in rules.blocks or names is None:
        return None
    # the lead reads something: what it starts with (the marker stands for
    # what follows a lead that reads nothing)
    opening = openings(prepare(rules.expand("(?:{%s})" % lead)) + _MARKER)
    if opening is None or any(s in (DIGIT, LETTER) for s in opening):
        return None
    ways = [re.escape(s) for s in sorted(opening - {_MARKER}, key=lambda s: (-len(s), s))]
    for name in names.group(1).split("|"):
        source = prepare(rules.expand(name))
        found = opener_source(source)
        if found is None:
            return None
        ways.append("(?:" + found + ")")
    return "|".join(ways)


_ALTERNATION = regex.compile(r"\(\?:(\{\w+\}(?:\|\{\w+\})*)\)")
_MARKER = "\x00"

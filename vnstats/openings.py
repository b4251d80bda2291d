"""Where a not-a-figure rule's match may start: its *openings*.

A rule for dates in words starts with ``ngày``, ``mùng`` or ``mồng``; one for
licence plates with a digit that follows no digit. ``openings`` reads a
pattern (``follow._Reader``, over Python's own parse of it) for the strings
(case-folded, up to ``follow.SIZE`` characters) every match starts with, and
``opener`` makes them one ``re`` pattern over the case-folded text, with the
pattern's own leading lookbehind when it is a plain class (``(?<![\\d.,])``).
The engine tries the rule only where the opener finds a place: exact, since
no match starts anywhere else.

Where a match opens with a run of digits or a word, what may follow that run
(the follow set of each side of the pattern, ``follow.follow``) is checked at
each place the scan finds, with one more ``re`` match (``openers``: scan and
check): a date rule that needs ``/`` after its day is not tried at ``5 người``.
The check stays out of the scan, where its lookaheads would run at every digit
of every window; and out of Python, where reading each place would cost more
than the tries it saves.
"""
from __future__ import annotations

import re

from .follow import DIGIT, DIGIT_RUN, END, LETTER, Unknown, _Reader, _shortest, follow, follow_items
from .literals import LATIN_LETTERS, PROPERTY, _is_edge, _parse, sre, starters

# any letter to the regex module (a combining mark too), in ``re``: a superset
_ANY_LETTER = r"(?:[^\W\d_]|[^\x00-\x7f])"


def openings(pattern: str) -> frozenset[str] | None:
    """The strings one of which every match of ``pattern`` starts with (a
    string may be ``LETTER`` or ``DIGIT``: any letter, any digit); None when
    it cannot tell."""
    tree = _parse(pattern)
    return None if tree is None else _openings(list(tree))


def _openings(items: list) -> frozenset[str] | None:
    reader = _Reader("")
    reader.skip = False
    try:
        found = reader.first(items)
    except (Unknown, RecursionError):
        return None
    if "" in found or END in found:
        return None
    return _shortest(found)


def opener(pattern: str):
    """``opener_source`` compiled (None: none)."""
    source = opener_source(pattern)
    return None if source is None else re.compile(source)


def openers(pattern: str, first: frozenset | None = None, at_word: bool = False) -> tuple | None:
    """``(scan, check)``: a ``re`` pattern over the case-folded text that
    finds every place a match of ``pattern`` may start (the strings it opens
    with, after the lookbehind its sides share), and one that, matched at such
    a place, tells whether what follows there may follow (``opener_source``;
    None when it tells nothing more). The scan stays plain, as a lookahead
    tried at every digit of a window costs more than the tries it saves.
    From the first characters ``first`` (``literals.starters``) when the
    openings cannot be read; None when neither can."""
    sides = _sides(pattern)
    plain = None if sides is None else _plain(sides)
    if plain is not None:
        check = _checked(sides)
        return plain, (check if check != plain else None)
    found = starters(first, at_word) if first else None
    if found is None:
        return None
    return found.pattern, _first_char_check(pattern, first, found.pattern)


def _sides(pattern: str) -> list | None:
    """The alternatives a pattern is made of (itself, if it is not one), parsed."""
    tree = _parse(pattern)
    if tree is None:
        return None
    items = list(tree)
    while len(items) == 1 and items[0][0] is sre.SUBPATTERN and not items[0][1][1] and not items[0][1][2]:
        items = list(items[0][1][-1])
    return [list(b) for b in items[0][1][1]] if len(items) == 1 and items[0][0] is sre.BRANCH else [items]


def _plain(sides: list) -> str | None:
    """The openings of all sides, after the lookbehind they share (none if
    they differ): a superset, quick to scan for."""
    found, behind = set(), set()
    for side in sides:
        side_found = _openings(side)
        if side_found is None:
            return None
        found |= side_found
        behind.add(_lookbehind(side))
    ways = _alternatives(_shortest(found), {})
    return (behind.pop() if len(behind) == 1 else "") + _one_of(ways)


def opener_source(pattern: str) -> str | None:
    """A ``re`` pattern over the case-folded text that finds every place a
    match of ``pattern`` may start, or None. A pattern of alternatives gets
    the openings of each, with the lookbehinds each starts with and what may
    follow the run of digits or the word each opens with (its follow set)."""
    sides = _sides(pattern)
    return None if sides is None else _checked(sides)


def _checked(sides: list) -> str | None:
    """``opener_source`` of a pattern's sides (``_sides``)."""
    pieces = []
    for side in sides:
        found = _openings(side)
        if found is None:
            return None
        told = follow_items(side, False) or {}
        pieces.append((_lookbehind(side), _alternatives(_shortest(found), told)))
    behind = {b for b, _ in pieces}
    if len(behind) == 1:           # the lookbehind all sides share, then their openings
        ways = sorted({w for _, alts in pieces for w in alts}, key=lambda w: (-len(w), w))
        return behind.pop() + _one_of(ways)
    return "(?:" + "|".join(b + _one_of(alts) for b, alts in pieces) + ")"


def _first_char_check(pattern: str, first: frozenset, scan: str) -> str | None:
    """For a pattern whose openings cannot be read (``[A-ZĐ]{2,6}\\s+\\d+``),
    found by its first characters (``scan``): what its follow set says may
    follow, when they are all letters (each a word's start) or all digits."""
    told = follow(pattern, False) or {}
    chars = [c for c in first if c != DIGIT]
    if chars and all(c.isalpha() for c in chars) and DIGIT not in first:
        ahead = _followed(told.get(LETTER), False)
    elif not chars:
        ahead = _followed(told.get(DIGIT), True)
    else:
        ahead = ""
    return scan + ahead if ahead else None


def _one_of(ways: list[str]) -> str:
    """Alternatives as one ``re`` group (a class when each is one character:
    ``re`` then skips ahead to them fast)."""
    if all(len(w) == 1 or w == r"\d" for w in ways):
        return "[" + "".join(ways) + "]"
    return "(?:" + "|".join(ways) + ")"


def _alternatives(strings, told: dict) -> list[str]:
    """The openings, each as ``re``: a run of digits or a word it opens,
    followed as the follow set ``told`` says (one lookahead for all the
    words, one for all the runs of digits)."""
    digit, word = _followed(told.get(DIGIT), True), _followed(told.get(LETTER), False)
    straight = (told.get(DIGIT) or (None, frozenset()))[1]
    out, words, digits = [], [], []
    for s in sorted(strings, key=lambda s: (-len(s), s)):
        if s == DIGIT:
            digits.append(r"\d")
        elif s == LETTER:
            out.append(_ANY_LETTER)          # (a letter to regex may be no letter to isalpha)
        elif s.isalpha():
            words.append(re.escape(s))
        elif s[0].isdecimal() and all(c.isdecimal() or c in DIGIT_RUN for c in s) and \
                not straight & {DIGIT if c.isdecimal() else c for c in s[1:]}:
            digits.append(re.escape(s))      # digits the run goes on past
        else:
            out.append(re.escape(s))
    for group, ahead in ((words, word), (digits, digit)):
        if group:
            out.append((group[0] if len(group) == 1 else "(?:" + "|".join(group) + ")") + ahead)
    return out


_RUN = "[" + "".join(re.escape(c) for c in sorted(DIGIT_RUN) if not c.isdecimal()) + r"\d]"
_WORD = r"[^\W\d_]"      # a letter in ``re`` (a superset of what ``isalpha`` takes)


def _followed(told: tuple | None, digits: bool) -> str:
    """What ``follow.After`` tells, in ``re``: a lookahead for the rest of the
    run an opening digit (``digits``) or word starts and what follows it,
    spaces skipped: one of the strings of the follow set ``told``, or (in
    a run of digits) a character that may follow the number straight;
    nothing when ``told`` is None. A superset of the places ``After.allows``,
    as a run of ``re`` may stop anywhere."""
    if told is None:
        return ""
    strings, straight = told
    run = _RUN if digits else _WORD
    words = [r"\d" if s == DIGIT else _ANY_LETTER if s == LETTER else re.escape(s)
             for s in sorted(strings - {END}, key=lambda s: (-len(s), s))]
    ways = [run + r"*\s*(?:" + "|".join(words) + ")"] if words else []
    if END in strings:
        ways.append(run + r"*(?:[^\S\n]*\n|\s*\Z)")
    inner = sorted(c for c in straight if c == DIGIT or c in DIGIT_RUN) if digits else []
    if inner:
        ways.append(run + "*[" + "".join(r"\d" if c == DIGIT else re.escape(c) for c in inner) + "]")
    return "(?=" + "|".join(ways) + ")" if ways else "(?!)"


def _lookbehind(items: list) -> str:
    """The negative lookbehinds of one plain class that ``items`` start with,
    in ``re`` syntax (``(?<![\\d.,])``), or nothing. A letter (or word
    character) before is looked for as a Latin letter (each is one to regex
    as well), so that it refuses no place the pattern's own would take."""
    out = []
    for op, av in items:
        if op is not sre.ASSERT_NOT or av[0] != -1:
            break
        if _is_edge(av[1]):
            out.append(f"(?<![{LATIN_LETTERS}])")
            continue
        body = list(av[1])
        while len(body) == 1 and body[0][0] is sre.SUBPATTERN:
            body = list(body[0][1][-1])
        cls = _class(body[0]) if len(body) == 1 else None
        if cls is None:
            break
        out.append(f"(?<!{cls})")
    return "".join(out)


def _class(item) -> str | None:
    """A one-character part as a ``re`` class, or None when it is not a plain one."""
    op, av = item
    if op is sre.LITERAL:
        return None if av == ord(PROPERTY) else "[" + _escape(av) + "]"
    if op is not sre.IN:
        return None
    out = []
    for kind, value in av:
        if kind is sre.NEGATE:
            out.append("^")
        elif kind is sre.LITERAL:
            if value == ord(PROPERTY):
                return None
            out.append(_escape(value))
        elif kind is sre.RANGE:
            out.append(_escape(value[0]) + "-" + _escape(value[1]))
        elif kind is sre.CATEGORY and value in _RE_CATEGORIES:
            out.append(_RE_CATEGORIES[value])
        else:
            return None
    return "[" + "".join(out) + "]"


def _escape(code: int) -> str:
    return "\\" + chr(code) if chr(code) in "\\]^-[" else chr(code)


# (\w and \s are not quite the same sets in ``re`` and in regex: left out)
_RE_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D"}

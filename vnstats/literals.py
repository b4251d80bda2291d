"""What text a rule's every match must hold: its *required strings*.

A rule for money cannot match without a currency, one for percentages not
without ``%`` or ``phần trăm``. ``required`` reads a pattern (with Python's own
regex parser, on a copy made readable to it) and returns a set of lower-case
strings, one of which every match holds from its start to the end of its line
(in the match, or in a lookahead), or None when it cannot tell. ``EDGE`` in a
string marks where the pattern asserts a word's edge. The engine finds all
required strings of a text in one scan (``LiteralIndex``) and tries a rule
only at the numbers that have one of its strings after them on their line:
what the field's engines call a prefilter.

The answer errs one way only: a lookbehind, a negative lookahead, a
back-reference, anything the parser does not read, counts as requiring
nothing; a rule whose strings are as common as a single letter is not gated.
"""
from __future__ import annotations

import re
import warnings
from bisect import bisect_left

import regex

from .tries import trie_regex

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        from re import _parser as sre_parse          # Python 3.11+
        from re import _constants as sre
    except ImportError:                              # Python 3.10
        import sre_parse                             # type: ignore[no-redef]
        import sre_constants as sre                  # type: ignore[no-redef]

MAX_SET = 64          # exact strings a part of a pattern may stand for
# what stands for a Unicode property (\p{Ll}) in the copy Python's parser reads:
# a character that may be anything, a line break too
PROPERTY = "\ue0fe"
# in a required string: no letter may stand here (a word's edge, as the
# pattern asserts it with (?<![^\W\d_]) or (?![^\W\d_])), "tr" in 2tr5 not in trong
EDGE = "\x00"
MAX_CLASS = 6         # characters a class may hold and still be literal
MAX_PREFIX = 8        # exact strings before an alternation carried into each side
_EMPTY = frozenset({""})

# regex-module syntax that Python's parser does not read, made readable: the
# answer stays safe (a class of letters is no requirement, a group is a group)
_READABLE = [
    (re.compile(r"\\[pPN]\{[^}]*\}"), PROPERTY),
    (re.compile(r"(?<!\\)([*+?}])\+"), r"\1"),              # possessive quantifiers
    (re.compile(r"\(\?>"), "(?:"),                          # atomic groups
    (re.compile(r"\(\?P=\w+\)"), ""),                       # back-references
]


def required(pattern: str) -> frozenset[str] | None:
    """Strings (lower case), one of which every match of ``pattern`` holds;
    None if the pattern does not say."""
    read = _reading(pattern, lambda items: _need(*_sequence(items)))
    found = None if read is None else read[0]
    if found is None or not all(_selective(s) for s in found):
        return None
    return frozenset(_tidy(s) for s in found)


def required_before(pattern: str) -> frozenset[str] | None:
    """Strings one of which stands before every match of ``pattern``, on the
    match's line: read from the lookbehinds it starts with (``từ``, ``gấp``,
    a word of paying), when they cannot reach back past a line break."""
    read = _reading(pattern, _before)
    found = None if read is None else read[0]
    if found is None or not all(_selective(s) for s in found):
        return None
    return frozenset(_tidy(s) for s in found)


def required_on_line(pattern: str) -> frozenset[str] | None:
    """Strings one of which stands on the line of every match of ``pattern``,
    before or after its start: what ``required`` reads, and what its
    lookbehinds read when they cannot reach back past a line break. (A rule
    of two ways, one with a word before its number and one with it after:
    ``IELTS 6.5``, ``6.5 IELTS``.)"""
    read = _reading(pattern, lambda items: _need(*_sequence(_behind_as_ahead(items))))
    found = None if read is None else read[0]
    if found is None or not all(_selective(s) for s in found):
        return None
    return frozenset(_tidy(s) for s in found)


def _behind_as_ahead(items) -> list:
    """``items`` with each lookbehind that stays on its line read as a
    lookahead, which ``_sequence`` takes as a requirement on the line."""
    out = []
    for op, av in items:
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            body = _behind_as_ahead(av[1])
            if op is sre.ASSERT and av[0] == -1 and not _may_break(list(av[1])):
                av = (1, body)
            else:
                av = (av[0], body)
        elif op is sre.SUBPATTERN:
            av = av[:-1] + (_behind_as_ahead(av[-1]),)
        elif op is sre.BRANCH:
            av = (av[0], [_behind_as_ahead(b) for b in av[1]])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            av = (av[0], av[1], _behind_as_ahead(av[2]))
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            av = _behind_as_ahead(av)
        out.append((op, av))
    return out


def _before(items) -> frozenset | None:
    """What the zero-width parts at the start of ``items`` require before it."""
    options = []
    for op, av in items:
        if op is sre.ASSERT and av[0] == -1:
            if not _may_break(list(av[1])):
                options.append(_need(*_sequence(list(av[1]))))
                options.append(_before(list(av[1])))     # lookbehinds it starts with: further back
        elif op is sre.SUBPATTERN:
            options.append(_before(list(av[-1])))
        elif op is sre.BRANCH:
            parts = [_before(list(b)) for b in av[1]]
            options.append(None if any(p is None for p in parts) else frozenset().union(*parts))
        elif op not in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            break                                    # the first part that reads text
    return _best(options)


_BREAKLESS = {sre.CATEGORY_DIGIT, sre.CATEGORY_NOT_SPACE, sre.CATEGORY_WORD}


def _may_break(items) -> bool:
    """Whether ``items`` may match a line break (when in doubt, yes)."""
    for op, av in items:
        if op is sre.LITERAL:
            if av in (10, ord(PROPERTY)):
                return True
        elif op is sre.IN:
            if (sre.LITERAL, ord(PROPERTY)) in av:
                return True
            negated = bool(av) and av[0][0] is sre.NEGATE
            members = av[1:] if negated else av
            holds = any((kind is sre.LITERAL and value == 10)
                        or (kind is sre.RANGE and value[0] <= 10 <= value[1])
                        or (kind is sre.CATEGORY and value not in _BREAKLESS)
                        for kind, value in members)
            if holds != negated:
                return True
        elif op in (sre.AT,):
            continue
        elif op is sre.SUBPATTERN:
            if _may_break(list(av[-1])):
                return True
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            if _may_break(list(av)):
                return True
        elif op is sre.BRANCH:
            if any(_may_break(list(b)) for b in av[1]):
                return True
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            if _may_break(list(av[2])):
                return True
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            if av[0] == -1 and _may_break(list(av[1])):      # a lookbehind reads further back
                return True
        else:
            return True
    return False


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters (case-folded) a match of ``pattern`` can start with, or
    None when it may start with any (or be empty): a rule whose matches start
    with a digit is not tried at a number written in words."""
    read = _reading(pattern, _first)
    if read is None:
        return None
    found, empty = read[0]
    return None if found is None or empty else frozenset(found)


_NAME = re.compile(r"\(\?P<(\w+)>")


def _reading(pattern: str, reader):
    """``(reader(top-level parts),)`` of a pattern, or None when it cannot be
    read (a form the parser or the reading does not know: no requirement)."""
    tree = _parse(pattern)
    if tree is None:
        return None
    try:
        return (reader(list(tree)),)
    except Exception:
        return None


def _parse(pattern: str):
    source = pattern
    for old, new in _READABLE:
        source = old.sub(new, source)
    seen = set()

    def once(m):                      # a name may repeat in regex: only its first stays
        if m.group(1) in seen:
            return "(?:"
        seen.add(m.group(1))
        return m.group()
    source = _NAME.sub(once, source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sre_parse.parse(source, re.IGNORECASE)
    except Exception:                # a form Python's parser does not read
        return None


def _first(items) -> tuple[set | None, bool]:
    """(first characters or None for any, whether the parts may match empty)."""
    out: set = set()
    for op, av in items:
        found, empty = _first_item(op, av)
        if found is None:
            return None, False
        out |= found
        if not empty:
            return out, False
    return out, True


DIGIT = "\\d"        # any decimal digit, as a first character


def first_key(ch: str) -> str:
    """What a text's character is looked up by in a set of first characters."""
    return DIGIT if ch.isdecimal() else ch.casefold()


def _first_item(op, av) -> tuple[set | None, bool]:
    if (op is sre.LITERAL and av == ord(PROPERTY)) or \
            (op is sre.IN and (sre.LITERAL, ord(PROPERTY)) in av):
        return None, False
    if op is sre.LITERAL:
        return {first_key(chr(av))}, False
    if op is sre.IN:
        chars = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(first_key(chr(value)))
            elif kind is sre.RANGE and value[1] - value[0] < 64:
                chars.update(first_key(chr(c)) for c in range(value[0], value[1] + 1))
            elif kind is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
                chars.add(DIGIT)
            else:
                return None, False
        return chars, False
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return set(), True
    if op is sre.SUBPATTERN:
        return _first(list(av[-1]))
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _first(list(av))
    if op is sre.BRANCH:
        out, empty = set(), False
        for branch in av[1]:
            found, e = _first(list(branch))
            if found is None:
                return None, False
            out |= found
            empty = empty or e
        return out, empty
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        low, _, body = av
        found, empty = _first(list(body))
        return found, empty or low == 0
    return None, False


def starters(first: frozenset[str], at_word: bool = False):
    """A pattern (Python's ``re``, over lower-cased text) that finds where a
    match may start: the characters of ``first`` when none is a letter; when
    the matches start a word (``at_word``), the letters of ``first`` that
    start one (after no Latin letter: a superset). Else None: a letter starts
    too many places to be worth it."""
    letters = [ch for ch in first if ch != DIGIT and ch.isalpha()]
    if letters and not (at_word and all(len(ch) == 1 and ch == ch.lower() for ch in letters)):
        return None
    chars = "".join("\\d" if ch == DIGIT else re.escape(ch) for ch in sorted(first))
    return re.compile(f"(?<![{LATIN_LETTERS}])[{chars}]" if letters else f"[{chars}]")


def starts_at_word(pattern: str) -> bool:
    """Whether every match of ``pattern`` starts a word: it asserts, before
    it reads anything, that no letter stands before it."""
    tree = _parse(pattern)
    try:
        return tree is not None and _at_word(list(tree)) is True
    except Exception:
        return False


def _at_word(items) -> bool | None:
    """True: the edge is asserted before anything is read; False: something is
    read first; None: the parts are all zero-width and assert no edge."""
    for op, av in items:
        if op is sre.ASSERT_NOT and av[0] == -1 and _is_edge(av[1]):
            return True
        if op is sre.SUBPATTERN or op is sre.BRANCH:
            found = [_at_word(list(av[-1]))] if op is sre.SUBPATTERN else [_at_word(list(b)) for b in av[1]]
            if all(f is True for f in found):
                return True
            if any(f is False for f in found) or any(f is True for f in found):
                return False
        elif op not in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            return False
    return None


def _tidy(s: str) -> str:
    """A required string with one edge mark at most at each end, none inside
    (an edge inside a string holds wherever the string does)."""
    body = s.strip(EDGE)
    return (EDGE if s.startswith(EDGE) else "") + body.replace(EDGE, "") + (EDGE if s.endswith(EDGE) else "")


def _selective(s: str) -> bool:
    """Whether a required string is rare enough to be worth looking for: a
    letter or a digit alone is in every line, and so are a comma and a full stop."""
    s = s.replace(EDGE, "").strip()
    return len(s) >= 2 or (len(s) == 1 and not s.isalnum() and s not in ",.")


def _need(exact, need):
    """What a part requires, from its exact strings or its requirement."""
    if exact is not None:
        return None if "" in exact else frozenset(exact)
    return need


def _cost(strings) -> float:
    """How often some string of a set may be found: short ones, many of them, often."""
    return sum((0.5 if s.endswith(EDGE) else 1.0) / (len(s.replace(EDGE, "")) ** 2 or 1)
               if _selective(s) else 100.0 for s in strings)


def _best(options):
    options = [o for o in options if o]
    return min(options, key=_cost) if options else None


def _sequence(items, prefix: frozenset = _EMPTY) -> tuple[frozenset | None, frozenset | None]:
    """(exact strings, requirement) of parts one after another, after ``prefix``
    (exact strings that stand just before them)."""
    current = prefix                  # the exact strings of the parts read so far
    options = []
    for op, av in items:
        branches = _branches(op, av)
        if branches is not None and current != _EMPTY and len(current) <= MAX_PREFIX:
            # what stands before an alternation joins each side: n(?:goài|hiều\s+hơn)
            # requires "ngoài" or "nhiều", not "goài" or "hiều"
            parts = [_sequence(b, current) for b in branches]
            if all(e is not None for e, _ in parts):
                union = frozenset().union(*(e for e, _ in parts))
                if len(union) <= MAX_SET:
                    current = union
                    continue
            needs = [_need(e, n) for e, n in parts]
            options.append(_need(current, None))
            options.append(None if any(n is None for n in needs) else frozenset().union(*needs))
            current = _EMPTY
            continue
        exact, need = _item(op, av)
        if exact is not None and current is not None and len(current) * len(exact) <= MAX_SET:
            current = frozenset(a + b for a in current for b in exact)
            continue
        options.append(_need(current, None))
        if exact is not None:
            current = exact
        else:
            options.append(need)
            current = _EMPTY
    if not options:
        return current, None
    options.append(_need(current, None))
    return None, _best(options)


def _branches(op, av) -> list | None:
    """The sides of an alternation (also one alone in a group), else None."""
    if op is sre.SUBPATTERN and len(av[-1]) == 1:
        op, av = av[-1][0]
    return [list(b) for b in av[1]] if op is sre.BRANCH else None


def _edges():
    letter, word = sre_parse.parse(r"[^\W\d_]"), sre_parse.parse(r"\w")
    return {str(list(letter)), str(list(word))}


_EDGE_BODIES = _edges()      # what may not stand at an edge: a letter (or a word character)


def _is_edge(body) -> bool:
    """Whether a negative lookaround's body is a letter (or a word character),
    also as a group of its own: ``(?-i:[^\\W\\d_])``."""
    items = list(body)
    while len(items) == 1 and items[0][0] is sre.SUBPATTERN:
        items = list(items[0][1][-1])
    return str(items) in _EDGE_BODIES


def _char(code: int) -> str | None:
    """A character as the text holds it; None for the marks of numbers
    (private-use characters of the marked text, never in the text itself)."""
    return None if 0xE000 <= code <= 0xF8FF else chr(code).lower()


def _item(op, av):
    if op is sre.LITERAL:
        ch = _char(av)
        return (None, None) if ch is None else (frozenset({ch}), None)
    if op is sre.IN:
        chars = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(_char(value))
            elif kind is sre.RANGE and value[1] - value[0] < MAX_CLASS:
                chars.update(_char(c) for c in range(value[0], value[1] + 1))
            else:
                return None, None
        if None in chars:
            return None, None
        return (frozenset(chars), None) if len(chars) <= MAX_CLASS else (None, None)
    if op is sre.ASSERT_NOT and _is_edge(av[1]):
        return frozenset({EDGE}), None
    if op is sre.ASSERT and av[0] == 1:
        # what a lookahead reads is not in the match but after its start, on
        # its line (a rule reads no further): required there all the same
        return None, _need(*_sequence(list(av[1])))
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return _EMPTY, None
    if op is sre.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(list(av))
    if op is sre.BRANCH:
        parts = [_sequence(list(b)) for b in av[1]]
        if all(e is not None for e, _ in parts):
            union = frozenset().union(*(e for e, _ in parts))
            if len(union) <= MAX_SET:
                return union, None
        needs = [_need(e, n) for e, n in parts]
        if any(n is None for n in needs):
            return None, None
        return None, frozenset().union(*needs)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        low, high, body = av
        exact, need = _sequence(list(body))
        if low == high == 1:
            return exact, need
        if low == 0 and high == 1 and exact is not None:
            return exact | _EMPTY, None
        return None, (_need(exact, need) if low >= 1 else None)
    return None, None


class LiteralIndex:
    """Where a text holds the strings the rules require, found by one scan
    for all of them (overlapping, so that none hides another)."""

    def __init__(self, scanner: "Scanner", text: str, low: str | None = None):
        at: dict[str, list[int]] = {}
        self._at = at
        low = text.lower() if low is None else low
        if len(low) == len(text):                     # the usual case: a fast scan
            found = _overlapping(scanner.fast, low)
        else:                                         # a letter that lowers to two
            found = ((m.start(), m.group().lower()) for m in scanner.pattern.finditer(text, overlapped=True))
        n = len(text)
        prefixes = scanner.prefixes
        for start, surface in found:
            held = prefixes.get(surface)
            if held is None:            # a letter whose lower case is not its fold
                held = scanner.prefixes_of(surface)
            for string, size, before, after in held:
                # a word's edge: no letter there (isalpha: a letter by any count)
                if (before and start and text[start - 1].isalpha()) or \
                        (after and start + size < n and text[start + size].isalpha()):
                    continue
                if string in at:
                    at[string].append(start)
                else:
                    at[string] = [start]
        self._merged: dict[frozenset, list[int]] = {}

    def offsets(self, strings: frozenset) -> list[int]:
        """Where one of ``strings`` starts, in order (an empty list: nowhere)."""
        found = self._merged.get(strings)
        if found is None:
            at = self._at
            lists = [at[s] for s in strings if s in at]
            found = lists[0] if len(lists) == 1 else sorted(o for part in lists for o in part)
            self._merged[strings] = found
        return found

    @staticmethod
    def near(offsets: list[int], places, stops, starts=None) -> list:
        """The ``places`` (offsets, or windows that start at their first item)
        with one of ``offsets`` from the place (or from its item in ``starts``)
        to the place's stop."""
        kept = []
        n = len(offsets)
        if starts is None:
            starts = (p if isinstance(p, int) else p[0] for p in places)
        for place, start, stop in zip(places, starts, stops):
            i = bisect_left(offsets, start)
            if i < n and offsets[i] < stop:
                kept.append(place)
        return kept


def _overlapping(pattern, text: str) -> list[tuple[int, str]]:
    """(start, string) of each place ``pattern`` matches ``text``, overlapping:
    a search again from the place after each match's start. (A lookahead that
    ``finditer`` tries at every character costs twice as much: a plain pattern
    lets ``re`` skip ahead to the characters its matches can start with.)"""
    out = []
    search, n = pattern.search, len(text)
    m = search(text)
    while m is not None:
        start = m.start()
        out.append((start, m.group()))
        if start >= n:              # (an empty match at the end: there is no next place)
            break
        m = search(text, start + 1)
    return out


# lower-case Latin letters (Vietnamese among them): each is a letter to regex
# too, so a string found next to one of them has no edge there
LATIN_LETTERS = "a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f\u1e00-\u1eff"


def _edged_trie(strings) -> str:
    """One ``re`` pattern for the (lower-case) ``strings``, longest first, with
    their edges: no Latin letter before a string that starts with one, none
    after one that ends with one. It finds a superset of where they stand."""
    root: dict = {}
    for string in strings:
        node = root
        surface = string.strip(EDGE)
        for ch in surface:
            node = node.setdefault(ch, {})
        node.setdefault("", set()).add((string.startswith(EDGE), string.endswith(EDGE), len(surface)))

    def condition(before: bool, after: bool, size: int) -> str:
        return (f"(?<![{LATIN_LETTERS}]{'.' * size})" if before else "") + \
            (f"(?![{LATIN_LETTERS}])" if after else "")

    def emit(node) -> str:
        branches = [re.escape(k) + emit(child) for k, child in sorted(node.items()) if k]
        ends = node.get("")
        if ends is not None:
            conditions = sorted({condition(*end) for end in ends})
            branches.append("" if "" in conditions else "|".join(conditions))
        if len(branches) == 1:
            return branches[0] if ends is None or branches[0] == "" else f"(?:{branches[0]})"
        return "(?:" + "|".join(branches) + ")"

    return emit(root) or "(?!)"


class Scanner:
    """One pattern that finds all required strings (ignoring case) as written,
    edges aside; for each string it finds, the required strings it starts
    with (a scan reports one string a place: the longest), with their edges."""

    def __init__(self, strings):
        strings = sorted(set(strings))
        surfaces = sorted({s.replace(EDGE, "") for s in strings})
        self.pattern = regex.compile(trie_regex(surfaces) or "(?!)", regex.IGNORECASE)
        # over lower-cased text, Python's own engine finds them some four times
        # faster; it also checks the edges where it can (a Latin letter there:
        # no edge), so that "tr" of 2tr5 is not found in every "trong"
        self.fast = re.compile(_edged_trie(strings))
        self._strings = [(s, len(s.replace(EDGE, "")), s.startswith(EDGE), s.endswith(EDGE))
                         for s in strings]
        self.prefixes = {surface: self.prefixes_of(surface) for surface in surfaces}

    def prefixes_of(self, found: str) -> tuple:
        folded = found.casefold()
        return tuple(item for item in self._strings
                     if folded.startswith(item[0].replace(EDGE, "").casefold()))

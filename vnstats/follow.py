"""What may stand right after a rule's number: its *follow set*.

A rule for money is tried at every number of a text that has a currency
somewhere after it on its line (``literals.required``); but at ``5 người``
it can only fail, since what follows its number must be a scale word, a
currency or a dash. ``follow`` reads a pattern (with Python's own parser, as
``literals`` does) and returns the strings (case-folded, up to ``SIZE``
characters) one of which stands after the number it starts with, spaces
skipped, or None when it cannot tell. ``Places`` then tries the rule only at
numbers followed by one of them (``after``, ``After.allows``).

A rule's number is a *run*: in the marked text, a number's mark and its
padding; in the text, digits with the separators and signs between them
(``3.500``, ``1-2``). A rule whose number may end inside the run (a range
``1-2`` read from ``1``) has the run's own characters in its follow set, and
the place keeps them (``After.inner``), so the answer errs one way only: a
place it keeps may fail, a place it drops cannot match.
"""
from __future__ import annotations

from operator import itemgetter

from .literals import DIGIT, PROPERTY, _is_edge, _parse, sre, sre_parse

LETTER = "\ue0fc"        # a key for "any letter" (a class of letters, \p{L})
END = "\n"               # a line's (or the text's) end: ``$``
MARKS = frozenset(chr(c) for c in range(0xE000, 0xE010))   # the marked text's numbers
PAD = "\ue00f"                                               # (a mark, then padding)
DIGIT_RUN = frozenset("0123456789.,-−")                      # a number in digits, as written
_BUDGET = 200_000        # parts read at most, per pattern
SIZE = 4                 # characters of what follows a number that a rule is told by (After spells them out)
_MAX_STRINGS = 4000      # strings a follow set holds at most (more: cut shorter)
_LETTER_CLASSES = {str(list(sre_parse.parse(r"[^\W\d_]")))}
_SPACE = {sre.CATEGORY_SPACE}
_AT_END = {sre.AT_END, sre.AT_END_STRING}


class Unknown(Exception):
    """The pattern does not say (or says too much to read)."""


def follow(pattern: str, marked: bool) -> dict[str, tuple | None] | None:
    """For each kind of place a number's run may start (in the marked text:
    each mark; in the text: ``DIGIT`` for a digit, ``""`` for a sign;
    ``LETTER`` for a number word), the strings (``_Reader.first``) one of which the text after
    the run starts with, spaces skipped, when a match of ``pattern`` starts
    there, with the characters that may stand straight after the run, no
    space between (``After.allows``); None where (or, for the whole, when)
    it cannot tell."""
    tree = _parse(pattern)
    return None if tree is None else follow_items(list(tree), marked)


def follow_items(items: list, marked: bool) -> dict[str, tuple | None] | None:
    """``follow`` of a pattern already parsed (``literals._parse``): its parts."""
    starts = (sorted(MARKS - {PAD}) if marked else [DIGIT, ""]) + [LETTER]
    out: dict = {}
    memo: dict = {}                                # what first() found: the same for every start
    memo_straight: dict = {}
    again: dict = {}                               # (kept for the whole: memo keys are identities)
    for start in starts:
        reader = _Reader(start, memo, again)
        straight = _Reader(start, memo_straight, again, straight=True)
        try:
            strings: set = set()
            close: set = set()
            for rest in reader.after_run(list(items)):
                if start == LETTER and _letter_next(rest):
                    raise Unknown             # the number may end inside its word
                strings |= reader.first(rest)
                close |= straight.first(rest, 1)
            if "" in strings or "" in close:
                raise Unknown
            strings = _shortest(strings)
            out[start] = (strings, firsts(close))
        except (Unknown, RecursionError):
            out[start] = None
    return None if all(v is None for v in out.values()) else out


_REPEATS = tuple(op for op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)) if op)
_GROUPS = tuple(op for op in (sre.SUBPATTERN, getattr(sre, "ATOMIC_GROUP", None)) if op)


def _body(op, av) -> list:
    return list(av[-1]) if op is sre.SUBPATTERN else list(av)


class _Reader:
    """Reads a pattern from a place where a number's run starts: with the
    mark ``start`` in the marked text, with a number word (``LETTER``), with
    a digit (``DIGIT``), or (``start`` empty) with a digit or a sign."""

    def __init__(self, start: str, memo: dict | None = None, again: dict | None = None,
                 straight: bool = False):
        """``straight``: ``first`` tells what stands right after the run, no
        space skipped (a path that must read a space first gives nothing)."""
        self.start = start
        self.straight = straight
        self.exact = start in MARKS               # the run's first character is known
        # what the run goes on with: padding, digits and signs, letters
        self.in_run = (lambda c: c == PAD) if self.exact else \
            (lambda c: c.isalpha()) if start == LETTER else (lambda c: c.isdecimal() or c in DIGIT_RUN)
        self.digits = not self.exact and start != LETTER
        self.skip = True                          # spaces first are skipped (else: not told)
        self.steps = 0
        self._firsts: dict = {} if memo is None else memo   # first(), by the parts' identities
        self._again: dict = {} if again is None else again   # a repeat with one reading done

    def _step(self):
        self.steps += 1
        if self.steps > _BUDGET:
            raise Unknown

    # ------------------------------------------------------ where the run ends
    def after_run(self, items: list, inside: bool = False) -> list[list]:
        """The parts that may follow the run, for each way ``items`` read it
        from its start (``inside``: the run has begun)."""
        self._step()
        for i, (op, av) in enumerate(items):
            rest = items[i + 1:]
            if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
                if inside:
                    return [items[i:]]
                continue
            if op in _GROUPS:
                body = _body(op, av)
                if inside and self._only_run(body):
                    continue
                return self.after_run(body + rest, inside)
            if op is sre.BRANCH:
                if inside and all(self._only_run(list(b)) for b in av[1]):
                    continue
                out = []
                for branch in av[1]:
                    out += self.after_run(list(branch) + rest, inside)
                return out
            if op in _REPEATS:
                low, high, body = av
                body = list(body)
                if inside:
                    if self._only_run(body):
                        continue
                    return [items[i:]]
                if not self.exact and self._only_run(body):
                    if low == 0:
                        return self.after_run(rest) + self.after_run(rest, True)
                    inside = True
                    continue
                # a first reading of the body starts the run, or (if it may be
                # left out) what comes after it does
                return self.after_run(body + self._repeated(op, av) + rest) + \
                    (self.after_run(rest) if low == 0 else [])
            if inside:
                kind = self._kind(op, av)
                if kind == "run":
                    continue
                if kind == "other":
                    return [items[i:]]
                raise Unknown
            reads = self._reads_start(op, av)
            if reads is None:
                raise Unknown
            if not reads:
                return []
            inside = True
        return [[]] if inside else []

    def _reads_start(self, op, av) -> bool | None:
        """Whether a one-character part reads the run's first character (None: cannot tell)."""
        if self.exact:
            return _reads(op, av, self.start)
        kind = self._kind(op, av)
        if kind == "run" and self.start == DIGIT:       # a run that starts with a digit
            return _reads_digit(op, av)
        return None if kind == "mixed" else kind == "run"

    def _repeated(self, op, av) -> list:
        """A repeat after one reading of its body: the parts that may read more."""
        again = self._again.get(id(av))
        if again is None:
            low, high, body = av
            again = self._again[id(av)] = \
                [(op, (0, high - 1 if high != sre.MAXREPEAT else high, body))] if high != 1 else []
        return again

    def _only_run(self, items: list) -> bool:
        """Whether ``items`` read nothing but what the run goes on with (and at least one)."""
        self._step()
        for op, av in items:
            if op in _GROUPS:
                if not self._only_run(_body(op, av)):
                    return False
            elif op is sre.BRANCH:
                if not all(self._only_run(list(b)) for b in av[1]):
                    return False
            elif op in _REPEATS:
                if not self._only_run(list(av[2])):
                    return False
            elif self._kind(op, av) != "run":
                return False
        return bool(items)

    def _kind(self, op, av) -> str:
        """'run' (a one-character part that reads only what the run goes on
        with), 'other' (none of it) or 'mixed' (some, or cannot tell)."""
        in_run = self.in_run
        if op is sre.LITERAL:
            return "mixed" if av == ord(PROPERTY) else "run" if in_run(chr(av)) else "other"
        if op is not sre.IN:
            return "mixed"
        if str([(op, av)]) in _LETTER_CLASSES:
            return "run" if self.start == LETTER else "other"
        run = other = False
        for kind, value in av:
            if kind is sre.LITERAL:
                if value == ord(PROPERTY):
                    return "mixed"
                if in_run(chr(value)):
                    run = True
                else:
                    other = True
            elif kind is sre.RANGE and value[1] - value[0] < 256:
                held = sum(1 for c in range(value[0], value[1] + 1) if in_run(chr(c)))
                run = run or held > 0
                other = other or held < value[1] - value[0] + 1
            elif kind is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
                if self.digits:
                    run = True
                else:
                    other = True
            elif kind is sre.CATEGORY and value is sre.CATEGORY_SPACE:
                other = True
            else:
                return "mixed"
        return "mixed" if run and other else ("run" if run else "other")

    # --------------------------------------------------- what comes after it
    def first(self, items: list, size: int = SIZE, at_start: bool = True) -> set[str]:
        """The strings (case-folded, at most ``size`` characters) one of which
        the text after the run starts with, spaces skipped (``at_start``: no
        character read yet), if ``items`` match there: a string ends where
        the pattern stops saying what comes; its first character may be
        ``LETTER``, ``DIGIT`` or ``END`` (a line's end). Raises Unknown when
        ``items`` may read anything (or nothing) first."""
        key = (tuple(map(id, items)), size, at_start)
        found = self._firsts.get(key)
        if found is None:
            try:
                found = self._first(items, size, at_start)
            except Unknown:
                found = Unknown
            self._firsts[key] = found
        if found is Unknown:
            raise Unknown
        return found

    def _first(self, items: list, size: int, at_start: bool) -> set[str]:
        self._step()
        for i, (op, av) in enumerate(items):
            rest = items[i + 1:]
            if op is sre.AT:
                if av in _AT_END:
                    return {END} if at_start else {""}
                continue
            if op is sre.ASSERT and av[0] == 1:
                try:                              # a lookahead says what stands here
                    found = self.first(list(av[1]), size, at_start)
                except Unknown:
                    found = {""}
                if "" not in found:
                    return found
                continue
            if op in (sre.ASSERT, sre.ASSERT_NOT):
                continue
            if op in _GROUPS:
                return self.first(_body(op, av) + rest, size, at_start)
            if op is sre.BRANCH:
                out: set = set()
                for branch in av[1]:
                    out |= self.first(list(branch) + rest, size, at_start)
                return _bounded(out, size)
            if op in _REPEATS:
                low, high, body = av
                body = list(body)
                if at_start and _spaces(body):
                    if self.straight and low:
                        return set()              # a space comes first
                    if not self.skip and not self.straight:
                        raise Unknown
                    continue
                found = self.first(body + self._repeated(op, av) + rest, size, at_start)
                if not low:
                    found |= self.first(rest, size, at_start)
                return _bounded(found, size)
            chars, space, token = _chars(op, av)
            if at_start and space and self.straight:
                if not chars and token is None:
                    return set()                  # a space comes first
                following = set()
            elif at_start and space:
                if not self.skip:
                    raise Unknown
                if not chars and token is None:
                    continue                      # a space: skipped
                following = self.first(rest, size, True)
            else:
                following = set()
            if not at_start and (space or token is not None):
                return {""}                       # a space or a class of many inside a word: no more said
            if token is not None:
                return {token} | following
            if not chars:
                return {""} if not at_start else following or _unknown()
            out = set(following)
            for ch in chars:
                if len(ch) >= size:
                    out.add(ch[:size])
                else:
                    out |= {ch + tail for tail in self.first(rest, size - len(ch), False)}
            return _bounded(out, size)
        if at_start:
            raise Unknown                         # the match may end here
        return {""}


def _shortest(strings: set) -> frozenset:
    """``strings`` without those that start with another of them, or with
    a digit or a letter where any digit or letter will do (told already)."""
    kept: list = []
    for s in sorted(strings, key=len):
        if s in (LETTER, DIGIT):
            kept.append(s)
        elif not any(s.startswith(k) for k in kept if k not in (LETTER, DIGIT)) and \
                not (DIGIT in strings and s[0].isdecimal()) and not (LETTER in strings and s[0].isalpha()):
            kept.append(s)
    return frozenset(kept)


def _letter_next(items: list) -> bool:
    """Whether ``items`` may read a letter first, with no space before it
    (when in doubt, yes): then a number word's run may end inside its word."""
    for i, (op, av) in enumerate(items):
        if op is sre.ASSERT_NOT and _is_edge(av[1]):
            return False
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue
        if op in _GROUPS:
            return _letter_next(_body(op, av) + items[i + 1:])
        if op is sre.BRANCH:
            return any(_letter_next(list(b) + items[i + 1:]) for b in av[1])
        if op in _REPEATS:
            low, _, body = av
            return _letter_next(list(body)) or (not low and _letter_next(items[i + 1:]))
        try:
            chars, _, token = _chars(op, av)
        except Unknown:
            return True
        return token == LETTER or any(c.isalpha() for c in chars)
    return True


def _unknown():
    raise Unknown


def _bounded(strings: set, size: int) -> set:
    """``strings``, cut shorter until there are few enough of them."""
    while len(strings) > _MAX_STRINGS and size > 1:
        size -= 1
        strings = {s[:size] for s in strings}
    if len(strings) > _MAX_STRINGS:
        raise Unknown
    return strings


def _spaces(items: list) -> bool:
    """Whether ``items`` read only spaces."""
    for op, av in items:
        if op is sre.SUBPATTERN:
            if not _spaces(list(av[-1])):
                return False
        elif op in _REPEATS:
            if not _spaces(list(av[2])):
                return False
        elif op in (sre.LITERAL, sre.IN):
            chars, space, token = _chars(op, av)
            if chars or token is not None or not space:
                return False
        else:
            return False
    return bool(items)


_MAX_CLASS = 16        # characters a class may hold and still be read one by one


def _chars(op, av) -> tuple[set, bool, str | None]:
    """(the case-folded characters, not spaces, a one-character part reads;
    whether it reads spaces; LETTER or DIGIT when it reads any letter or digit
    instead). Raises Unknown for a part that may read anything."""
    if op is sre.LITERAL:
        if av == ord(PROPERTY):
            raise Unknown
        ch = chr(av)
        return (set(), True, None) if ch.isspace() else ({ch.casefold()}, False, None)
    if op is not sre.IN:
        raise Unknown
    if str([(op, av)]) in _LETTER_CLASSES:
        return set(), False, LETTER
    chars, space, token = set(), False, None
    for kind, value in av:
        if kind is sre.LITERAL:
            if value == ord(PROPERTY):
                raise Unknown
            ch = chr(value)
            if ch.isspace():
                space = True
            else:
                chars.add(ch.casefold())
        elif kind is sre.RANGE:
            if value[1] - value[0] >= 256:
                raise Unknown
            for c in range(value[0], value[1] + 1):
                if chr(c).isspace():
                    space = True
                else:
                    chars.add(chr(c).casefold())
        elif kind is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
            token = DIGIT
        elif kind is sre.CATEGORY and value in _SPACE:
            space = True
        else:
            raise Unknown
    if token is not None and chars:
        if all(c.isdecimal() for c in chars):
            chars = set()
        else:
            raise Unknown
    if len(chars) > _MAX_CLASS:
        if all(c.isdecimal() for c in chars):
            return set(), space, DIGIT
        raise Unknown
    return chars, space, token


class After(tuple):
    """What follows the run of a number at a place: the kind of the place (as
    ``follow`` keys it), the text after the run, spaces skipped (case-folded,
    ``SIZE`` characters), whether a line ends there, its ``keys`` (each of
    its starts, and ``LETTER``, ``DIGIT``, ``END`` where they hold) and the
    run's own characters past its first (``inner``). A tuple: one is made
    for every number of a text."""

    __slots__ = ()
    kind = property(itemgetter(0))
    text = property(itemgetter(1))
    end = property(itemgetter(2))
    keys = property(itemgetter(3))
    inner = property(itemgetter(4))

    def __new__(cls, kind: str, text: str, end: bool, inner: frozenset):
        if text:
            keys = {text[:1], text[:2], text[:3], text}     # its starts (SIZE is 4)
            first = text[0]
            if first.isalpha():
                keys.add(LETTER)
            elif first.isdecimal():
                keys.add(DIGIT)
        else:
            keys = set()
        if end:
            keys.add(END)
        return tuple.__new__(cls, (kind, text, end, keys, inner))

    def allows(self, strings: frozenset, straight: frozenset) -> bool:
        """Whether one of ``strings`` may stand here, or the rule's number may
        end inside the run, before one of its characters (``straight``: those
        that may follow the number with no space between): a set operation,
        as it runs for every rule at every number."""
        return not strings.isdisjoint(self[3]) or bool(self[4] and not self[4].isdisjoint(straight))


def firsts(strings) -> frozenset:
    """The first characters of ``strings`` (a digit as ``DIGIT``)."""
    return frozenset(DIGIT if s == DIGIT or s[:1].isdecimal() else s[:1] for s in strings)


def after(text: str, pos: int, marked: bool) -> After | None:
    """What follows the run of the number at ``pos``, or None when ``pos``
    holds no run."""
    n = len(text)
    ch = text[pos]
    inner = _NO_CHARS
    end = pos + 1
    if ch.isalpha():                  # a number word: its run is the word
        kind = LETTER
        while end < n and text[end].isalpha():
            end += 1
    elif marked:
        if ch not in MARKS:
            return None
        kind = ch
        while end < n and text[end] == PAD:
            end += 1
        if end > pos + 1:
            inner = _PAD_ONLY
    else:
        if not (ch.isdecimal() or ch in DIGIT_RUN):
            return None
        kind = DIGIT if ch.isdecimal() else ""
        while end < n and (text[end].isdecimal() or text[end] in DIGIT_RUN):
            end += 1
        if end > pos + 1:
            inner = frozenset(DIGIT if c.isdecimal() else c for c in set(text[pos + 1:end]))
    crossed = False
    while end < n and text[end].isspace():
        crossed = crossed or text[end] == "\n"
        end += 1
    return After(kind, text[end:end + SIZE + 2].casefold()[:SIZE], crossed or end == n, inner)


_NO_CHARS: frozenset = frozenset()
_PAD_ONLY = frozenset(PAD)


def _reads_digit(op, av) -> bool:
    """Whether a one-character part of a run may read a digit (a sign may not)."""
    if op is sre.LITERAL:
        return chr(av).isdecimal()
    for kind, value in av:                # IN: its members
        if kind is sre.CATEGORY or (kind is sre.LITERAL and chr(value).isdecimal()):
            return True
        if kind is sre.RANGE and any(chr(c).isdecimal() for c in range(value[0], value[1] + 1)):
            return True
    return False


def _reads(op, av, ch: str) -> bool | None:
    """Whether a one-character part reads ``ch`` (None: cannot tell)."""
    if op is sre.LITERAL:
        return None if av == ord(PROPERTY) else av == ord(ch)
    if op is sre.NOT_LITERAL:
        return av != ord(ch)
    if op is sre.ANY:
        return ch != "\n"
    if op is not sre.IN:
        return None
    negated = False
    found = False
    for kind, value in av:
        if kind is sre.NEGATE:
            negated = True
        elif kind is sre.LITERAL:
            if value == ord(PROPERTY):
                return None
            found = found or value == ord(ch)
        elif kind is sre.RANGE:
            found = found or value[0] <= ord(ch) <= value[1]
        elif kind is sre.CATEGORY:
            test = _CATEGORIES.get(value)
            if test is None:
                return None
            found = found or test(ch)
        else:
            return None
    return found != negated


_CATEGORIES = {
    sre.CATEGORY_DIGIT: str.isdecimal, sre.CATEGORY_NOT_DIGIT: lambda c: not c.isdecimal(),
    sre.CATEGORY_SPACE: str.isspace, sre.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    sre.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    sre.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}

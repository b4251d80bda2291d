"""Where a rule's match can start, so that each rule is tried only there.

Scanning a text with some sixty large regexes, one after the other, tries every
one of them at every character. Yet every match of a rule begins with one of a
few things that can be read off its pattern — a digit, a number word, ``từ``,
``gấp`` … — its *leads*. ``leads(pattern)`` reads them, with the lookarounds
that stand before them (``(?<![\\w.,/])`` before a number: not inside
another); a ``StartIndex`` finds, in one scan of a text, every place where
some lead stands and which rules have one there; ``StartIndex.finditer_all``
then tries each rule at those places only, and only where the rare texts it
needs (``gates``: ``%`` for a percentage, ``/`` for a per-unit count) are
found between the place and the end of the line. ``TextScan.matches`` with
``near`` tries a rule only in the stretches of text (bounded by what its
matches cannot run over) that hold given spans: not-a-figure rules matter only
where they overlap a candidate's number.

This gives exactly the matches of ``pattern.finditer(text)``: ``finditer`` takes
the leftmost match at or after where the last one ended, and a match can only
begin where one of its leads matches, its guards hold and its gates are met,
so trying those places in order finds the same one. (``pattern.match(text,
pos)`` sees the text before ``pos`` as a search from 0 does: lookbehinds and
``\\b`` work the same.) A pattern whose leads cannot be read — one that can
match the empty string, uses ``\\G``, a back-reference, a conditional, an
inline flag other than ``i``/``m`` … — has no leads and is scanned whole, as
before.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from time import perf_counter

import regex

from .tries import fold, trie_regex

FLAGS = regex.IGNORECASE | regex.MULTILINE    # the flags rules are compiled with


class _Unreadable(Exception):
    pass


# ------------------------------------------------------------------ parsing
# A pattern is parsed into alternatives (lists of items); an item is
#   ("zero", source)                    something that matches no text (a
#                                      lookaround, \b, ^ …; source None if optional)
#   ("atom", source, raw, ci, count)   one character: a literal (``raw`` is the
#                                      character), a class or an escape (``raw`` None)
#   ("group", alternatives, count)
# with ``count`` its (least, most) repeats and ``ci`` whether case is ignored.
ONCE = (1, 1)

_ZERO_ESCAPES = set("bBAZmM")
_CLASS_ESCAPES = set("dDwWsShHvV")        # \h \v … are accepted by regex as classes
_LITERAL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "a": "\a", "e": "\x1b"}


class _Parser:
    def __init__(self, pattern: str):
        self.p, self.i, self.n = pattern, 0, len(pattern)

    def parse(self):
        alts = self.alternatives(ci=True)
        if self.i != self.n:
            raise _Unreadable("unbalanced )")
        return alts

    def alternatives(self, ci: bool):
        alts, seq = [], []
        while self.i < self.n:
            ch = self.p[self.i]
            if ch == "|":
                alts.append(seq)
                seq = []
                self.i += 1
            elif ch == ")":
                break
            else:
                item = self.item(ci)
                if item is not None:
                    seq.append(item)
        alts.append(seq)
        return alts

    def item(self, ci: bool):
        p, i = self.p, self.i
        ch = p[i]
        if ch == "(":
            item = self.group(ci)
        elif ch == "[":
            item = ("atom", self.char_class(), None, ci, ONCE)
        elif ch == "\\":
            item = self.escape(ci)
        elif ch in "^$":
            self.i += 1
            item = ("zero", ch)
        elif ch == ".":
            self.i += 1
            item = ("atom", ".", None, ci, ONCE)
        elif ch in "?*+":
            raise _Unreadable("nothing to repeat")
        elif ch == "{" and self.quantifier_at(i) is not None:
            raise _Unreadable("nothing to repeat")
        else:
            self.i += 1
            item = ("atom", regex.escape(ch), ch, ci, ONCE)
        if item is None:          # a comment
            return None
        count = self.quantifier()
        if count is None:
            return item
        if item[0] == "zero":
            return item if count[0] >= 1 else ("zero", None)
        if count[1] == 0:         # {0}: matches nothing
            return ("zero", None)
        return item[:-1] + (count,)

    def quantifier_at(self, i):
        """(least, end) of a {m,n} quantifier at ``i``, or None if it is a literal {."""
        p = self.p
        j = p.find("}", i)
        if j < 0:
            return None
        body = p[i + 1:j]
        lo, comma, hi = body.partition(",")
        if not (lo.isdigit() or (lo == "" and comma)) or (hi and not hi.isdigit()):
            return None
        if hi == "" and not comma and not lo:
            return None
        least = int(lo) if lo else 0
        most = int(hi) if hi else (least if not comma else None)
        return (least, most), j + 1

    def quantifier(self):
        """(least, most) repeats of a quantifier after an item (most None: no
        limit), or None when there is none."""
        p = self.p
        if self.i >= self.n:
            return None
        ch = p[self.i]
        if ch in "?*+":
            count = {"?": (0, 1), "*": (0, None), "+": (1, None)}[ch]
            self.i += 1
        elif ch == "{":
            q = self.quantifier_at(self.i)
            if q is None:
                return None
            count, self.i = q
        else:
            return None
        if self.i < self.n and p[self.i] in "?+":     # lazy or possessive
            self.i += 1
        if self.i < self.n and p[self.i] in "?*+":
            raise _Unreadable("multiple repeat")
        return count

    def char_class(self) -> str:
        p, start = self.p, self.i
        i = start + 1
        if i < self.n and p[i] == "^":
            i += 1
        if i < self.n and p[i] == "]":
            i += 1
        while i < self.n and p[i] != "]":
            if p[i] == "\\":
                i += 2
            elif p.startswith("[:", i):
                end = p.find(":]", i + 2)
                if end < 0:
                    raise _Unreadable("unterminated POSIX class")
                i = end + 2
            else:
                i += 1
        if i >= self.n:
            raise _Unreadable("unterminated character class")
        self.i = i + 1
        return p[start:i + 1]

    def escape(self, ci: bool):
        p, i = self.p, self.i
        if i + 1 >= self.n:
            raise _Unreadable("trailing backslash")
        ch = p[i + 1]
        self.i = i + 2
        if ch in _ZERO_ESCAPES:
            return ("zero", _wrap(p[i:i + 2], ci))
        if ch in _CLASS_ESCAPES:
            return ("atom", p[i:i + 2], None, ci, ONCE)
        if ch in "pPN":                  # \p{Lu}, \pL, \N{NAME}
            if self.i < self.n and p[self.i] == "{":
                end = p.find("}", self.i)
                if end < 0:
                    raise _Unreadable("unterminated \\p{")
                self.i = end + 1
            elif ch != "N":
                self.i += 1
            else:
                raise _Unreadable("bad \\N")
            return ("atom", p[i:self.i], None, ci, ONCE)
        if ch in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[ch]
            if ch == "x" and self.i < self.n and p[self.i] == "{":
                end = p.find("}", self.i)
                if end < 0:
                    raise _Unreadable("unterminated \\x{")
                self.i = end + 1
            else:
                self.i += width
            return ("atom", p[i:self.i], None, ci, ONCE)
        if ch in _LITERAL_ESCAPES:
            return ("atom", p[i:i + 2], _LITERAL_ESCAPES[ch], ci, ONCE)
        if ch == "0":
            while self.i < self.n and self.i < i + 5 and p[self.i] in "01234567":
                self.i += 1
            return ("atom", p[i:self.i], None, ci, ONCE)
        if ch.isalnum() or ch == "_":
            raise _Unreadable(f"escape \\{ch}")      # back-references, \G, \X, \K, \L …
        return ("atom", p[i:i + 2], ch, ci, ONCE)       # an escaped symbol: \. \- \/

    def group(self, ci: bool):
        p, i = self.p, self.i
        if not p.startswith("(?", i):
            self.i = i + 1
            return self.close(("group", self.alternatives(ci), ONCE))
        rest = p[i + 2:i + 4]
        if rest.startswith(":") or rest.startswith(">"):
            self.i = i + 3
            return self.close(("group", self.alternatives(ci), ONCE))
        if rest.startswith("=") or rest.startswith("!") or rest in ("<=", "<!"):
            self.i = i + (4 if rest in ("<=", "<!") else 3)
            self.alternatives(ci)
            self.close(None)
            return ("zero", _wrap(p[i:self.i], ci))
        if rest.startswith("#"):
            end = p.find(")", i)
            if end < 0:
                raise _Unreadable("unterminated comment")
            self.i = end + 1
            return None
        if rest.startswith("P<") or (rest.startswith("<") and rest not in ("<=", "<!")):
            end = p.find(">", i)
            if end < 0:
                raise _Unreadable("unterminated group name")
            self.i = end + 1
            return self.close(("group", self.alternatives(ci), ONCE))
        # scoped flags: (?i:…) (?-i:…) (?im-…:…); only i and m are understood
        j = i + 2
        on, off, sign = set(), set(), True
        while j < self.n and p[j] not in ":)":
            c = p[j]
            if c == "-":
                sign = False
            elif c in "im":
                (on if sign else off).add(c)
            else:
                raise _Unreadable(f"flag {c}")
            j += 1
        if j >= self.n or p[j] != ":":
            raise _Unreadable("a global inline flag")
        self.i = j + 1
        inner_ci = (ci or "i" in on) and "i" not in off
        return self.close(("group", self.alternatives(inner_ci), ONCE))

    def close(self, item):
        if self.i >= self.n or self.p[self.i] != ")":
            raise _Unreadable("missing )")
        self.i += 1
        return item


# ------------------------------------------------------------------- leads
_CHEAP_GUARD = 40      # longer lookarounds cost as much as trying the rule: not guards


class Lead:
    """What a match must start with: a literal ``text``, or one character of a
    class (``text`` None); ``source`` is it as a regex. A match may also start
    up to ``most`` characters earlier on each ``behind`` class (optional
    characters before the lead, as in ``\\s*\\d``), innermost first.
    ``guards``: lookarounds and anchors that stand before the lead in the
    pattern, which hold where a match starts on the lead (``(?<![\\w.,/])``
    before a number: not inside another)."""

    __slots__ = ("source", "text", "behind", "guards")

    def __init__(self, source: str, text: str | None, behind: tuple = (), guards: tuple = ()):
        self.source, self.text, self.behind, self.guards = source, text, behind, guards

    @property
    def length(self) -> int:
        return len(self.text) if self.text is not None else 1

    def after(self, optional: str, most: int | None) -> "Lead":
        # a match may start on the optional characters, where other guards hold
        return Lead(self.source, self.text, self.behind + ((optional, most),))

    def _key(self):
        return self.source, self.text, self.behind, self.guards

    def __eq__(self, other):
        return isinstance(other, Lead) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return (f"Lead({self.source!r}{', behind=' + repr(self.behind) if self.behind else ''}"
                f"{', guards=' + repr(self.guards) if self.guards else ''})")


def _wrap(source: str, ci: bool) -> str:
    return source if ci else f"(?-i:{source})"


def _lead(seq, i, guards: tuple) -> Lead:
    """The lead of ``seq`` at item ``i``, an atom: a run of literal characters,
    each exactly once and in one case mode, makes one literal lead; anything
    else is a one-character lead."""
    _, source, raw, ci, count = seq[i]
    sources, text = [], []
    for item in seq[i:]:
        if item[0] != "atom" or item[2] is None or item[3] != ci or item[4] != ONCE:
            break
        sources.append(item[1])
        text.append(item[2])
    if not text:
        return Lead(_wrap(source, ci), None, guards=guards)
    return Lead(_wrap("".join(sources), ci), "".join(text), guards=guards)


def _first(alts, guards: tuple = ()) -> tuple[set[Lead], bool]:
    leads, nullable = set(), False
    for seq in alts:
        more, empty = _first_of_sequence(seq, 0, guards)
        leads |= more
        nullable |= empty
    return leads, nullable


def _first_of_sequence(seq, start: int, guards: tuple) -> tuple[set[Lead], bool]:
    """Leads of ``seq`` from item ``start``; ``guards`` hold where it starts.
    A lead found after optional items stands where the match starts when they
    match nothing, so the guards before them hold there too."""
    leads: set[Lead] = set()
    for i in range(start, len(seq)):
        item = seq[i]
        if item[0] == "zero":
            if item[1] is not None and len(item[1]) <= _CHEAP_GUARD:
                guards = guards + (item[1],)
            continue
        least, most = item[-1]
        if item[0] == "atom":
            if least >= 1:
                leads.add(_lead(seq, i, guards))
                return leads, False
            # an optional character: the match starts at what follows, or on it
            rest, empty = _first_of_sequence(seq, i + 1, guards)
            optional = _wrap(item[1], item[3])
            if empty:
                return leads | rest | {Lead(optional, None, guards=guards)}, True
            return leads | {lead.after(optional, most) for lead in rest}, False
        more, empty = _first(item[1], guards)
        leads |= more
        if least >= 1 and not empty:
            return leads, False
    return leads, True


def leads(pattern: str) -> frozenset[Lead] | None:
    """What every match of ``pattern`` starts with, or None when that cannot be said."""
    try:
        found, nullable = _first(_Parser(pattern).parse())
    except (_Unreadable, RecursionError):
        return None
    if nullable or not found:
        return None
    try:
        for lead in found:
            regex.compile(lead.source, FLAGS)
            regex.compile("".join(lead.guards), FLAGS)
            for optional, _ in lead.behind:
                regex.compile(optional, FLAGS)
    except regex.error:
        return None
    return frozenset(found)


# ------------------------------------------------------------ requirements
_MAX_GATES = 3


def _must_alternatives(alts) -> list[frozenset]:
    """Clauses (each: a set of ``(text, ignore_case)`` literals, one of which a
    match contains) that hold whichever alternative matches."""
    if len(alts) == 1:
        return _must_sequence(alts[0])
    picks = []
    for seq in alts:
        clauses = _must_sequence(seq)
        if not clauses:
            return []
        picks.append(max(clauses, key=lambda c: (min(len(t) for t, _ in c), -len(c))))
    return [frozenset().union(*picks)]


def _must_sequence(seq) -> list[frozenset]:
    clauses, i = [], 0
    while i < len(seq):
        item = seq[i]
        if item[0] == "atom" and item[2] is not None and item[4][0] >= 1:
            run, ci = [], item[3]
            while i < len(seq) and seq[i][0] == "atom" and seq[i][2] is not None \
                    and seq[i][3] == ci and seq[i][4] == ONCE:
                run.append(seq[i][2])
                i += 1
            if not run:                       # a repeated letter: it, at least once
                run, i = [item[2]], i + 1
            clauses.append(frozenset({("".join(run), ci)}))
            continue
        if item[0] == "atom" and item[4][0] >= 1:
            chars = _class_chars(item[1])      # [-–—]: one of these characters
            if chars:
                clauses.append(frozenset((ch, item[3]) for ch in chars))
        if item[0] == "group" and item[2][0] >= 1:
            clauses.extend(_must_alternatives(item[1]))
        i += 1
    return clauses


def _class_chars(source: str) -> set[str] | None:
    """The characters of a class that lists a few symbols (``[-–—]``, ``[x×]``),
    or None for any other class."""
    if not (source.startswith("[") and source.endswith("]")) or source.startswith("[^"):
        return None
    body, chars, i = source[1:-1], set(), 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body) or body[i + 1].isalnum():
                return None                    # \d, \w, \s, \p …
            chars.add(body[i + 1])
            i += 2
            continue
        if ch == "-" and 0 < i < len(body) - 1 or ch in "[]":
            return None                        # a range, a nested or POSIX class
        chars.add(ch)
        i += 1
    return chars if 0 < len(chars) <= 8 else None


# Characters that end the stretch of text a match can cover, when no part of
# the pattern consumes them: a line break, a semicolon, a bracket, a quote … and
# a full stop before a space (digits take "." only between digits: 3.500).
BARRIERS = "\n;:()[]\"“”!?…"
FULL_STOP = "."
_MATCHED: dict[tuple[str, bool, str], bool] = {}


def _matches_any(atom: str, ci: bool, chars: str) -> bool:
    """Whether one character of a pattern (a literal, class or escape) matches
    one of ``chars``; remembered, as rules repeat the same few thousand times."""
    key = (atom, ci, chars)
    found = _MATCHED.get(key)
    if found is None:
        compiled = regex.compile(atom, FLAGS if ci else regex.MULTILINE)
        found = _MATCHED[key] = any(compiled.match(ch) for ch in chars)
    return found


def _consumed(alts, chars: str) -> set[str]:
    """Those of ``chars`` that some character a match consumes may be."""
    found: set[str] = set()
    for seq in alts:
        for item in seq:
            if item[0] == "atom":
                found.update(ch for ch in chars if ch not in found and _matches_any(item[1], item[3], ch))
            elif item[0] == "group":
                found |= _consumed(item[1], chars)
    return found


@lru_cache(maxsize=None)
def _whitespace() -> str:
    """Every character regex takes for ``\\s`` (all are below U+10000)."""
    return "".join(regex.findall(r"\s", "".join(map(chr, range(0x10000)))))


def _full_stop_then_space(alts) -> bool:
    """Whether a match may consume a full stop and the space after it. (Read
    narrowly: a full stop must be followed, in its own sequence, by something
    that starts with a character that is never a space, as in ``[.,]\\d+``.)"""
    for seq in alts:
        for i, item in enumerate(seq):
            if item[0] == "group":
                if _full_stop_then_space(item[1]):
                    return True
            elif item[0] == "atom" and _matches_any(item[1], item[3], FULL_STOP):
                after = _first_consuming(seq[i + 1:])
                if _matches_any(item[1], item[3], _whitespace()) or not _starts_without_space(after):
                    return True
    return False


def _starts_without_space(item) -> bool:
    """Whether ``item`` surely consumes a first character, never a space."""
    if item is None or item[-1][0] < 1:
        return False
    if item[0] == "atom":
        return not _matches_any(item[1], item[3], _whitespace())
    if item[0] == "group":
        return all(_starts_without_space(_first_consuming(seq)) for seq in item[1])
    return False


def _first_consuming(items):
    """The first of ``items`` that is not a lookaround or anchor (None: none)."""
    return next((x for x in items if x[0] != "zero"), None)


def _barriers(alts) -> str:
    """What no match of the pattern can run over: some of ``BARRIERS``, and
    ``FULL_STOP`` for a full stop before a space."""
    consumed = _consumed(alts, BARRIERS)
    stops = "".join(ch for ch in BARRIERS if ch not in consumed)
    return stops + ("" if _full_stop_then_space(alts) else FULL_STOP)


def barriers(pattern: str) -> str:
    """What no match of ``pattern`` can run over (``_barriers``; "" if unreadable)."""
    try:
        return _barriers(_Parser(pattern).parse())
    except (_Unreadable, RecursionError, regex.error):
        return ""


def gates(pattern: str) -> tuple[tuple[frozenset, ...], str] | None:
    """Some texts every match of ``pattern`` contains, as clauses of literals
    (one of each clause), only those rare enough to be worth looking for; and
    what a match cannot run over (``_barriers``), so that those texts must
    stand before it. None when nothing is worth it."""
    try:
        alts = _Parser(pattern).parse()
        clauses = _must_alternatives(alts)
        barriers = _barriers(alts)
    except (_Unreadable, RecursionError, regex.error):
        return None

    def rare(literal) -> bool:
        text = literal[0]
        return "\n" not in text and (len(text) >= 2 or not text.isalnum())

    chosen = sorted((c for c in clauses if len(c) <= 8 and all(rare(lit) for lit in c)),
                    key=lambda c: (-min(len(t) for t, _ in c), len(c), sorted(c)))[:_MAX_GATES]
    return (tuple(chosen), barriers) if chosen else None


# ------------------------------------------------------------------- index
def _trie(words: set[str], ignore_case: bool) -> str | None:
    """One regex matching the longest of ``words`` that stands at a place, or
    None when two words' letters could not be told apart."""

    def distinct(keys: list[str]) -> None:
        for a in range(len(keys)):
            for b in range(a + 1, len(keys)):
                if keys[a] == keys[b] or ignore_case and (
                        regex.fullmatch(regex.escape(keys[a]), keys[b], regex.IGNORECASE)
                        or re.fullmatch(regex.escape(keys[a]), keys[b], re.IGNORECASE)):
                    raise ValueError("letters equal ignoring case")

    try:
        return trie_regex(words, check=distinct)
    except ValueError:
        return None


_EVERY_CHARACTER: str | None = None


def _every_character() -> str:
    global _EVERY_CHARACTER
    if _EVERY_CHARACTER is None:
        _EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    return _EVERY_CHARACTER


def _case_folds(literal: str) -> dict[int, str] | None:
    """The characters regex takes for one of ``literal``'s, ignoring case, that
    do not lowercase to that one's lowercase (ſ for s), mapped to it: with them
    so mapped, a lowercased text holds the literal wherever regex finds it.
    None when a character of it has no one-character lowercase."""
    odd = {}
    taken = _taken_for(set(literal), regex)
    for ch in set(literal):
        want = ch.lower()
        if len(want) != 1:
            return None
        odd.update((ord(c), want) for c in taken[ch] if c.lower() != want)
    return odd


_TAKEN: dict[tuple, set[str]] = {}


def _taken_for(letters: set[str], engine) -> dict[str, set[str]]:
    """For each of ``letters``, every character that ``engine`` (regex or re)
    takes for it, ignoring case. One scan of all characters finds those taken
    for any of them; each of those is then tried on each letter."""
    new = [ch for ch in letters if (engine.__name__, ch) not in _TAKEN]
    if new:
        flags = FLAGS if engine is regex else re.IGNORECASE
        every = _every_character()
        some = {every[m.start()] for m in engine.finditer(
            "[" + "".join(regex.escape(ch) for ch in new) + "]", every, flags)}
        for ch in new:
            one = engine.compile(regex.escape(ch), flags)
            _TAKEN[engine.__name__, ch] = {c for c in some if one.fullmatch(c)}
    return {ch: _TAKEN[engine.__name__, ch] for ch in letters}


# guards that fail after a letter: a literal lead with one starts a word
_STARTS_WORD = regex.compile(r"\(\?<!\[(?:\\w[^\]]*|\^\\W\\d_|\^\\W_)\]\)|\(\?<!\\w\)|\\b")


# a guard that fails after a lowercase letter (a word may be glued to capitals: CPngày)
_AFTER_NO_LOWERCASE = regex.compile(r"\(\?<!\(\?-i:\\p\{Ll\}\)\)")


def _where_it_stands(lead: Lead) -> str:
    """Where a literal lead can stand: "word" (only where a word starts),
    "capital" (not after a lowercase letter) or "anywhere"."""
    if lead.text is None or not lead.text[0].isalpha() or lead.behind:
        return "anywhere"
    if any(_STARTS_WORD.fullmatch(g) for g in lead.guards):
        return "word"
    if any(_AFTER_NO_LOWERCASE.fullmatch(g) for g in lead.guards):
        return "capital"
    return "anywhere"


def _lowercase_for_re(every: str) -> str:
    """For re, after one character: "that character was not after a lowercase
    Latin letter", which holds wherever regex's "not after a lowercase letter"
    does (the class lists lowercase letters only, and not all of them)."""
    lower = [c for c in every[:0x250] + every[0x1E00:0x1F00] if regex.match(r"(?-i:\p{Ll})", c)]
    return "(?<!(?-i:" + _char_class(lower) + ")[\\s\\S])"


def _after_word_start_for_re(every: str) -> str:
    """For re, after one character: "that character was not after a letter",
    holding wherever regex's "not after a letter" does: re takes for letters
    some characters regex does not (², ½ …), which it must not count."""
    letter = "[^\\W\\d_]"
    have = {m.start() for m in regex.finditer(letter, every)}
    extra = [every[m.start()] for m in re.finditer(letter, every) if m.start() not in have]
    after = "(?<!" + letter + "[\\s\\S])"
    if not extra:
        return after
    # (checked apart, and only after a character outside the ranges of Latin
    # letters, which holds none of them: re checks a long class slowly)
    latin = [(0, 0xB1), (0xC0, 0x24F), (0x1E00, 0x1EFF)]
    rare = "" if any(a <= ord(c) <= b for c in extra for a, b in latin) else \
        "(?<=[^" + "".join(regex.escape(chr(a)) + "-" + regex.escape(chr(b)) for a, b in latin) + "][\\s\\S])"
    return "(?:" + after + "|" + rare + "(?<=" + _char_class(extra) + "[\\s\\S]))"


def _char_class(chars: list[str]) -> str:
    """A class of ``chars`` written as ranges (re checks a few ranges fast)."""
    codes, ranges = sorted(ord(c) for c in set(chars)), []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(regex.escape(chr(a)) + ("-" + regex.escape(chr(b)) if b > a else "")
                         for a, b in ranges) + "]"


def _compile_scanner(guard: list[str], captures: str, letters: set[str], classes: list[str],
                     firsts: set[str], word_firsts: set[str] = frozenset(),
                     capital_firsts: set[str] = frozenset()):
    """The scanner ``(?=guard…)captures``, compiled with the standard library's
    ``re`` where that finds at least all that ``regex`` finds (it runs this
    simple pattern some three times faster): every literal letter, ignoring
    case, must match in ``re`` each character it matches in ``regex``; a class
    that misses some (``re`` may know fewer digits) gets them added. With re
    the scan consumes the first character (one of ``firsts``, the literals'
    first letters, or of a class), which re skips to quickly, and looks back.
    ``word_firsts`` are first letters of literals that only start a word: the
    scan tries them at the start of a word only; ``capital_firsts`` those of
    literals that never follow a lowercase letter."""
    slow = regex.compile("(?=" + "|".join(guard + classes) + ")" + captures, FLAGS)
    flags = re.IGNORECASE | re.MULTILINE
    try:
        every = _every_character()
        by_regex, by_re = _taken_for(letters, regex), _taken_for(letters, re)
        if any(by_regex[c] - by_re[c] for c in letters):
            return slow
        widened = []
        for piece in classes:
            extra = _missed_by_re(piece, re.compile(piece, flags))
            widened.append(f"(?:{piece}|{_char_class(extra)})" if extra else piece)
        first = "[" + "".join(regex.escape(c) for c in sorted(firsts)) + "]" if firsts else None
        at_word = ("[" + "".join(regex.escape(c) for c in sorted(word_firsts)) + "]"
                   + _after_word_start_for_re(every) if word_firsts else None)
        at_capital = ("[" + "".join(regex.escape(c) for c in sorted(capital_firsts)) + "]"
                      + _lowercase_for_re(every) if capital_firsts else None)
        prefix = "(?:" + "|".join([p for p in (at_word, at_capital, first) if p] + widened) + ")"
        return re.compile(prefix + "(?<=(?=" + "|".join(guard + widened) + ")" + captures + r"[\s\S])",
                          flags)
    except (re.error, ValueError, OverflowError):
        return slow


def _missed_by_re(piece: str, compiled) -> list[str]:
    """The characters regex matches with ``piece`` (ignoring case) that re's
    ``compiled`` does not (re may know fewer digits: Garay …)."""
    every = _every_character()
    want = {m.start() for m in regex.finditer(piece, every, FLAGS)}
    have = {m.start() for m in compiled.finditer(every)}
    return [every[i] for i in sorted(want - have)]


def _lowered_scanners(ci: str | None, cs: str | None, ci_words: set[str], classes: list[str]):
    """The scan of ``StartIndex`` in three quick parts:

    - the literals read ignoring case (``ci``, all lowercase), read case
      sensitively on the lowercased text; as a literal starts the pattern, re
      skips quickly to where one of their first letters stands;
    - the classes that match no cased character, on the lowercased text;
    - the case-sensitive literals (``cs``) and the classes that match cased
      characters (ignoring case, as before), on the text itself.

    Returns ``(literals, uncased, original, folds)``, the three scanners (None
    for one with nothing to find) and the characters to map before
    lowercasing (ſ → s) so that a lowercased text holds a literal wherever
    regex finds it ignoring case. None when some letter has no such lowercase
    form, or re cannot take the patterns."""
    every = _every_character()
    folds: dict[int, str] = {}
    for ch in {c for w in ci_words for c in w}:
        if ch != ch.lower():
            return None
        odd = _case_folds(ch)
        if odd is None:
            return None
        for code, want in odd.items():
            if folds.setdefault(code, want) != want:
                return None            # one character taken for two letters
    uncased, cased = [], []
    for piece in classes:
        found = {every[m.start()] for m in regex.finditer(piece, every, FLAGS)}
        (cased if any(c.lower() != c.upper() for c in found) else uncased).append(piece)
    flags = re.MULTILINE
    try:
        plain = None
        if uncased:
            # one class, which re skips to quickly; the characters of the classes
            # that re does not know (digits of newer scripts) apart: there are
            # none in a text without characters beyond U+FFFF
            inner = _class_body("|".join(uncased))
            plain = re.compile("|".join(uncased), flags)
            if inner is not None:
                one = re.compile("[" + inner + "]", flags)
                if {m.start() for m in one.finditer(every)} == \
                        {m.start() for m in plain.finditer(every)}:
                    plain = one
            extra = _missed_by_re("|".join(uncased), plain)
            if any(ord(c) <= 0xFFFF for c in extra):
                plain = re.compile(f"{plain.pattern}|{_char_class(extra)}", flags)
            elif extra:
                plain = (plain, re.compile(f"{plain.pattern}|{_char_class(extra)}", flags))
        literals = re.compile(ci, flags) if ci else None
        original = None
        if cased:
            original = re.compile("(?=" + "|".join(([cs] if cs else []) + cased) + ")"
                                  + (f"(?=({cs})|)" if cs else "(?=()|)"), flags | re.IGNORECASE)
        elif cs:
            original = re.compile(f"({cs})", flags)
    except (re.error, ValueError, OverflowError):
        return None
    return literals, plain, original, folds


def _class_body(alternation: str) -> str | None:
    """``[-−]|\\d`` as ``-−\\d``, the inside of one class, when every alternative
    is a class or one escaped or plain character (checked by the caller)."""
    body = []
    for piece in alternation.split("|"):
        if len(piece) > 2 and piece[0] == "[" and piece[-1] == "]" and piece[1] != "^" \
                and "[" not in piece[1:-1]:
            body.append(piece[1:-1])
        elif len(piece) == 2 and piece[0] == "\\" or len(piece) == 1 and piece not in "[]^-\\":
            body.append(piece)
        else:
            return None
    return "".join(body)


def _alternation(words: set[str], ignore_case: bool) -> str | None:
    """A regex matching the longest of ``words`` that stands at a place."""
    if not words:
        return None
    trie = _trie(words, ignore_case)
    if trie is None:        # longest first, as plain alternatives
        trie = "(?:" + "|".join(regex.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))) + ")"
    return trie


_PLAIN = (((), None),)      # a lead with nothing before it and no guards


def _width(alts) -> int | None:
    """The most characters ``alts`` can match (None: no limit, or a lookaround)."""
    most = 0
    for seq in alts:
        total = 0
        for item in seq:
            if item[0] == "zero":
                if item[1] is not None:
                    return None
                continue
            count = item[-1][1]
            inner = 1 if item[0] == "atom" else _width(item[1])
            if count is None or inner is None:
                return None
            total += inner * count
        most = max(most, total)
    return most


def _reach(guard: str) -> tuple[int, int] | None:
    """How many characters before and after a place ``guard`` (lookarounds and
    anchors) looks at, or None if that has no bound or depends on more."""
    behind = ahead = 0
    parser = _Parser(guard)
    try:
        while parser.i < parser.n:
            start = parser.i
            if guard.startswith(("(?=", "(?!"), start) or guard.startswith(("(?<=", "(?<!"), start):
                body = 4 if guard[start + 2] == "<" else 3
                parser.i = start + body
                width = _width(parser.alternatives(True))
                parser.close(None)
                if width is None:
                    return None
                if body == 4:
                    behind = max(behind, width)
                else:
                    ahead = max(ahead, width)
            elif guard.startswith(("\\b", "\\B", "^", "$"), start):
                parser.i = start + (1 if guard[start] in "^$" else 2)
                behind, ahead = max(behind, 1), max(ahead, 1)
            elif guard.startswith("(?-i:", start):      # a case-sensitive guard
                return None
            else:
                return None
    except _Unreadable:
        return None
    return behind, ahead


class StartIndex:
    """The leads of a list of compiled patterns, and where they stand in a text."""

    def __init__(self, patterns: list, sources: list | None = None):
        """``sources``: for each compiled pattern, if given, a pattern with the
        same matches to read its leads and gates from."""
        self.count = len(patterns)
        self.patterns = list(patterns)
        sources = [s or p.pattern for p, s in zip(patterns, sources or [None] * len(patterns))]
        self.leads = [leads(source) for source in sources]
        # places are found once for each distinct set of leads
        self._sets = list(dict.fromkeys(found for found in self.leads if found))
        self._set_of = [self._sets.index(found) if found else None for found in self.leads]
        owners: dict[str, list[tuple[int, tuple, int | None]]] = {}
        kinds: dict[str, Lead] = {}
        guards: dict[str, int] = {}
        stands: dict[str, set] = {}        # where the leads of a source may stand
        for k, found in enumerate(self._sets):
            for lead in found:
                guard = "".join(lead.guards)
                owners.setdefault(lead.source, []).append(
                    (k, lead.behind, guards.setdefault(guard, len(guards)) if guard else None))
                kinds[lead.source] = lead
                stands.setdefault(lead.source, set()).add(_where_it_stands(lead))
        # Each lead is tested on what the scanner read at a place: ignoring case,
        # the longest literal there; with case, the longest case-sensitive
        # literal; or the character there. Every literal lead that stands at the
        # place is a prefix of the first or the second, so these tell all.
        self._tests = []
        ci_words, cs_words, classes = set(), set(), []
        first_letters: dict[str, set] = {"word": set(), "capital": set(), "anywhere": set()}
        for source, lead in kinds.items():
            if lead.text is None:
                where = 2
                classes.append(source)
            elif source.startswith("(?-i:"):
                where = 1
                cs_words.add(lead.text)
            else:
                where = 0
                ci_words.add("".join(fold(c) for c in lead.text))
            if lead.text is not None:
                bound = ("anywhere" if "anywhere" in stands[source] else
                         "capital" if "capital" in stands[source] else "word")
                first_letters[bound].add(fold(lead.text[0]))
            self._tests.append((where, lead.length, regex.compile(source, FLAGS), owners[source]))
        self._guards = [(regex.compile(guard, FLAGS), _reach(guard)) for guard in guards]
        self._held: dict[tuple, bool] = {}      # guard results by the text around a place
        self._behind = {opt: regex.compile(opt, FLAGS)
                        for found in self._sets for lead in found for opt, _ in lead.behind}
        ci, cs = _alternation(ci_words, True), _alternation(cs_words, False)
        cs = f"(?-i:{cs})" if cs else None
        literals = [part for part in (ci, cs) if part]
        self.scanner = None
        self._split = None          # the scan in parts (``_lowered_scanners``)
        # a letter is tried where its least bound lead may stand
        anywhere = first_letters["anywhere"]
        capital = first_letters["capital"] - anywhere
        word = first_letters["word"] - anywhere - capital
        if literals or classes:
            self.scanner = _compile_scanner(
                literals, (f"(?=({ci})|)" if ci else "(?=()|)") + (f"(?=({cs})|)" if cs else "(?=()|)"),
                {c for word in ci_words for c in word}, sorted(classes),
                {fold(w[0]) for w in ci_words | cs_words} - word - capital, word, capital)
            self._split = _lowered_scanners(ci, cs, ci_words, sorted(classes))
        self._at: dict[tuple, tuple] = {}
        self._starting: dict[tuple, tuple] = {}     # the sets starting at a place, by what is near
        self.gates = [gates(source) if found else None for source, found in zip(sources, self.leads)]
        self.barriers = [(gate[1] if gate else barriers(source)) if found else None
                         for source, found, gate in zip(sources, self.leads, self.gates)]
        # a clause's literals as one pattern, found wherever one of them starts;
        # or, when lowercasing tells them as regex does, their lowercase forms
        # (found in a lowercased text by str.find, which is several times faster)
        clauses = {clause for g in self.gates if g for clause in g[0]}
        self._gate_tests = {clause: regex.compile("|".join(
            regex.escape(text) if ci else f"(?-i:{regex.escape(text)})" for text, ci in sorted(clause)), FLAGS)
            for clause in clauses}
        self._gate_finds, self._fold = {}, {}
        for clause in clauses:
            folds = [_case_folds(text) if ci else None for text, ci in clause]
            if all(f is not None for f in folds):
                self._gate_finds[clause] = tuple(sorted({text.lower() for text, _ in clause}))
                for f in folds:
                    self._fold.update(f)
        if self._split is not None:
            folds = self._split[3]
            if any(self._fold.get(c, want) != want for c, want in folds.items()):
                self._split = None
            else:
                self._fold.update(folds)
        self._fold_chars = tuple(chr(c) for c in self._fold)
        self._spaces = frozenset(_whitespace())

    def finditer_all(self, text: str, timeout: float) -> list:
        """For each pattern, ``list(pattern.finditer(text, timeout=timeout))``;
        a ``TimeoutError`` instead for one that ran out of time; None for one
        without leads (to be scanned whole)."""
        scan = self.scan(text)
        return [scan.matches(i, timeout) for i in range(self.count)]

    def scan(self, text: str) -> "TextScan":
        """``text``'s places and gates, to try the patterns on one by one."""
        return TextScan(self, text)

    def _owners(self, key: tuple) -> tuple:
        """The sets of leads with a lead at a place where the scanner read
        ``key``, as ``(plain, guarded, other, window)``: the sets that start there
        whatever; ``(guard, sets)`` that start there if the guard holds; and
        ``(set, variants)`` of ``(behind, guard)`` for those that may start
        before the lead (a set under several guards starts if one holds); and
        how far the guards look each side of the place (None: without bound)."""
        found: dict[int, set] = {}
        for where, length, test, rules in self._tests:
            s = key[where]
            if s is not None and length <= len(s) and test.fullmatch(s, 0, length):
                for k, behind, guard in rules:
                    found.setdefault(k, set()).add((behind, guard))
        plain, guarded, other = [], {}, []
        for k, variants in sorted(found.items()):
            if any(behind for behind, _ in variants):
                other.append((k, tuple(variants)))
            elif ((), None) in variants:
                plain.append(k)
            else:
                for _, guard in sorted(variants):
                    guarded.setdefault(guard, []).append(k)
        # the guards see so many characters each side of the place at most
        # (None: some sees further): what starts there is that of those
        reaches = [self._guards[g][1] for g in guarded]
        window = None if None in reaches else (max((r[0] for r in reaches), default=0),
                                                max((r[1] for r in reaches), default=0))
        return (tuple(plain), tuple((g, tuple(ks)) for g, ks in guarded.items()), tuple(other),
                window)

    def starts(self, text: str) -> list[list[int]]:
        """For each pattern, the places in ``text`` (in order) where one of its
        matches could start."""
        places = self._places(text, self._lower(text))
        return [places[k] if k is not None else [] for k in self._set_of]

    def _lower(self, text: str) -> str:
        """``text`` lowercased as regex matches ignoring case (ſ read as s …);
        empty if that changed its length (İ → i̇), so offsets would not hold."""
        if any(ch in text for ch in self._fold_chars):
            text = text.translate(self._fold)
        lower = text.lower()
        return lower if len(lower) == len(text) else ""

    def _read(self, text: str, lower: str):
        """``(place, (ci, cs))`` for every place a lead may stand, in order: what
        the literals read there ignoring case and with case ("" for none)."""
        if self._split is None or not lower:
            for m in self.scanner.finditer(text):
                yield m.start(), m.groups()
            return
        literals, plain, original, _ = self._split
        read = {m.start(): [m.group(), ""] for m in _overlapping(literals, lower)}
        ordered = True
        if plain is not None:
            if isinstance(plain, tuple):     # (without, with) the characters beyond U+FFFF
                plain = plain[1] if _BEYOND_FFFF.search(lower) else plain[0]
            for m in plain.finditer(lower):
                if m.start() not in read:
                    read[m.start()] = ["", ""]
                    ordered = False
        for m in _overlapping(original, text):
            here = read.get(m.start())
            if here is None:
                read[m.start()] = here = ["", ""]
                ordered = False
            here[1] = m.group(1) or ""
        for p in read if ordered else sorted(read):
            yield p, tuple(read[p])

    def _places(self, text: str, lower: str) -> list[list[int]]:
        """``starts`` for each distinct set of leads."""
        out: list[list[int]] = [[] for _ in self._sets]
        if self.scanner is None:
            return out
        at, unsorted, holds, found = self._at, set(), self._holds, self._starting
        for p, read in self._read(text, lower):
            key = (*read, text[p])
            owners = at.get(key)
            if owners is None:
                owners = at[key] = self._owners(key)
            plain, guarded, other, window = owners
            if window is None:
                starting = plain + tuple(dict.fromkeys(
                    k for guard, sets in guarded if holds(guard, text, p) for k in sets))
            else:
                start = max(0, p - window[0])
                near = (key, p - start, text[start:p + window[1]])
                starting = found.get(near)
                if starting is None:
                    if len(found) > 100000:
                        found.clear()
                    starting = found[near] = plain + tuple(dict.fromkeys(
                        k for guard, sets in guarded if holds(guard, text, p) for k in sets))
            for k in starting:
                out[k].append(p)
            for k, variants in other:
                here = self._here(text, p, variants)
                if len(here) == 1 and p in here:
                    out[k].append(p)
                elif here:
                    out[k].extend(here)
                    unsorted.add(k)
        for k in unsorted:
            out[k] = sorted(set(out[k]))
        return out

    def _holds(self, guard: int, text: str, p: int) -> bool:
        pattern, reach = self._guards[guard]
        if reach is None:
            return pattern.match(text, p) is not None
        # it sees only so many characters each side: the answer is that of those
        start = max(0, p - reach[0])
        around = text[start:p + reach[1]]
        key = (guard, p - start, around)
        ok = self._held.get(key)
        if ok is None:
            if len(self._held) > 100000:
                self._held.clear()
            ok = self._held[key] = pattern.match(around, p - start) is not None
        return ok

    def _here(self, text: str, p: int, variants) -> set[int]:
        """Where matches may start for a lead at ``p``: there, if its guards
        hold, and on the optional characters before it."""
        places = set()
        for behind, guard in variants:
            if guard is not None and not self._holds(guard, text, p):
                continue
            found = {p}
            for optional, most in behind:
                test = self._behind[optional]
                more = set()
                for q in found:
                    k = q - 1
                    while k >= 0 and (most is None or q - k <= most) and test.fullmatch(text, k, k + 1):
                        more.add(k)
                        k -= 1
                found |= more
            places |= found
        return places


def _overlapping(pattern, text: str):
    """The first match of ``pattern`` at each place where one starts, overlapping
    ones too (a literal scan consumes what it reads: the next may start inside)."""
    if pattern is None:
        return
    search = pattern.search
    m = search(text)
    while m is not None:
        yield m
        m = search(text, m.start() + 1)


_FEW_PLACES = 10       # near this many places or fewer, a rule is tried without its gate


class TextScan:
    """One text's places (``StartIndex``) and gates (``_Gate``), found once and
    shared by every pattern tried on it."""

    def __init__(self, index: StartIndex, text: str):
        self.index, self.text = index, text
        lower = index._lower(text)
        self.places = index._places(text, lower)
        self.gate = _Gate(text, index._gate_tests, index._gate_finds, lower, index._spaces)
        self._passing: dict = {}       # patterns with the same leads and gates share them
        # the last spans ``near`` was given, and for them: by barriers, where
        # the places lie (``_Gate.near``); by leads and barriers, the places
        self._near: tuple = (None, {}, {})

    def matches(self, i: int, timeout: float, near: tuple[tuple[int, int], ...] | None = None):
        """``list(pattern.finditer(text, timeout=timeout))`` of pattern ``i``, a
        ``TimeoutError`` if it ran out of time, None if it has no leads (to be
        scanned whole). With ``near`` (spans, sorted), only the matches that
        overlap one of them, found by trying only the places they depend on
        (``_Gate.near``)."""
        index = self.index
        if index.leads[i] is None:
            return None
        if near is None:
            key = (index._set_of[i], index.gates[i])
            at = self._passing.get(key)
            if at is None:
                at = self._passing[key] = self.gate.passing(self.places[index._set_of[i]], index.gates[i])
        else:
            if near is not self._near[0]:
                self._near = (near, {}, {})
            _, spans, places = self._near
            key = (index._set_of[i], index.barriers[i])
            at = places.get(key)
            if at is None:
                barriers = index.barriers[i]
                if barriers not in spans:
                    spans[barriers] = self.gate.near(barriers, near)
                at = places[key] = _within(self.places[index._set_of[i]], spans[barriers])
            # a gate looks for its texts in the whole text: for a few places,
            # trying the rule costs less, unless the gate was read already (the
            # not-a-figure rules try cheaply; the candidates' rules, tried
            # everywhere, always use their gates)
            gate = index.gates[i]
            if len(at) > _FEW_PLACES or at and self.gate.knows(gate):
                at = self.gate.passing(at, gate)
        try:
            found = list(finditer_at(index.patterns[i], self.text, at, timeout))
        except TimeoutError as e:
            return e
        if near is not None:
            found = [m for m in found if any(a < m.end() and m.start() < b for a, b in near)]
        return found


def finditer_at(pattern, text: str, places: list[int], timeout: float):
    """``pattern.finditer(text, timeout=timeout)``, trying only ``places`` (in
    order), which hold every place where a match can start."""
    pos = 0
    match = pattern.match
    if timeout is None:                       # built-in rules: no time limit
        for p in places:
            if p >= pos:
                m = match(text, p)
                if m is not None:
                    yield m
                    pos = m.end()
        return
    deadline = perf_counter() + timeout
    for p in places:
        if p < pos:
            continue
        left = deadline - perf_counter()
        if left <= 0:
            raise TimeoutError("regex timed out")
        m = match(text, p, timeout=left)
        if m is not None:
            yield m
            pos = m.end()


_BEYOND_FFFF = re.compile("[\U00010000-\U0010FFFF]")


def _within(places: list[int], spans: list[tuple[int, int]]) -> list[int]:
    """Those of ``places`` (sorted) that lie in one of ``spans``, ``(first,
    last)`` in order."""
    out: list[int] = []
    for first, last in spans:
        out.extend(places[bisect_left(places, first):bisect_right(places, last)])
    return out


def _all_starts(text: str, literal: str) -> list[int]:
    """Every place ``literal`` starts in ``text``, overlapping ones too."""
    found, i = [], text.find(literal)
    while i >= 0:
        found.append(i)
        i = text.find(literal, i + 1)
    return found


class _Gate:
    """Where in one text a pattern's gates hold: each clause has a literal that
    starts at or after a place, before the first barrier the pattern cannot run
    over (see ``_barriers``)."""

    def __init__(self, text: str, tests: dict, finds: dict, lower: str, spaces: frozenset):
        self.text, self.tests, self.finds, self.spaces = text, tests, finds, spaces
        self._lower = lower          # as StartIndex._lower gives it ("": not usable)
        self._at: dict = {}
        self._ends: dict[str, list[int]] = {}

    def _starts(self, clause: frozenset) -> list[int]:
        found = self._at.get(clause)
        if found is None:
            found = self._at[clause] = self._find(clause)
        return found

    def _find(self, clause: frozenset) -> list[int]:
        literals = self.finds.get(clause)
        if literals is not None:
            lower = self._lower
            if lower:
                if len(literals) == 1:
                    return _all_starts(lower, literals[0])
                return sorted({i for literal in literals for i in _all_starts(lower, literal)})
        return [m.start() for m in self.tests[clause].finditer(self.text, overlapped=True)]

    def passing(self, places: list[int], gate) -> list[int]:
        """The ``places`` (sorted) that pass ``gate``: each clause has a start
        at or after the place and before the end of its stretch (see
        ``_stretch_ends``), that is, the place lies between the stretch's start and
        the last start of every clause in it."""
        if gate is None or not places:
            return places
        return _within(places, self._spans(gate))

    def knows(self, gate) -> bool:
        """Whether where ``gate`` holds has been worked out for this text."""
        return gate is None or gate in self._at

    def _spans(self, gate) -> list[tuple[int, int]]:
        """Where the places that pass ``gate`` lie: ``(first, last)`` spans, in order."""
        found = self._at.get(gate)
        if found is not None:
            return found
        clauses, barriers = gate
        starts = []
        for clause in clauses:                # a clause with no start: none pass
            starts.append(self._starts(clause))
            if not starts[-1]:
                break
        if not starts[-1]:
            found = []
        else:
            ends = self._stretch_ends(barriers)
            if not ends:
                found = [(0, min(s[-1] for s in starts))]
            else:
                lasts = [self._last_in_stretch(clause, barriers) for clause in clauses]
                found = [(ends[k - 1] if k else 0, min(last[k] for last in lasts))
                         for k in sorted(set(lasts[0]).intersection(*lasts[1:]))]
        self._at[gate] = found
        return found

    def near(self, barriers: str, spans: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
        """Where the places lie that the matches overlapping one of ``spans``
        (sorted) depend on, as ``(first, last)`` spans: in each stretch
        (``_stretch_ends``) that holds part of a span, from its start to before
        the last end of a span in it. A match lies within one stretch, and
        finditer's matches in one stretch do not depend on those in another:
        where a match ends, in its own stretch, decides only where the next is
        looked for in that stretch."""
        ends = self._stretch_ends(barriers) if barriers else []
        limit: dict[int, int] = {}     # stretch → the last end of a span in it
        for a, b in spans:
            for k in range(bisect_right(ends, a), bisect_right(ends, b - 1) + 1):
                if limit.get(k, -1) < b:
                    limit[k] = b
        return [(ends[k - 1] if k else 0, b - 1) for k, b in sorted(limit.items())]

    def _stretch_ends(self, barriers: str) -> list[int]:
        """Where the stretches that ``barriers`` (see ``_barriers``) bound end,
        in order: at each barrier character, and after each full stop that a
        space follows."""
        ends = self._ends.get(barriers)
        if ends is None:
            found: set[int] = set()
            for ch in barriers:
                found.update(self._ends_at(ch))
            ends = self._ends[barriers] = sorted(found)
        return ends

    def _ends_at(self, barrier: str) -> list[int]:
        """Where the stretches end that one barrier bounds (shared by the
        barrier sets that hold it)."""
        key = ("ends", barrier)
        found = self._at.get(key)
        if found is None:
            text = self.text
            found = _all_starts(text, barrier)
            if barrier == FULL_STOP:
                found = [i + 1 for i in found if i + 1 < len(text) and text[i + 1] in self.spaces]
            self._at[key] = found
        return found

    def _last_in_stretch(self, clause: frozenset, barriers: str) -> dict[int, int]:
        """The last start of ``clause`` in each stretch (by its number)."""
        key = (barriers, clause)
        found = self._at.get(key)
        if found is None:
            ends = self._ends[barriers]
            found = self._at[key] = {bisect_right(ends, s): s for s in self._starts(clause)}
        return found

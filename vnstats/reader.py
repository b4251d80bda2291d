"""The number reader: every number of a text, found once, read once.

One pass of the ``{number}`` grammar of numbers.yaml finds each number's span;
``NumberParser`` gives its value. The figure rules then run over a *marked* copy
of the text in which each number is replaced, same length, by a mark that says
its class (a first character) and padding (the rest), so offsets stay those of
the text, a rule's regex stays small, and a number group's value is a lookup
by its span.

A number of one word (``năm``, ``ba``, ``một``) is left as it is: such words
are also a year, a parent, an article, and the rules decide which.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

import regex

from .literals import LATIN_LETTERS
from .numbers import NumberParser, ParsedNumber

# the first character of a marked number: its class
PLAIN = "\ue000"           # digits alone: 148
MARKED = "\ue001"          # digits with a separator or said decimals: 3.500, 12,5
SCALED = "\ue002"          # digits with a scale word: 3,5 triệu, 20k
OPEN = "\ue003"            # number words whose last word, left as written, may be its own:
                           # mười (năm): fifteen, or ten years
WORDS = "\ue004"           # number words: hai mươi lăm
WORDS_SCALED = "\ue005"    # number words with a scale word: hai triệu, nửa triệu
CAPITAL = "\ue006"         # number words, capitalised: Hai mươi
CAPITAL_SCALED = "\ue007"  # capitalised, with a scale word: Ba triệu
SIGN_WORD = "\ue008"       # the sign in words first: âm 5
YEAR = "\ue009"            # four digits that are a year (the {year} block): 2017
CAPITAL_OPEN = "\ue00a"    # capitalised, its last word left as written: Mười (năm)
PAD = "\ue00f"             # the rest of a marked number
# blocks every rule file may use for marked numbers
MARK_BLOCKS = {
    "mark_pad": PAD,
    "mark_plain": PLAIN, "mark_separated": MARKED, "mark_scaled": SCALED,
    "mark_open": OPEN, "mark_capital_open": CAPITAL_OPEN,
    "mark_words": WORDS, "mark_words_scaled": WORDS_SCALED, "mark_capital": CAPITAL,
    "mark_capital_scaled": CAPITAL_SCALED, "mark_sign_word": SIGN_WORD, "mark_year": YEAR,
    "any_mark": "[\ue000-\ue00f]",
}


@dataclass
class ReadText:
    """A text with its numbers: ``marked`` is the text with each number of more
    than one word (or of digits) replaced by its mark (a minus sign before it,
    and an open last word, stay as written); ``values`` maps a number's
    ``(start, end)``, and that of its marked part, to what it is worth."""

    text: str
    marked: str
    values: dict[tuple[int, int], ParsedNumber]
    spans: list[tuple[int, int]]
    leads: list[int]           # where a number may start: a digit, a sign, a number word

    @property
    def outer_leads(self) -> list[int]:
        """The ``leads`` that no number holds inside it (a number's own start is one)."""
        found = self.__dict__.get("_outer")
        if found is None:
            found, spans, i = [], self.spans, 0
            for pos in self.leads:
                while i < len(spans) and spans[i][1] <= pos:
                    i += 1
                if i == len(spans) or pos <= spans[i][0]:
                    found.append(pos)
            self.__dict__["_outer"] = found
        return found

    @property
    def lower(self) -> str:
        """The text in lower case (made once: the scans for where rules may match read it)."""
        found = self.__dict__.get("_lower")
        if found is None:
            found = self.__dict__["_lower"] = self.text.lower()
        return found

    @property
    def folded(self) -> str | None:
        """The text case-folded, or None when that changes its length (ß: ss):
        where not-a-figure rules may start is looked for in it."""
        found = self.__dict__.get("_folded", False)
        if found is False:
            found = self.text.casefold()
            found = self.__dict__["_folded"] = found if len(found) == len(self.text) else None
        return found

    @property
    def ends(self) -> dict[int, int]:
        """Where the number that starts at an offset ends."""
        found = self.__dict__.get("_ends")
        if found is None:
            found = self.__dict__["_ends"] = {start: end for start, end in self.values}
        return found

    @property
    def starts(self) -> list[int]:
        """Where the numbers start, and where the digits after a minus sign do."""
        found = self.__dict__.get("_starts")
        if found is None:
            found = []
            text = self.text
            for start, _ in self.spans:
                found.append(start)
                if text[start] in "-−":
                    found.append(start + 1)
            self.__dict__["_starts"] = found
        return found

    def value(self, parser: NumberParser, start: int, end: int) -> ParsedNumber:
        """The value of the text at ``[start, end)``: a number read already, or
        (a group wider than one number) read now."""
        found = self.values.get((start, end))
        if found is None:
            found = parser.parse(self.text[start:end])
        return found


class NumberReader:
    """Finds the numbers of a text with the ``{number}`` block of the rules."""

    def __init__(self, rules, parser: NumberParser):
        self.parser = parser
        self.grammar = rules.compile(rules.expand("{number}"))
        words = [w for role in NumberParser.ROLES if role not in ("filler_words", "scale_words",
                                                                  "half_after", "decimal_words")
                 for w in rules.dictionaries.get(role, {})]
        words = sorted(set(words), key=len, reverse=True)
        # where a number may start: a digit, a sign, or a word a number begins with
        # (a class without case matched as such: see rules.single_line)
        self.leads = regex.compile(r"[-−](?=\d)|\d+|(?<!(?-i:[^\W\d_]))(?:" + "|".join(
            regex.escape(w) for w in words) + r")(?!(?-i:[^\W\d_]))", regex.IGNORECASE)
        # the same over lower-cased text with Python's own engine, some four
        # times faster; a word's edge is any but a Latin letter, so it finds
        # every place the pattern above does (and the grammar refuses the rest)
        latin = f"[{LATIN_LETTERS}]"
        self.fast_leads = re.compile(r"[-−](?=\d)|\d+|(?<!" + latin + ")(?:" + "|".join(
            re.escape(w.lower()) for w in words) + ")(?!" + latin + ")")
        self.one_word = regex.compile(r"(?-i:[^\W\d_])+", regex.IGNORECASE)
        self.year = rules.compile("(?:" + rules.expand("{year}") + ")") if "year" in rules.blocks else None
        self.tail_words = {w.lower() for w in rules.dictionaries.get("digit_words", {})}
        self.sign_words = {w.lower() for w in rules.dictionaries.get("sign_words", {})}
        self.timeout = rules.timeout
        from .rules import Rule
        _, file, line = rules.blocks.get("number", ("", "?", None))
        self.rule = Rule(id="{number}", kind=None, pattern="", file=file, line=line)   # named on a timeout

    def read(self, text: str) -> ReadText:
        values: dict[tuple[int, int], ParsedNumber] = {}
        spans: list[tuple[int, int]] = []
        done = 0               # a number ends here: the next starts no earlier
        match = timed(self.grammar.match, self.timeout)
        low = text.lower()
        if len(low) == len(text):
            leads = [m.start() for m in self.fast_leads.finditer(low)]
        else:                              # a letter that lowers to two
            leads = [m.start() for m in timed(self.leads.finditer, self.timeout)(text)]
        for pos in leads:
            if pos < done:
                continue
            m = match(text, pos)
            if m is None or m.end() == pos:
                continue
            try:
                parsed = self.parser.parse(m.group())
            except (ValueError, ArithmeticError):
                continue
            values[m.span()] = parsed
            spans.append(m.span())
            done = m.end()
        read = ReadText(text, self._assemble(text, spans, values), values, spans, leads)
        read.__dict__["_lower"] = low
        return read

    def _assemble(self, text: str, spans, values) -> str:
        out, done = [], 0
        for start, end in spans:
            parsed = values[start, end]
            if text[start] in "-−":             # the sign stays: 10 - -5 is no range
                start += 1
                parsed = values.setdefault((start, end), _unsigned(parsed))
            surface = text[start:end]
            mark = self._mark(surface, parsed)
            if mark is None:
                continue
            if mark in (WORDS, CAPITAL):
                head, _, last = _LAST_WORD.fullmatch(surface).groups()
                if head and last.lower() in self.tail_words:
                    try:
                        values[start, start + len(head)] = self.parser.parse(head)
                    except ValueError:
                        pass
                    else:
                        end = start + len(head)
                        mark = OPEN if mark == WORDS else CAPITAL_OPEN
            out.append(text[done:start])
            out.append(mark + PAD * (end - start - 1))
            done = end
        out.append(text[done:])
        return "".join(out)

    def _mark(self, surface: str, parsed: ParsedNumber) -> str | None:
        """The class mark of a number, or None for a number of one word."""
        first = surface[0]
        if surface.split(None, 1)[0].lower() in self.sign_words:
            return SIGN_WORD
        if first.isdigit():
            if parsed.scale is not None:
                return SCALED
            if surface.isdigit():
                if self.year is not None and self.year.fullmatch(surface):
                    return YEAR
                return PLAIN
            return MARKED
        if self.one_word.fullmatch(surface):
            return None
        capital = first.isupper()
        if parsed.scale is not None:
            return CAPITAL_SCALED if capital else WORDS_SCALED
        return CAPITAL if capital else WORDS


def timed(method, timeout: float | None):
    """A regex method with the time limit, if there is one (an argument
    ``timeout=None`` alone costs a third of a short match)."""
    return method if timeout is None else partial(method, timeout=timeout)


_LAST_WORD = regex.compile(r"(?:(.*\S)(\s+))?(\S+)", regex.DOTALL)


def _unsigned(parsed: ParsedNumber) -> ParsedNumber:
    return ParsedNumber(abs(parsed.value), parsed.scale, parsed.has_digits)

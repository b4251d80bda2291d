"""Turning resolved candidates into Figures: noun, qualifier, sentence, offsets.

The noun is what follows the number, as segmented by underthesea, up to the
first word that cannot belong to a noun phrase (``noun_stops`` in nouns.yaml),
a name (a capitalised word after the first), clause punctuation, or
``noun_max_words`` words. Only that short stretch is
segmented, never the article.

Every span is widened, if need be, so that it never parts a character from the
combining marks after it (a stray mark the input holds, which NFC cannot
join); so NFC and NFD inputs give the same figures at corresponding offsets.
``noun`` is given in NFC, so the same noun groups together whatever the form
of its source; ``text`` and ``sentence`` are exact slices of the input.
"""
from __future__ import annotations

import math
import unicodedata
from decimal import Decimal

import regex

from .about import AboutReader
from .candidates import Candidate
from .figure import Figure
from .normalize import OffsetMap
from .numbers import as_json_number
from .rules import RuleSet
from .segment import Segmenter
from .sentences import SentenceIndex

_STRETCH = 60          # characters of text a noun is looked for in


class ContextBuilder:
    def __init__(self, rules: RuleSet, segmenter: Segmenter | None = None):
        self.rules = rules
        self.segmenter = segmenter or Segmenter()
        self.max_words = int(rules.settings.get("noun_max_words", 3))
        self._problems: list = []
        self._about = AboutReader(rules)          # compiled here, so the rule cache keeps it
        self._clause_end = regex.compile(rules.expand("{clause_end}"))
        self._qual_before = regex.compile(
            r"(?:^|(?<=[^\w]))(?P<q>{})\s*$".format(rules.expand("{qualifier_before}")),
            regex.IGNORECASE)
        self._qual_after = regex.compile(
            r"\s*(?P<q>{})(?!\w)".format(rules.expand("{qualifier_after}")), regex.IGNORECASE)

    def figures(self, original: str, text: str, omap: OffsetMap,
                candidates: list[Candidate], problems: list | None = None) -> list[Figure]:
        sentences = SentenceIndex(text)
        self._problems = problems if problems is not None else []
        stretches = {c.noun_start: self._stretch(text, c.noun_start)
                     for c in candidates if c.noun_start is not None}
        wanted = [s for s in stretches.values() if s is not None]
        segmented = dict(zip(wanted, self.segmenter.words_of(wanted)))   # one call for all
        out, places = [], []
        for c in candidates:
            end, noun = c.end, None
            if c.noun_start is not None:
                stretch = stretches[c.noun_start]
                noun_span = self._noun(stretch, segmented[stretch], c.noun_start) if stretch else None
                if noun_span:
                    end = max(end, noun_span[1])
                    s, e = whole_characters(original, *omap.span(*noun_span))
                    noun = unicodedata.normalize("NFC", original[s:e])
            start, stop = whole_characters(original, *omap.span(c.start, end))
            sentence = sentences.span(c.start)
            s_start, s_end = whole_characters(original, *omap.span(*sentence))
            places.append((c.start, end, *sentence))
            out.append(Figure(
                kind=c.kind,
                text=original[start:stop],
                start=start,
                end=stop,
                value=_num(c.value),
                upper=_num(c.upper),
                numerator=_num(c.numerator),
                denominator=_num(c.denominator),
                unit=c.unit and unicodedata.normalize("NFC", c.unit),
                noun=noun,
                qualifier=c.qualifier or self._qualifier(text, c.start, end),
                sentence=original[s_start:s_end],
                rule=c.rule.id,
            ))
        self._about.attach(original, text, omap, out, places, self._problems)
        for fig in out:
            _whole_spans(original, fig)
        return out

    def _stretch(self, text: str, start: int) -> str | None:
        """The text a noun starting at ``start`` is looked for in (None: none)."""
        stop = min(len(text), start + _STRETCH)
        m = self._timed(self._clause_end.search, "clause_end", text, start, stop)
        if m:
            stop = m.start()
        stretch = text[start:stop]
        return stretch if stretch.strip() else None

    def _noun(self, stretch: str, spans: list[tuple[int, int]], start: int) -> tuple[int, int] | None:
        """The noun's span in the text: the first words of ``stretch`` (whose word
        ``spans`` are given), which stands at ``start``."""
        words = []
        for s, e in spans:
            word = stretch[s:e]
            if not any(ch.isalpha() for ch in word) or self.rules.lookup("noun_stops", word, False):
                break
            if words and word[0].isupper() and not word.isupper() \
                    and not self.rules.lookup("capitalized_nouns", word, False):
                break                     # a name after the noun: tỉnh | Bình Định, môn | Toán
                                          # (not a title written capitalised: Phó | Chủ tịch)
            words.append((s, e))
            if len(words) >= self.max_words:
                break
        if not words:
            return None
        return start + words[0][0], start + words[-1][1]

    def _timed(self, method, block: str, *args):
        """A context regex under the rules' time limit: a user's block that runs
        away costs its document that piece of context, reported, and nothing more.
        Built-in rules alone run without a limit, called directly."""
        if not self.rules.guarded:
            return method(*args)
        try:
            return method(*args, timeout=self.rules.timeout)
        except TimeoutError:
            self._problems.append(BlockTimeout(self.rules, block))
            return None

    def _qualifier(self, text: str, start: int, end: int) -> str | None:
        m = self._timed(self._qual_before.search, "qualifier_before", text, max(0, start - 30), start)
        if m:
            return self.rules.lookup("qualifier_before", m.group("q"))
        m = self._timed(self._qual_after.match, "qualifier_after", text, end, min(len(text), end + 30))
        if m:
            return self.rules.lookup("qualifier_after", m.group("q"))
        return None


def whole_characters(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to take in the combining marks at its ends: a
    span never parts a character from its marks."""
    n = len(text)
    while 0 < start < n and _is_mark(text[start]):
        start -= 1
    while end < n and _is_mark(text[end]) and end > start:
        end += 1
    return start, end


def _whole_spans(original: str, fig: Figure) -> None:
    """The spans of what ``fig`` is about widened as its own are (``whole_characters``)."""
    for name in ABOUT_SPANS:
        span = getattr(fig, name, None)
        if isinstance(span, dict) and isinstance(span.get("start"), int):
            start, end = whole_characters(original, span["start"], span["end"])
            if (start, end) != (span["start"], span["end"]):
                setattr(fig, name, {**span, "text": original[start:end], "start": start, "end": end})


ABOUT_SPANS = ("compared_to", "period", "subject")


def _is_mark(ch: str) -> bool:
    return ch > "\u02ff" and (unicodedata.combining(ch) != 0 or unicodedata.category(ch)[0] == "M")


class BlockTimeout(Exception):
    """A block the context stage uses (from a user's rule file) ran too long."""

    def __init__(self, rules: RuleSet, name: str):
        _, file, line = rules.blocks.get(name, (None, "?", None))
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where} {{{name}}}: pattern timed out")


_INT_DIGITS = 4000     # past this many digits an int costs more than it is worth


def _num(d: Decimal | None):
    """A value as the number users expect (``3500``, ``12.5``); one that an int
    or a float would not hold (thousands of digits, past a float's range)
    stays the exact ``Decimal`` it was read as, which the writers write whole."""
    if d is None:
        return None
    if not d.is_finite():
        raise ValueError(f"not a finite number: {d}")
    if d.adjusted() >= _INT_DIGITS:
        return d
    if d == d.to_integral_value():
        return as_json_number(d)
    f = float(d)
    return f if math.isfinite(f) and f != 0 else d

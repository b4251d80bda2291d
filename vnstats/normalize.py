"""Text normalisation with a map back to the caller's offsets.

Rules are written against NFC text with one tone placement (``hòa``, ``thủy``).
Input may be NFD or use the other placement (``hoà``, ``thuỷ``); we normalise it
and keep, for every normalised character, the span of input it came from, so a
figure found in the normalised text is reported at its exact input offsets.

The input is normalised piece by piece, each piece a character and all that
may join it in NFC: its combining marks, and the few characters that compose
with what stands before them (Hangul vowel and final jamo, some vowel signs).
So the pieces put together are the NFC of the whole, and an offset never falls
inside a piece that NFC changes.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from functools import lru_cache

import regex

_LATIN_LETTER = "[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ]"


class OffsetMap:
    """Maps ``[start, end)`` in normalised text to ``[start, end)`` in the input.

    ``None`` arrays mean the identity map (the common case: input already NFC
    with the canonical tone placement), so no memory is spent on it.
    """

    __slots__ = ("_starts", "_ends")

    def __init__(self, starts: array | None = None, ends: array | None = None):
        self._starts = starts
        self._ends = ends

    @property
    def is_identity(self) -> bool:
        return self._starts is None

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self._starts is None:
            return start, end
        if end <= start:
            pos = self._starts[start] if start < len(self._starts) else self._ends[-1]
            return pos, pos
        return self._starts[start], self._ends[end - 1]


class Normalizer:
    """NFC plus tone-placement respelling, driven by the ``spelling`` data."""

    def __init__(self, respellings: dict[str, str], not_after: str = ""):
        pairs: dict[str, str] = {}
        for old, new in respellings.items():
            old, new = unicodedata.normalize("NFC", old), unicodedata.normalize("NFC", new)
            if len(old) != len(new):
                raise ValueError(f"respelling {old!r} -> {new!r} must keep the length")
            for f in (str.lower, str.upper, str.capitalize):
                pairs[f(old)] = f(new)
        self._pairs = pairs
        self._respell = self._maybe = None
        if pairs:
            alternation = "|".join(regex.escape(k) for k in sorted(pairs, key=len, reverse=True))
            guard = f"(?<![{regex.escape(not_after)}])" if not_after else ""
            # only at the end of a syllable: "hoà" is respelt, "hoàn" is not
            self._respell = regex.compile(guard + f"(?:{alternation})(?![^\\W\\d_])")
            # a quick look with re for the same before no Latin letter (all of
            # them are letters for regex too), whatever stands before: it finds
            # all the above finds, and in most texts nothing (a lookbehind first
            # would cost re its quick skip to the first letters)
            self._maybe = re.compile(f"(?:{alternation})(?!{_LATIN_LETTER})")

    def respell(self, text: str) -> str:
        """The canonical spelling of ``text``: NFC, one tone placement."""
        return self._swap_tones(unicodedata.normalize("NFC", text))

    def _swap_tones(self, text: str) -> str:
        """Length-preserving, so offsets survive it."""
        if self._respell is None or not self._maybe.search(text):
            return text
        return self._respell.sub(lambda m: self._pairs[m.group()], text)

    def normalize(self, text: str) -> tuple[str, OffsetMap]:
        if unicodedata.is_normalized("NFC", text):
            return self._swap_tones(text), OffsetMap()
        starts, ends, pieces = array("l"), array("l"), []
        for i, j in _split(text, _pieces().finditer(text)):
            piece = text[i:j]
            if unicodedata.is_normalized("NFC", piece):    # NFC as it is: each character its own
                pieces.append(piece)
                starts.extend(range(i, j))
                ends.extend(range(i + 1, j + 1))
                continue
            piece = unicodedata.normalize("NFC", piece)
            pieces.append(piece)
            for _ in piece:
                starts.append(i)
                ends.append(j)
        return self._swap_tones("".join(pieces)), OffsetMap(starts, ends)


def _split(text: str, matches):
    """The spans of the pieces: each match, cut again before a character that
    may join the one before it but does not (a vowel jamo after a space)."""
    for m in matches:
        i, j = m.span()
        start = i
        for k in range(i + 1, j):
            if unicodedata.combining(text[k]):
                continue
            head = unicodedata.normalize("NFC", text[start:k])
            if unicodedata.normalize("NFC", head + text[k]) == head + text[k]:
                yield start, k
                start = k
        yield start, j


@lru_cache(maxsize=1)
def _pieces() -> re.Pattern:
    """What NFC may change only as a whole: a character and the characters after
    it that may join it (combining marks; characters that compose with the one
    before). Built on the first text that is not NFC (a few tens of ms)."""
    joining = set()
    for cp in range(0x20000):            # every combining mark and composition is below
        ch = chr(cp)
        if unicodedata.combining(ch):
            joining.add(cp)
        parts = unicodedata.decomposition(ch).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            joining.add(int(parts[1], 16))
    joining.update(range(0x1161, 0x1176))    # Hangul vowel jamo join a leading consonant
    joining.update(range(0x11A8, 0x11C3))    # final jamo join a syllable
    ranges, run = [], None
    for cp in sorted(joining):
        if run and cp == run[1] + 1:
            run[1] = cp
        else:
            run = [cp, cp]
            ranges.append(run)
    cls = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                  for a, b in ranges)
    return re.compile(f"(?s).[{cls}]*")

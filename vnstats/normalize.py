"""Text normalisation with a map back to the caller's offsets.

Rules are written against NFC text with one tone placement (``hòa``, ``thủy``).
Input may be NFD or use the other placement (``hoà``, ``thuỷ``); we normalise it
and keep, for every normalised character, the span of input it came from, so a
figure found in the normalised text is reported at its exact input offsets.
"""
from __future__ import annotations

import re
import unicodedata
from array import array

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
        i, n = 0, len(text)
        while i < n:
            j = i + 1
            while j < n and unicodedata.combining(text[j]):
                j += 1
            piece = unicodedata.normalize("NFC", text[i:j])
            pieces.append(piece)
            for _ in piece:
                starts.append(i)
                ends.append(j)
            i = j
        return self._swap_tones("".join(pieces)), OffsetMap(starts, ends)

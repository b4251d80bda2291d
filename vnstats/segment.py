"""Word segmentation of the short stretch after a number, where its noun is.

underthesea is imported and its model loaded on first use only, once per
process, so runs that find no counted figure never pay for it. Results are
cached: news repeats the same few nouns (``người``, ``đảng viên``) endlessly.
"""
from __future__ import annotations

_CACHE_SIZE = 20000


class Segmenter:
    def __init__(self):
        self._tokenize = None
        self._cache: dict[str, list[tuple[int, int]]] = {}

    def _load(self):
        from underthesea import word_tokenize
        self._tokenize = word_tokenize

    def words(self, text: str) -> list[tuple[int, int]]:
        """Spans of the words of ``text`` (a word may have several syllables)."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        if self._tokenize is None:
            self._load()
        spans = _locate(text, self._tokenize(text, use_token_normalize=False))
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[text] = spans
        return spans


def _locate(text: str, tokens: list[str]) -> list[tuple[int, int]]:
    """Where each token stands in ``text``, syllable by syllable, left to right."""
    spans, pos = [], 0
    for token in tokens:
        start = end = None
        for piece in token.split():
            i = text.find(piece, pos)
            if i < 0:
                return spans           # the tokenizer changed the text: stop here
            start = i if start is None else start
            end = pos = i + len(piece)
        if start is not None:
            spans.append((start, end))
    return spans

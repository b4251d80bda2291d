"""Word segmentation of the short stretch after a number, where its noun is.

The segmenter is underthesea's (its regex tokenizer and CRF model, loaded
through ``underthesea_parts`` without the rest of underthesea), loaded on first
use only, once per process, so runs that find no counted figure never pay for
it. All the stretches of a document are tagged in one call. Results are
cached: news repeats the same few nouns (``người``, ``đảng viên``) endlessly.
"""
from __future__ import annotations

from typing import Callable

_CACHE_SIZE = 20000


class Segmenter:
    def __init__(self):
        self._segment: Callable[[list[str]], list[list[str]]] | None = None
        self._cache: dict[str, list[tuple[int, int]]] = {}

    def __getstate__(self):                  # the model stays out of pickles
        return {"_segment": None, "_cache": {}}

    def _load(self):
        from .underthesea_parts import Unavailable, WordSegmenter
        try:
            self._segment = WordSegmenter().words
        except Unavailable:
            from underthesea import word_tokenize
            self._segment = lambda texts: [word_tokenize(t, use_token_normalize=False) for t in texts]

    def words_of(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        """Spans of the words of each text (a word may have several syllables),
        segmenting those not seen before in one call."""
        found = {t: self._cache[t] for t in texts if t in self._cache}
        new = [t for t in dict.fromkeys(texts) if t not in found]
        if new:
            if self._segment is None:
                self._load()
            for text, words in zip(new, self._segment(new)):
                found[text] = _locate(text, words)
            if len(self._cache) + len(new) > _CACHE_SIZE:
                self._cache.clear()
            self._cache.update((text, found[text]) for text in new)
        return [found[t] for t in texts]


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

"""The sentence each figure stands in, found with underthesea's sentence splitter.

Only paragraphs that hold a figure are split, each once. The splitter is loaded
on first use, through ``underthesea_parts`` (without the rest of underthesea).
"""
from __future__ import annotations

from bisect import bisect_right

_sent_tokenize = None


def _splitter():
    global _sent_tokenize
    if _sent_tokenize is None:
        from .underthesea_parts import Unavailable, load_sentence_splitter
        try:
            _sent_tokenize = load_sentence_splitter()
        except Unavailable:
            from underthesea import sent_tokenize
            _sent_tokenize = sent_tokenize
    return _sent_tokenize


class SentenceIndex:
    def __init__(self, text: str):
        self.text = text
        # by paragraph start: its sentences' spans and their starts (for bisect)
        self._paragraphs: dict[int, tuple[list[tuple[int, int]], list[int]]] = {}

    def span(self, pos: int) -> tuple[int, int]:
        """``[start, end)`` of the sentence holding offset ``pos``."""
        text = self.text
        p_start = text.rfind("\n", 0, pos) + 1
        found = self._paragraphs.get(p_start)
        if found is None:
            p_end = text.find("\n", pos)
            p_end = len(text) if p_end < 0 else p_end
            spans = _split(text, p_start, p_end)
            found = self._paragraphs[p_start] = (spans, [s for s, _ in spans])
        spans, starts = found
        i = bisect_right(starts, pos) - 1
        if i < 0:
            return spans[0] if spans else (p_start, p_start)
        return spans[i]


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    paragraph = text[start:end]
    spans, pos = [], 0
    for sentence in _splitter()(paragraph):
        i = paragraph.find(sentence, pos)
        if i < 0:
            continue
        spans.append((start + i, start + i + len(sentence)))
        pos = i + len(sentence)
    if not spans:
        spans.append((start, end))
    return spans

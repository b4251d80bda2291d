"""The pipeline: normalise → find candidates → resolve → attach context.

One ``Extractor`` holds the compiled rules and the (lazily loaded) segmenter;
build it once and reuse it for every document of a process.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .candidates import CandidateFinder
from .context import ContextBuilder
from .figure import Figure
from .numbers import NumberParser
from .resolve import resolve
from .rules import RuleSet, builtin_patterns_dir


class Extractor:
    def __init__(self, patterns: Iterable[str | Path] = (), builtin: bool = True):
        paths = ([builtin_patterns_dir()] if builtin else []) + list(patterns)
        self.rules = RuleSet.load(paths)
        self.numbers = NumberParser(self.rules)
        self.finder = CandidateFinder(self.rules, self.numbers)
        self.context = ContextBuilder(self.rules)
        self.problems: list[Exception] = []   # rule timeouts of the last call

    def extract(self, text: str) -> list[Figure]:
        """All figures of ``text``, in order, with offsets into ``text`` itself."""
        self.problems = []
        normalized, omap = self.rules.normalizer.normalize(text)
        excluded = self.finder.exclusions(normalized, self.problems)
        candidates = self.finder.candidates(normalized, self.problems, excluded)
        kept = resolve(candidates, excluded)
        return self.context.figures(text, normalized, omap, kept)

"""Where in a text each rule is tried: at the numbers that it can start with
and that have what it requires after them.

A rule anchored at its number (``anchors``) is tried by ``match`` at a
number's start. Most numbers of a text cannot start most rules' matches: a
rule whose matches start with a digit never matches at ``hai mươi``, one that
needs ``%`` never at a number with no ``%`` after it on its line. ``Places``
holds, once per text, each number's start, the character there, its line and
how far a match from it may run; ``select`` keeps the numbers a rule may match
at (``literals.first_chars``, ``literals.required``,
``literals.required_before``, ``literals.required_on_line``), and rules that
ask the same get the same list.
"""
from __future__ import annotations

from .follow import after
from .literals import LiteralIndex, first_key

# how far past the number it is tried at a figure rule's match may run (a list
# of twenty numbers with their units is some 300 characters)
MATCH_REACH = 1000


class Places:
    """The places of one text where rules are tried (``starts``, sorted), as
    ``(offset, end)`` pairs: ``end`` is how far a match from there may run."""

    def __init__(self, text: str, subject: str, starts: list[int], ends: dict[int, int],
                 index: LiteralIndex, marked: bool = False):
        self.index = index
        self.subject, self.marked = subject, marked
        self._after: list | None = None     # what follows each number (``follow.after``)
        line_start, line_end, n = 0, -1, len(text)
        self.starts, self.line_starts, self.line_ends, self.keys = starts, [], [], []
        self.pairs = []
        for pos in starts:
            if pos > line_end:
                line_start = text.rfind("\n", 0, pos) + 1
                line_end = text.find("\n", pos)
                line_end = n if line_end < 0 else line_end
            self.line_starts.append(line_start)
            self.line_ends.append(line_end)
            self.keys.append(first_key(subject[pos]))
            # a match ends on its line, within MATCH_REACH (regex may look
            # through all the text it is given for a word the rule needs)
            self.pairs.append((pos, min(line_end, ends.get(pos, pos) + MATCH_REACH)))
        self._chosen: dict = {}

    def select(self, first: frozenset | None, needs: frozenset | None,
               before: frozenset | None, follow: dict | None = None,
               around: frozenset | None = None) -> list:
        """The ``(offset, end)`` pairs where a rule may match: its first
        character is one of ``first``, one of ``needs`` follows on the line,
        one of ``before`` stands before it on the line, one of ``around`` is
        on the line, and what follows its number is in ``follow``
        (``follow.follow``). None: no condition."""
        chosen = self._indices(first, needs, before, around)
        if follow is not None and chosen:
            chosen = self._followed(follow, chosen)
        pairs = self.pairs
        return [pairs[i] for i in chosen]

    def _indices(self, first, needs, before, around=None) -> list[int]:
        """The numbers (by index) that pass the conditions rules share most."""
        key = (first, needs, before, around)
        chosen = self._chosen.get(key)
        if chosen is None:
            chosen = range(len(self.starts))
            if first is not None:
                keys = self.keys
                chosen = [i for i in chosen if keys[i] in first]
            if needs is not None:
                chosen = self._near(needs, chosen, self.starts, self.line_ends)
            if before is not None:
                chosen = self._near(before, chosen, self.line_starts, self.starts)
            if around is not None:
                chosen = self._near(around, chosen, self.line_starts, self.line_ends)
            chosen = self._chosen[key] = list(chosen)
        return chosen

    def _followed(self, follow: dict, chosen) -> list[int]:
        """Those of ``chosen`` where what follows the number may follow it in the rule."""
        found = self._after
        if found is None:
            subject, marked = self.subject, self.marked
            found = self._after = [after(subject, pos, marked) for pos in self.starts]
        kept = []
        for i in chosen:
            here = found[i]
            if here is None:                      # no number's run here: no telling
                kept.append(i)
                continue
            rule = follow.get(here.kind, False)
            if rule is None or (rule is not False and here.allows(*rule)):
                kept.append(i)
        return kept

    def _near(self, strings, chosen, froms, tos) -> list[int]:
        """Those of ``chosen`` with one of ``strings`` starting in ``[froms[i], tos[i])``."""
        offsets = self.index.offsets(strings)
        if not offsets:
            return []
        return LiteralIndex.near(offsets, chosen, [tos[i] for i in chosen], [froms[i] for i in chosen])


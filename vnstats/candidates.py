r"""Running the rules over normalised text: every place a rule matches.

A rule's regex marks its parts with named groups, which this module turns into
numbers and units:

``num`` the number (or ``value:`` in the rule) · ``num2`` the upper bound of a
range (with ``split: true``, a change "từ X lên Y" given as two figures, the
first spanning ``first`` if the pattern has it) · ``item`` (repeated) the earlier numbers of a list that share the last
one's unit · ``den`` a fraction's whole · ``unit`` the unit or currency (mapped by
``unit_map``) · ``per`` the "per" unit of ``15.000 đồng/kg`` · ``qual`` a
qualifier word · ``noun`` where the noun starts (with ``noun: after``).

Most rules read the marked text of the number reader (``reader``), where a
number group's value is a lookup by its span; a rule that needs the digits
themselves (a raw ``\d``) reads the text, only on the lines that hold a digit
or a number. Every group's words are read from the text, never the marks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from .follow import SIZE
from .literals import LiteralIndex, Scanner
from .numbers import NumberParser, ParsedNumber
from .places import Places
from .reader import ReadText, timed
from .rules import Rule, RuleSet


@dataclass
class Candidate:
    rule: Rule
    kind: str
    start: int
    end: int
    core: tuple[int, int]         # the span of the number(s): what exclusions test
    value: Decimal
    upper: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    unit: str | None = None
    qualifier: str | None = None
    noun_start: int | None = None
    group: tuple[int, int] = (0, 0)   # the whole rule match (a list's items share it)

    @property
    def length(self) -> int:
        """The length of the reading this candidate belongs to (its whole match)."""
        return self.group[1] - self.group[0]


# how far before a number a not-a-figure match may start and still be found
# (Quyết định số 15/2017/QĐ-UBND, ngày 12 tháng 3 năm 2017: far less)
GUARD_REACH = 60


class RuleTimeout(Exception):
    """A rule's regex ran past the time limit on one text."""

    def __init__(self, rule: Rule):
        self.rule = rule
        super().__init__(f"{rule.where} {rule.id}: pattern timed out")


class CandidateFinder:
    """Runs every rule over a text read by the number reader."""

    def __init__(self, rules: RuleSet, numbers: NumberParser):
        self.rules = rules
        self.numbers = numbers
        self._read: ReadText | None = None      # the text being built from
        # one scan finds every line that holds what some rule requires
        self.scanner = Scanner(s for r in rules.rules + rules.exclusions
                               for s in (r.needs or frozenset()) | (r.before or frozenset())
                               | (r.around or frozenset()))
        # where each not-a-figure rule's matches may start, found by one scan
        # of the case-folded text (``Rule.opener``, read when the rules were
        # built); tried there, not at every character of their windows
        self.starters = {r.id: re.compile(r.opener[0]) for r in rules.exclusions if r.opener}
        # ... and checked there for what follows (``openings.openers``)
        self.checks = {r.id: re.compile(r.opener[1]) for r in rules.exclusions if r.opener and r.opener[1]}

    def index(self, read: ReadText) -> LiteralIndex:
        """The lines of ``read`` that hold each rule's required strings (made once a text)."""
        found = read.__dict__.get("_literals")
        if found is None:
            found = read.__dict__["_literals"] = LiteralIndex(self.scanner, read.text, read.lower)
        return found

    def exclusions(self, read: ReadText, problems: list,
                   near: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The spans of the not-a-figure rules' matches that start at most
        ``GUARD_REACH`` characters before one of the spans ``near`` (a
        candidate's number) or inside it: all ``resolve`` looks at is whether
        such a number is overlapped."""
        windows = _windows(read.text, near, GUARD_REACH)
        index = self.index(read)
        stops = [w[2] for w in windows]
        spans = []
        folded = read.folded
        for rule in self.rules.exclusions:
            mine = windows
            if rule.needs is not None:
                mine = index.near(index.offsets(rule.needs), windows, stops)
            if not mine:
                continue
            starter = self.starters.get(rule.id)
            if starter is not None and folded is not None:
                matches = self._scan_at(rule, read.text, mine, starter, folded, problems,
                                        self.checks.get(rule.id))
            else:
                matches = self._scan(rule, read.text, mine, problems)
            spans.extend(m.span() for m in matches)
        return spans

    def candidates(self, read: ReadText, problems: list, excluded: list | None = None) -> list[Candidate]:
        """Every reading of every rule. A "range" that runs downward (3-0, 25-21)
        is a score: its span is added to ``excluded`` so no other rule reads it."""
        self._read = read
        out: list[Candidate] = []
        index = self.index(read)
        number_lines = None
        places = {}                 # of the marked text and of the text
        for rule in self.rules.rules:
            text = read.marked if rule.marked else read.text
            offsets = None if rule.needs is None else index.offsets(rule.needs)
            if offsets is not None and not offsets:
                continue
            if rule.before is not None and not index.offsets(rule.before):
                continue
            if rule.around is not None and not index.offsets(rule.around):
                continue
            if rule.anchored:
                where = places.get(rule.marked)
                if where is None:
                    where = places[rule.marked] = Places(
                        read.text, text, read.starts if rule.marked else read.outer_leads, read.ends, index,
                        rule.marked)
                chosen = where.select(rule.first, rule.needs, rule.before, rule.follow, rule.around)
                matches = self._at(rule, text, chosen, problems)
            elif rule.marked or rule.whole:
                matches = self._whole(rule, text, problems)
            else:
                if number_lines is None:
                    number_lines = _lines_of(read.text, read.leads)
                where = number_lines if offsets is None else \
                    index.near(offsets, number_lines, [w[2] for w in number_lines])
                matches = self._scan(rule, text, where, problems)
            for m in matches:
                try:
                    built = self._build(rule, m)
                except ArithmeticError:      # a number past Decimal's range: not a figure
                    continue
                if built is _SCORE:
                    if excluded is not None:
                        excluded.append(self._core(m, m.re.groupindex))
                    continue
                out.extend(built)
        self._read = None
        return out

    def _whole(self, rule: Rule, text: str, problems: list) -> list:
        try:
            return list(rule.compiled.finditer(text, timeout=self.rules.timeout))
        except TimeoutError:
            problems.append(RuleTimeout(rule))
            return []

    def _at(self, rule: Rule, text: str, places: list[tuple[int, int]], problems: list) -> list:
        """The matches of ``rule`` tried at ``places`` (``(offset, end)``: where
        a number starts, how far a match from it may run), none overlapping
        the one before, as a scan of the whole text finds them."""
        found, done = [], 0
        match = timed(rule.compiled.match, self.rules.timeout)
        try:
            for pos, end in places:
                if pos < done:
                    continue
                m = match(text, pos, end)
                if m is not None:
                    if _start(m) < done:
                        continue
                    found.append(m)
                    done = max(m.end(), pos + 1)
        except TimeoutError:
            problems.append(RuleTimeout(rule))
            return []
        return found

    def _scan(self, rule: Rule, text: str, windows: list[tuple[int, int, int]], problems: list) -> list:
        """The matches of ``rule`` that start in one of ``windows`` (``start,
        end, line_end``: a match may run on to the end of its line)."""
        found = []
        finditer = timed(rule.compiled.finditer, self.rules.timeout)
        try:
            for start, end, line_end in windows:
                for m in finditer(text, start, line_end):
                    if m.start() >= end:
                        break
                    found.append(m)
        except TimeoutError:
            problems.append(RuleTimeout(rule))
            return []
        return found

    def _scan_at(self, rule: Rule, text: str, windows: list[tuple[int, int, int]],
                 starter, folded: str, problems: list, check=None) -> list:
        """What ``_scan`` finds, for a rule whose matches start only where
        ``starter`` finds a place in ``folded`` (the text case-folded, as
        long as the text) and ``check`` matches there: tried there, not at
        every character."""
        found = []
        match = timed(rule.compiled.match, self.rules.timeout)
        told = None if check is None else check.match
        try:
            for start, end, line_end in windows:
                done = start
                for place in starter.finditer(folded, start, min(line_end, end + SIZE)):
                    pos = place.start()
                    if pos >= end:
                        break
                    if pos < done or (told is not None and told(folded, pos, line_end) is None):
                        continue
                    m = match(text, pos, line_end)
                    if m is not None:
                        found.append(m)
                        done = max(m.end(), pos + 1)
        except TimeoutError:
            problems.append(RuleTimeout(rule))
            return []
        return found

    # ----------------------------------------------------------------- building
    # (groups are read by number: by name, regex looks the name up on every call)
    def _number(self, m, groups: dict, group: str) -> ParsedNumber | None:
        i = groups.get(group)
        if i is None:
            return None
        start, end = m.span(i)
        return None if start < 0 else self._read.value(self.numbers, start, end)

    def _text(self, m, i) -> str:
        """A group's words, from the text (a marked rule matched the marks)."""
        start, end = m.span(i)
        return self._read.text[start:end]

    def _build(self, rule: Rule, m) -> list[Candidate]:
        groups = m.re.groupindex
        try:
            num = self._number(m, groups, "num")
            num2 = self._number(m, groups, "num2")
            den = self._number(m, groups, "den")
        except ValueError:
            return []
        if rule.value is not None:
            value = Decimal(str(rule.value))
            if num is not None:
                value *= num.value
        elif num is not None:
            value = num.value
        else:
            return []
        upper = num2.value if num2 is not None else None
        if num is not None and num2 is not None and num.scale is None and num2.scale is not None:
            value *= num2.scale                      # 10-11 triệu: the bare first takes the scale
        elif num is not None and num2 is not None and num.scale is None and not rule.split:
            # 600-700.000: the bare first takes the second's trailing groups
            value = self.numbers.range_start(self._text(m, groups["num"]), value, self._text(m, groups["num2"]))
        if upper is not None and not rule.split and upper <= value:
            return _SCORE                            # 3-0, 25-21: a score, not a range
        unit, factor = self._unit(rule, m, groups)
        if factor != 1:
            value *= factor
            upper = upper * factor if upper is not None else None
        qualifier = rule.qualifier
        if qualifier is None and _has(m, groups, "qual"):
            qualifier = self.rules.lookup("qualifier_before", self._text(m, groups["qual"]))
        core = self._core(m, groups)
        noun_start = None
        if rule.noun == "after":
            noun_start = m.start(groups["noun"]) if _has(m, groups, "noun") else m.end()
        start = _start(m)
        cand = Candidate(rule, rule.kind, start, m.end(), core, value, upper,
                         unit=unit, qualifier=qualifier, noun_start=noun_start, group=(start, m.end()))
        if rule.kind == "fraction":
            if den is None and rule.denominator is not None:
                den = ParsedNumber(Decimal(str(rule.denominator)), None, False)
            if den is None or den.value == 0 or value > den.value:
                return []
            cand.numerator, cand.denominator = value, den.value
            cand.value = value / den.value
        if "item" in groups and m.captures(groups["item"]):
            return self._list(cand, m, groups, num, factor)
        if rule.split and num2 is not None:
            # a change "từ 4,8% lên 5,3%": two figures, the first taking the second's unit
            first_end = m.end(groups["first"]) if _has(m, groups, "first") else m.end(groups["num"])
            first = replace(cand, start=m.start(groups["num"]), end=first_end, core=m.span(groups["num"]),
                            upper=None, noun_start=None)
            second = replace(cand, start=m.start(groups["num2"]), core=m.span(groups["num2"]),
                             value=num2.value * factor, upper=None)
            return [first, second]
        return [cand]

    def _list(self, last: Candidate, m, groups: dict, num: ParsedNumber, factor: Decimal) -> list[Candidate]:
        """A list sharing one unit, "30, 50 và 70% chi phí": every item is a figure
        of the last one's kind and unit (a bare item takes the last one's scale)."""
        out = []
        for s, e in m.spans(groups["item"]):
            try:
                item = self._read.value(self.numbers, s, e)
            except ValueError:
                continue
            value = item.value * (num.scale if item.scale is None and num.scale else 1) * factor
            out.append(replace(last, start=s, end=e, core=(s, e), value=value, upper=None,
                               qualifier=None, noun_start=None))
        out.append(replace(last, start=m.start(groups["num"]), core=m.span(groups["num"])))
        return out

    @staticmethod
    def _core(m, groups: dict) -> tuple[int, int]:
        """The span of a match's numbers."""
        spans = [m.span(groups[g]) for g in ("num", "num2", "den") if _has(m, groups, g)]
        if not spans:
            return _start(m), m.end()
        return min(s for s, _ in spans), max(e for _, e in spans)

    def _unit(self, rule: Rule, m, groups: dict) -> tuple[str | None, Decimal]:
        unit, factor = rule.unit, Decimal(1)
        if _has(m, groups, "unit"):
            surface = self._text(m, groups["unit"])
            found = self.rules.lookup(rule.unit_map, surface) if rule.unit_map else None
            if isinstance(found, dict):
                unit = found.get("code")
                factor = Decimal(str(found.get("factor", 1)))
            elif found is not None:
                unit = str(found)
            elif unit is None:
                unit = " ".join(surface.split())
        elif rule.unit_map and _has(m, groups, "noun"):
            # a classifier leading the noun is the unit of a count: 148 buổi đối thoại
            first = self._text(m, groups["noun"]).split()[0]
            found = self.rules.lookup(rule.unit_map, first)
            unit = found if isinstance(found, str) else unit
        if _has(m, groups, "per"):
            surface = " ".join(self._text(m, groups["per"]).split())
            per = self.rules.lookup(rule.per_map, surface) if rule.per_map else None
            per = per if isinstance(per, str) else surface
            unit = f"{unit}/{per}" if unit else per
        return unit, factor


_SCORE: list = []      # the marker _build returns for a downward "range"


def _start(m) -> int:
    """Where a match starts: at its lead (read backwards from its number), if any."""
    i = m.re.groupindex.get("_lead")
    if i is not None and m.start(i) >= 0:
        return m.start(i)
    return m.start()


def _has(m, groups: dict, group: str) -> bool:
    i = groups.get(group)
    return i is not None and m.group(i) is not None


def _lines_of(text: str, places: list[int]) -> list[tuple[int, int, int]]:
    """The lines (``start, end, end``: end at the line break) that hold one
    of ``places`` (sorted offsets), in order."""
    lines, last_end = [], -1
    for start in places:
        if start < last_end:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        last_end = len(text) if line_end < 0 else line_end
        lines.append((line_start, last_end, last_end))
    return lines


def _windows(text: str, spans, reach: int) -> list[tuple[int, int, int]]:
    """``(start, end, stop)`` for each span: from ``reach`` characters before
    it (not before its line) to its end, a match of it ending at ``stop`` (the
    end of the line, at most ``reach`` past the window); overlapping ones merged."""
    out: list[list[int]] = []
    line_start, line_end = 0, -1          # of the line of the last span
    for s, e in sorted(spans):
        if s > line_end:                  # a new line: look for its ends once
            line_start = text.rfind("\n", max(0, line_end), s) + 1 if line_end >= 0 else \
                text.rfind("\n", 0, s) + 1
            line_end = text.find("\n", s)
            line_end = len(text) if line_end < 0 else line_end
        start = max(line_start, s - reach)
        if out and start <= out[-1][1] and out[-1][2] >= s:
            out[-1][1] = max(out[-1][1], e)
            continue
        out.append([start, e, max(line_end, e)])
    for w in out:                   # a match runs on at most ``reach`` past its window
        w[2] = min(w[2], w[1] + reach)
    return [tuple(w) for w in out]

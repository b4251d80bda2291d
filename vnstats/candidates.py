"""Running the rules over normalised text: every place a rule matches.

A rule's regex marks its parts with named groups, which this module turns into
numbers and units:

``num`` the number (or ``value:`` in the rule) · ``num2`` the upper bound of a
range (with ``split: true``, a change "từ X lên Y" given as two figures, the
first spanning ``first`` if the pattern has it) · ``item`` (repeated) the earlier numbers of a list that share the last
one's unit · ``den`` a fraction's whole · ``unit`` the unit or currency (mapped by
``unit_map``) · ``per`` the "per" unit of ``15.000 đồng/kg`` · ``qual`` a
qualifier word · ``noun`` where the noun starts (with ``noun: after``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from .numbers import NumberParser, ParsedNumber
from .rules import Rule, RuleSet
from .starts import StartIndex


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


class RuleTimeout(Exception):
    """A rule's regex ran past the time limit on one text."""

    def __init__(self, rule: Rule):
        self.rule = rule
        super().__init__(f"{rule.where} {rule.id}: pattern timed out")


class CandidateFinder:
    """Runs every rule over a text. A rule is tried only where one of its
    matches can start (``starts.StartIndex``: one scan of the text finds those
    places for all rules), which finds exactly what scanning the whole text
    would; ``whole=True`` scans the whole text with every rule instead."""

    def __init__(self, rules: RuleSet, numbers: NumberParser, whole: bool = False):
        self.rules = rules
        self.numbers = numbers
        self._index = None if whole else StartIndex(
            [rule.compiled for rule in rules.exclusions + rules.rules],
            [rule.plain or None for rule in rules.exclusions + rules.rules])
        self._scan = None                 # the TextScan of the last text
        self._slot = self._slots()

    def _slots(self) -> dict[int, int]:
        return {id(rule): i for i, rule in enumerate(self.rules.exclusions + self.rules.rules)}

    def __getstate__(self):
        return {**self.__dict__, "_slot": None, "_scan": None}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._slot = self._slots()        # the rules are new objects

    def exclusions(self, text: str, problems: list,
                   near: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
        """The spans of the not-a-figure rules' matches; with ``near`` (spans),
        only of those that overlap one of them (all ``resolve`` looks at is
        whether a candidate's number is overlapped), found much faster."""
        near = tuple(sorted(set(near))) if near is not None else None
        spans = []
        for rule in self.rules.exclusions:
            for m in self._matches(rule, text, problems, near):
                spans.append(m.span())
        return spans

    def candidates(self, text: str, problems: list, excluded: list | None = None) -> list[Candidate]:
        """Every reading of every rule. A "range" that runs downward (3-0, 25-21)
        is a score: its span is added to ``excluded`` so no other rule reads it."""
        out: list[Candidate] = []
        for rule in self.rules.rules:
            for m in self._matches(rule, text, problems):
                try:
                    built = self._build(rule, m)
                except ArithmeticError:      # a number past Decimal's range: not a figure
                    continue
                if built is _SCORE:
                    if excluded is not None:
                        excluded.append(self._core(m, m.re.groupindex))
                    continue
                out.extend(built)
        return out

    def _matches(self, rule: Rule, text: str, problems: list, near: list | None = None):
        slot = self._slot[id(rule)]
        if self._index is None or self._index.leads[slot] is None:
            try:
                return list(rule.compiled.finditer(text, timeout=self.rules.timeout))
            except TimeoutError:
                problems.append(RuleTimeout(rule))
                return []
        if self._scan is None or self._scan.text is not text:
            self._scan = self._index.scan(text)
        found = self._scan.matches(slot, self.rules.timeout, near)
        if isinstance(found, TimeoutError):
            problems.append(RuleTimeout(rule))
            return []
        return found

    # ----------------------------------------------------------------- building
    # (groups are read by number: by name, regex looks the name up on every call)
    def _number(self, m, groups: dict, group: str) -> ParsedNumber | None:
        i = groups.get(group)
        if i is None:
            return None
        text = m.group(i)
        return None if text is None else self.numbers.parse(text)

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
            value = self.numbers.range_start(m.group(groups["num"]), value, m.group(groups["num2"]))
        if upper is not None and not rule.split and upper <= value:
            return _SCORE                            # 3-0, 25-21: a score, not a range
        unit, factor = self._unit(rule, m, groups)
        if factor != 1:
            value *= factor
            upper = upper * factor if upper is not None else None
        qualifier = rule.qualifier
        if qualifier is None and _has(m, groups, "qual"):
            qualifier = self.rules.lookup("qualifier_before", m.group(groups["qual"]))
        core = self._core(m, groups)
        noun_start = None
        if rule.noun == "after":
            noun_start = m.start(groups["noun"]) if _has(m, groups, "noun") else m.end()
        cand = Candidate(rule, rule.kind, m.start(), m.end(), core, value, upper,
                         unit=unit, qualifier=qualifier, noun_start=noun_start, group=m.span())
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
        for (s, e), text in zip(m.spans(groups["item"]), m.captures(groups["item"])):
            try:
                item = self.numbers.parse(text)
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
            return m.span()
        return min(s for s, _ in spans), max(e for _, e in spans)

    def _unit(self, rule: Rule, m, groups: dict) -> tuple[str | None, Decimal]:
        unit, factor = rule.unit, Decimal(1)
        if _has(m, groups, "unit"):
            surface = m.group(groups["unit"])
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
            first = m.group(groups["noun"]).split()[0]
            found = self.rules.lookup(rule.unit_map, first)
            unit = found if isinstance(found, str) else unit
        if _has(m, groups, "per"):
            surface = " ".join(m.group(groups["per"]).split())
            per = self.rules.lookup(rule.per_map, surface) if rule.per_map else None
            per = per if isinstance(per, str) else surface
            unit = f"{unit}/{per}" if unit else per
        return unit, factor


_SCORE: list = []      # the marker _build returns for a downward "range"


def _has(m, groups: dict, group: str) -> bool:
    i = groups.get(group)
    return i is not None and m.group(i) is not None

"""What a figure is about: which way it moved, against what, for when, and what
it measures (the README's fields: ``change``, ``compared_to``, ``period``, ``subject``).

The words are in ``patterns/about.yaml``; this module only reads them. It works
sentence by sentence: each sentence's clauses, time expressions and comparison
bases are found once, then every figure of the sentence takes its keys from its
own clause (or the nearest one before it), so the work grows with the text, not
with the number of figures times the text. Spans are found in the normalised
text and reported at the caller's offsets through the ``OffsetMap``.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

import regex

from .figure import Figure
from .normalize import OffsetMap
from .rules import RuleSet, single_line
from .rulecache import CODE, cached_by, code_key
from .scans import finditer_at, gate, gate_of_alternatives

_WINDOW = 240          # characters before a figure its subject and change are read in
_LATER = 80            # characters after a figure a period of a later clause is taken from


@dataclass
class _Fig:
    """A figure with its place in the normalised text and what is found for it."""
    figure: Figure
    start: int
    end: int
    clause: int = 0
    duration: bool = False
    change: str | None = None
    base: tuple[int, int] | None = None
    period: tuple | None = None            # (start, end, from, to)
    subject: tuple[int, int] | None = None
    restates: "_Fig | None" = None         # the figure an equivalent in brackets restates
    ratio: bool = False                    # bằng 82% (of a base)


@dataclass
class _Sentence:
    start: int
    end: int
    figs: list[_Fig] = field(default_factory=list)


class AboutReader:
    """Attaches the four keys to the figures of one document at a time."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.durations = {str(u) for u in rules.dictionaries.get("about_duration_units", {})}
        self._problems: list = []
        self._re = {name: regex.compile(single_line(rules.expand("{%s}" % name)), regex.IGNORECASE)
                    for name in ("about_period", "about_not_period_before", "about_bare_now",
                     "about_report_length", "about_compare", "about_base_after",
                     "about_plan_base", "about_change_before", "about_change_multiplier",
                     "about_signed", "about_equivalent", "about_list_change",
                     "about_subject", "about_clause_noun",
                     "about_clause_break", "about_ratio_before", "about_change_subject",
                     "about_label_before", "about_not_head", "about_count_head",
                     "about_subject_link", "about_measure_verb_before",
                     "about_action_before", "about_list_gap")}
        # a pattern scanned only where its own leading lookarounds (a block of
        # its own) hold: a cheap scan, then a full match at each such place
        self._starts = {"about_period": regex.compile(
            single_line(rules.expand("{about_period_start}")), regex.IGNORECASE)}
        # ... and only where the text there may start one of its kinds of time
        # expression (read from the blocks once, kept in the rule cache's folder)
        self._quick = {"about_period": _quick_gate(rules, self._re["about_period"].pattern,
                                                   "about_period_lead", "about_period_core")}
        # a pattern scanned for all its matches only where the strings every
        # match holds (``literals.required``) are: "tháng" for a report's length
        self._gates = {name: gate(self._re[name].pattern) for name in _GATED}

    # ------------------------------------------------------------------ driver
    def attach(self, original: str, text: str, omap: OffsetMap, figures: list[Figure],
               spans: list[tuple[int, int, int, int]], problems: list | None = None) -> None:
        """Set the four keys of ``figures``; ``spans`` gives, for each, its
        ``(start, end, sentence start, sentence end)`` in the normalised ``text``."""
        self._problems = problems if problems is not None else []
        sentences: dict[tuple[int, int], _Sentence] = {}
        for fig, (start, end, s_start, s_end) in zip(figures, spans):
            s = sentences.setdefault((s_start, s_end), _Sentence(s_start, s_end))
            s.figs.append(_Fig(fig, start, end, duration=fig.kind == "quantity"
                               and fig.unit in self.durations))
        for s in sentences.values():
            self._sentence(text, s)
            for f in s.figs:
                self._write(original, omap, f)

    def _write(self, original: str, omap: OffsetMap, f: _Fig) -> None:
        fig = f.figure

        def span(se):
            a, b = omap.span(*se)
            return {"text": original[a:b], "start": a, "end": b}

        fig.change = f.change
        fig.compared_to = span(f.base) if f.base else None
        fig.subject = span(f.subject) if f.subject else None
        if f.period:
            fig.period = {**span(f.period[:2]), "from": f.period[2], "to": f.period[3]}
        else:
            fig.period = None

    # ------------------------------------------------------------ one sentence
    def _sentence(self, text: str, s: _Sentence) -> None:
        breaks = [m.span() for m in self._all("about_clause_break", text, s.start, s.end)]
        clauses = [s.start] + [e for _, e in breaks]          # clause starts
        figs = s.figs
        for f in figs:
            f.clause = _index_at(clauses, f.start)
        live = [f for f in figs if not f.duration]

        prev = None
        for f in live:
            self._change(text, s, f, prev, clauses)
            prev = f
        bases = self._bases(text, s, live, clauses)
        last = figs[-1]
        after = clauses[last.clause + 1] if last.clause + 1 < len(clauses) else s.end
        reach = min(s.end, max(after, last.end + _LATER))     # no period past it is used
        periods, inner = self._periods(text, s, figs, bases, reach)
        for f in live:
            if f.restates and f.base and not f.restates.base:
                f.restates.base = f.base
        self._assign_periods(text, live, periods, clauses, bases, inner)
        self._subjects(text, s, live, clauses, periods, bases)
        for f in figs:
            if f.duration or _inside_any(f, periods):
                f.change = f.base = f.period = f.subject = None

    # ----------------------------------------------------------------- change
    def _change(self, text: str, s: _Sentence, f: _Fig, prev: _Fig | None,
                clauses: list[int]) -> None:
        lo = max(clauses[f.clause], f.start - _WINDOW, prev.end if prev else s.start)
        kind = f.figure.kind
        name = "about_change_multiplier" if kind == "multiplier" else "about_change_before"
        f.ratio = bool(self._search("about_ratio_before", text, lo, f.start))
        m = self._search(name, text, lo, f.start)
        if m:
            f.change = self.rules.lookup("about_change_words", m.group("verb"))
            return
        before = text[max(s.start, f.start - 2):f.start]
        if self._search("about_signed", text, max(lo, f.start - 3), f.start) or before.endswith("(+"):
            value = f.figure.value
            if before.endswith("+"):
                f.change = "up"
            elif isinstance(value, (int, float)) and value < 0:
                f.change = "down"
        if f.change:
            return
        if prev is not None:
            if self._search("about_equivalent", text, prev.end, f.start):
                f.restates = prev
                f.change = prev.change
                return
            if prev.change and prev.figure.kind == kind \
                    and self._match("about_list_gap", text, prev.end, f.start, full=True):
                f.change = prev.change
                return
        if text[max(s.start, f.start - 1):f.start] == "(":
            m = None
            for m in self._all("about_list_change", text, s.start, f.start):
                pass
            if m:
                f.change = self.rules.lookup("about_change_words", m.group("verb"))

    # ------------------------------------------------------------------ bases
    def _bases(self, text, s, live, clauses) -> list[tuple[int, int]]:
        """Comparison bases, each given to the figure it is stated for: the last
        change before it in its stretch of sentence (else the figure right before
        it); a base that leads its sentence, to every change after it."""
        found = []
        for m in self._all("about_compare", text, s.start, s.end):
            b = _trim(text, *m.span("base"))
            if b[1] <= b[0]:
                continue
            found.append(b)
            before = []
            for f in reversed([f for f in live if f.end <= m.start()]):
                gap = text[f.end:m.start()]
                if _SENTENCE_BREAK.search(gap) or len(gap) > 200:
                    break
                before.append(f)
            moved = [f for f in before if f.change or f.ratio]
            if moved and not moved[0].base:
                moved[0].base = b
            elif before and len(text[before[0].end:m.start()]) <= 15 and not before[0].base:
                before[0].base = b
            elif not before:
                after = [f for f in live if f.start >= m.end() and not f.base]
                if not text[clauses[_index_at(clauses, m.start())]:m.start()].strip():
                    for f in after:                 # So với năm trước, A tăng 5%, B tăng 3%
                        if f.change or f.ratio:
                            f.base = b
                elif after and len(text[b[1]:after[0].start]) <= 12 \
                        and not _SENTENCE_BREAK.search(text[b[1]:after[0].start]):
                    after[0].base = b               # giảm so với năm trước (bằng 82%)
        for f in live:
            if f.base:
                continue
            m = self._match("about_base_after", text, f.end, min(s.end, f.end + 60))
            if m:
                f.base = m.span("base")
                found.append(f.base)
                continue
            if f.figure.kind == "percent":
                m = self._search("about_plan_base", text, f.start, min(s.end, f.end + 80))
                if m and (m.start() < f.end or not text[f.end:m.start()].strip()):
                    f.base = _trim(text, *m.span("base"))
                    found.append(f.base)
        return found

    # ---------------------------------------------------------------- periods
    def _periods(self, text, s, figs, bases, reach) -> tuple[list[tuple], list[tuple]]:
        """Time expressions of the sentence, as (start, end, from, to): those outside
        comparison bases, and those inside them (for the figures of a base)."""
        out, inner = [], []
        solid = [f for f in figs if not f.duration]
        for m in self._all("about_period", text, s.start, reach):
            a, b = m.span("period")
            if self._search("about_not_period_before", text, max(s.start, a - 12), a):
                continue
            if not (m.group("since") or m.group("until") or m.group("to_now")) \
                    and self._match("about_bare_now", text, a, b, full=True):
                continue
            if any(a <= f.start < b or f.start <= a < f.start + 3 for f in solid):
                continue                    # a figure's number, not its noun
            if any(x < b and a < y for x, y in bases):
                inner.append((a, b, *_dates(m, self.rules)))
                continue
            out.append((a, b, *_dates(m, self.rules)))
        for m in self._all("about_report_length", text, s.start, reach):
            a, b = m.span("period")
            if not any(p[0] < b and a < p[1] for p in out):
                out.append((a, b, None, None))
        out.sort()
        return out, inner

    def _assign_periods(self, text, live, periods, clauses, bases, inner) -> None:
        for f in live:
            if f.period:
                continue
            base = next((b for b in bases if b[0] <= f.start < b[1]), None)
            if base is not None:                # a figure inside a base: the base's own time
                own = [p for p in inner if base[0] <= p[0] < base[1]]
                f.period = min(own, key=lambda p: abs(p[0] - f.start)) if own else None
                continue
            c0 = clauses[f.clause]
            c1 = clauses[f.clause + 1] if f.clause + 1 < len(clauses) else None
            own = [p for p in periods if p[0] >= c0 and (c1 is None or p[1] <= c1)
                   and not (f.start <= p[0] < f.end)]
            before = [p for p in own if p[1] <= f.start]
            after = [p for p in own if p[0] >= f.end]
            if before:
                f.period = before[-1]
            elif after:
                f.period = after[0]
            else:
                earlier = [p for p in periods if p[1] <= f.start]
                later = [p for p in periods if f.end <= p[0] <= f.end + _LATER]
                f.period = earlier[-1] if earlier else later[0] if later else None
        # an amount in brackets right after a base is the base's value: its period
        for f in live:
            for b in bases:
                if 0 <= f.start - b[1] <= 3 and text[b[1]:f.start].strip() == "(":
                    f.period = (b[0], b[1], None, None)
                    f.base = f.change = None

    # --------------------------------------------------------------- subjects
    def _subjects(self, text, s, live, clauses, periods, bases) -> None:
        """The nearest measure named before each figure in its clause; else the
        product or measure a clause opens with; else the sentence's subject so far."""
        taken = [(p[0], p[1]) for p in periods] + list(bases) + [(f.start, f.end) for f in live]
        # measures named in the sentence, found once (figures cut them where they stand)
        named = [m.span("subject") for m in self._all("about_subject", text, s.start, live[-1].start)] \
            if live else []
        last = None                       # the subject of the sentence so far
        for f in live:
            c0 = clauses[f.clause]
            lo = max(c0, f.start - _WINDOW)
            counted = f.figure.kind in ("count", "fraction")
            subj = None
            base = next((b for b in bases if b[0] <= f.start < b[1]), None)
            if base is not None:              # a figure of a base: only what the base names
                found = [self._subject_of(text, m, f, taken, counted, live)
                         for m in _within(named, base[0], f.start)]
                f.subject = next((x for x in reversed(found) if x), None)
                continue
            action = self._search("about_action_before", text, max(lo, f.start - 40), f.start)
            if action and any(a < action.start() < b for a, b in named):
                action = None                 # mức bội chi 5,3%: the verb ends a measure
            if not self._search("about_label_before", text, max(lo, f.start - 12), f.start) \
                    and not action:
                for m in _within(named, lo, f.start):
                    span = self._subject_of(text, m, f, taken, counted, live)
                    if span:
                        subj = span               # the last one: the nearest
                if subj is None and f.figure.kind in ("money", "percent"):
                    m = self._match("about_clause_noun", text, c0, f.start)
                    opens = c0 == s.start or text[max(s.start, c0 - 3):c0].strip().endswith(":")
                    if m and _plain_noun(m.group("subject"), opens) and not (
                            " " not in m.group("subject").strip()
                            and self.rules.lookup("about_light_heads", m.group("subject"))):
                        subj = _trim(text, *m.span("subject"))
                if subj is None:
                    subj = self._earlier_subject(text, s, f, c0, last, taken, counted, live, named)
            if subj is not None:
                f.subject = last = subj
            if subj and f.change is None and f.figure.kind == "percent":
                m = self._match("about_change_subject", text, subj[0], subj[1])
                if m:
                    f.change = self.rules.lookup("about_change_subjects", m.group())

    def _earlier_subject(self, text, s, f, c0, last, taken, counted, live, named):
        """The measure named last in the sentence's clauses before ``f``'s, or the
        subject of the figure before it."""
        found = None
        for m in _within(named, max(s.start, c0 - _WINDOW), c0):
            span = self._subject_of(text, m, f, taken, counted, live)
            if span:
                found = span
        if last is not None and (found is None or found[0] < last[0]):
            found = last
        if found and counted and not self._match("about_count_head", text, *found):
            return None
        return found

    def _subject_of(self, text, m, f: _Fig, taken, counted: bool, figs):
        """The span ``m`` of a measure named, or None when it names no measure of ``f``."""
        a, b = _trim(text, *m)
        if any(x <= a < y for x, y in taken):
            return None
        if any(x.start() <= a < x.end() for x in self._all("about_not_head", text, max(0, a - 12), b)):
            return None                     # đấu giá, chi bộ, Tổng cục: no measure
        if any(0 <= a - g.end <= 1 for g in figs):
            return None                     # the noun of an amount: 250 tỉ USD hàng hoá
        head = text[a:b].split()[0]
        nxt = text[a + len(head):b].split()[:1] or [""]
        if _titled(nxt[0]):
            return None                     # a name: Trần Ngọc Vinh, Tổng Thanh tra
        if head[0].isupper() and a > 0:
            before = text[max(0, a - 30):a]
            prev_word = before.split()[-1] if before.strip() and before[-1] == " " else ""
            if _titled(prev_word) and prev_word[-1].isalpha():
                return None                 # a name: Cục Thuế
        if counted and not self._match("about_count_head", text, a, b):
            return None
        if " " not in text[a:b].strip() and self.rules.lookup("about_light_heads", head):
            if not self._match("about_subject_link", text, b, f.start) and not (
                    self._search("about_measure_verb_before", text, max(0, a - 12), a)
                    and not text[b:f.start].strip()):
                return None                 # chi 5 tỷ, ở mức 30 USD: no subject
        return a, b

    # ------------------------------------------------------------- regex calls
    def _timed(self, method, name, *args, **kw):
        try:
            return method(*args, timeout=self.rules.timeout, **kw)
        except TimeoutError:
            from .context import BlockTimeout
            self._problems.append(BlockTimeout(self.rules, name))
            return None

    # (rules without a time limit, the built-in ones, are called directly: these
    # calls are many and short)
    def _search(self, name, text, lo, hi):
        if not self.rules.guarded:
            return self._re[name].search(text, lo, hi)
        return self._timed(self._re[name].search, name, text, lo, hi)

    def _match(self, name, text, lo, hi, full=False):
        pattern = self._re[name]
        if not self.rules.guarded:
            return (pattern.fullmatch if full else pattern.match)(text, lo, hi)
        return self._timed(pattern.fullmatch if full else pattern.match, name, text, lo, hi)

    def _all(self, name, text, lo, hi):
        quick = self._gates.get(name)
        if quick is not None and not self._search_with(quick, name, text, lo, hi):
            return []
        starts = self._starts.get(name)
        if not self.rules.guarded:
            if starts is not None:
                return finditer_at(starts, self._re[name], text, lo, hi, quick=self._quick.get(name))
            return list(self._re[name].finditer(text, lo, hi))
        if starts is not None:
            found = self._timed(finditer_at, name, starts, self._re[name], text, lo, hi,
                                quick=self._quick.get(name))
        else:
            found = self._timed(lambda *a, **k: list(self._re[name].finditer(*a, **k)),
                                name, text, lo, hi)
        return found or []

    def _search_with(self, pattern, name, text, lo, hi):
        if not self.rules.guarded:
            return pattern.search(text, lo, hi)
        return self._timed(pattern.search, name, text, lo, hi)


# ------------------------------------------------------------------ helpers
def _quick_gate(rules: RuleSet, whole: str, lead: str, core: str):
    """``scans.gate_of_alternatives`` of ``{lead}{core}`` compiled, or None:
    a tenth of a second to read from the blocks, so kept on disk
    (``rulecache.cached_by``), keyed by the code and the blocks it reads."""
    key = code_key(CODE, whole.encode(), repr((rules.blocks.get(lead), rules.blocks.get(core))).encode()) \
        if CODE else None
    found = cached_by("gate", key, lambda: gate_of_alternatives(rules, lead, core, single_line))
    return None if found is None else re.compile(found)


_GATED = ("about_report_length", "about_compare", "about_list_change")


def _within(spans: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans that start in ``[lo, hi)``, cut at ``hi``."""
    return [(a, min(b, hi)) for a, b in spans if lo <= a < hi]


def _index_at(starts: list[int], pos: int) -> int:
    """The index of the clause (by its sorted ``starts``) that holds ``pos``."""
    return max(0, bisect_right(starts, pos) - 1)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while b > a and text[b - 1].isspace():
        b -= 1
    while a < b and text[a].isspace():
        a += 1
    return a, b


def _inside_any(f: _Fig, periods) -> bool:
    return any(p[0] <= f.start and f.end <= p[1] for p in periods)


def _titled(word: str) -> bool:
    """A capitalised word that is no acronym: part of a name."""
    return word[:1].isupper() and not word.isupper()


def _plain_noun(noun: str, at_sentence_start: bool) -> bool:
    """A clause's first words that may name a measure: not a name (a place, a firm)."""
    words = noun.split()
    if not words:
        return False
    for i, w in enumerate(words):
        if w[0].isupper() and not w.isupper() and (i > 0 or not at_sentence_start):
            return False
    return True


_ISO_MONTH = "{:04d}-{:02d}"
_SENTENCE_BREAK = regex.compile(r"[;!?]|\.(?!\d)")


def _dates(m, rules: RuleSet) -> tuple[str | None, str | None]:
    """``from`` and ``to`` of a period match, read off its named groups."""
    g = m.groupdict()
    if g.get("vague") is not None:
        return None, None
    year = g.get("year")
    a = b = None
    if g.get("decade"):
        d = int(g["decade"])
        a, b = str(d), str(d + 9)
    elif year:
        y = int(year)
        if g.get("span_years"):
            a, b = str(y), str(y + int(g["span_years"]))
        elif g.get("year2"):
            a, b = str(y), g["year2"]
        elif g.get("quarter"):
            q = int(rules.lookup("about_quarter_numbers", g["quarter"]))
            a, b = _ISO_MONTH.format(y, 3 * q - 2), _ISO_MONTH.format(y, 3 * q)
        elif g.get("months"):
            n = _count(g["months"], rules)
            a, b = _ISO_MONTH.format(y, 1), _ISO_MONTH.format(y, n) if n else None
        elif g.get("last_months"):
            n = _count(g["last_months"], rules)
            a, b = (_ISO_MONTH.format(y, 13 - n) if n else None), _ISO_MONTH.format(y, 12)
        elif g.get("day0"):
            y0, m0 = int(g.get("year0") or y), int(g.get("month0") or g["month"])
            a = "{:04d}-{:02d}-{:02d}".format(y0, m0, int(g["day0"]))
            b = "{:04d}-{:02d}-{:02d}".format(y, int(g["month"]), int(g["day"]))
            return a, b
        elif g.get("day") and g.get("month"):
            a = b = "{:04d}-{:02d}-{:02d}".format(y, int(g["month"]), int(g["day"]))
        elif g.get("month"):
            a = _ISO_MONTH.format(y, int(g["month"]))
            b = _ISO_MONTH.format(y, int(g["month2"])) if g.get("month2") else a
        elif g.get("end_of"):
            a = b = _ISO_MONTH.format(y, 12)
        elif g.get("start_of"):
            a = b = _ISO_MONTH.format(y, 1)
        else:
            a = b = str(y)
    if g.get("since") and not g.get("year2"):
        b = None
    if g.get("until"):
        a = None
    if g.get("to_now"):
        b = None
    return a, b


def _count(word: str, rules: RuleSet) -> int | None:
    if word.isdigit():
        n = int(word)
    else:
        n = rules.lookup("about_month_counts", word)
    return n if isinstance(n, int) and 1 <= n <= 12 else None

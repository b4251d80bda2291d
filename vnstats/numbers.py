"""Turning the text of a number (``3,5 triệu``, ``hai mươi lăm``) into its value.

The rules decide *where* a number is (the ``{number}`` block of numbers.yaml);
this module decides *what* it is worth, from the word tables of that file.
Arithmetic is done in ``Decimal`` so ``4,1 triệu`` is exactly 4100000.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

import regex

_TOKEN = regex.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[-−/]", regex.UNICODE)


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal
    scale: Decimal | None      # the last scale word applied (triệu, tỷ …), if any
    has_digits: bool


class NumberParser:
    """Values of number expressions, driven by the dictionaries of numbers.yaml."""

    ROLES = ("digit_words", "ten_words", "tens_marker", "hundred_words",
             "filler_words", "scale_words", "half_after", "half_before", "sign_words",
             "decimal_words")

    def __init__(self, rules):
        self._words: dict[str, tuple[str, Decimal]] = {}
        for role in self.ROLES:
            for word, value in rules.dictionaries.get(role, {}).items():
                self._words[word.lower()] = (role, Decimal(str(value if value is not None else 0)))
        # a digit after a scale word is tenths of it (ba trăm tư, hai ngàn mốt)
        self._after_scale = {w.lower(): Decimal(str(v)) for w, v in
                             rules.dictionaries.get("digit_after_scale", {}).items()}
        # the word between a part and its whole: một phần hai (ki lô gam)
        self._fraction_marks = {w.lower() for w in rules.dictionaries.get("fraction_marks", {})}
        # a subunit after its digits scales them: 5 đô la 40 xu is 5,40
        self._subunits = {w.lower(): Decimal(str(v)) for w, v in
                          rules.dictionaries.get("subunit_words", {}).items()}
        self.decimal_mark = str(rules.settings.get("decimal_mark", ","))
        self.group_mark = str(rules.settings.get("group_mark", "."))

    # ------------------------------------------------------------------ digits
    def digits(self, s: str) -> Decimal:
        """``1.234.567,5`` (Vietnamese) and ``1,234,567.5`` / ``12.8`` (English), by shape."""
        dec, grp = self.decimal_mark, self.group_mark
        if dec in s and grp in s:
            dec = s[max(s.rfind(dec), s.rfind(grp))]
            grp = grp if dec == self.decimal_mark else self.decimal_mark
        elif s.count(grp) > 1 or s.count(dec) > 1:
            grp = grp if s.count(grp) > 1 else dec
            dec = None
        elif grp in s:
            head, _, tail = s.partition(grp)
            if len(tail) != 3 or head.lstrip("0") == "" or len(head) > 3:
                dec, grp = grp, None            # 12.8, 0.600, 3000001.009: an English decimal point
        if grp:
            s = s.replace(grp, "")
        if dec:
            s = s.replace(dec, ".")
        try:
            return Decimal(s)
        except InvalidOperation:
            raise ValueError(f"not a number: {s!r}") from None

    # ------------------------------------------------------------------ words
    def parse(self, text: str) -> ParsedNumber:
        """The value of a whole number expression; ``ValueError`` if it has none.
        ``a / b`` (a fraction written before a unit: 1/2 kg) is a over b. Work is
        exact however many digits the text has (a 4,301-digit number stays whole)."""
        with localcontext() as ctx:
            ctx.prec = max(28, len(text) + 10)
            tokens = _TOKEN.findall(text)
            marks = [i for i, t in enumerate(tokens) if t == "/" or t.lower() in self._fraction_marks]
            if marks:
                i = marks[0]
                top, bottom = self._parse(tokens[:i], text), self._parse(tokens[i + 1:], text)
                if bottom.value == 0:
                    raise ValueError(f"division by zero in {text!r}")
                with localcontext() as short:
                    short.prec = 28
                    return ParsedNumber(top.value / bottom.value, None, top.has_digits)
            return self._parse(tokens, text)

    def _parse(self, tokens: list[str], text: str) -> ParsedNumber:
        total = Decimal(0)      # completed scale groups
        hundreds = Decimal(0)
        small: Decimal | None = None
        last_scale: Decimal | None = None
        last_unit = Decimal(1)  # what "rưỡi" is half of
        sign = 1
        seen = False
        has_digits = False
        prev = None
        decimals: list[str] | None = None    # digits said after "phẩy"/"chấm"
        base = Decimal(0)       # the parts before a unit word inside (5 đô la | 40 xu)
        for i, tok in enumerate(tokens):
            if tok in "-−":
                sign = -1
                continue
            if decimals is not None:
                role, val = self._words.get(tok.lower(), (None, None))
                if role in ("digit_words", "ten_words", "tens_marker") or tok.isdigit():
                    decimals.append(tok.lower())
                    continue
                small = (small or 0) + self._decimal_part(decimals)
                decimals = None
            if tok[0].isdigit():
                if prev == "scale_words" and len(tok) == 1 and last_scale is not None:
                    total += Decimal(tok) * last_scale / 10      # 2tr5: 2,5 triệu
                    prev = "after_scale"
                    continue
                small = (small or 0) + self.digits(tok)
                has_digits = seen = True
                last_unit = Decimal(1)
                prev = "digits"
                continue
            word = tok.lower()
            if word in self._subunits and prev not in (None, "word"):
                small = (total + hundreds + (small or 0)) * self._subunits[word]
                total, hundreds = Decimal(0), Decimal(0)
                prev = "word"
                continue
            role, val = self._words.get(word, (None, None))
            if prev in ("scale_words", "hundred_words") and word in self._after_scale \
                    and not self._number_word_next(tokens, i):
                total_unit = last_scale if prev == "scale_words" else last_unit
                if prev == "scale_words":
                    total += self._after_scale[word] * total_unit / 10
                else:
                    hundreds += self._after_scale[word] * total_unit / 10
                prev = "after_scale"
                continue
            if role == "digit_words" and prev == "digit_words" and word in self._after_scale \
                    and small is not None and small < 10:
                small = small * 10 + self._after_scale[word]     # bốn mốt: 41
                prev = "tens"
                continue
            if role == "digit_words" and prev in ("digits", "digit_words"):
                continue          # hai năm rưỡi: "năm" after a number is its unit
            if role is None:
                if seen and prev != "word":
                    # a unit word inside: what follows is a further part (5 tuổi | rưỡi)
                    base += total + hundreds + (small or 0)
                    total, hundreds, small, last_scale = Decimal(0), Decimal(0), None, None
                    prev = "word"
                continue
            seen = True
            if role == "sign_words":
                sign = -1
            elif role == "decimal_words":
                decimals = []
            elif role == "digit_words":
                small = (small or 0) + val
            elif role == "ten_words":
                small = (small or 0) + val
                last_unit = Decimal(1)
            elif role == "tens_marker":
                small = (small if small is not None else Decimal(1)) * val
                last_unit = Decimal(1)
            elif role == "hundred_words":
                hundreds += (small if small is not None else Decimal(1)) * val
                small = None
                last_unit = val
            elif role == "half_before":
                small = (small or 0) + val
            elif role == "half_after":            # rưỡi: half of the word before
                if prev == "scale_words":
                    total += val * last_scale
                elif prev == "hundred_words":
                    hundreds += val * last_unit
                else:
                    small = (small or 0) + val
            elif role == "scale_words":
                group = hundreds + (small or 0)
                if last_scale is not None and (val > last_scale or (val == last_scale and prev == "scale_words")):
                    total = (total + group) * val         # nghìn tỷ, 3 nghìn tỷ, tỷ tỷ
                else:
                    total += (group if (small is not None or hundreds) else Decimal(1)) * val
                hundreds, small = Decimal(0), None
                last_scale = last_unit = val
            prev = role
        if decimals:
            small = (small or 0) + self._decimal_part(decimals)
        if not seen:
            raise ValueError(f"no number in {text!r}")
        return ParsedNumber(sign * (base + total + hundreds + (small or 0)), last_scale, has_digits)

    def range_start(self, first_text: str, first: Decimal, second_text: str) -> Decimal:
        """The first number of a range that leaves out the thousands the second
        writes: 600-700.000 is 600.000 to 700.000, 20 - 21.000 is 20.000 to 21.000
        (only when the first has as many digits as the second's leading group and
        is smaller than it)."""
        first_text, second_text = first_text.strip(), second_text.strip()
        grp = self.group_mark
        if not first_text.isdigit() or grp not in second_text:
            return first
        head, *groups = second_text.split(grp)
        if not head.isdigit() or not groups or any(len(g) != 3 or not g.isdigit() for g in groups):
            return first
        if len(first_text) != len(head) or first >= int(head):
            return first
        return first * Decimal(1000) ** len(groups)

    def _number_word_next(self, tokens: list[str], i: int) -> bool:
        """Whether a number word follows token ``i`` (hai nghìn ba | trăm: "ba"
        starts the hundreds, it is no tenth of the thousand)."""
        return i + 1 < len(tokens) and tokens[i + 1].lower() in self._words

    def _decimal_part(self, words: list[str]) -> Decimal:
        """The digits said after the decimal mark: "năm" .5, "không năm" .05,
        "mười lăm" .15 (a sequence of digit words reads digit by digit)."""
        if all(self._words.get(w, (None,))[0] == "digit_words" or w.isdigit() for w in words):
            digits = "".join(w if w.isdigit() else str(int(self._words[w][1])) for w in words)
        else:
            digits = str(int(self._parse(words, " ".join(words)).value))
        return Decimal("0." + digits) if digits else Decimal(0)


def as_json_number(d: Decimal) -> int | float:
    """A Decimal as the JSON number users expect: ``3500`` not ``3500.0``."""
    if d == d.to_integral_value():
        return int(d)
    return float(d)

"""Turning the text of a number (``3,5 triệu``, ``hai mươi lăm``) into its value.

The rules decide *where* a number is (the ``{number}`` block of numbers.yaml);
this module decides *what* it is worth, from the word tables of that file.
Arithmetic is done in ``Decimal`` so ``4,1 triệu`` is exactly 4100000.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import regex

_TOKEN = regex.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[-−]", regex.UNICODE)


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal
    scale: Decimal | None      # the last scale word applied (triệu, tỷ …), if any
    has_digits: bool


class NumberParser:
    """Values of number expressions, driven by the dictionaries of numbers.yaml."""

    ROLES = ("digit_words", "ten_words", "tens_marker", "hundred_words",
             "filler_words", "scale_words", "half_after", "half_before", "sign_words")

    def __init__(self, rules):
        self._words: dict[str, tuple[str, Decimal]] = {}
        for role in self.ROLES:
            for word, value in rules.dictionaries.get(role, {}).items():
                self._words[word.lower()] = (role, Decimal(str(value if value is not None else 0)))
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
            if len(tail) != 3 or head.lstrip("0") == "":
                dec, grp = grp, None            # 12.8, 0.600: an English decimal point
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
        """The value of a whole number expression; ``ValueError`` if it has none."""
        total = Decimal(0)      # completed scale groups
        hundreds = Decimal(0)
        small: Decimal | None = None
        last_scale: Decimal | None = None
        last_unit = Decimal(1)  # what "rưỡi" is half of
        sign = 1
        seen = False
        has_digits = False
        prev = None
        for tok in _TOKEN.findall(text):
            if tok in "-−":
                sign = -1
                continue
            if tok[0].isdigit():
                small = (small or 0) + self.digits(tok)
                has_digits = seen = True
                last_unit = Decimal(1)
                prev = "digits"
                continue
            role, val = self._words.get(tok.lower(), (None, None))
            if role is None:
                continue
            seen = True
            if role == "sign_words":
                sign = -1
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
                if last_scale is not None and val > last_scale:
                    total = (total + group) * val         # nghìn tỷ, 3 nghìn tỷ
                else:
                    total += (group if (small is not None or hundreds) else Decimal(1)) * val
                hundreds, small = Decimal(0), None
                last_scale = last_unit = val
            prev = role
        if not seen:
            raise ValueError(f"no number in {text!r}")
        return ParsedNumber(sign * (total + hundreds + (small or 0)), last_scale, has_digits)


def as_json_number(d: Decimal) -> int | float:
    """A Decimal as the JSON number users expect: ``3500`` not ``3500.0``."""
    if d == d.to_integral_value():
        return int(d)
    return float(d)

"""The ``Figure``: one statistic found in a text, as one object of the output's
``figures`` list (README, "Fields")."""
from __future__ import annotations

from decimal import Decimal
from dataclasses import dataclass, fields
from typing import Literal, get_args

Kind = Literal["count", "percent", "fraction", "money", "quantity", "multiplier"]
KINDS: tuple[str, ...] = get_args(Kind)          # in the order the output documents them


@dataclass
class Figure:
    kind: Kind
    text: str
    start: int
    end: int
    # (a value no int or float can hold stays a Decimal, written out whole)
    value: int | float | Decimal
    upper: int | float | Decimal | None = None
    numerator: int | float | Decimal | None = None
    denominator: int | float | Decimal | None = None
    unit: str | None = None
    noun: str | None = None
    qualifier: str | None = None
    sentence: str | None = None
    rule: str | None = None
    # what the figure is about (README, "Fields"; attached by ``about``)
    change: Literal["up", "down"] | None = None
    compared_to: dict | None = None      # {"text", "start", "end"}
    period: dict | None = None           # {"text", "start", "end", "from", "to"}
    subject: dict | None = None          # {"text", "start", "end"}

    def to_dict(self) -> dict:
        """All keys, always, in a stable order (``null`` where one does not apply)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

"""Figures shown in their article on a terminal: each one marked where it stands,
in a colour per kind, with its value and unit beside it.

A journalist checks figures by reading them in place. On a terminal the marks
are colours; in a file or a pipe (or with ``NO_COLOR``) they are plain brackets,
``[[148 buổi đối thoại | count 148 buổi]]``, that survive ``less`` and ``grep``.
The article's own control characters are shown escaped, never sent to the
terminal, and on a terminal lines break between words (``wrap``). ``label`` (a
figure's value and unit, as a reader says them) is what the HTML view shows too.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterator, Sequence

from .figure import KINDS, Figure

# ANSI colour numbers (30 + n foreground) for each kind, in KINDS order
COLOURS = dict(zip(KINDS, (36, 35, 33, 32, 34, 31)))   # cyan, magenta, yellow, green, blue, red
_RESET, _DIM = "\x1b[0m", "\x1b[2m"

_SGR = re.compile("\x1b\\[[0-9;]*m")
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CHANGE_SIGNS = {"up": "↑", "down": "↓"}
_QUALIFIER_SIGNS = {"about": "≈", "over": ">", "under": "<", "at_least": "≥", "at_most": "≤"}


def number(value: int | float | None) -> str:
    """A value as a reader writes it: ``148``, ``12.5``, ``0.5789``; a float that
    is a whole number without its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return f"{value:.4g}" if abs(value) < 1 else f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def label(fig: Figure) -> str:
    """The figure's value and unit in a few characters: ``148 buổi``, ``10–15%``,
    ``11/19``, ``≈3500000000000 VND``, ``×3``; ``↑15%`` for a rise of 15%."""
    if fig.kind == "fraction" and fig.numerator is not None and fig.denominator is not None:
        amount = f"{number(fig.numerator)}/{number(fig.denominator)}"
    else:
        amount = number(fig.value)
        if fig.upper is not None:
            amount += "–" + number(fig.upper)
    if fig.kind == "percent":
        amount += "%"
    elif fig.kind == "multiplier":
        amount = "×" + amount
    if fig.unit and fig.kind != "percent":
        amount += " " + fig.unit
    change = _CHANGE_SIGNS.get(fig.change or "", "")
    return change + _QUALIFIER_SIGNS.get(fig.qualifier or "", "") + amount


def visible(text: str) -> str:
    """``text`` safe to print: line ends made ``\\n``, other control characters
    (an escape sequence hidden in an article) and bidirectional overrides written
    as Python escapes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def placed(figures: Sequence[Figure]) -> Iterator[tuple[int, Figure, bool]]:
    """``(index, figure, marked)`` in text order; a figure overlapping the one
    before is not ``marked`` (its text is already inside a mark) but still listed."""
    end = 0
    for i, fig in sorted(enumerate(figures), key=lambda p: (p[1].start, -p[1].end)):
        marked = fig.start >= end
        if marked:
            end = fig.end
        yield i, fig, marked


def render(text: str, figures: Sequence[Figure], colour: bool, rules: bool = False) -> str:
    """The article with its figures marked (colours when ``colour``, else brackets)."""
    out: list[str] = []
    pos = 0
    for _, fig, marked in placed(figures):
        note = label(fig) + (f" · {fig.rule}" if rules and fig.rule else "")
        if marked:
            out.append(visible(text[pos:fig.start]))
            shown = visible(text[fig.start:fig.end])
            pos = fig.end
        else:
            shown = ""
        if colour:
            code = COLOURS.get(fig.kind, 37)
            if shown:
                out.append(f"\x1b[1;{code};4m{shown}{_RESET}")
            out.append(f"\x1b[{code}m{_DIM}⟨{visible(note)}⟩{_RESET}")
        else:
            out.append(f"[[{shown} | {fig.kind} {visible(note)}]]" if shown
                       else f"[[{fig.kind} {visible(note)}]]")
    out.append(visible(text[pos:]))
    return "".join(out)


def wrap(text: str, width: int) -> str:
    """``text`` (with colour codes) with each line broken at spaces to fit ``width``
    columns, so that a terminal does not cut words in two. Colour codes take no
    room, combining marks none, wide characters two; a word longer than a line
    is left whole."""
    if width < 20:
        return text
    out = []
    for line in text.split("\n"):
        used, pieces = 0, []
        for i, word in enumerate(line.split(" ")):
            size = _columns(word)
            if i and used + 1 + size > width and used:
                pieces.append("\n")
                used = 0
            elif i:
                pieces.append(" ")
                used += 1
            pieces.append(word)
            used += size
        out.append("".join(pieces))
    return "\n".join(out)


def _columns(word: str) -> int:
    word = _SGR.sub("", word)
    if word.isascii():
        return len(word)
    return sum(0 if unicodedata.combining(c) or c in "\u200b\u200c\u200d" else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in word)


def legend(figures: Sequence[Figure], colour: bool) -> str:
    """One line naming the kinds found, how many of each, in their colours."""
    counts = {k: 0 for k in KINDS}
    for fig in figures:
        counts[fig.kind] = counts.get(fig.kind, 0) + 1
    parts = []
    for kind, n in counts.items():
        if n:
            parts.append(f"\x1b[1;{COLOURS.get(kind, 37)}m{kind}{_RESET} {n}" if colour else f"{kind} {n}")
    total = sum(counts.values())
    return f"{total} figure{'' if total == 1 else 's'}" + (": " + ", ".join(parts) if parts else "")

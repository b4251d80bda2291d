"""Reading a rule's pattern for how it is run.

A rule runs over the marked text of the number reader (``reader``) unless its
pattern looks at digits themselves (``needs_digits``); patterns of the first
format are translated first (``translate``). A rule whose matches hold a
number at their start, after at most a lead (``từ``, ``gấp``), is tried only
at numbers: ``anchor`` moves the lead into a lookbehind.
"""
from __future__ import annotations

import re

# what rule files of the first format wrote with digits, as it reads marked
# text: "any number that starts with a digit" is the mark of such numbers
_DIGIT_LED = {r"(?=[-−]?\d)(?:{number})": "{digit_led_number}",
              r"(?=\d)(?:{number})": "{digit_number_mark}",
              r"{year}(?!\d)": "{year}"}          # a year's mark is never followed by a digit


def translate(pattern: str) -> str:
    """A pattern written for the text, as it reads marked text (the idioms above)."""
    for old, new in _DIGIT_LED.items():
        pattern = pattern.replace(old, new)
    return pattern


_NUMBER_GROUP = re.compile(r"\(\?P<(?:num|item|first)>")
_OPENERS = re.compile(r"(?:\((?:\?[:=])?)*$")


def anchor(pattern: str, number_words=frozenset()) -> tuple[str, bool]:
    """A rule's pattern as it is tried at a number: what comes before its first
    number group (``từ``, ``gấp``, a currency sign) moves into a lookbehind
    that captures it as ``_lead``. Returns ``(pattern, True)``, or the pattern
    unchanged and False when its matches need not touch a number at their start."""
    m = _NUMBER_GROUP.search(pattern)
    if m is None or not _starts_with_number(pattern[m.end():], number_words):
        return pattern, False
    head = pattern[:m.start()]
    openers = _OPENERS.search(head).group()
    lead = head[:len(head) - len(openers)]
    rest = pattern[len(lead):]
    if not _balanced(lead) or _top_level_bar(lead) or not _later_alternatives_open(rest):
        return pattern, False
    if _zero_width(lead):
        return pattern, True
    return f"(?<=(?P<_lead>{lead})){rest}", True


def _starts_with_number(body: str, number_words) -> bool:
    """Whether a group's body starts, past its openers, with a block, a digit
    class, a digit or a number word: what a number is written with."""
    body = body[len(_OPENERS_AHEAD.match(body).group()):]
    word = _WORD.match(body)
    return body.startswith(("{", "\\d", "[")) or body[:1].isdigit() or \
        (word is not None and word.group().lower() in number_words)


_OPENERS_AHEAD = re.compile(r"(?:\((?:\?[:=]|\?P<\w+>)?)*")
_WORD = re.compile(r"[^\W\d_]+")


def _groups(pattern: str):
    """(index, character, depth) of each ( ) | outside a class and an escape."""
    i, n, depth, in_class = 0, len(pattern), 0, False
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "^":
                i += 1
            if pattern[i + 1:i + 2] == "]":
                i += 1
        elif ch == "(":
            yield i, ch, depth
            depth += 1
        elif ch == ")":
            depth -= 1
            yield i, ch, depth
        elif ch == "|":
            yield i, ch, depth
        i += 1


def _balanced(pattern: str) -> bool:
    depth = 0
    for _, ch, d in _groups(pattern):
        depth = d + 1 if ch == "(" else d
        if depth < 0:
            return False
    return depth == 0


def _top_level_bar(pattern: str) -> bool:
    return any(ch == "|" and d == 0 for _, ch, d in _groups(pattern))


def _zero_width(pattern: str) -> bool:
    """Whether a (balanced) pattern is only lookarounds, one after another."""
    i = 0
    while i < len(pattern):
        if not pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            return False
        for j, ch, d in _groups(pattern[i:]):
            if ch == ")" and d == 0:
                i += j + 1
                break
    return True


def _later_alternatives_open(rest: str) -> bool:
    """Whether each top-level alternative after the first starts, past its
    lookarounds, with a number group."""
    bars = [i for i, ch, d in _groups(rest) if ch == "|" and d == 0]
    for i in bars:
        alt = rest[i + 1:]
        m = _NUMBER_GROUP.search(alt)
        if m is None:
            return False
        head = alt[:m.start()]
        head = head[:len(head) - len(_OPENERS.search(head).group())]
        if not (_balanced(head) and _zero_width(head)):
            return False
    return True


def needs_digits(pattern: str) -> bool:
    """Whether a pattern looks at digits themselves (a ``\\d``, ``\\p{N}``,
    ``[0-9]`` or a digit written out, not inside a negated class or a
    quantifier): it cannot run on marked text."""
    i, n, negated, in_class = 0, len(pattern), False, False
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if not (in_class and negated) and (
                    nxt == "d" or (nxt in "pP" and pattern[i + 2:i + 4] in ("{N", "{n"))):
                return True
            if nxt in "pPN" and pattern[i + 2:i + 3] == "{":        # \p{Lu}: skip the name
                i = pattern.find("}", i) + 1 or n
                continue
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class, negated = True, pattern[i + 1:i + 2] == "^"
        elif ch == "]" and in_class:
            in_class = False
        elif ch == "{" and not in_class:                              # a quantifier
            i = pattern.find("}", i) + 1 or n
            continue
        elif ch == "(" and not in_class and pattern[i + 1:i + 4] in ("?P<", "?P="):   # a group's name
            i = pattern.find(">" if pattern[i + 3] == "<" else ")", i) + 1 or n
            continue
        elif ch.isdigit() and not (in_class and negated):
            return True
        i += 1
    return False
